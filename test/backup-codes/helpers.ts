import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import type { RandomSource } from '../../src/internal/bytes.js';
import type { BackupCodeKdf } from '../../src/backup-codes/index.js';

/**
 * A deterministic random source for tests: SHA-256(seed ‖ counter) blocks. Output is
 * indistinguishable from uniform for these purposes, and a fixed seed makes statistical tests
 * reproducible.
 */
export function seededRandom(seed: number): RandomSource {
  let counter = 0;
  let pool = new Uint8Array(0);
  let offset = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      if (offset === pool.length) {
        const block = new Uint8Array(8);
        new DataView(block.buffer).setUint32(0, seed >>> 0);
        new DataView(block.buffer).setUint32(4, counter++);
        pool = sha256(block);
        offset = 0;
      }
      out[i] = pool[offset++]!;
    }
    return out;
  };
}

/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
export function chiSquareUniform(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

/** The cheapest scrypt the limits allow: keeps property tests fast. Never use outside tests. */
export const FAST_KDF: BackupCodeKdf = { algorithm: 'scrypt', N: 1024, r: 1, p: 1 };

/** Arbitrary ways a person may type a canonical code: case, separators, confusables, full width. */
export function typedVariant(canonical: string): fc.Arbitrary<string> {
  const separators = fc.constantFrom('', '', '-', ' ', '  ', '\u2013', '\u2014', '\u2212', '\t', '\u200B', '\u00A0');
  return fc
    .tuple(
      fc.array(fc.tuple(fc.boolean(), fc.boolean(), separators), { minLength: canonical.length, maxLength: canonical.length }),
      fc.constantFrom('', ' ', '\n', '\r\n'),
      fc.constantFrom('', ' ', '\t'),
    )
    .map(([choices, trailing, leading]) => {
      let out = leading;
      for (let i = 0; i < canonical.length; i++) {
        const [lower, swap, sep] = choices[i]!;
        let c = canonical[i]!;
        if (swap && c === '0') c = 'O';
        if (swap && c === '1') c = lower ? 'l' : 'I';
        else if (swap && /[A-Z0-9]/.test(c) && c !== '0') c = String.fromCharCode(c.charCodeAt(0) + 0xfee0); // full width
        if (lower) c = c.toLowerCase();
        out += c + sep;
      }
      return out + trailing;
    });
}

