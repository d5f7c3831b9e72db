import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BACKUP_CODE_KDF_PRESETS,
  backupCodeId,
  backupCodeNeedsRehash,
  countRemainingBackupCodes,
  createBackupCodes,
  hashBackupCode,
  parseBackupCodeHash,
  verifyBackupCode,
  type StoredBackupCode,
} from '../../src/backup-codes/index.js';
import { isMfaError } from '../../src/errors.js';
import { FAST_KDF, seededRandom, typedVariant } from './helpers.js';

/** A tiny stand-in for the store: find by id, mark used once (atomic in a single thread). */
class CodeTable {
  constructor(public records: StoredBackupCode[]) {}
  find(input: string): StoredBackupCode | undefined {
    const id = backupCodeId(input);
    return this.records.find((r) => r.id === id);
  }
  markUsed(id: string, now: number): boolean {
    const record = this.records.find((r) => r.id === id);
    if (record === undefined || record.usedAt != null) return false;
    record.usedAt = now;
    return true;
  }
  async use(input: string, now = 1): Promise<boolean> {
    const result = await verifyBackupCode(input, this.find(input), { kdf: FAST_KDF });
    return result.ok && this.markUsed(result.id, now);
  }
}

describe('backup-codes/verify', () => {
  it('every generated code verifies once, and never again once marked used', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 6 }), async (seed, count) => {
        const { codes, records } = await createBackupCodes({ count, kdf: FAST_KDF, random: seededRandom(seed) });
        const table = new CodeTable(records);
        expect(countRemainingBackupCodes(table.records)).toBe(count);
        for (const [i, code] of codes.entries()) {
          expect(await table.use(code)).toBe(true);
          expect(await table.use(code)).toBe(false);
          expect(await verifyBackupCode(code, table.find(code), { kdf: FAST_KDF })).toEqual({ ok: false, reason: 'replayed' });
          expect(countRemainingBackupCodes(table.records)).toBe(count - i - 1);
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);

  it('every normalisation variant of a code verifies', async () => {
    const { codes, records } = await createBackupCodes({ count: 10, kdf: FAST_KDF, random: seededRandom(3) });
    const table = new CodeTable(records);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...codes).chain((code) => fc.tuple(fc.constant(code), typedVariant(code.replace(/-/g, '')))),
        async ([code, typed]) => {
          const result = await verifyBackupCode(typed, table.find(typed), { kdf: FAST_KDF });
          expect(result).toEqual({ ok: true, id: code.slice(0, 4), needsRehash: false });
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);

  it('random strings never verify (and only MfaError is ever thrown)', async () => {
    const { codes, records } = await createBackupCodes({ count: 3, kdf: FAST_KDF, random: seededRandom(5) });
    const table = new CodeTable(records);
    const id = codes[0]!.slice(0, 4);
    const codeLike = fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{16}$/).map((secret) => `${id}-${secret}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 30 }), codeLike), async (text) => {
        fc.pre(!codes.some((c) => c.replace(/-/g, '') === text.replace(/-/g, '').toUpperCase()));
        try {
          // Against the record its id points to, and against a record it does not point to.
          for (const record of [table.find(text), records[0]]) {
            const result = await verifyBackupCode(text, record, { kdf: FAST_KDF });
            expect(result.ok).toBe(false);
          }
        } catch (error) {
          expect(isMfaError(error)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('reports malformed input, unknown ids and a record of another code', async () => {
    const { codes, records } = await createBackupCodes({ count: 2, kdf: FAST_KDF });
    expect(await verifyBackupCode('hello', records[0])).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyBackupCode(codes[0]!, undefined, { kdf: FAST_KDF })).toEqual({ ok: false, reason: 'not-found' });
    expect(await verifyBackupCode(codes[0]!, records[1])).toEqual({ ok: false, reason: 'mismatch' });
    // Same secret under another id: the id is part of what is hashed.
    const swapped = records[1]!.id + codes[0]!.slice(4);
    expect(await verifyBackupCode(swapped, { ...records[0]!, id: records[1]!.id })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('regenerating makes every earlier code invalid', async () => {
    const first = await createBackupCodes({ count: 5, kdf: FAST_KDF });
    const second = await createBackupCodes({ count: 5, kdf: FAST_KDF });
    const table = new CodeTable(second.records); // the service replaced the set
    for (const code of first.codes) expect(await table.use(code)).toBe(false);
    for (const code of second.codes) expect(await table.use(code)).toBe(true);
  });

  it('mixes in a pepper that is never stored, and migrates unpeppered hashes', async () => {
    const pepper = new Uint8Array(32).fill(1);
    const { codes, records } = await createBackupCodes({ count: 1, kdf: FAST_KDF, pepper });
    expect(records[0]!.hash).toMatch(/^\$scrypt\$ln=10,r=1,p=1,pepper=1\$/);
    expect(await verifyBackupCode(codes[0]!, records[0], { pepper, kdf: FAST_KDF })).toEqual({ ok: true, id: records[0]!.id, needsRehash: false });
    expect(await verifyBackupCode(codes[0]!, records[0], { pepper: new Uint8Array(32).fill(2), kdf: FAST_KDF })).toEqual({ ok: false, reason: 'mismatch' });
    await expect(verifyBackupCode(codes[0]!, records[0])).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(verifyBackupCode(codes[0]!, records[0], { pepper: new Uint8Array(8) })).rejects.toMatchObject({ code: 'INVALID_OPTION' });

    const plain = await hashBackupCode(codes[0]!, { kdf: FAST_KDF });
    expect(await verifyBackupCode(codes[0]!, plain, { pepper, kdf: FAST_KDF })).toEqual({ ok: true, id: plain.id, needsRehash: true });
  });

  it('flags hashes below the current cost for rehashing, and a rehash keeps the id', async () => {
    const { codes, records } = await createBackupCodes({ count: 1, kdf: FAST_KDF });
    const stronger = { algorithm: 'scrypt', N: 2048, r: 1, p: 1 } as const;
    expect(backupCodeNeedsRehash(records[0]!, { kdf: FAST_KDF })).toBe(false);
    expect(backupCodeNeedsRehash(records[0]!, { kdf: stronger })).toBe(true);
    expect(backupCodeNeedsRehash(records[0]!)).toBe(true); // below the default
    expect(backupCodeNeedsRehash(records[0]!, { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } })).toBe(true);
    const result = await verifyBackupCode(codes[0]!, records[0], { kdf: stronger });
    expect(result).toEqual({ ok: true, id: records[0]!.id, needsRehash: true });
    const rehashed = await hashBackupCode(codes[0]!, { kdf: stronger });
    expect(rehashed.id).toBe(records[0]!.id);
    expect(rehashed.hash).toMatch(/^\$scrypt\$ln=11,r=1,p=1\$/);
    // The old record stays verifiable after the default moved on.
    expect((await verifyBackupCode(codes[0]!, records[0], { kdf: stronger })).ok).toBe(true);
  });

  it('supports PBKDF2-SHA256 and Argon2id', async () => {
    for (const kdf of [
      { algorithm: 'pbkdf2-sha256', iterations: 1000 } as const,
      { algorithm: 'argon2id', m: 64, t: 1, p: 1 } as const,
    ]) {
      const { codes, records } = await createBackupCodes({ count: 2, kdf });
      expect(records[0]!.hash.startsWith(kdf.algorithm === 'argon2id' ? '$argon2id$v=19$m=64,t=1,p=1$' : '$pbkdf2-sha256$i=1000$')).toBe(true);
      expect(parseBackupCodeHash(records[0]!.hash).kdf).toEqual(kdf);
      expect(await verifyBackupCode(codes[0]!, records[0], { kdf })).toEqual({ ok: true, id: records[0]!.id, needsRehash: false });
      expect((await verifyBackupCode(codes[1]!, records[0], { kdf })).ok).toBe(false);
    }
    expect(BACKUP_CODE_KDF_PRESETS.argon2id).toEqual({ algorithm: 'argon2id', m: 8192, t: 2, p: 1 });
  });

  it('uses a 128-bit salt per code: equal codes get different hashes', async () => {
    const a = await hashBackupCode('7KQ2-M9XD', { kdf: FAST_KDF });
    const b = await hashBackupCode('7kq2 m9xd', { kdf: FAST_KDF });
    expect(a.id).toBe(b.id);
    expect(a.hash).not.toBe(b.hash);
    expect(parseBackupCodeHash(a.hash).salt).toHaveLength(16);
    expect(parseBackupCodeHash(a.hash).hash).toHaveLength(32);
  });

  it('countRemainingBackupCodes counts records without usedAt', () => {
    expect(countRemainingBackupCodes([{}, { usedAt: null }, { usedAt: 5 }])).toBe(2);
    expect(() => countRemainingBackupCodes('x' as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
