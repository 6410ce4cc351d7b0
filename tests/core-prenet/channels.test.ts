import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectChannels } from '../../src/engine/core/channels';
import type { PlanarImage } from '../../src/engine/core/image';

// 3-channel 1 x 2 image: red [1, 2], green [10, 20], blue [0.1, 0.2]
const rgb: PlanarImage = { width: 2, height: 1, channels: 3, data: new Float32Array([1, 2, 10, 20, 0.1, 0.2]) };

test('channels [0, 0] segment the float32 mean of all channels, with an empty second channel', () => {
  // Pixels where NumPy's float32 mean differs from the float64 mean rounded to float32 (561.2691650390625 and
  // 405.37774658203125); values from numpy: np.array(pixels, np.float32).mean(axis=-1).
  const pixels: PlanarImage = {
    width: 2,
    height: 1,
    channels: 3,
    data: new Float32Array([948.64947509765625, 203.4552459716796875, 311.831451416015625, 262.313323974609375, 423.32647705078125, 750.36468505859375]),
  };
  const out = selectChannels(pixels, [0, 0]);
  assert.equal(out.channels, 2);
  assert.deepEqual(Array.from(out.data), [561.26910400390625, 405.377777099609375, 0, 0]);
});

test('channels [2, 3] take green to segment and blue as the nuclear channel', () => {
  assert.deepEqual(Array.from(selectChannels(rgb, [2, 3]).data), Array.from(new Float32Array([10, 20, 0.1, 0.2])));
});

test('a nuclear channel of 0 gives zeros; the same channel may be chosen twice', () => {
  assert.deepEqual(Array.from(selectChannels(rgb, [1, 0]).data), [1, 2, 0, 0]);
  assert.deepEqual(Array.from(selectChannels(rgb, [1, 1]).data), [1, 2, 1, 2]);
});

test('a grayscale image becomes [gray, zeros] whatever channels are chosen, as in Cellpose', () => {
  const gray: PlanarImage = { width: 3, height: 1, channels: 1, data: new Float32Array([5, 6, 7]) };
  assert.deepEqual(Array.from(selectChannels(gray, [0, 0]).data), [5, 6, 7, 0, 0, 0]);
  assert.deepEqual(Array.from(selectChannels(gray, [2, 3]).data), [5, 6, 7, 0, 0, 0]);
});

test('a channel the image lacks is refused with the channels it has', () => {
  const twoChannels: PlanarImage = { width: 1, height: 1, channels: 2, data: new Float32Array([1, 2]) };
  assert.throws(() => selectChannels(twoChannels, [3, 0]), (error: Error & { code?: string }) => {
    assert.equal(error.name, 'InvalidSettingError');
    assert.equal(error.code, 'INVALID_SETTING');
    assert.match(error.message, /Channel 3 \(blue\) was chosen, but this image has only 2 channels \(1 = red, 2 = green\)/);
    return true;
  });
  assert.throws(() => selectChannels(twoChannels, [1, 4]), /Channel 4 was chosen/);
  assert.throws(() => selectChannels(twoChannels, [-1, 0]), { name: 'InvalidSettingError' });
  assert.throws(() => selectChannels(twoChannels, [1.5, 0]), { name: 'InvalidSettingError' });
});
