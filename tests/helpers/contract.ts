// Test helper: results checked against the contract's result schemas, which the app does not check at run time
// (see [Note: contract data types]); a field the schema lacks would be dropped by parsing, so it fails too.
import assert from 'node:assert/strict';
import type { EngineService } from '../../src/engine/service/engineService';
import { contract, type CallInput, type CallName, type CallResult, type EngineCall } from '../../src/shared/contract';

/** Asserts that `value` is what the contract declares `name` answers, to the field. */
export function assertContractResult<K extends CallName>(name: K, value: CallResult<K>): CallResult<K> {
  const parsed = contract[name].result.safeParse(value);
  assert.ok(parsed.success, `${name} answered outside its schema: ${parsed.error?.message}`);
  assert.deepEqual(parsed.data, value, `${name} answered fields its schema does not declare`);
  return value;
}

/** The engine service's `call`, each result checked against the contract. */
export function checkedCalls(service: EngineService) {
  return async <K extends EngineCall>(name: K, input: CallInput<K>): Promise<CallResult<K>> => assertContractResult(name, await service.call(name, input));
}
