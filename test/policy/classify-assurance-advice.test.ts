import { describe, expect, it } from 'vitest';
import {
  adviseMfaAccount,
  assessAccountAssurance,
  classifyFactorsForPolicies,
  combineMfaPolicies,
  factorKindAssurance,
  isPolicyFactorKind,
  POLICY_FACTOR_KINDS,
  type MfaPolicy,
  type PolicyFactor,
} from '../../src/policy/index.js';
import { acme, codes, DAY, email, globex, hotp, key2, requireAll, sms, sshKey, T0, totp, webauthn } from './fixtures.js';

describe('factor kinds', () => {
  it.each([
    ['webauthn', 'phishing-resistant', true],
    ['totp', 'multi-factor', true],
    // HOTP is no service factor (dropped in 0.x): a stored 'hotp' factor is an unknown kind.
    ['hotp', 'low', false],
    ['backup-codes', 'multi-factor', false],
    ['sms', 'low', true],
    ['email', 'low', true],
    ['ssh-key', 'low', false],
    ['phone', 'low', false],
  ] as const)('%s: %s, counts %s', (kind, level, counts) => {
    expect(factorKindAssurance(kind)).toMatchObject({ level, countsAsFactor: counts });
    expect(isPolicyFactorKind(kind)).toBe(kind !== 'ssh-key' && kind !== 'phone' && kind !== 'hotp');
  });
  it('lists five kinds and does not treat prototype keys as kinds', () => {
    expect(POLICY_FACTOR_KINDS).toEqual(['webauthn', 'totp', 'backup-codes', 'sms', 'email']);
    expect(isPolicyFactorKind('toString')).toBe(false);
    expect(isPolicyFactorKind('__proto__')).toBe(false);
  });
});

describe('classifyFactorsForPolicies', () => {
  const rows: { name: string; policies: MfaPolicy[]; factors: PolicyFactor[]; satisfying: string[]; counting: string[]; reasons: Record<string, string[]> }[] = [
    { name: 'no policies', policies: [], factors: [totp, sms, codes], satisfying: ['app', 'phone', 'codes'], counting: ['app', 'phone'], reasons: { codes: ['recovery-only'] } },
    {
      name: 'phishing-resistant policy',
      policies: [requireAll(acme, { allowedKinds: ['webauthn'] })],
      factors: [webauthn, email, totp],
      satisfying: ['key'],
      counting: ['key'],
      reasons: { mail: ['kind-not-allowed'], app: ['kind-not-allowed'] },
    },
    {
      name: 'low assurance excluded by one, kinds by another',
      policies: [requireAll(acme, { excludeLowAssurance: true }), requireAll(globex, { allowedKinds: ['totp', 'sms'] })],
      factors: [sms, totp, hotp],
      satisfying: ['app'],
      counting: ['app'],
      reasons: { phone: ['low-assurance-excluded'], token: ['unknown-kind', 'kind-not-allowed', 'low-assurance-excluded'] },
    },
    { name: 'unknown kind', policies: [], factors: [sshKey], satisfying: [], counting: [], reasons: { ssh: ['unknown-kind'] } },
    {
      name: 'unknown kind under restrictions: every reason',
      policies: [requireAll(acme, { allowedKinds: ['totp'], excludeLowAssurance: true })],
      factors: [sshKey],
      satisfying: [],
      counting: [],
      reasons: { ssh: ['unknown-kind', 'kind-not-allowed', 'low-assurance-excluded'] },
    },
  ];
  it.each(rows)('$name', ({ policies, factors, satisfying, counting, reasons }) => {
    const result = classifyFactorsForPolicies(policies, factors);
    expect(result.satisfying.map((f) => f.id)).toEqual(satisfying);
    expect(result.counting.map((f) => f.id)).toEqual(counting);
    expect(result.notSatisfying.map((f) => f.id)).toEqual(factors.filter((f) => !satisfying.includes(f.id)).map((f) => f.id));
    for (const entry of result.factors) {
      expect(entry.reasons.map((r) => r.code)).toEqual(reasons[entry.factor.id] ?? []);
    }
  });

  it('names the owners behind a reason', () => {
    const result = classifyFactorsForPolicies([requireAll(globex, { allowedKinds: ['webauthn'] }), requireAll(acme, { allowedKinds: ['webauthn'] })], [email]);
    const reason = result.factors[0]!.reasons[0]!;
    expect(reason.code).toBe('kind-not-allowed');
    expect('owners' in reason ? reason.owners.map((o) => o.name) : []).toEqual(['Acme', 'Globex']);
  });

  it('combineMfaPolicies reports conflicts as unsatisfiable', () => {
    const effective = combineMfaPolicies([requireAll(acme, { allowedKinds: ['webauthn'] }), requireAll(globex, { allowedKinds: ['totp', 'backup-codes'] })]);
    expect(effective.allowedKinds).toEqual([]);
    expect(effective.satisfiable).toBe(false);
    expect(combineMfaPolicies([requireAll(acme, { minFactors: 3 }), requireAll(globex, { minFactors: 2 })]).minFactors).toBe(3);
    expect(combineMfaPolicies([]).minFactors).toBe(0);
  });
});

describe('assessAccountAssurance', () => {
  const rows: { name: string; factors: PolicyFactor[]; level: string; weakest: string[] }[] = [
    { name: 'no factors', factors: [], level: 'none', weakest: [] },
    { name: 'one security key', factors: [webauthn], level: 'phishing-resistant', weakest: ['key'] },
    { name: 'two security keys', factors: [webauthn, key2], level: 'phishing-resistant', weakest: ['key', 'key2'] },
    { name: 'key + totp: totp decides', factors: [webauthn, totp], level: 'multi-factor', weakest: ['app'] },
    { name: 'key + backup codes: codes are phishable', factors: [webauthn, codes], level: 'multi-factor', weakest: ['codes'] },
    { name: 'key + email: email decides', factors: [webauthn, email], level: 'low', weakest: ['mail'] },
    { name: 'totp + sms + email', factors: [totp, sms, email], level: 'low', weakest: ['phone', 'mail'] },
    { name: 'unknown kind counts as low', factors: [webauthn, sshKey], level: 'low', weakest: ['ssh'] },
  ];
  it.each(rows)('$name', ({ factors, level, weakest }) => {
    const result = assessAccountAssurance(factors);
    expect(result.level).toBe(level);
    expect(result.phishingResistant).toBe(level === 'phishing-resistant');
    expect(result.weakest.map((f) => f.id)).toEqual(weakest);
    expect(result.reasons).toHaveLength(factors.length);
    for (const reason of result.reasons) expect(reason.reason.length).toBeGreaterThan(10);
  });
});

describe('adviseMfaAccount', () => {
  const now = () => T0 + 365 * DAY;
  const recent = (f: PolicyFactor): PolicyFactor => ({ ...f, lastUsedAt: T0 + 360 * DAY });
  const rows: { name: string; factors: PolicyFactor[]; remaining?: number; advice: unknown[] }[] = [
    { name: 'no factors', factors: [], advice: [] },
    { name: 'one factor', factors: [recent(totp)], advice: [{ type: 'add-second-factor', factorId: 'app' }] },
    { name: 'one factor plus backup codes still one', factors: [recent(webauthn), codes], advice: [{ type: 'add-second-factor', factorId: 'key' }] },
    { name: 'two factors', factors: [recent(webauthn), recent(totp)], advice: [] },
    { name: 'backup codes low', factors: [recent(webauthn), recent(totp), codes], remaining: 3, advice: [{ type: 'backup-codes-low', remaining: 3, threshold: 3 }] },
    { name: 'backup codes fine', factors: [recent(webauthn), recent(totp), codes], remaining: 4, advice: [] },
    { name: 'backup codes gone', factors: [recent(webauthn), recent(totp)], remaining: 0, advice: [{ type: 'backup-codes-low', remaining: 0, threshold: 3 }] },
    {
      name: 'factor unused for a long time (last use)',
      factors: [recent(webauthn), { ...totp, lastUsedAt: T0 + 100 * DAY }],
      advice: [{ type: 'factor-unused', factorId: 'app', since: T0 + 100 * DAY, unusedForMs: 265 * DAY }],
    },
    {
      name: 'never used: counted from enrolment',
      factors: [recent(webauthn), totp],
      advice: [{ type: 'factor-unused', factorId: 'app', since: T0, unusedForMs: 365 * DAY }],
    },
    { name: 'no dates: no unused advice', factors: [recent(webauthn), { id: 'x', kind: 'totp' }], advice: [] },
    { name: 'old backup codes are not advised on', factors: [recent(webauthn), recent(totp), codes], advice: [] },
  ];
  it.each(rows)('$name', ({ factors, remaining, advice }) => {
    expect(adviseMfaAccount(factors, { now, ...(remaining === undefined ? {} : { backupCodesRemaining: remaining }) })).toEqual(advice);
  });

  it('takes thresholds as options and rejects bad ones', () => {
    expect(adviseMfaAccount([recent(webauthn), recent(totp)], { now, backupCodesRemaining: 5, lowBackupCodesThreshold: 5 })).toHaveLength(1);
    expect(adviseMfaAccount([recent(webauthn), { ...totp, lastUsedAt: T0 + 300 * DAY }], { now, unusedAfterMs: 30 * DAY })).toHaveLength(1);
    expect(() => adviseMfaAccount([], { now, backupCodesRemaining: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => adviseMfaAccount([], { now, unusedAfterMs: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
