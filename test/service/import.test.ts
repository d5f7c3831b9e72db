// Importing an existing authenticator app (migration from another TOTP system).
import { describe, expect, test } from 'vitest';
import { encodeBase32Secret, generateTotp, type PolicyHook } from '../../src/index.js';
import { harness, wrongCode } from './helpers.js';

const SECRET = Uint8Array.from({ length: 20 }, (_, i) => i * 7 + 3);
const BASE32 = encodeBase32Secret(SECRET);

describe('importAuthenticator', () => {
  test('a base32 secret from the old system logs in at once; its codes are then replay-protected', async () => {
    const h = harness();
    const spaced = BASE32.toLowerCase().replace(/(.{4})/g, '$1 ');
    const { factor } = await h.service.importAuthenticator('user-1', spaced, { name: 'Old phone' });
    expect(factor).toMatchObject({ kind: 'totp', role: 'login', name: 'Old phone' });
    expect((await h.service.loginRequirement('user-1')).mfaRequired).toBe(true);
    const code = generateTotp(SECRET, { now: h.clock });
    const first = await h.service.verify('user-1', code);
    expect(first).toMatchObject({ ok: true, kind: 'totp', factor: { id: factor.id, name: 'Old phone' } });
    expect(await h.service.verify('user-1', code)).toMatchObject({ ok: false, reason: 'replayed' });
    expect(h.events.map((e) => e.type)).toEqual(['factor-imported', 'verified', 'replay-refused']);
    // Nothing stored or emitted holds the secret.
    const stored = JSON.stringify(await h.store.listFactors('user-1'));
    expect(stored).not.toContain(BASE32);
    expect(JSON.stringify(h.events)).not.toContain(BASE32);
  });

  test('SHA-256, 8 digits, 60 s steps from bytes; lastStep carries the old replay guard over', async () => {
    const h = harness();
    const options = { algorithm: 'SHA256', digits: 8, period: 60 } as const;
    const step = Math.floor(h.clock() / 60_000);
    await h.service.importAuthenticator('user-1', SECRET, { ...options, lastStep: step });
    // The code of the step the old system already accepted is refused; the next step's is not.
    expect(await h.service.verify('user-1', generateTotp(SECRET, { ...options, now: h.clock }))).toMatchObject({ ok: false, reason: 'replayed' });
    h.clock.advance(60_000);
    expect(await h.service.verify('user-1', generateTotp(SECRET, { ...options, now: h.clock }))).toMatchObject({ ok: true });
  });

  test('several devices; names stay unique; a second import needs no step-up (server-side)', async () => {
    const h = harness();
    await h.service.importAuthenticator('user-1', SECRET);
    const other = SECRET.map((b) => b ^ 0xff);
    const second = await h.service.importAuthenticator('user-1', other);
    expect(second.factor.name).toBe('Authenticator app 2');
    await expect(h.service.importAuthenticator('user-1', SECRET, { name: 'authenticator APP' })).rejects.toMatchObject({ code: 'DUPLICATE' });
    expect((await h.service.listFactors('user-1')).filter((f) => f.kind === 'totp')).toHaveLength(2);
  });

  test('bad input is an MfaError and stores nothing', async () => {
    const h = harness();
    const bad: [unknown, object, string][] = [
      [SECRET.subarray(0, 10), {}, 'SECRET_TOO_SHORT'],
      ['JBSWY3DPEHPK3PXP', {}, 'SECRET_TOO_SHORT'],
      ['not base32!', {}, 'INVALID_BASE32'],
      [42, {}, 'INVALID_SECRET'],
      [SECRET, { digits: 9 }, 'INVALID_OPTION'],
      [SECRET, { period: 0 }, 'INVALID_OPTION'],
      [SECRET, { algorithm: 'MD5' }, 'INVALID_OPTION'],
      [SECRET, { lastStep: 1.5 }, 'INVALID_ARGUMENT'],
      [SECRET, { name: '' }, 'INVALID_ARGUMENT'],
    ];
    for (const [secret, options, code] of bad) {
      const error = await h.service.importAuthenticator('user-1', secret as Uint8Array, options).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(options)).toMatchObject({ name: 'MfaError' });
      expect((error as { code: string }).code, `${String(secret)} ${JSON.stringify(options)}`).toBe(code);
    }
    expect(await h.service.listFactors('user-1')).toEqual([]);
    expect(h.events).toEqual([]);
    // A legacy 80-bit secret with the explicit opt-in.
    const legacy = await h.service.importAuthenticator('user-1', 'JBSWY3DPEHPK3PXP', { allowShortSecret: true });
    expect(legacy.factor.kind).toBe('totp');
  });

  test('the caller’s secret array is left as it was; a wrong code after import is a plain mismatch', async () => {
    const h = harness();
    const mine = new Uint8Array(SECRET);
    await h.service.importAuthenticator('user-1', mine);
    expect(mine).toEqual(SECRET);
    expect(await h.service.verify('user-1', wrongCode(generateTotp(SECRET, { now: h.clock })))).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  test('a policy that forbids authenticator apps refuses the import, naming its owner', async () => {
    const policy: PolicyHook = {
      check: (action) =>
        action.type === 'enrol' && action.kind === 'totp'
          ? { allowed: false, code: 'FACTOR_NOT_ALLOWED', message: 'only security keys', owners: [{ id: 'org-1', name: 'Acme Corp' }] }
          : { allowed: true },
    };
    const h = harness({ policy });
    await expect(h.service.importAuthenticator('user-1', SECRET)).rejects.toMatchObject({ code: 'FACTOR_NOT_ALLOWED' });
    expect(await h.service.listFactors('user-1')).toEqual([]);
  });
});
