import { describe, expect, it } from 'vitest';
import { createBackupCodes, useBackupCode } from '../../src/backup-codes/index.js';
import { FAST_KDF } from './helpers.js';

describe('useBackupCode: pick the record a typed code points to, verify, mark it used', () => {
  it('marks the matched record used (a copy) and returns the set with it replaced; a second use is replayed', async () => {
    const { codes, records } = await createBackupCodes({ kdf: FAST_KDF, count: 4 });
    const typed = ` ${codes[2]!.toLowerCase()} `;
    const first = await useBackupCode(typed, records, { kdf: FAST_KDF, now: () => 1_000 });
    if (!first.ok) throw new Error(first.reason);
    expect(first.record).toEqual({ ...records[2], usedAt: 1_000 });
    expect(first.records).toEqual([records[0], records[1], { ...records[2], usedAt: 1_000 }, records[3]]);
    expect(records[2]!.usedAt).toBeUndefined(); // the input is not changed
    expect(await useBackupCode(codes[2]!, first.records, { kdf: FAST_KDF })).toEqual({ ok: false, reason: 'replayed' });
    expect((await useBackupCode(codes[3]!, first.records, { kdf: FAST_KDF })).ok).toBe(true);
  });

  it('wrong, unknown and malformed codes are results; a non-array is misuse', async () => {
    const { codes, records } = await createBackupCodes({ kdf: FAST_KDF, count: 2 });
    const other = await createBackupCodes({ kdf: FAST_KDF, count: 1 });
    expect(await useBackupCode(other.codes[0]!, records, { kdf: FAST_KDF })).toEqual({ ok: false, reason: 'not-found' });
    const wrongSecret = codes[0]!.slice(0, -1) + (codes[0]!.endsWith('0') ? '1' : '0');
    expect(await useBackupCode(wrongSecret, records, { kdf: FAST_KDF })).toEqual({ ok: false, reason: 'mismatch' });
    expect(await useBackupCode('!!!!-????', records, { kdf: FAST_KDF })).toEqual({ ok: false, reason: 'malformed' });
    await expect(useBackupCode(codes[0]!, 'records' as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
