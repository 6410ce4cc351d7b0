// The official catalogue: file names as Cellpose 3.0.11 resolves them, and published sizes and hashes as recorded in
// ../shared/DATA-SOURCES.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CATALOGUE, findCatalogueEntry, type SupportedModel } from '../../src/engine/models/catalogue';
import { modelBaseUrl, modelFileUrl } from '../../src/engine/models/download';
import { sharedPath } from '../helpers/shared';

function supported(name: string): SupportedModel {
  const entry = findCatalogueEntry(CATALOGUE, name);
  assert.ok(entry?.supported, `${name} is a supported catalogue model`);
  return entry;
}

test('model names map to the files official Cellpose downloads, with their size models', () => {
  const files = Object.fromEntries(
    ['cyto3', 'nuclei', 'cyto2', 'cyto'].map((name) => [name, [supported(name).checkpoint.file, supported(name).sizeModel?.file]]),
  );
  assert.deepEqual(files, {
    cyto3: ['cyto3', 'size_cyto3.npy'],
    nuclei: ['nucleitorch_0', 'size_nucleitorch_0.npy'],
    cyto2: ['cyto2torch_0', 'size_cyto2torch_0.npy'],
    cyto: ['cytotorch_0', 'size_cytotorch_0.npy'],
  });
  const cp3 = ['cyto2_cp3', 'tissuenet_cp3', 'livecell_cp3', 'yeast_PhC_cp3', 'yeast_BF_cp3', 'bact_phase_cp3',
    'bact_fluor_cp3', 'deepbacs_cp3', 'neurips_cellpose_default', 'neurips_grayscale_cyto2'];
  for (const name of cp3) {
    assert.equal(supported(name).checkpoint.file, name);
    assert.equal(supported(name).sizeModel, null);
  }
});

test('built-in models use 17 px for nuclei and 30 px for every other model', () => {
  for (const entry of CATALOGUE) {
    if (entry.supported) assert.equal(entry.diamMean, entry.name === 'nuclei' ? 17 : 30, entry.name);
  }
});

test('the transformer models are listed as unsupported, with the reason', () => {
  const unsupported = CATALOGUE.filter((entry) => !entry.supported);
  assert.deepEqual(unsupported.map((entry) => entry.name), ['transformer_cp3', 'neurips_cellpose_transformer']);
  for (const entry of unsupported) if (!entry.supported) assert.match(entry.reason, /not the Cellpose U-net \(CPnet\)/);
});

test('published sizes and sha256 are those of DATA-SOURCES.md', () => {
  const table = readFileSync(sharedPath('DATA-SOURCES.md'), 'utf8');
  const published = new Map<string, { bytes: number; sha256: string }>();
  for (const match of table.matchAll(/^\| (\S+) \| ([\d,]+) \| ([0-9a-f]{64}) \|$/gm)) {
    published.set(match[1]!, { bytes: Number(match[2]!.replaceAll(',', '')), sha256: match[3]! });
  }
  assert.equal(published.size, 4);
  const files = CATALOGUE.flatMap((entry) => (entry.supported ? [entry.checkpoint, entry.sizeModel] : []));
  for (const [file, facts] of published) {
    const known = files.find((f) => f?.file === file);
    assert.deepEqual({ bytes: known?.bytes, sha256: known?.sha256 }, facts, file);
  }
  assert.equal(files.filter((f) => f?.sha256 !== undefined).length, published.size);
});

test('the model server is cellpose.org unless an option or CELLDESK_MODEL_URL names a mirror', () => {
  assert.equal(modelFileUrl(modelBaseUrl(undefined, {}), 'cyto3'), 'https://www.cellpose.org/models/cyto3');
  assert.equal(modelFileUrl(modelBaseUrl(undefined, { CELLDESK_MODEL_URL: 'http://mirror.lab/cp' }), 'cyto3'), 'http://mirror.lab/cp/cyto3');
  assert.equal(modelBaseUrl('http://option/', { CELLDESK_MODEL_URL: 'http://env/' }), 'http://option/');
});
