// The session factory: explicit providers, and 'auto' falling back to the CPU with reasons a user can read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoProviderOrder, ExecutionProviderError, onnxRuntimeBackend } from '../../src/engine/backend/onnxruntime';
import { prepareNetwork } from '../../src/engine/io/networkFiles';
import { sharedPath } from '../helpers/shared';

const cacheDir = mkdtempSync(join(tmpdir(), 'celldesk-onnx-'));
const demo = sharedPath('models', 'celldesk-demo', 'celldesk-demo.zip.pth');

test('a checkpoint converts once and is then served from the cache', async () => {
  const first = await prepareNetwork(demo, cacheDir);
  const second = await prepareNetwork(demo, cacheDir);
  assert.equal(first.converted, true);
  assert.equal(second.converted, false);
  assert.equal(second.onnxPath, first.onnxPath);
  assert.deepEqual(second.architecture, first.architecture);
  assert.equal(second.architecture.diamMean, 30);
});

test('an ONNX file written by CellDesk describes its own architecture', async () => {
  const { onnxPath } = await prepareNetwork(demo, cacheDir);
  const direct = await prepareNetwork(onnxPath, cacheDir);
  assert.equal(direct.onnxPath, onnxPath);
  assert.ok(Math.abs(direct.architecture.diamLabels - 30.5915) < 1e-3);
});

test('auto ends on a working provider and says why faster ones were skipped', async () => {
  const { onnxPath } = await prepareNetwork(demo, cacheDir);
  const session = await onnxRuntimeBackend.createSession({ model: onnxPath, provider: 'auto' });
  try {
    const order = autoProviderOrder(process.platform);
    const skipped = order.slice(0, order.indexOf(session.executionProvider));
    assert.deepEqual(session.fallbackReasons.map((f) => f.provider), skipped);
    for (const failure of session.fallbackReasons) assert.ok(failure.reason.length > 0);
  } finally {
    await session.release();
  }
});

test('a provider this platform cannot have is refused with the reason', async () => {
  const { onnxPath } = await prepareNetwork(demo, cacheDir);
  const foreign = process.platform === 'darwin' ? 'dml' : 'coreml';
  await assert.rejects(onnxRuntimeBackend.createSession({ model: onnxPath, provider: foreign }), (error: unknown) => {
    assert.ok(error instanceof ExecutionProviderError);
    assert.match(error.message, new RegExp(`${foreign} \\(not available on ${process.platform}\\)`));
    return true;
  });
});

test('a file that is not a model is refused with its name', async () => {
  const notAModel = sharedPath('images', 'neurips22-cellseg', 'cell_00849.png');
  await assert.rejects(prepareNetwork(notAModel, cacheDir), /cell_00849\.png is neither a Cellpose\/PyTorch checkpoint nor an \.onnx model/);
});
