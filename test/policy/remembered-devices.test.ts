import { describe, expect, test } from 'vitest';
import { evaluateRememberedDevices, validateMfaPolicy, type MfaPolicy } from '../../src/policy/index.js';

const acme = { id: 'org-1', name: 'ACME', type: 'organization' } as const;
const beta = { id: 'org-2', name: 'Beta', type: 'organization' } as const;

describe('evaluateRememberedDevices', () => {
  test('allowed without policies, or when none forbids them', () => {
    expect(evaluateRememberedDevices([])).toEqual({ allowed: true, satisfied: true });
    expect(evaluateRememberedDevices([{ owner: acme, requireMfa: true }, { owner: beta, requireMfa: false, rememberedDevices: 'allowed' }]).allowed).toBe(true);
  });

  test('one forbidding policy is enough, MFA required or not; owners named once, sorted', () => {
    const policies: MfaPolicy[] = [
      { owner: beta, requireMfa: false, rememberedDevices: 'forbidden' },
      { owner: acme, requireMfa: true, rememberedDevices: 'forbidden' },
      { owner: acme, requireMfa: true, rememberedDevices: 'forbidden' },
    ];
    const decision = evaluateRememberedDevices(policies);
    expect(decision).toMatchObject({ allowed: false, satisfied: false, owners: [acme, beta] });
    expect(decision.allowed ? '' : decision.message).toBe('ACME and Beta require a second factor at every login');
  });

  test('validateMfaPolicy accepts the setting and refuses anything but allowed/forbidden', () => {
    expect(validateMfaPolicy({ owner: acme, requireMfa: false, rememberedDevices: 'forbidden' }).rememberedDevices).toBe('forbidden');
    expect(() => validateMfaPolicy({ owner: acme, requireMfa: false, rememberedDevices: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_POLICY', details: expect.objectContaining({ where: 'policy.rememberedDevices' }) }),
    );
  });
});
