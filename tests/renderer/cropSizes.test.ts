// Reading the Benchmark view's crop sizes field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCropSizes } from '../../src/shared/bench/cropSizes';

test('crop sizes are read as pixel sides and "full", separated by commas or spaces', () => {
  assert.deepEqual(parseCropSizes(' 224, 448  896,Full '), { ok: true, sizes: [224, 448, 896, 'full'] });
});

test('an empty field leaves the sizes to the engine (the published protocol)', () => {
  assert.deepEqual(parseCropSizes('  '), { ok: true, sizes: null });
});

test('a size that is not a whole number from 16, or one listed twice, is refused with a reason', () => {
  for (const text of ['224, 12', '224.5', 'big', '-224']) {
    const result = parseCropSizes(text);
    assert.equal(result.ok, false, text);
    assert.match(!result.ok ? result.message : '', /is not a crop size: give sides in pixels from 16/);
  }
  assert.deepEqual(parseCropSizes('224 448 224'), { ok: false, message: 'The crop size 224 is listed twice.' });
});
