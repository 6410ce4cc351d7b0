// `celldesk models list | download | import | remove`, run in-process against a real server and real folders.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main';
import { startModelServer } from './modelServer';
import { DEMO_CHECKPOINT, DEMO_SHA256, DEMO_SIZE_MODEL, tempDir } from './fixtures';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(env: NodeJS.ProcessEnv): (...argv: string[]) => Promise<Run> {
  return async (...argv) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
    stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
    const code = await runCli(argv, { stdout, stderr, env });
    return { code, stdout: Buffer.concat(chunks.stdout).toString(), stderr: Buffer.concat(chunks.stderr).toString() };
  };
}

function environment(t: TestContext, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { CELLDESK_HOME: tempDir(t, 'home'), CELLPOSE_LOCAL_MODELS_PATH: tempDir(t, 'cellpose'), ...extra };
}

test('models download fetches a catalogue model from the mirror in CELLDESK_MODEL_URL, then lists it', async (t) => {
  // The demo checkpoint stands in for cyto2_cp3, a catalogue model without a published hash.
  const server = await startModelServer({ cyto2_cp3: DEMO_CHECKPOINT });
  t.after(() => server.close());
  const run = cli(environment(t, { CELLDESK_MODEL_URL: server.url }));

  const downloaded = await run('models', 'download', 'cyto2_cp3');
  assert.equal(downloaded.code, 0, downloaded.stderr);
  assert.match(downloaded.stdout, new RegExp(`^Downloaded: cyto2_cp3 -> .*cyto2_cp3 \\(sha256 ${DEMO_SHA256}\\)\\n$`));
  assert.match((await run('models', 'download', 'cyto2_cp3')).stdout, /^Already here: cyto2_cp3/);
  assert.equal(server.requests.length, 1);

  const listed = await run('models', 'list');
  assert.equal(listed.code, 0);
  const lines = listed.stdout.split('\n');
  assert.match(lines[0]!, /^NAME\s+WHERE\s+DIAM\s+SIZE MODEL\s+ONNX\s+SHA256$/);
  assert.match(listed.stdout, new RegExp(`\\ncyto2_cp3\\s+downloaded\\s+30\\s+no\\s+no\\s+${DEMO_SHA256.slice(0, 12)}\\n`));
  assert.match(listed.stdout, /\ncyto3\s+not downloaded\n/);
  assert.match(listed.stdout, /\ntransformer_cp3 is not supported: it is a transformer network/);
});

test('models import, list --json and remove manage a user model', async (t) => {
  const folder = tempDir(t, 'trained');
  symlinkSync(DEMO_CHECKPOINT, join(folder, 'CP_lab'));
  symlinkSync(DEMO_SIZE_MODEL, join(folder, 'CP_lab_size.npy'));
  const run = cli(environment(t));

  const imported = await run('models', 'import', join(folder, 'CP_lab'), '--name', 'lab');
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /^Imported "lab" \(checkpoint, diam_mean 30, size model yes\)\nStored at .*CP_lab\n$/);

  const listed = JSON.parse((await run('models', 'list', '--json')).stdout) as { models: { name: string; record: { sha256: string } | null }[] };
  assert.equal(listed.models.find((m) => m.name === 'lab')?.record?.sha256, DEMO_SHA256);

  assert.match((await run('models', 'remove', 'lab')).stdout, /^Removed "lab" and deleted /);
  const again = await run('models', 'remove', 'lab');
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^celldesk models: There is no model called "lab"\./);
});

test('models list names what in the Cellpose folder cannot be used, and download offline says what to do', async (t) => {
  const env = environment(t, { CELLDESK_MODEL_URL: 'http://127.0.0.1:9/models/' });
  writeFileSync(join(env.CELLPOSE_LOCAL_MODELS_PATH!, 'gui_models.txt'), 'CP_missing\n');
  const run = cli(env);

  const listed = await run('models', 'list');
  assert.equal(listed.code, 0);
  assert.match(listed.stderr, /Not used from the Cellpose folder: .*CP_missing: listed in gui_models\.txt, but the file is not there/);

  const offline = await run('models', 'download', 'cyto3');
  assert.equal(offline.code, 1);
  assert.match(offline.stderr, /could not download cyto3 from http:\/\/127\.0\.0\.1:9\/models\/cyto3/);
  assert.match(offline.stderr, /save the file as .*models\/cyto3/);
});

test('bad arguments print the usage', async (t) => {
  const run = cli(environment(t));
  const missing = await run('models', 'import');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Usage: celldesk models import <file> \[--name N\]/);
  assert.match((await run('models', 'list', '--verbose')).stderr, /Unknown option '--verbose'/);
});
