import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXECUTION_PROVIDERS as engineProviders } from '../../src/engine/backend/types';
import { EXPORT_FORMATS as engineFormats } from '../../src/engine/service/types';
import { EXECUTION_PROVIDERS, EXPORT_FORMATS } from '../../src/shared/contract';

// See [Note: contract data types] in src/shared/engineTypes.ts: the compiler checks the shapes, this the lists.
test("the contract's execution providers and export formats are the engine's", () => {
  assert.deepEqual(EXECUTION_PROVIDERS, engineProviders);
  assert.deepEqual(EXPORT_FORMATS, engineFormats);
});
