import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { deriveBackupCodeKey } from '../../src/backup-codes/kdf.js';
import {
  createBackupCodes,
  hashBackupCode,
  parseBackupCodeHash,
  verifyBackupCode,
  type StoredBackupCode,
} from '../../src/backup-codes/index.js';
import { isMfaError, type MfaErrorCode } from '../../src/errors.js';
import { FAST_KDF } from './helpers.js';

// Every KDF run goes through deriveBackupCodeKey: count its calls (the real function still runs).
vi.mock('../../src/backup-codes/kdf.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/backup-codes/kdf.js')>();
  return { ...original, deriveBackupCodeKey: vi.fn(original.deriveBackupCodeKey) };
});
const kdfRuns = vi.mocked(deriveBackupCodeKey);

const SALT = 'AAAAAAAAAAAAAAAAAAAAAA'; // 16 bytes
const HASH = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'; // 32 bytes

async function expectRejected(record: unknown, input: string, code: MfaErrorCode | MfaErrorCode[]) {
  const codes = Array.isArray(code) ? code : [code];
  kdfRuns.mockClear();
  let outcome: unknown;
  try {
    outcome = await verifyBackupCode(input, record as StoredBackupCode, { kdf: FAST_KDF });
  } catch (error) {
    outcome = error;
  }
  expect(isMfaError(outcome), `${JSON.stringify(record)} -> ${JSON.stringify(outcome)}`).toBe(true);
  expect(codes).toContain((outcome as { code: MfaErrorCode }).code);
  // Rejected before any KDF work: no hang, whatever the record asks for (a 1 GiB scrypt would take
  // many seconds). Counted, not timed.
  expect(kdfRuns).not.toHaveBeenCalled();
}

describe('backup-codes: hostile stored records', () => {
  it('the KDF-run counter sees runs (control for the "no KDF run" checks below)', async () => {
    const { codes, records } = await createBackupCodes({ count: 1, kdf: FAST_KDF });
    kdfRuns.mockClear();
    expect((await verifyBackupCode(codes[0]!, records[0], { kdf: FAST_KDF })).ok).toBe(true);
    expect(kdfRuns).toHaveBeenCalledTimes(1);
  });

  it('refuses unknown algorithms with UNSUPPORTED_KDF', async () => {
    const { codes, records } = await createBackupCodes({ count: 1, kdf: FAST_KDF });
    const input = codes[0]!;
    const id = records[0]!.id;
    for (const hash of [
      `$bcrypt$ln=10,r=1,p=1$${SALT}$${HASH}`,
      `$argon2i$v=19$m=64,t=1,p=1$${SALT}$${HASH}`,
      `$argon2d$v=19$m=64,t=1,p=1$${SALT}$${HASH}`,
      `$pbkdf2-sha1$i=1000$${SALT}$${HASH}`,
      `$plain$${input}`,
      `$sha256$${HASH}`,
    ]) {
      await expectRejected({ id, hash }, input, 'UNSUPPORTED_KDF');
    }
  });

  it('refuses tampered, absurd or non-canonical parameters with INVALID_BACKUP_CODE_RECORD', async () => {
    const { codes, records } = await createBackupCodes({ count: 1, kdf: FAST_KDF });
    const input = codes[0]!;
    const id = records[0]!.id;
    const [, , , salt, hash] = records[0]!.hash.split('$');
    const tail = `$${salt}$${hash}`;
    const bad = [
      // scrypt: N out of bounds, r/p zero or huge, memory or CPU over the limits, non-canonical numbers
      `$scrypt$ln=9,r=1,p=1${tail}`,
      `$scrypt$ln=21,r=1,p=1${tail}`,
      `$scrypt$ln=64,r=8,p=1${tail}`,
      `$scrypt$ln=99999999,r=8,p=1${tail}`,
      `$scrypt$ln=-1,r=8,p=1${tail}`,
      `$scrypt$ln=10,r=0,p=1${tail}`,
      `$scrypt$ln=10,r=33,p=1${tail}`,
      `$scrypt$ln=10,r=1,p=0${tail}`,
      `$scrypt$ln=10,r=1,p=17${tail}`,
      `$scrypt$ln=20,r=8,p=1${tail}`, // 1 GiB
      `$scrypt$ln=18,r=16,p=1${tail}`, // 512 MiB
      `$scrypt$ln=17,r=8,p=16${tail}`, // N·r·p = 2^24
      `$scrypt$ln=010,r=1,p=1${tail}`,
      `$scrypt$ln=10,r=+1,p=1${tail}`,
      `$scrypt$ln=10.0,r=1,p=1${tail}`,
      `$scrypt$ln=1e1,r=1,p=1${tail}`,
      `$scrypt$r=1,ln=10,p=1${tail}`,
      `$scrypt$ln=10,r=1,p=1,p=1${tail}`,
      `$scrypt$ln=10,r=1${tail}`,
      `$scrypt$ln=10,r=1,p=1,pepper=0${tail}`,
      `$scrypt$ln=10,r=1,p=1,extra=1${tail}`,
      `$scrypt$N=1024,r=1,p=1${tail}`,
      `$scrypt$ln=10,r=1,p=1${tail}$`,
      `$scrypt$ln=10,r=1,p=1$${salt}`,
      `$scrypt$ln=10,r=1,p=1$$${hash}`,
      `$scrypt$ln=10,r=1,p=1${tail}\n`,
      ` $scrypt$ln=10,r=1,p=1${tail}`,
      `$SCRYPT$ln=10,r=1,p=1${tail}`,
      // salt and hash: too short, too long, padded, url alphabet, non-canonical trailing bits
      `$scrypt$ln=10,r=1,p=1$AAAAAAAAAAA$${hash}`,
      `$scrypt$ln=10,r=1,p=1$${'A'.repeat(90)}$${hash}`,
      `$scrypt$ln=10,r=1,p=1$${salt}==$${hash}`,
      `$scrypt$ln=10,r=1,p=1$${salt}$${hash}=`,
      `$scrypt$ln=10,r=1,p=1$${'_'.repeat(22)}$${hash}`,
      `$scrypt$ln=10,r=1,p=1$AAAAAAAAAAAAAAAAAAAAAB$${hash}`,
      `$scrypt$ln=10,r=1,p=1$${salt}$${'A'.repeat(21)}`,
      // pbkdf2 and argon2id
      `$pbkdf2-sha256$i=0${tail}`,
      `$pbkdf2-sha256$i=999${tail}`,
      `$pbkdf2-sha256$i=2000001${tail}`,
      `$pbkdf2-sha256$i=999999999${tail}`,
      `$pbkdf2-sha256$c=1000${tail}`,
      `$argon2id$v=16$m=64,t=1,p=1${tail}`,
      `$argon2id$m=64,t=1,p=1${tail}`,
      `$argon2id$v=19$m=7,t=1,p=1${tail}`,
      `$argon2id$v=19$m=64,t=1,p=9${tail}`,
      `$argon2id$v=19$m=64,t=0,p=1${tail}`,
      `$argon2id$v=19$m=524288,t=1,p=1${tail}`, // 512 MiB
      `$argon2id$v=19$m=262144,t=4,p=1${tail}`, // m·t = 2^20
      `$argon2id$v=19$m=0064,t=1,p=1${tail}`,
      `$argon2id$v=19$m=64,t=1,p=1,pepper=true${tail}`,
      // not a PHC string at all
      '',
      'scrypt',
      '$',
      '$$',
      '$scrypt$',
      `$scrypt$ln=10,r=1,p=1${tail}`.repeat(20),
    ];
    for (const stored of bad) await expectRejected({ id, hash: stored }, input, ['INVALID_BACKUP_CODE_RECORD', 'UNSUPPORTED_KDF']);
  });

  it('refuses malformed record objects', async () => {
    // A code whose id has a letter, so that the lower-cased id below is really another id (an
    // all-digit id, about 1 in 100 codes, would stay the same and rightly verify).
    const { codes, records } = await createBackupCodes({ count: 10, kdf: FAST_KDF });
    const index = records.findIndex((r) => /[A-Z]/.test(r.id));
    const input = codes[index]!;
    const good = records[index]!;
    expect(good.id.toLowerCase()).not.toBe(good.id);
    for (const record of [
      null,
      'record',
      42,
      [],
      { hash: good.hash },
      { id: good.id },
      { id: good.id, hash: 42 },
      { id: good.id, hash: null },
      { id: good.id.toLowerCase(), hash: good.hash },
      { id: 'UUUU', hash: good.hash },
      { id: good.id + 'A', hash: good.hash },
      { id: 1234, hash: good.hash },
      { ...good, usedAt: 'yesterday' },
      { ...good, usedAt: Number.NaN },
    ]) {
      await expectRejected(record, input, 'INVALID_BACKUP_CODE_RECORD');
    }
  });

  it('checks the record even when the input is malformed', async () => {
    await expectRejected({ id: 'ABCD', hash: '$md5$x' }, 'hello', 'UNSUPPORTED_KDF');
  });

  it('refuses absurd KDF options (N not a power of two, huge memory) with INVALID_OPTION', async () => {
    for (const kdf of [
      { algorithm: 'scrypt', N: 1000, r: 8, p: 1 },
      { algorithm: 'scrypt', N: 2 ** 20, r: 8, p: 1 },
      { algorithm: 'scrypt', N: 2 ** 14, r: 8.5, p: 1 },
      { algorithm: 'pbkdf2-sha256', iterations: 10 },
      { algorithm: 'argon2id', m: 2 ** 30, t: 1, p: 1 },
      { algorithm: 'argon2id', m: 64, t: 1 },
      null,
      'scrypt',
    ]) {
      await expect(hashBackupCode('7KQ2-M9XD', { kdf: kdf as never })).rejects.toSatisfy(
        (e: unknown) => isMfaError(e, 'INVALID_OPTION'),
      );
    }
    await expect(hashBackupCode('7KQ2-M9XD', { kdf: { algorithm: 'bcrypt' } as never })).rejects.toSatisfy((e: unknown) =>
      isMfaError(e, 'UNSUPPORTED_KDF'),
    );
    await expect(hashBackupCode('not a code!')).rejects.toSatisfy((e: unknown) => isMfaError(e, 'INVALID_CODE'));
  });

  it('random mutations of a stored hash throw MfaError or fail, and never verify', async () => {
    const { codes, records } = await createBackupCodes({ count: 1, kdf: FAST_KDF });
    const input = codes[0]!;
    const good = records[0]!;
    const printable = fc.constantFrom(...'$,=0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/-_'.split(''));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: good.hash.length - 1 }), printable, async (at, c) => {
        const hash = good.hash.slice(0, at) + c + good.hash.slice(at + 1);
        fc.pre(hash !== good.hash);
        try {
          const result = await verifyBackupCode(input, { id: good.id, hash }, { kdf: FAST_KDF });
          expect(result.ok).toBe(false);
        } catch (error) {
          expect(isMfaError(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('hostile typed input and options throw MfaError and never verify', async () => {
    const { codes, records } = await createBackupCodes({ count: 1, kdf: FAST_KDF });
    const record = records[0]!;
    const hostile: unknown[] = [
      undefined, null, 42, {}, [codes[0]], new String(codes[0]), Symbol.iterator,
      codes[0]!.repeat(20), 'A'.repeat(1_000_000),
      codes[0]! + '\u0000', '\u001B' + codes[0]!, codes[0]!.replace('-', '\u202E'),
    ];
    for (const input of hostile) {
      const outcome = await verifyBackupCode(input as string, record, { kdf: FAST_KDF }).then(
        (result) => result,
        (error: unknown) => error,
      );
      expect(isMfaError(outcome), String(input).slice(0, 30)).toBe(true);
    }
    for (const options of [null, 'pepper', 42]) {
      await expect(verifyBackupCode(codes[0]!, record, options as never)).rejects.toSatisfy((e: unknown) => isMfaError(e, 'INVALID_OPTION'));
      await expect(createBackupCodes(options as never)).rejects.toSatisfy((e: unknown) => isMfaError(e, 'INVALID_OPTION'));
      await expect(hashBackupCode(codes[0]!, options as never)).rejects.toSatisfy((e: unknown) => isMfaError(e, 'INVALID_OPTION'));
    }
    await expect(verifyBackupCode(codes[0]!, record, { kdf: FAST_KDF, pepper: 'secret' as never })).rejects.toSatisfy((e: unknown) =>
      isMfaError(e, 'INVALID_OPTION'),
    );
  });

  it('parses what it writes', async () => {
    const record = await hashBackupCode('7KQ2-M9XD', { kdf: FAST_KDF, pepper: new Uint8Array(16) });
    const info = parseBackupCodeHash(record.hash);
    expect(info.kdf).toEqual(FAST_KDF);
    expect(info.peppered).toBe(true);
  });
});
