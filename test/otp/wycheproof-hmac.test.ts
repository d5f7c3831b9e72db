// Wycheproof HMAC vectors (test/vectors/wycheproof-hmac/SOURCE.txt) through PreparedHmac, the one
// HMAC path every OTP computation uses. Groups with a tagSize below the hash length compare the
// leftmost tagSize bits, as the vectors specify.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PreparedHmac } from '../../src/otp/otp-hmac.js';
import { bytesToHex, hexToBytes } from '../../src/internal/bytes.js';
import type { OtpAlgorithm } from '../../src/otp/index.js';

interface MacTest { tcId: number; comment: string; key: string; msg: string; tag: string; result: 'valid' | 'invalid' | 'acceptable' }
interface MacFile { algorithm: string; numberOfTests: number; testGroups: { keySize: number; tagSize: number; tests: MacTest[] }[] }

const files: [OtpAlgorithm, string, number][] = [
  ['SHA1', 'hmac_sha1_test.json', 20],
  ['SHA256', 'hmac_sha256_test.json', 32],
  ['SHA512', 'hmac_sha512_test.json', 64],
];

for (const [algorithm, file, outputLen] of files) {
  const data = JSON.parse(readFileSync(new URL(`../vectors/wycheproof-hmac/${file}`, import.meta.url), 'utf8')) as MacFile;
  describe(`Wycheproof ${data.algorithm}`, () => {
    it(`runs all ${data.numberOfTests} vectors`, () => {
      let valid = 0;
      let invalid = 0;
      let truncated = 0;
      for (const group of data.testGroups) {
        for (const t of group.tests) {
          const prepared = new PreparedHmac(algorithm, hexToBytes(t.key));
          expect(prepared.outputLen).toBe(outputLen);
          const message = hexToBytes(t.msg);
          // Twice on the same prepared key: the cloned state must not leak between calls.
          const first = bytesToHex(prepared.mac(message));
          const second = bytesToHex(prepared.mac(message));
          expect(second).toBe(first);
          const computed = first.slice(0, group.tagSize / 4);
          if (group.tagSize / 8 < outputLen) truncated++;
          if (t.result === 'valid') {
            expect(computed, `tcId ${t.tcId}`).toBe(t.tag);
            valid++;
          } else {
            expect(computed, `tcId ${t.tcId} (${t.comment})`).not.toBe(t.tag);
            invalid++;
          }
        }
      }
      expect(valid + invalid).toBe(data.numberOfTests);
      expect(valid).toBeGreaterThan(0);
      expect(invalid).toBeGreaterThan(0);
      expect(truncated).toBeGreaterThan(0);
    });
  });
}
