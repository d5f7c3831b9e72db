/**
 * Checks the factor list given to the policy functions.
 * @module
 */
import { MfaError } from '../errors.js';
import type { PolicyFactor } from './policy.js';

function optionalTime(value: unknown, where: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw new MfaError('INVALID_ARGUMENT', `${where} must be a finite number of milliseconds`);
  }
}

/** Throws `MfaError` `INVALID_ARGUMENT` unless `factors` is an array of factors with unique ids. @internal */
export function checkPolicyFactors(factors: readonly PolicyFactor[]): readonly PolicyFactor[] {
  if (!Array.isArray(factors)) throw new MfaError('INVALID_ARGUMENT', 'factors must be an array');
  const ids = new Set<string>();
  factors.forEach((factor: unknown, index) => {
    const where = `factors[${index}]`;
    if (typeof factor !== 'object' || factor === null) throw new MfaError('INVALID_ARGUMENT', `${where} must be an object`);
    const { id, kind, createdAt, lastUsedAt } = factor as Record<string, unknown>;
    if (typeof id !== 'string' || id.length === 0) throw new MfaError('INVALID_ARGUMENT', `${where}.id must be a non-empty string`);
    if (typeof kind !== 'string') throw new MfaError('INVALID_ARGUMENT', `${where}.kind must be a string`);
    optionalTime(createdAt, `${where}.createdAt`);
    optionalTime(lastUsedAt, `${where}.lastUsedAt`);
    if (ids.has(id)) throw new MfaError('INVALID_ARGUMENT', `${where}.id "${id}" is not unique`);
    ids.add(id);
  });
  return factors;
}
