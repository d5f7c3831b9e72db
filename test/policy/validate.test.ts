import { describe, expect, it } from 'vitest';
import { isMfaError } from '../../src/errors.js';
import { combineMfaPolicies, resolveMfaPolicies, validateMfaPolicies, validateMfaPolicy } from '../../src/policy/index.js';
import { acme, DAY, T0 } from './fixtures.js';

const bad: [string, unknown][] = [
  ['not an object', 'require'],
  ['null', null],
  ['array', []],
  ['missing owner', { requireMfa: true }],
  ['missing requireMfa', { owner: acme }],
  ['requireMfa not boolean', { owner: acme, requireMfa: 'yes' }],
  ['unknown property', { owner: acme, requireMfa: true, enforce: true }],
  ['owner unknown property', { owner: { ...acme, extra: 1 }, requireMfa: true }],
  ['owner empty id', { owner: { ...acme, id: '' }, requireMfa: true }],
  ['owner empty name', { owner: { ...acme, name: '' }, requireMfa: true }],
  ['owner name with spaces around', { owner: { ...acme, name: ' Acme' }, requireMfa: true }],
  ['owner missing type', { owner: { id: 'o', name: 'n' }, requireMfa: true }],
  ['owner numeric id', { owner: { ...acme, id: 1 }, requireMfa: true }],
  ['empty policy id', { id: '', owner: acme, requireMfa: true }],
  ['allowedKinds empty', { owner: acme, requireMfa: true, allowedKinds: [] }],
  ['allowedKinds unknown kind', { owner: acme, requireMfa: true, allowedKinds: ['ssh-key'] }],
  ['allowedKinds duplicate', { owner: acme, requireMfa: true, allowedKinds: ['totp', 'totp'] }],
  ['allowedKinds not array', { owner: acme, requireMfa: true, allowedKinds: 'totp' }],
  ['only backup codes while required', { owner: acme, requireMfa: true, allowedKinds: ['backup-codes'] }],
  ['only low kinds, excluded', { owner: acme, requireMfa: false, allowedKinds: ['sms', 'email'], excludeLowAssurance: true }],
  ['excludeLowAssurance not boolean', { owner: acme, requireMfa: true, excludeLowAssurance: 1 }],
  ['minFactors 0', { owner: acme, requireMfa: true, minFactors: 0 }],
  ['minFactors fraction', { owner: acme, requireMfa: true, minFactors: 1.5 }],
  ['minFactors too large', { owner: acme, requireMfa: true, minFactors: 17 }],
  ['minFactors without requireMfa', { owner: acme, requireMfa: false, minFactors: 2 }],
  ['grace without requireMfa', { owner: acme, requireMfa: false, grace: { since: T0, durationMs: DAY } }],
  ['grace negative duration', { owner: acme, requireMfa: true, grace: { since: T0, durationMs: -1 } }],
  ['grace NaN since', { owner: acme, requireMfa: true, grace: { since: Number.NaN, durationMs: DAY } }],
  ['grace missing since', { owner: acme, requireMfa: true, grace: { durationMs: DAY } }],
  ['grace too long', { owner: acme, requireMfa: true, grace: { since: T0, durationMs: 11 * 365 * DAY } }],
  ['grace unknown property', { owner: acme, requireMfa: true, grace: { since: T0, durationMs: DAY, from: 'membership' } }],
];

describe('validateMfaPolicy', () => {
  it.each(bad)('rejects %s with INVALID_POLICY', (_name, input) => {
    expect(() => validateMfaPolicy(input)).toThrow(expect.objectContaining({ name: 'MfaError', code: 'INVALID_POLICY' }));
  });

  it('names the field in details.where', () => {
    try {
      validateMfaPolicy({ owner: acme, requireMfa: true, minFactors: 0 });
      expect.unreachable();
    } catch (error) {
      expect(isMfaError(error, 'INVALID_POLICY')).toBe(true);
      expect((error as { details: { where: string } }).details.where).toBe('policy.minFactors');
    }
  });

  it('returns a frozen copy of a valid policy', () => {
    const input = { id: 'p', owner: { ...acme }, requireMfa: true, allowedKinds: ['webauthn', 'backup-codes'], minFactors: 2, grace: { since: T0, durationMs: DAY } };
    const policy = validateMfaPolicy(input);
    expect(policy).toEqual(input);
    expect(policy).not.toBe(input);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.owner)).toBe(true);
    expect(Object.isFrozen(policy.allowedKinds)).toBe(true);
  });

  it('accepts a non-requiring policy that only restricts kinds', () => {
    expect(validateMfaPolicy({ owner: acme, requireMfa: false, excludeLowAssurance: true }).requireMfa).toBe(false);
  });

  it('accepts any owner type the app names', () => {
    expect(validateMfaPolicy({ owner: { id: 't', name: 'Team', type: 'team' }, requireMfa: true }).owner.type).toBe('team');
  });
});

describe('validateMfaPolicies', () => {
  it('rejects a non-array', () => {
    expect(() => validateMfaPolicies({})).toThrow(expect.objectContaining({ code: 'INVALID_POLICY' }));
  });

  it('reports the index of the bad policy', () => {
    expect(() => validateMfaPolicies([{ owner: acme, requireMfa: true }, { owner: acme }])).toThrow(/policies\[1\]/);
  });

  it('rejects one owner given two names', () => {
    expect(() =>
      validateMfaPolicies([
        { owner: acme, requireMfa: true },
        { owner: { ...acme, name: 'ACME Inc' }, requireMfa: false },
      ]),
    ).toThrow(expect.objectContaining({ code: 'INVALID_POLICY' }));
  });

  it('lets different owner types share an id', () => {
    expect(
      validateMfaPolicies([
        { owner: { id: 'x', name: 'X org', type: 'organization' }, requireMfa: true },
        { owner: { id: 'x', name: 'X project', type: 'project' }, requireMfa: true },
      ]),
    ).toHaveLength(2);
  });

  it('is what every decision runs first', () => {
    expect(() => combineMfaPolicies([{ owner: acme } as never])).toThrow(expect.objectContaining({ code: 'INVALID_POLICY' }));
  });
});

describe('resolveMfaPolicies', () => {
  it('accepts sync and async resolvers and validates their output', async () => {
    await expect(resolveMfaPolicies(() => [{ owner: acme, requireMfa: true }], 'a')).resolves.toHaveLength(1);
    await expect(resolveMfaPolicies(async () => [], 'a')).resolves.toEqual([]);
    await expect(resolveMfaPolicies(async () => [{ owner: acme }] as never, 'a')).rejects.toMatchObject({ code: 'INVALID_POLICY' });
  });

  it('fails closed when the resolver fails', async () => {
    const cause = new Error('db down');
    await expect(
      resolveMfaPolicies(() => {
        throw cause;
      }, 'a'),
    ).rejects.toMatchObject({ name: 'MfaError', code: 'INTERNAL', cause });
    await expect(resolveMfaPolicies(() => Promise.reject(cause), 'a')).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('passes the account id and rejects bad arguments', async () => {
    const seen: string[] = [];
    await resolveMfaPolicies((id) => (seen.push(id), []), 'acct_9');
    expect(seen).toEqual(['acct_9']);
    await expect(resolveMfaPolicies(() => [], '')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(resolveMfaPolicies(null as never, 'a')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
