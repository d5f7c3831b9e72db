import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backupCodeId, generateBackupCodes, normaliseBackupCode } from '../../src/backup-codes/index.js';
import { isMfaError } from '../../src/errors.js';
import { seededRandom, typedVariant } from './helpers.js';

describe('backup-codes/normalise', () => {
  it('reads case, spaces, dashes and confusables', () => {
    expect(normaliseBackupCode('7kq2-m9xd-r4tw-ab0o')).toBe('7KQ2M9XDR4TWAB00');
    expect(normaliseBackupCode('  7KQ2 M9XD\tR4TW AB00\n')).toBe('7KQ2M9XDR4TWAB00');
    expect(normaliseBackupCode('7KQ2\u2013M9XD\u2014R4TW\u2212AB00')).toBe('7KQ2M9XDR4TWAB00');
    expect(normaliseBackupCode('ILil-oOoO')).toBe('11110000');
    expect(normaliseBackupCode('\uFF17\uFF2BQ2-M9XD')).toBe('7KQ2M9XD'); // full-width 7 and K
    expect(backupCodeId('7kq2-m9xd-r4tw-ab0o')).toBe('7KQ2');
  });

  it('refuses U (Crockford: never a code character, not guessed), other letters and wrong lengths', () => {
    expect(normaliseBackupCode('7KQ2-M9XU')).toBeNull();
    expect(normaliseBackupCode('7KQ2-M9X!')).toBeNull();
    expect(normaliseBackupCode('7KQ2-M9X')).toBeNull(); // 7 characters
    expect(normaliseBackupCode('7KQ2')).toBeNull(); // id alone
    expect(normaliseBackupCode('')).toBeNull();
    expect(normaliseBackupCode('7KQ2-M9XD-R')).toBeNull();
    expect(normaliseBackupCode('0'.repeat(60))).toBeNull(); // longer than 4 + 52
    expect(normaliseBackupCode('0'.repeat(56))).toBe('0'.repeat(56));
    expect(backupCodeId('nope')).toBeNull();
  });

  it('every typed variant of every generated code reads back to the same code', () => {
    const random = seededRandom(42);
    const codes = generateBackupCodes({ count: 100, random });
    fc.assert(
      fc.property(
        fc.constantFrom(...codes).chain((code) => fc.tuple(fc.constant(code), typedVariant(code.replace(/-/g, '')))),
        ([code, typed]) => {
          expect(normaliseBackupCode(typed)).toBe(code.replace(/-/g, ''));
          expect(backupCodeId(typed)).toBe(code.slice(0, 4));
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);

  it('throws MfaError on hostile input: wrong types, huge strings, control characters', () => {
    const hostile: unknown[] = [
      undefined, null, 42, {}, [], Symbol('x'), new Uint8Array(8), { toString: () => '7KQ2-M9XD' },
      'A'.repeat(257), 'A'.repeat(1_000_000),
      '7KQ2\u0000M9XD', '7KQ2-M9XD\u001B[2J', '\u0007' + '7KQ2M9XD', '7KQ2\u007FM9XD', '7KQ2\u202EM9XD',
    ];
    for (const input of hostile) {
      let caught: unknown;
      try {
        normaliseBackupCode(input as string);
      } catch (error) {
        caught = error;
      }
      expect(isMfaError(caught), String(input).slice(0, 20)).toBe(true);
    }
    expect(() => backupCodeId(7 as unknown as string)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => backupCodeId('x'.repeat(300))).toThrow(expect.objectContaining({ code: 'INVALID_CODE' }));
  });

  it('never throws anything but MfaError, and returns only canonical codes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 })), (text) => {
        try {
          const result = normaliseBackupCode(text);
          if (result !== null) expect(result).toMatch(/^[0-9A-HJKMNP-TV-Z]{8,56}$/);
        } catch (error) {
          expect(isMfaError(error)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  }, 120_000);
});
