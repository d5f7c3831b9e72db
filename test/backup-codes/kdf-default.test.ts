import { afterEach, describe, expect, it, vi } from 'vitest';
import vectors from '../vectors/rfc7914-pbkdf2-sha256.json' with { type: 'json' };
import {
  BACKUP_CODE_KDF_PRESETS,
  DEFAULT_BACKUP_CODE_KDF,
  LOW_ENTROPY_BACKUP_CODE_KDF,
  backupCodeId,
  backupCodeNeedsRehash,
  createBackupCodes,
  defaultBackupCodeKdf,
  hashBackupCode,
  verifyBackupCode,
  type StoredBackupCode,
} from '../../src/backup-codes/index.js';
import { pbkdf2Sha256, runtimeSubtle, type Pbkdf2Subtle } from '../../src/backup-codes/pbkdf2.js';
import { hexToBytes, utf8ToBytes } from '../../src/internal/bytes.js';
import { seededRandom } from './helpers.js';
import { LEGACY_PEPPER, LEGACY_PEPPERED_SCRYPT_SET, LEGACY_SCRYPT_SET } from './legacy-fixture.js';

const PBKDF2_HASH = /^\$pbkdf2-sha256\$i=10000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;

/** Changes the last character of a code (still a well-formed code). */
function wrong(code: string): string {
  return code.slice(0, -1) + (code.endsWith('0') ? '1' : '0');
}

/** A WebCrypto that refuses more than 100,000 PBKDF2 iterations, as Cloudflare Workers do. */
function workerLikeSubtle(): Pbkdf2Subtle & { refused: number } {
  const real = runtimeSubtle()!;
  const subtle = {
    refused: 0,
    importKey: real.importKey.bind(real),
    deriveBits: ((params: Pbkdf2Params, key: CryptoKey, length: number) => {
      if (params.iterations > 100_000) {
        subtle.refused++;
        return Promise.reject(new DOMException('iteration counts above 100000 are not supported', 'NotSupportedError'));
      }
      return real.deriveBits(params, key, length);
    }) as SubtleCrypto['deriveBits'],
  };
  return subtle;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PBKDF2-HMAC-SHA256 (WebCrypto and JavaScript paths)', () => {
  it('both paths give the RFC 7914 §11 test vectors', async () => {
    expect(runtimeSubtle()).toBeDefined();
    for (const v of vectors.vectors) {
      const args = [utf8ToBytes(v.passwordAscii), utf8ToBytes(v.saltAscii), v.iterations, v.dkLen] as const;
      expect(await pbkdf2Sha256(...args)).toEqual(hexToBytes(v.dkHex));
      expect(await pbkdf2Sha256(...args, null)).toEqual(hexToBytes(v.dkHex));
    }
  });

  it('uses WebCrypto when the runtime has it', async () => {
    const spy = vi.spyOn(crypto.subtle, 'deriveBits');
    await pbkdf2Sha256(utf8ToBytes('passwd'), utf8ToBytes('salt'), 1000, 32);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('falls back to JavaScript, same bytes, where WebCrypto refuses the iteration count (Workers: > 100,000)', async () => {
    const subtle = workerLikeSubtle();
    const password = utf8ToBytes('7KQ2M9XD');
    const salt = new Uint8Array(16).fill(3);
    const expected = await pbkdf2Sha256(password, salt, 100_001, 32, null);
    expect(await pbkdf2Sha256(password, salt, 100_001, 32, subtle)).toEqual(expected);
    expect(subtle.refused).toBe(1);
    expect(await pbkdf2Sha256(password, salt, 100_000, 32, subtle)).toEqual(await pbkdf2Sha256(password, salt, 100_000, 32, null));
    expect(subtle.refused).toBe(1);
  });
});

describe('default KDF: PBKDF2-SHA256, cost set from the code\'s entropy', () => {
  it('10,000 iterations for codes of 80 secret bits and more, 100,000 below', () => {
    expect(DEFAULT_BACKUP_CODE_KDF).toEqual({ algorithm: 'pbkdf2-sha256', iterations: 10_000 });
    expect(LOW_ENTROPY_BACKUP_CODE_KDF).toEqual({ algorithm: 'pbkdf2-sha256', iterations: 100_000 });
    expect(defaultBackupCodeKdf(80)).toBe(DEFAULT_BACKUP_CODE_KDF);
    expect(defaultBackupCodeKdf(260)).toBe(DEFAULT_BACKUP_CODE_KDF);
    for (const bits of [20, 40, 60, 79]) expect(defaultBackupCodeKdf(bits)).toBe(LOW_ENTROPY_BACKUP_CODE_KDF);
    expect(BACKUP_CODE_KDF_PRESETS['pbkdf2-sha256']).toBe(DEFAULT_BACKUP_CODE_KDF);
    expect(BACKUP_CODE_KDF_PRESETS.scrypt).toEqual({ algorithm: 'scrypt', N: 2 ** 14, r: 8, p: 1 });
  });

  it('a default set is hashed with it, salted per code, and verifies once-right, wrong-mismatch', async () => {
    const { codes, records } = await createBackupCodes();
    expect(codes).toHaveLength(10);
    for (const record of records) expect(record.hash).toMatch(PBKDF2_HASH);
    expect(new Set(records.map((r) => r.hash.split('$')[3])).size).toBe(10);
    for (const [i, code] of codes.entries()) {
      expect(await verifyBackupCode(code, records[i])).toEqual({ ok: true, id: records[i]!.id, needsRehash: false });
      expect(await verifyBackupCode(wrong(code), records[i])).toEqual({ ok: false, reason: 'mismatch' });
    }
    expect(backupCodeNeedsRehash(records[0]!)).toBe(false);
  });

  it('a set hashed in parallel (PBKDF2) still pairs records with codes in order and draws salts in order', async () => {
    const a = await createBackupCodes({ random: seededRandom(11) });
    const b = await createBackupCodes({ random: seededRandom(11) });
    expect(b).toEqual(a);
    expect(a.records.map((r) => r.id)).toEqual(a.codes.map((c) => c.slice(0, 4)));
    const failing = createBackupCodes({ count: 3, kdf: { algorithm: 'pbkdf2-sha256', iterations: 999 } });
    await expect(failing).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('shorter codes get the low-entropy cost, by their own length, and are flagged when hashed below it', async () => {
    for (const secretBits of [20, 40, 60]) {
      const { codes, records } = await createBackupCodes({ count: 1, secretBits });
      expect(records[0]!.hash).toMatch(/^\$pbkdf2-sha256\$i=100000\$/);
      expect(await verifyBackupCode(codes[0]!, records[0])).toEqual({ ok: true, id: records[0]!.id, needsRehash: false });
      const cheap = await hashBackupCode(codes[0]!, { kdf: DEFAULT_BACKUP_CODE_KDF });
      expect(await verifyBackupCode(codes[0]!, cheap)).toEqual({ ok: true, id: cheap.id, needsRehash: true });
    }
    const long = await createBackupCodes({ count: 1, secretBits: 100 });
    expect(long.records[0]!.hash).toMatch(/^\$pbkdf2-sha256\$i=10000\$/);
  });

  it('no code at rest: records hold the id and a salted hash, never the secret part', async () => {
    const pepper = new Uint8Array(32).fill(5);
    for (const options of [{}, { pepper }, { secretBits: 20 }]) {
      const { codes, records } = await createBackupCodes({ count: 10, ...options });
      const stored = JSON.stringify(records);
      for (const code of codes) {
        const secret = code.slice(5);
        expect(stored).not.toContain(secret);
        expect(stored).not.toContain(secret.replace(/-/g, ''));
      }
      expect(records.map((r) => Object.keys(r).sort().join())).toEqual(records.map(() => 'hash,id'));
    }
  });

  it('apps can ask for a higher cost or another algorithm; the stored hash keeps it', async () => {
    const higher = { algorithm: 'pbkdf2-sha256', iterations: 20_000 } as const;
    const { codes, records } = await createBackupCodes({ count: 2, kdf: higher });
    expect(records[0]!.hash).toMatch(/^\$pbkdf2-sha256\$i=20000\$/);
    // Above the default: verified with default options, nothing to migrate.
    expect(await verifyBackupCode(codes[0]!, records[0])).toEqual({ ok: true, id: records[0]!.id, needsRehash: false });
    // A default-cost hash checked by an app that now asks for more is flagged.
    const plain = await hashBackupCode(codes[1]!);
    expect(await verifyBackupCode(codes[1]!, plain, { kdf: higher })).toEqual({ ok: true, id: plain.id, needsRehash: true });
    expect(backupCodeNeedsRehash(plain, { kdf: higher })).toBe(true);

    const scrypt = await createBackupCodes({ count: 1, kdf: BACKUP_CODE_KDF_PRESETS.scrypt });
    expect(scrypt.records[0]!.hash).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$/);
    expect(await verifyBackupCode(scrypt.codes[0]!, scrypt.records[0], { kdf: BACKUP_CODE_KDF_PRESETS.scrypt })).toEqual({
      ok: true,
      id: scrypt.records[0]!.id,
      needsRehash: false,
    });
  }, 30_000);
});

describe('sets stored by mfakit 0.1 (scrypt N=2^14) keep verifying', () => {
  it('each code verifies with today\'s default options and reports needsRehash; wrong codes and used codes fail', async () => {
    const { codes, records } = LEGACY_SCRYPT_SET;
    for (const [i, code] of codes.entries()) {
      const record = records.find((r) => r.id === backupCodeId(code.toLowerCase()));
      expect(record).toBe(records[i]);
      expect(await verifyBackupCode(code.toLowerCase(), record)).toEqual({ ok: true, id: records[i]!.id, needsRehash: true });
      expect(backupCodeNeedsRehash(records[i]!)).toBe(true);
    }
    expect(await verifyBackupCode(wrong(codes[0]!), records[0])).toEqual({ ok: false, reason: 'mismatch' });
    expect(await verifyBackupCode(codes[1]!, records[0])).toEqual({ ok: false, reason: 'mismatch' });
    const used: StoredBackupCode = { ...records[2]!, usedAt: 1 };
    expect(await verifyBackupCode(codes[2]!, used)).toEqual({ ok: false, reason: 'replayed' });
    // An app that keeps the former cost on purpose is told nothing is stale.
    expect(await verifyBackupCode(codes[0]!, records[0], { kdf: BACKUP_CODE_KDF_PRESETS.scrypt })).toEqual({
      ok: true,
      id: records[0]!.id,
      needsRehash: false,
    });
  }, 30_000);

  it('peppered sets verify with the pepper, and only with it', async () => {
    const { codes, records } = LEGACY_PEPPERED_SCRYPT_SET;
    expect(await verifyBackupCode(codes[0]!, records[0], { pepper: LEGACY_PEPPER })).toEqual({ ok: true, id: records[0]!.id, needsRehash: true });
    expect(await verifyBackupCode(codes[1]!, records[1], { pepper: new Uint8Array(32).fill(8) })).toEqual({ ok: false, reason: 'mismatch' });
    await expect(verifyBackupCode(codes[1]!, records[1])).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  }, 30_000);
});

describe('flat cost: one KDF run per attempt, whatever the size of the set', () => {
  it('1 or 100 stored codes, a right, wrong or unknown code: exactly one PBKDF2 run; malformed input: none', async () => {
    const { codes, records } = await createBackupCodes({ count: 100 });
    const byId = new Map(records.map((r) => [r.id, r]));
    const unknownId = ['0000', '0001', '0002', '0003'].find((id) => !byId.has(id))!;
    const runs = vi.spyOn(crypto.subtle, 'deriveBits');
    const attempt = async (input: string, table: Map<string, StoredBackupCode>) => {
      runs.mockClear();
      const result = await verifyBackupCode(input, table.get(backupCodeId(input) ?? ''));
      return { ok: result.ok, runs: runs.mock.calls.length };
    };
    const single = new Map([[records[99]!.id, records[99]!]]);
    expect(await attempt(codes[99]!, single)).toEqual({ ok: true, runs: 1 });
    expect(await attempt(codes[99]!, byId)).toEqual({ ok: true, runs: 1 });
    expect(await attempt(wrong(codes[99]!), byId)).toEqual({ ok: false, runs: 1 });
    expect(await attempt(`${unknownId}${codes[0]!.slice(4)}`, byId)).toEqual({ ok: false, runs: 1 });
    expect(await attempt('hello', byId)).toEqual({ ok: false, runs: 0 });
  });
});
