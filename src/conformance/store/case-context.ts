/**
 * What every store-level conformance case gets: the store under test and a case context (the time
 * the case started and record builders at that time).
 * @module
 */
import type { MfaStore } from '../../store/contract.js';
import type { recordBuilders } from '../records.js';

type Builders = ReturnType<typeof recordBuilders>;

/**
 * A case's context. Each case reads the clock once when it starts (`T0`), so stores that also
 * expire data by wall-clock time (Redis TTLs) agree with the times the case passes in. Within a
 * case, time only moves forward, so stores may delete expired records lazily on read.
 */
export interface StoreCaseContext {
  /** The clock reading when the case started (ms since the epoch). */
  readonly T0: number;
  readonly account: Builders['account'];
  readonly factor: Builders['factor'];
  readonly enrolment: Builders['enrolment'];
  readonly factorFrom: Builders['factorFrom'];
  readonly backupCodes: Builders['backupCodes'];
  readonly challenge: Builders['challenge'];
}

/** Registers one store-level case. */
export type AddStoreCase = (name: string, body: (store: MfaStore, context: StoreCaseContext) => Promise<void>) => void;
