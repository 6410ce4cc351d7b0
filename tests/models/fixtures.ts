// Test helper: the demo checkpoint as a catalogue model, and a fresh CellDesk data folder per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { CatalogueEntry, SupportedModel } from '../../src/engine/models/catalogue';
import { ModelManager, type ModelManagerOptions } from '../../src/engine/models/modelManager';
import { sharedPath } from '../helpers/shared';

export const DEMO_DIR = sharedPath('models', 'celldesk-demo');
export const DEMO_CHECKPOINT = join(DEMO_DIR, 'celldesk-demo.zip.pth');
export const DEMO_SIZE_MODEL = join(DEMO_DIR, 'celldesk-demo_size.npy');
export const DEMO_BYTES = 26_555_933;
export const DEMO_SHA256 = '0d675ebf9a03c58cd5573500afc1bd0e62d103ec8b93dacba5bea89ece088534';
export const DEMO_SIZE_SHA256 = '4cd20301b040e89ba1cbb73feb8022c67680fe583fa445e3a28ba3e42dcbe17d';

/** `demo` as official Cellpose would publish it: checkpoint and size model with known sizes and hashes. */
export const DEMO_ENTRY: SupportedModel = {
  name: 'demo',
  supported: true,
  description: 'CellDesk demo checkpoint',
  checkpoint: { file: 'celldesk-demo.zip.pth', bytes: DEMO_BYTES, sha256: DEMO_SHA256 },
  sizeModel: { file: 'celldesk-demo_size.npy', bytes: 3_627, sha256: DEMO_SIZE_SHA256 },
  diamMean: 30,
};

export const TEST_CATALOGUE: readonly CatalogueEntry[] = [
  DEMO_ENTRY,
  { name: 'transformer_demo', supported: false, description: 'not a CPnet', file: 'transformer_demo', reason: 'it is a transformer' },
];

/** What the server offers: the demo files under their catalogue names. */
export const DEMO_FILES = { 'celldesk-demo.zip.pth': DEMO_CHECKPOINT, 'celldesk-demo_size.npy': DEMO_SIZE_MODEL };

/** An empty temporary folder, deleted after the test. */
export function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `celldesk-${prefix}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A manager with a fresh CELLDESK_HOME and an empty Cellpose folder, unless the options say otherwise; closed after
 * the test.
 */
export function testManager(t: TestContext, options: ModelManagerOptions = {}): ModelManager {
  const { env, ...rest } = options;
  const manager = new ModelManager({
    catalogue: TEST_CATALOGUE,
    ...rest,
    env: { CELLDESK_HOME: tempDir(t, 'home'), CELLPOSE_LOCAL_MODELS_PATH: tempDir(t, 'cellpose'), ...env },
  });
  t.after(() => manager.close());
  return manager;
}
