import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidSettingError } from '../../src/engine/errors';
import { averagePrecision, countMasks, matchMasks, pixelAgreement } from '../../src/engine/core/metrics';

/** A 1-row label image from a string: digits are labels, '.' is background. */
function row(text: string): Uint32Array {
  return Uint32Array.from(text, (ch) => (ch === '.' ? 0 : Number(ch)));
}

test('identical masks have AP 1 at any threshold, whatever their label numbers', () => {
  const truth = row('111..222..33333');
  const renumbered = row('333..111..22222');
  for (const threshold of [0.5, 0.75, 1]) {
    assert.deepEqual(averagePrecision(truth, renumbered, threshold), { ap: 1, tp: 3, fp: 0, fn: 0 });
  }
  assert.equal(pixelAgreement(truth, renumbered), 1);
});

test('disjoint masks have AP 0', () => {
  const truth = row('111......222...');
  const predicted = row('...111......22.');
  assert.deepEqual(averagePrecision(truth, predicted, 0.5), { ap: 0, tp: 0, fp: 2, fn: 2 });
  assert.equal(pixelAgreement(truth, predicted), 4 / 15);
});

test('a true positive needs IoU at the threshold; misses and extras count against AP', () => {
  // Mask 1 vs a: IoU 3/4; mask 2 has no partner; b is extra.
  const truth = row('1111..22......');
  const predicted = row('.111.......22.');
  const at50 = averagePrecision(truth, predicted, 0.5);
  assert.deepEqual(at50, { ap: Math.fround(1 / 3), tp: 1, fp: 1, fn: 1 });
  assert.equal(averagePrecision(truth, predicted, 0.8).tp, 0);
  assert.deepEqual(matchMasks(truth, predicted), [{ truth: 1, predicted: 1, iou: 0.75 }]);
});

test('below IoU 0.5 the matching is one-to-one and as large as possible, as linear_sum_assignment gives', () => {
  // Truth 1 overlaps prediction 1 (IoU 0.375) and 2 (0.5); truth 2 only prediction 1 (0.333). Pairing truth 1
  // with its first candidate would leave truth 2 alone; the maximum pairs truth 1 with 2 and truth 2 with 1.
  const truth = row('222111111');
  const predicted = row('.11111222');
  assert.equal(averagePrecision(truth, predicted, 0.3).tp, 2);
});

test('mask counts are the number of distinct labels; AP uses the largest label, as Cellpose does', () => {
  const gappy = row('5..5..9');
  assert.equal(countMasks(gappy), 2);
  assert.equal(averagePrecision(gappy, gappy, 0.5).fn, 9 - 2);
});

test('comparisons need images of the same size and a threshold in (0, 1]', () => {
  assert.throws(() => pixelAgreement(row('11'), row('111')), InvalidSettingError);
  assert.throws(() => averagePrecision(row('11'), row('11'), 0), /IoU threshold/);
});
