import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXECUTION_PROVIDERS as engineProviders } from '../../src/engine/backend/types';
import { CELLPOSE_DEFAULTS } from '../../src/engine/pipeline/settings';
import { EXECUTION_PROVIDERS, SEGMENT_DEFAULTS } from '../../src/shared/contract';

// See [Note: contract data types] in src/shared/engineTypes.ts: the compiler checks the shapes, this the lists.
test("the contract's execution providers are the engine's", () => {
  assert.deepEqual(EXECUTION_PROVIDERS, engineProviders);
});

test("the Segment view's reset restores the engine's Cellpose defaults", () => {
  const { flowThreshold, cellprobThreshold, minSize, augment, batchSize } = CELLPOSE_DEFAULTS;
  assert.deepEqual(SEGMENT_DEFAULTS, { flowThreshold, cellprobThreshold, minSize, niter: 0, augment, batchSize });
  assert.equal(CELLPOSE_DEFAULTS.niter, undefined, 'the engine computes niter unless given, which the view says with 0');
});
