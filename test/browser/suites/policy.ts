/**
 * Policy evaluation in a real browser, from the built `mfakit/policy` bundle: disabling refused
 * naming the owners (sorted by name, then id), enrolment restricted by kind and assurance, the
 * login outcomes over a grace period, factor removal, assurance, and a bad policy throwing
 * `MfaError`. Pure functions: the same inputs give the same decisions as in Node.
 */
import { MfaError } from 'mfakit';
import {
  assertPolicyAllows,
  assessAccountAssurance,
  evaluateFactorEnrolment,
  evaluateFactorRemoval,
  evaluateLoginPolicy,
  evaluateMfaDisable,
  resolveMfaPolicies,
  validateMfaPolicy,
  type MfaPolicy,
  type PolicyFactor,
} from 'mfakit/policy';
import { assert, assertEqual, assertRejects, assertThrows } from '../assert.js';

const globex = { id: 'org_2', name: 'Globex', type: 'organization' } as const;
const acme = { id: 'org_9', name: 'Acme', type: 'organization' } as const;
const acmeProject = { id: 'prj_1', name: 'Acme', type: 'project' } as const;
const DAY = 86_400_000;
const T = Date.UTC(2026, 4, 1);
const at = (ms: number) => () => ms;
const names = (owners: readonly { name: string; id: string }[]) => owners.map((o) => `${o.name}/${o.id}`).join(', ');

const requiring: MfaPolicy[] = [
  { id: 'g', owner: globex, requireMfa: true },
  { id: 'a', owner: acme, requireMfa: true, excludeLowAssurance: true },
  { id: 'p', owner: acmeProject, requireMfa: true, minFactors: 2, grace: { since: T, durationMs: 14 * DAY } },
  { id: 'optional', owner: { id: 'app', name: 'App', type: 'app' }, requireMfa: false },
];
const app: PolicyFactor = { id: 'f_app', kind: 'totp', createdAt: T };
const key: PolicyFactor = { id: 'f_key', kind: 'webauthn', createdAt: T };
const codes: PolicyFactor = { id: 'backup-codes', kind: 'backup-codes', createdAt: T };

export const checks: { name: string; run: () => void | Promise<void> }[] = [
  {
    name: 'disable: refused while any policy requires MFA, naming exactly those owners sorted by name then id',
    run() {
      const decision = evaluateMfaDisable(requiring);
      assert(!decision.allowed, 'refused');
      assertEqual(decision.code, 'MFA_REQUIRED_BY_POLICY', 'code');
      assertEqual(names(decision.owners), 'Acme/org_9, Acme/prj_1, Globex/org_2', 'owners');
      assertEqual(decision.message, 'MFA cannot be disabled: it is required by Acme, Acme and Globex', 'message');
      assert(evaluateMfaDisable([requiring[3]!]).allowed, 'a policy that does not require MFA does not block');
      assert(evaluateMfaDisable([]).allowed, 'no policy, no block');
      const thrown = assertThrows(() => assertPolicyAllows(decision), MfaError, 'assertPolicyAllows');
      assertEqual(thrown.code, 'MFA_REQUIRED_BY_POLICY', 'thrown code');
      assertEqual((thrown.details?.['owners'] as unknown[]).length, 3, 'thrown details name the owners');
    },
  },
  {
    name: 'enrolment: low-assurance kinds refused by the owner that excludes them; allowedKinds restricts too',
    run() {
      const sms = evaluateFactorEnrolment(requiring, 'sms');
      assert(!sms.allowed && sms.code === 'FACTOR_NOT_ALLOWED' && names(sms.owners) === 'Acme/org_9', `sms: ${JSON.stringify(sms)}`);
      assert(evaluateFactorEnrolment(requiring, 'webauthn').allowed, 'webauthn allowed');
      const keysOnly: MfaPolicy = { owner: globex, requireMfa: false, allowedKinds: ['webauthn', 'backup-codes'] };
      const totp = evaluateFactorEnrolment([keysOnly], 'totp');
      assert(!totp.allowed && totp.message === 'factors of kind "totp" are not allowed by Globex', `totp: ${JSON.stringify(totp)}`);
      assert(!evaluateFactorEnrolment([keysOnly], 'carrier-pigeon').allowed, 'unknown kind refused by a restricting policy');
    },
  },
  {
    name: 'login: enrolment-required within the grace period, blocked after it, mfa-required once compliant',
    run() {
      const one = evaluateLoginPolicy(requiring, [app], { now: at(T + DAY) });
      assert(one.outcome === 'enrolment-required', `one factor, in grace: ${one.outcome}`);
      assert(one.deadline === T + 14 * DAY && one.missingFactors === 1 && names(one.owners) === 'Acme/prj_1', `in grace: ${JSON.stringify(one)}`);
      const late = evaluateLoginPolicy(requiring, [app], { now: at(T + 14 * DAY) });
      assert(late.outcome === 'blocked' && late.code === 'MFA_REQUIRED_BY_POLICY', `grace over: ${late.outcome}`);
      const none = evaluateLoginPolicy(requiring, [], { now: at(T) });
      assert(none.outcome === 'blocked' && names(none.owners) === 'Acme/org_9, Globex/org_2', `no factor, no-grace owners: ${JSON.stringify(none.owners)}`);
      const ok = evaluateLoginPolicy(requiring, [app, key, codes], { now: at(T) });
      assert(ok.outcome === 'mfa-required', `two counting factors: ${ok.outcome}`);
      assertEqual([...ok.acceptedFactorIds].sort().join(), 'backup-codes,f_app,f_key', 'accepted factors');
      const codesOnly = evaluateLoginPolicy(requiring, [app, codes], { now: at(T + DAY) });
      assert(codesOnly.outcome === 'enrolment-required' && codesOnly.missingFactors === 1, 'backup codes never count toward the minimum');
      assertEqual(evaluateLoginPolicy([requiring[3]!], [], { now: at(T) }).outcome, 'mfa-optional', 'optional policy');
    },
  },
  {
    name: 'removal: the last factor and a factor below a minimum are refused; others allowed',
    run() {
      const last = evaluateFactorRemoval(requiring, [app], 'f_app');
      assert(!last.allowed && last.reason === 'last-factor' && last.owners.length === 3, `last factor: ${JSON.stringify(last)}`);
      const below = evaluateFactorRemoval(requiring, [app, key], 'f_key');
      assert(!below.allowed && below.reason === 'below-minimum' && names(below.owners) === 'Acme/prj_1', `below minimum: ${JSON.stringify(below)}`);
      assert(evaluateFactorRemoval(requiring, [app, key, codes], 'backup-codes').allowed, 'backup codes may go');
      assertEqual(assertThrows(() => evaluateFactorRemoval(requiring, [app], 'f_nope'), MfaError, 'unknown factor').code, 'INVALID_ARGUMENT', 'unknown factor: code');
    },
  },
  {
    name: 'assurance: the weakest factor decides',
    run() {
      assertEqual(assessAccountAssurance([]).level, 'none', 'no factors');
      const keys = assessAccountAssurance([key]);
      assert(keys.level === 'phishing-resistant' && keys.phishingResistant, 'a security key alone');
      const mixed = assessAccountAssurance([key, app, { id: 'f_mail', kind: 'email' }]);
      assert(mixed.level === 'low' && !mixed.phishingResistant && mixed.weakest.map((f) => f.id).join() === 'f_mail', `mixed: ${JSON.stringify(mixed.weakest)}`);
    },
  },
  {
    name: 'bad policies throw MfaError INVALID_POLICY, also through a resolver',
    async run() {
      const bad: [string, unknown][] = [
        ['no owner', { requireMfa: true }],
        ['minFactors without requireMfa', { owner: acme, requireMfa: false, minFactors: 2 }],
        ['unknown kind', { owner: acme, requireMfa: true, allowedKinds: ['pigeon'] }],
        ['negative grace', { owner: acme, requireMfa: true, grace: { since: T, durationMs: -1 } }],
        ['unknown key', { owner: acme, requireMfa: true, enforce: true }],
      ];
      for (const [label, policy] of bad) {
        assertEqual(assertThrows(() => validateMfaPolicy(policy), MfaError, label).code, 'INVALID_POLICY', `${label}: code`);
        // A setting that has no effect (minFactors of a policy that does not require MFA) never
        // blocks a decision; saving such a policy is still refused by validateMfaPolicy.
        if (label === 'minFactors without requireMfa') {
          assert(evaluateMfaDisable([policy as MfaPolicy]).allowed, 'an inactive setting does not block a decision');
          continue;
        }
        assertEqual(assertThrows(() => evaluateMfaDisable([policy as MfaPolicy]), MfaError, `disable with ${label}`).code, 'INVALID_POLICY', `${label} in a decision`);
      }
      const resolved = await resolveMfaPolicies(async () => requiring, 'user-1');
      assertEqual(resolved.length, requiring.length, 'resolver policies');
      const failing = await assertRejects(() => resolveMfaPolicies(async () => [{ owner: acme } as unknown as MfaPolicy], 'user-1'), MfaError, 'resolver with a bad policy');
      assertEqual(failing.code, 'INVALID_POLICY', 'resolver: code');
    },
  },
];
