// Issue 2 acceptance: the converted demo checkpoint reproduces official Cellpose's network outputs on CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertCheckpoint } from '../../src/engine/onnx/convertCheckpoint';
import { onnxRuntimeBackend } from '../../src/engine/backend/onnxruntime';
import { loadSharedNpy, readShared } from '../helpers/shared';

const CASES = ['tile224', 'batch3_224', 'odd_160x208'];

function errors(actual: Float32Array, expected: Float32Array): { max: number; mean: number } {
  assert.equal(actual.length, expected.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (d > max) max = d;
    sum += d;
  }
  return { max, mean: sum / expected.length };
}

for (const format of ['zip', 'legacy']) {
  test(`the ${format}-format demo checkpoint, converted to ONNX, reproduces official flows and styles`, async () => {
    const { onnx } = convertCheckpoint(readShared('models', 'celldesk-demo', `celldesk-demo.${format}.pth`));
    const session = await onnxRuntimeBackend.createSession({ model: onnx, provider: 'cpu' });
    try {
      for (const name of CASES) {
        const input = loadSharedNpy('reference', `net.${name}.input.npy`);
        const [n, channels, height, width] = input.shape as [number, number, number, number];
        assert.equal(channels, 2);
        const output = await session.run(input.data, n, height, width);
        const flows = errors(output.flows, loadSharedNpy('reference', `net.${name}.flows.npy`).data);
        const style = errors(output.style, loadSharedNpy('reference', `net.${name}.style.npy`).data);
        assert.ok(flows.max <= 1e-4 && flows.mean <= 1e-6, `${name} flows: max ${flows.max}, mean ${flows.mean}`);
        assert.ok(style.max <= 1e-4 && style.mean <= 1e-6, `${name} style: max ${style.max}, mean ${style.mean}`);
      }
    } finally {
      await session.release();
    }
  });
}

test('converting the same checkpoint twice gives byte-identical ONNX files', () => {
  const bytes = readShared('models', 'celldesk-demo', 'celldesk-demo.zip.pth');
  const first = convertCheckpoint(bytes).onnx;
  const second = convertCheckpoint(bytes).onnx;
  assert.ok(Buffer.from(first).equals(Buffer.from(second)));
});

test('both checkpoint formats convert to the same ONNX model', () => {
  const zip = convertCheckpoint(readShared('models', 'celldesk-demo', 'celldesk-demo.zip.pth'));
  const legacy = convertCheckpoint(readShared('models', 'celldesk-demo', 'celldesk-demo.legacy.pth'));
  assert.notEqual(zip.sha256, legacy.sha256);
  assert.deepEqual(zip.architecture, legacy.architecture);
  // Only the recorded source hash differs; the graph and weights are the same size.
  assert.equal(zip.onnx.length, legacy.onnx.length);
});

test('the style-only model gives the same style as the full network', async () => {
  const converted = convertCheckpoint(readShared('models', 'celldesk-demo', 'celldesk-demo.zip.pth'));
  assert.ok(converted.styleOnnx.length < converted.onnx.length / 2);
  const styleSession = await onnxRuntimeBackend.createSession({ model: converted.styleOnnx, provider: 'cpu' });
  try {
    const input = loadSharedNpy('reference', 'net.batch3_224.input.npy');
    const [n, , height, width] = input.shape as [number, number, number, number];
    const style = errors(await styleSession.runStyle(input.data, n, height, width), loadSharedNpy('reference', 'net.batch3_224.style.npy').data);
    assert.ok(style.max <= 1e-4 && style.mean <= 1e-6, `style: max ${style.max}, mean ${style.mean}`);
  } finally {
    await styleSession.release();
  }
});
