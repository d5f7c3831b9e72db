/**
 * Store conformance: schema versions.
 * @module
 */
import type { MfaFactorRecord } from '../../store/records.js';
import { check, checkRejects, uniqueId } from '../check.js';
import type { AddStoreCase } from './case-context.js';

/** Adds the schema versions cases. */
export function schemaCases(add: AddStoreCase): void {
  add('schema: records with an unknown schema version are refused with STORE_SCHEMA_VERSION', async (store, ctx) => {
    const id = uniqueId('acct');
    const future = { ...ctx.factor(id), v: 2 } as unknown as MfaFactorRecord;
    await checkRejects(() => store.insertFactor(future), 'STORE_SCHEMA_VERSION', 'insertFactor with v=2');
    await checkRejects(
      () => store.putChallenge({ ...ctx.challenge(id), v: 99 } as never),
      'STORE_SCHEMA_VERSION',
      'putChallenge with v=99',
    );
    check((await store.listFactors(id)).length === 0, 'nothing was stored');
  });
}
