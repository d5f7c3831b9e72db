// POLICY_FACTOR_KINDS is compile-checked complete against the one union of login factor kinds
// (src/factor-kinds.ts): a kind added to `LoginFactorKind` and not listed is a type error. These
// are type-level checks (`npm run typecheck` covers this file): each fails to compile when the
// check in src/policy/factor-kind.ts (or the helper it uses) is removed.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { LoginFactorKind } from '../../src/factor-kinds.js';
import { listingEvery } from '../../src/internal/listing-every.js';
import { POLICY_FACTOR_KINDS } from '../../src/policy/index.js';

type Listed = (typeof POLICY_FACTOR_KINDS)[number];

describe('POLICY_FACTOR_KINDS is checked complete at compile time', () => {
  it('keeps the kinds it lists in its type (a checked list, not a plain array), and they are the union', () => {
    // A plain `readonly PolicyFactorKind[]` has `number` for its length: the check below would then
    // say nothing, so the list's own type must be kept.
    expectTypeOf<number extends (typeof POLICY_FACTOR_KINDS)['length'] ? 'plain array' : 'listed kinds'>().toEqualTypeOf<'listed kinds'>();
    expectTypeOf<Listed>().toEqualTypeOf<LoginFactorKind>();
    expect(POLICY_FACTOR_KINDS).toEqual(['webauthn', 'totp', 'backup-codes', 'sms', 'email']);
  });

  it('the checking helper refuses a list that leaves a kind out, and a name outside the union', () => {
    const listEveryLoginKind = listingEvery<LoginFactorKind>();
    // @ts-expect-error 'email' is not listed
    listEveryLoginKind(['webauthn', 'totp', 'backup-codes', 'sms']);
    // @ts-expect-error 'hotp' is no login factor kind
    listEveryLoginKind(['webauthn', 'totp', 'backup-codes', 'sms', 'email', 'hotp']);
    const complete = listEveryLoginKind(['webauthn', 'totp', 'backup-codes', 'sms', 'email']);
    expectTypeOf(complete).toEqualTypeOf<readonly ['webauthn', 'totp', 'backup-codes', 'sms', 'email']>();
    expect(complete).toEqual(['webauthn', 'totp', 'backup-codes', 'sms', 'email']);
  });
});
