// A damaged .onnx file is refused with a typed error wherever it is read (import, or use by path), and an ONNX
// file whose CellDesk description holds impossible numbers is refused rather than used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareNetwork } from '../../src/engine/io/networkFiles';
import { convertCheckpoint, readOnnxArchitecture } from '../../src/engine/onnx/convertCheckpoint';
import { ModelProto } from '../../src/engine/onnx/onnxSchema';
import { tempDir } from '../helpers/cli';
import { readShared, sharedPath } from '../helpers/shared';
import { rejectsWithCode } from '../helpers/errors';

// A copy: the converter gives a Node Buffer, whose slice() would be a view of it.
const onnx = new Uint8Array(convertCheckpoint(readShared('models', 'celldesk-demo', 'celldesk-demo.zip.pth')).onnx);

function refused(pattern: RegExp) {
  return (error: unknown) => error instanceof Error && 'code' in error && error.code === 'FILE_FORMAT' && pattern.test(error.message);
}

test('damaged ONNX bytes are a typed error, not protobuf\'s own (found by fuzzing: "index out of range", invalid UTF-8)', async () => {
  assert.throws(() => readOnnxArchitecture(onnx.subarray(0, 4438)), refused(/not a readable ONNX model/));
  const flipped = onnx.slice();
  flipped[3549] = 0xff;
  flipped[3550] = 0xfe;
  assert.throws(() => readOnnxArchitecture(flipped), refused(/not a readable ONNX model/));
  const file = join(tempDir('damaged-onnx'), 'model.onnx');
  writeFileSync(file, onnx.subarray(0, 4438));
  await rejectsWithCode(prepareNetwork(file, tempDir('damaged-onnx-cache')), 'FILE_FORMAT');
});

test("an ONNX model whose CellDesk description says diameter 0 or a channel count of NaN is refused", () => {
  const model = ModelProto.decode(onnx) as unknown as { metadataProps: { key: string; value: string }[] };
  for (const [key, value] of [['cellpose.diam_mean', '0'], ['cellpose.nbase', '2,32,x,128,256'], ['cellpose.nout', '-3']]) {
    const props = model.metadataProps.map((p) => (p.key === key ? { key, value } : p));
    const bytes = ModelProto.encode({ ...model, metadataProps: props } as never).finish();
    assert.throws(() => readOnnxArchitecture(bytes), refused(/description is damaged/), key);
  }
});

test("a damaged record in CellDesk's conversion cache is converted again rather than failing the model", { timeout: 120_000 }, async () => {
  const cache = tempDir('damaged-cache');
  const checkpoint = sharedPath('models', 'celldesk-demo', 'celldesk-demo.zip.pth');
  const first = await prepareNetwork(checkpoint, cache);
  const record = join(cache, `${first.sha256}.json`);
  for (const damage of ['{"architecture": ', '{"architecture": {"diamMean": 0}}', 'null']) {
    writeFileSync(record, damage);
    const again = await prepareNetwork(checkpoint, cache);
    assert.equal(again.converted, true, damage);
    assert.deepEqual(again.architecture, first.architecture);
  }
});
