/**
 * The MFA service in a real browser, from the built `mfakit/service` and `mfakit/stores/memory`
 * bundles: one account through enrolment of an authenticator app (confirmed with a code computed
 * from the manual key, as the user's phone would), login, replay refusal, a backup code used once,
 * regeneration behind a step-up, and disabling with the typed confirmation. TOTP secrets are sealed
 * with AES-256-GCM through the browser's WebCrypto; the checks look at what the store holds and
 * open it with the wrong key ring to prove it. Checks run in order and share the account.
 */
import { MfaError } from 'mfakit';
import { decodeBase32Secret, encodeBase32Secret, generateTotp, parseKeyUri } from 'mfakit/otp';
import { createPolicyHook, createMfaService, DISABLE_CONFIRMATION, type MfaEvent, type MfaServiceOptions } from 'mfakit/service';
import { createMemoryStore } from 'mfakit/stores/memory';
import { assert, assertBytesEqual, assertEqual, assertRejects } from '../assert.js';

let t = Date.UTC(2026, 4, 1, 9, 0, 0);
const clock = () => t;
const store = createMemoryStore();
const events: MfaEvent[] = [];
const options: MfaServiceOptions = {
  issuer: 'ACME Cloud',
  store,
  now: clock,
  keyRing: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
  backupCodes: { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } },
  events: (event) => void events.push(event),
};
const service = createMfaService(options);
const user = 'user-42';
/** What the flow hands from one check to the next. */
const state = { secret: new Uint8Array() as Uint8Array, factorId: '', backupCodes: [] as readonly string[], stepUp: '' };
const phone = (offsetSteps = 0) => generateTotp(state.secret, { now: () => t + offsetSteps * 30_000 });

export const checks: { name: string; run: () => void | Promise<void> }[] = [
  {
    name: 'enrol an authenticator app: key URI, QR SVG and manual key carry one secret; a wrong first code is refused',
    async run() {
      const pending = await service.startAuthenticatorEnrolment(user, { accountName: 'ada@example.com', name: 'Phone' });
      state.secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
      const uri = parseKeyUri(pending.keyUri);
      assertBytesEqual(uri.secret, state.secret, 'manual key = key URI secret');
      assert(uri.issuer === 'ACME Cloud' && uri.accountName === 'ada@example.com', `key URI: ${uri.issuer} ${uri.accountName}`);
      assert(pending.qrSvg.startsWith('<svg') && pending.expiresAt === t + 600_000, 'QR SVG and a 10-minute enrolment');
      const wrong = await service.confirmEnrolment(user, pending.enrolmentId, phone() === '000000' ? '111111' : '000000');
      assert(!wrong.ok && wrong.reason === 'mismatch', `wrong first code: ${JSON.stringify(wrong)}`);
      const confirmed = await service.confirmEnrolment(user, pending.enrolmentId, phone());
      assert(confirmed.ok, `confirmation: ${JSON.stringify(confirmed)}`);
      assert(confirmed.factor.kind === 'totp' && confirmed.factor.name === 'Phone', `factor: ${JSON.stringify(confirmed.factor)}`);
      assertEqual(confirmed.backupCodes?.length, 10, 'first backup codes shown once');
      assert(confirmed.stepUp !== null, 'confirmation gives a step-up grant');
      state.factorId = confirmed.factor.id;
      state.backupCodes = confirmed.backupCodes!;
    },
  },
  {
    name: 'the stored secret is AES-256-GCM sealed (browser WebCrypto) and bound to its key ring',
    async run() {
      const [factor] = await store.listFactors(user);
      const sealed = (factor!.data as { secret: { alg: string; kid: string; iv: string; ct: string } }).secret;
      assert(sealed.alg === 'A256GCM' && sealed.kid === 'k1', `sealed secret: ${JSON.stringify(sealed)}`);
      assert(/^[A-Za-z0-9_-]{16}$/.test(sealed.iv) && /^[A-Za-z0-9_-]{48}$/.test(sealed.ct), 'a 12-byte nonce, 20 bytes + 16-byte tag');
      const stored = JSON.stringify(factor);
      const base64 = btoa(String.fromCharCode(...state.secret)).replace(/=+$/, '');
      for (const form of [encodeBase32Secret(state.secret), base64, base64.replace(/\+/g, '-').replace(/\//g, '_')]) {
        assert(!stored.includes(form), `the plain secret is not stored (${form})`);
      }
      const stranger = createMfaService({ ...options, keyRing: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } } });
      const error = await assertRejects(() => stranger.verify(user, phone()), MfaError, 'another key ring');
      assertEqual(error.code, 'DECRYPTION_FAILED', 'another key ring: code');
    },
  },
  {
    name: 'login: the current code verifies once, naming the device; the same code again is a replay',
    async run() {
      t += 30_000;
      const code = phone();
      const result = await service.verify(user, `${code.slice(0, 3)} ${code.slice(3)}`);
      assert(result.ok && result.kind === 'totp' && result.factor.id === state.factorId, `login: ${JSON.stringify(result)}`);
      assertEqual(result.stepUp.expiresAt, t + 600_000, 'step-up for 10 minutes');
      const again = await service.verify(user, code);
      assert(!again.ok && again.reason === 'replayed', `replay: ${JSON.stringify(again)}`);
      assert(events.some((e) => e.type === 'replay-refused'), 'replay-refused event');
      state.stepUp = result.stepUp.token;
    },
  },
  {
    name: 'a backup code works once (any case, spaces), and counts down',
    async run() {
      const code = state.backupCodes[0]!;
      const first = await service.verify(user, code.toLowerCase().replace(/-/g, ' '));
      assert(first.ok && first.kind === 'backup-codes' && first.backupCodesRemaining === 9, `first use: ${JSON.stringify(first)}`);
      const again = await service.verify(user, code);
      // A used code leaves a tombstone: told apart from a wrong code.
      assert(!again.ok && again.reason === 'replayed', `second use: ${JSON.stringify(again)}`);
      assertEqual(await store.countBackupCodes(user), 9, 'nine left in the store');
    },
  },
  {
    name: 'regenerate backup codes: refused without a step-up, then the old set dies',
    async run() {
      const refused = await assertRejects(() => service.regenerateBackupCodes(user, { stepUpToken: 'su2.forged' }), MfaError, 'forged step-up');
      assertEqual(refused.code, 'STEP_UP_REQUIRED', 'forged step-up: code');
      const { backupCodes: codes } = await service.regenerateBackupCodes(user, { stepUpToken: state.stepUp });
      assert(codes.length === 10 && !codes.includes(state.backupCodes[1]!), 'ten new codes');
      const old = await service.verify(user, state.backupCodes[1]!);
      assert(!old.ok && old.reason === 'mismatch', `old set: ${JSON.stringify(old)}`);
      const fresh = await service.verify(user, codes[0]!, { kind: 'backup-codes' });
      assert(fresh.ok && fresh.backupCodesRemaining === 9, `new set: ${JSON.stringify(fresh)}`);
      state.stepUp = fresh.stepUp.token;
    },
  },
  {
    name: 'a policy requiring MFA refuses disabling, naming the organisation',
    async run() {
      const acme = { id: 'org_1', name: 'Acme', type: 'organization' } as const;
      const governed = createMfaService({ ...options, policy: createPolicyHook(() => [{ owner: acme, requireMfa: true }]) });
      const error = await assertRejects(() => governed.disable(user, { confirmation: DISABLE_CONFIRMATION, stepUpToken: state.stepUp }), MfaError, 'policy');
      assertEqual(error.code, 'MFA_REQUIRED_BY_POLICY', 'policy: code');
      assertEqual(JSON.stringify(error.details?.['owners']), '[{"id":"org_1","name":"Acme"}]', 'owners');
    },
  },
  {
    name: 'disable: the typed confirmation and a step-up, then nothing is left to verify against',
    async run() {
      const typo = await service.disable(user, { confirmation: 'disabel', stepUpToken: state.stepUp });
      assertEqual(JSON.stringify(typo), '{"ok":false,"reason":"confirmation-mismatch"}', 'typo: a result');
      const result = await service.disable(user, { confirmation: '  DISABLE ', stepUpToken: state.stepUp });
      assertEqual(result.ok && result.factorsRemoved, 1, 'one login factor removed');
      assertEqual((await store.listFactors(user)).length, 0, 'no factors stored');
      t += 30_000;
      const none = await assertRejects(() => service.verify(user, phone()), MfaError, 'verify after disabling');
      assertEqual(none.code, 'FACTOR_NOT_FOUND', 'verify after disabling: code');
      const types = events.filter((e) => e.accountId === user).map((e) => e.type);
      for (const type of ['enrolment-confirmed', 'verified', 'backup-code-used', 'backup-codes-regenerated', 'policy-refused', 'mfa-disabled'] as const) {
        assert(types.includes(type), `event ${type} in ${types.join(', ')}`);
      }
      assert(!JSON.stringify(events).includes(state.backupCodes[2]!.slice(5)), 'no backup code in the events');
    },
  },
];
