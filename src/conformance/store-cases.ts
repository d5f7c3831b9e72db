/**
 * Store-level conformance cases: each guarantee of the storage contract, races included, one file
 * per area in `store/`.
 * @module
 */
import type { Clock } from '../clock.js';
import { recordBuilders } from './records.js';
import { accountsCases } from './store/accounts.js';
import { backupCodesCases } from './store/backup-codes.js';
import type { AddStoreCase } from './store/case-context.js';
import { challengesCases } from './store/challenges.js';
import { clockSkewCases } from './store/clock-skew.js';
import { countersCases } from './store/counters.js';
import { credentialIdCases } from './store/credential-ids.js';
import { enrolmentsCases } from './store/enrolments.js';
import { factorsCases } from './store/factors.js';
import { loginFactorRemovalCases } from './store/login-factor-removal.js';
import { schemaCases } from './store/schema.js';
import type { ConformanceCase, StoreFactory } from './types.js';

/** The store-level cases (no service involved). */
export function storeLevelCases(makeStore: StoreFactory, now: Clock): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const add: AddStoreCase = (name, body) => {
    cases.push({
      name,
      run: async () => {
        const T0 = Math.floor(now());
        await body(await makeStore(), { T0, ...recordBuilders(T0) });
      },
    });
  };
  for (const area of [accountsCases, schemaCases, factorsCases, enrolmentsCases, backupCodesCases, challengesCases, countersCases, clockSkewCases, loginFactorRemovalCases, credentialIdCases]) area(add);
  return cases;
}
