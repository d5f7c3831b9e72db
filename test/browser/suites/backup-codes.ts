/**
 * Backup codes in a real browser, from the built `mfakit/backup-codes` bundle: a set hashed with a
 * cheap KDF (PBKDF2 at its minimum cost), each code verifying once, the typing mistakes
 * normalisation forgives, wrong codes, and stored records that were tampered with refused by
 * `MfaError` before any KDF runs. The default KDF runs through the page's WebCrypto; scrypt and
 * Argon2id in their pure-JS `@noble/hashes` form; a set stored by mfakit 0.1 (scrypt N=2^14)
 * verifies here too, so nothing depends on Node's crypto.
 */
import { MfaError } from 'mfakit';
import {
  BACKUP_CODE_KDF_LIMITS,
  DEFAULT_BACKUP_CODE_KDF,
  backupCodeId,
  backupCodeNeedsRehash,
  countRemainingBackupCodes,
  createBackupCodes,
  normaliseBackupCode,
  parseBackupCodeHash,
  verifyBackupCode,
  type BackupCodeKdf,
  type BackupCodeSet,
  type StoredBackupCode,
} from 'mfakit/backup-codes';
import { assert, assertEqual, assertRejects, assertThrows } from '../assert.js';
import { LEGACY_SCRYPT_SET } from '../../backup-codes/legacy-fixture.js';

const kdf: BackupCodeKdf = { algorithm: 'pbkdf2-sha256', iterations: BACKUP_CODE_KDF_LIMITS['pbkdf2-sha256'].minIterations };
const options = { kdf };
let set: BackupCodeSet;

/** The stored record a typed code points to, as an app would look it up. */
const recordFor = (input: string): StoredBackupCode | undefined => set.records.find((r) => r.id === backupCodeId(input));

export const checks: { name: string; run: () => void | Promise<void> }[] = [
  {
    name: 'createBackupCodes: ten grouped codes with distinct ids and self-describing PBKDF2 hashes',
    async run() {
      set = await createBackupCodes(options);
      assertEqual(set.codes.length, 10, 'codes');
      assertEqual(set.records.length, 10, 'records');
      assertEqual(new Set(set.records.map((r) => r.id)).size, 10, 'distinct ids');
      set.codes.forEach((code, i) => {
        assert(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/.test(code), `code ${i} is five Crockford groups: ${code}`);
        const record = set.records[i]!;
        assertEqual(record.id, code.slice(0, 4), `record ${i} id is the first group`);
        assert(record.hash.startsWith('$pbkdf2-sha256$i=1000$'), `record ${i} names its KDF: ${record.hash}`);
        assert(!record.hash.includes(code.slice(5).replace(/-/g, '')), `record ${i} does not hold the secret`);
        const info = parseBackupCodeHash(record.hash);
        assert(info.kdf.algorithm === 'pbkdf2-sha256' && info.kdf.iterations === 1000, `record ${i} parses: ${JSON.stringify(info.kdf)}`);
        assert(info.salt.length === 16 && info.hash.length === 32 && !info.peppered, `record ${i}: 16-byte salt, 32-byte hash`);
      });
    },
  },
  {
    name: 'every code verifies once: ok with its id, then "used" once the store marks it',
    async run() {
      const used: StoredBackupCode[] = [];
      for (const code of set.codes) {
        const record = recordFor(code)!;
        const result = await verifyBackupCode(code, record, options);
        assert(result.ok && result.id === record.id && !result.needsRehash, `${code}: ${JSON.stringify(result)}`);
        const marked = { ...record, usedAt: 1_700_000_000_000 };
        const again = await verifyBackupCode(code, marked, options);
        assert(!again.ok && again.reason === 'replayed', `${code} a second time: ${JSON.stringify(again)}`);
        used.push(marked);
      }
      assertEqual(countRemainingBackupCodes(set.records), 10, 'none used in the original set');
      assertEqual(countRemainingBackupCodes([...used.slice(3), ...set.records.slice(0, 3)]), 3, 'three left');
    },
  },
  {
    name: 'normalisation: case, spaces, dashes, full-width forms and O/I/L confusables are the same code',
    async run() {
      const code = set.codes[0]!;
      const compact = code.replace(/-/g, '');
      const confusable = compact.replace(/0/g, 'O').replace(/1/g, 'l');
      const fullWidth = [...compact.toLowerCase()].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
      const variants = [code.toLowerCase(), ` ${code.replace(/-/g, ' ')}\n`, compact, code.replace(/-/g, '\u2013'), confusable, fullWidth];
      for (const typed of variants) {
        assertEqual(normaliseBackupCode(typed), compact, `normalise ${JSON.stringify(typed)}`);
        assertEqual(backupCodeId(typed), set.records[0]!.id, `id of ${JSON.stringify(typed)}`);
        const result = await verifyBackupCode(typed, recordFor(typed), options);
        assert(result.ok, `${JSON.stringify(typed)} verifies: ${JSON.stringify(result)}`);
      }
      // The documented example: O is read as 0, I and L as 1 (Crockford's decoding rules).
      assertEqual(normaliseBackupCode(' 7kq2-m9xd-r4tw-ab0o '), '7KQ2M9XDR4TWAB00', 'O for 0');
      assertEqual(normaliseBackupCode('IL00-0000'), '11000000', 'I and L for 1');
      for (const notACode of ['', 'hello', `${compact}U`, compact.slice(0, 7), `${compact.slice(0, -1)}U`]) {
        assertEqual(backupCodeId(notACode), null, `id of ${JSON.stringify(notACode)}`);
        const result = await verifyBackupCode(notACode, set.records[0], options);
        assert(!result.ok && result.reason === 'malformed', `${JSON.stringify(notACode)}: ${JSON.stringify(result)}`);
      }
    },
  },
  {
    name: 'wrong codes: another secret is a mismatch, an unknown id is not-found',
    async run() {
      const [a, b] = set.codes as [string, string];
      const swapped = `${a.slice(0, 5)}${b.slice(5)}`; // a's id, b's secret
      const mismatch = await verifyBackupCode(swapped, recordFor(swapped), options);
      assert(!mismatch.ok && mismatch.reason === 'mismatch', `swapped secret: ${JSON.stringify(mismatch)}`);
      const crossed = await verifyBackupCode(b, set.records[0], options);
      assert(!crossed.ok && crossed.reason === 'mismatch', `b against a's record: ${JSON.stringify(crossed)}`);
      const notFound = await verifyBackupCode(a, undefined, options);
      assert(!notFound.ok && notFound.reason === 'not-found', `no record: ${JSON.stringify(notFound)}`);
    },
  },
  {
    name: 'a record hashed more cheaply than the current KDF reports needsRehash',
    async run() {
      const current: BackupCodeKdf = { algorithm: 'pbkdf2-sha256', iterations: 2000 };
      const result = await verifyBackupCode(set.codes[1]!, set.records[1], { kdf: current });
      assert(result.ok && result.needsRehash, `cheaper record: ${JSON.stringify(result)}`);
      assert(backupCodeNeedsRehash(set.records[1]!, { kdf: current }), 'backupCodeNeedsRehash agrees');
      assert(!backupCodeNeedsRehash(set.records[1]!, options), 'not below its own KDF');
    },
  },
  {
    name: 'the default KDF runs through the page\'s WebCrypto (one deriveBits per check), and a set stored by mfakit 0.1 verifies',
    async run() {
      const subtle = crypto.subtle;
      const deriveBits = subtle.deriveBits;
      let runs = 0;
      subtle.deriveBits = function (...args: Parameters<SubtleCrypto['deriveBits']>) {
        runs++;
        return deriveBits.apply(subtle, args);
      };
      try {
        const fresh = await createBackupCodes({ count: 2 });
        assertEqual(runs, 2, 'one WebCrypto run per code');
        assert(fresh.records.every((r) => r.hash.startsWith(`$pbkdf2-sha256$i=${(DEFAULT_BACKUP_CODE_KDF as { iterations: number }).iterations}$`)), 'default format');
        const ok = await verifyBackupCode(fresh.codes[1]!, fresh.records[1]);
        assert(ok.ok && !ok.needsRehash && runs === 3, `default verifies: ${JSON.stringify(ok)}, runs ${runs}`);
      } finally {
        subtle.deriveBits = deriveBits;
      }
      const legacy = await verifyBackupCode(LEGACY_SCRYPT_SET.codes[0]!, LEGACY_SCRYPT_SET.records[0]);
      assert(legacy.ok && legacy.needsRehash, `0.1 set verifies and asks for a new set: ${JSON.stringify(legacy)}`);
      const wrong = await verifyBackupCode(LEGACY_SCRYPT_SET.codes[1]!, LEGACY_SCRYPT_SET.records[0]);
      assert(!wrong.ok && wrong.reason === 'mismatch', `another code against it: ${JSON.stringify(wrong)}`);
    },
  },
  {
    name: 'scrypt and argon2id (low cost) hash and verify in the browser too',
    async run() {
      const kdfs: BackupCodeKdf[] = [
        { algorithm: 'scrypt', N: 2 ** 10, r: 8, p: 1 },
        { algorithm: 'argon2id', m: 64, t: 1, p: 1 },
      ];
      for (const k of kdfs) {
        const { codes, records } = await createBackupCodes({ kdf: k, count: 2 });
        const prefix = k.algorithm === 'scrypt' ? '$scrypt$ln=10,r=8,p=1$' : '$argon2id$v=19$m=64,t=1,p=1$';
        assert(records[0]!.hash.startsWith(prefix), `${k.algorithm} hash format: ${records[0]!.hash}`);
        const ok = await verifyBackupCode(codes[0]!, records[0], { kdf: k });
        assert(ok.ok && !ok.needsRehash, `${k.algorithm} verifies: ${JSON.stringify(ok)}`);
        const wrong = await verifyBackupCode(codes[1]!, records[0], { kdf: k });
        assert(!wrong.ok && wrong.reason === 'mismatch', `${k.algorithm} wrong code: ${JSON.stringify(wrong)}`);
      }
    },
  },
  {
    name: 'tampered records: bad parameters or algorithm throw MfaError; a changed hash is a mismatch',
    async run() {
      const code = set.codes[2]!;
      const record = recordFor(code)!;
      const tampered: [string, string, string][] = [
        ['iterations below the minimum', record.hash.replace('i=1000$', 'i=999$'), 'INVALID_BACKUP_CODE_RECORD'],
        ['iterations above the maximum', record.hash.replace('i=1000$', 'i=9000000$'), 'INVALID_BACKUP_CODE_RECORD'],
        ['non-canonical number', record.hash.replace('i=1000$', 'i=01000$'), 'INVALID_BACKUP_CODE_RECORD'],
        ['unknown algorithm', record.hash.replace('$pbkdf2-sha256$', '$md5$'), 'UNSUPPORTED_KDF'],
        ['truncated', record.hash.slice(0, record.hash.lastIndexOf('$')), 'INVALID_BACKUP_CODE_RECORD'],
        ['huge scrypt cost', `$scrypt$ln=30,r=8,p=1$${record.hash.split('$').slice(-2).join('$')}`, 'INVALID_BACKUP_CODE_RECORD'],
      ];
      for (const [label, hash, expected] of tampered) {
        const error = await assertRejects(() => verifyBackupCode(code, { id: record.id, hash }, options), MfaError, label);
        assertEqual(error.code, expected, `${label}: code`);
        assertEqual(assertThrows(() => parseBackupCodeHash(hash), MfaError, `parse ${label}`).code, expected, `parse ${label}: code`);
      }
      const badId = await assertRejects(() => verifyBackupCode(code, { id: 'lower', hash: record.hash }, options), MfaError, 'bad id');
      assertEqual(badId.code, 'INVALID_BACKUP_CODE_RECORD', 'bad id: code');
      const parts = record.hash.split('$');
      const last = parts[parts.length - 1]!;
      parts[parts.length - 1] = (last[0] === 'A' ? 'B' : 'A') + last.slice(1);
      const flipped = await verifyBackupCode(code, { id: record.id, hash: parts.join('$') }, options);
      assert(!flipped.ok && flipped.reason === 'mismatch', `changed hash bytes: ${JSON.stringify(flipped)}`);
      const hostile = assertThrows(() => backupCodeId(`${code}\u0000`), MfaError, 'control character');
      assertEqual(hostile.code, 'INVALID_CODE', 'control character: code');
    },
  },
];
