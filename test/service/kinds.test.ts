// The factor-kind registry (src/service/kinds/): one definition per login kind of the one union
// (src/factor-kinds.ts), and `verify` typed and checked from it.
import { describe, expect, expectTypeOf, test } from 'vitest';
import { POLICY_FACTOR_KINDS, type PolicyFactorKind } from '../../src/policy/index.js';
import type { CodeFactorKind, LoginFactorKind, MfaFactorKind, MfaVerifyResult } from '../../src/service/index.js';
import { CODE_FACTOR_KINDS, FACTOR_KINDS, factorKind } from '../../src/service/kinds/registry.js';
import { enrolApp, harness } from './helpers.js';

describe('factor-kind registry', () => {
  test('defines every login kind once, the ones the policy module rates', () => {
    const kinds = FACTOR_KINDS.map((d) => d.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect([...kinds].sort()).toEqual([...POLICY_FACTOR_KINDS].sort());
    expect(CODE_FACTOR_KINDS).toEqual(['totp', 'backup-codes', 'email', 'sms']);
    expect(factorKind('hotp')).toBeUndefined();
    expect(factorKind('ssh-key')).toBeUndefined();
  });

  test('one union: the policy, storage and verify types are built from it', () => {
    expectTypeOf<PolicyFactorKind>().toEqualTypeOf<LoginFactorKind>();
    expectTypeOf<LoginFactorKind>().toMatchTypeOf<MfaFactorKind>();
    expectTypeOf<CodeFactorKind>().toEqualTypeOf<'totp' | 'backup-codes' | 'email' | 'sms'>();
    // A successful verify names the kind that verified, from the same union.
    expectTypeOf<Extract<MfaVerifyResult, { ok: true }>['kind']>().toEqualTypeOf<CodeFactorKind>();
  });

  test('verify refuses a kind the registry has no code check for, naming the ones it has', async () => {
    const h = harness();
    const { app } = await enrolApp(h, 'user-1');
    for (const kind of ['webauthn', 'hotp', 'ssh-key']) {
      await expect(h.service.verify('user-1', '123456', { kind: kind as CodeFactorKind })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('totp, backup-codes, email, sms'),
      });
    }
    h.clock.advance(30_000);
    const result = await h.service.verify('user-1', app.code(), { kind: 'totp' });
    expect(result).toMatchObject({ ok: true, kind: 'totp' });
  });
});
