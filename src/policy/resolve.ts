/**
 * Asking the app which policies apply to an account.
 * @module
 */
import { MfaError } from '../errors.js';
import type { MfaPolicy, PolicyResolver } from './policy.js';
import { validateMfaPolicies } from './validate-policy.js';

/**
 * Calls the app's {@link PolicyResolver} and validates what it returns. Fails closed: a resolver
 * that throws or rejects becomes `MfaError` `INTERNAL` (with the original as `cause`), never "no
 * policies"; a malformed policy is `INVALID_POLICY`.
 *
 * @example
 * ```ts
 * const policies = await resolveMfaPolicies(resolver, 'acct_1');
 * const decision = evaluateMfaDisable(policies);
 * ```
 */
export async function resolveMfaPolicies(resolver: PolicyResolver, accountId: string): Promise<readonly MfaPolicy[]> {
  if (typeof resolver !== 'function') throw new MfaError('INVALID_ARGUMENT', 'resolver must be a function');
  if (typeof accountId !== 'string' || accountId.length === 0) throw new MfaError('INVALID_ARGUMENT', 'accountId must be a non-empty string');
  let policies: unknown;
  try {
    policies = await resolver(accountId);
  } catch (cause) {
    if (cause instanceof MfaError) throw cause;
    throw new MfaError('INTERNAL', 'the policy resolver failed', { cause });
  }
  return validateMfaPolicies(policies, { inactiveSettings: 'ignore' });
}
