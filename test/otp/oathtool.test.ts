// Interop with OATH Toolkit's oathtool (Debian package oathtool), an implementation nobody here
// wrote: random secrets, hashes, digit counts, periods, T0s and times, in both directions.
import { execFileSync, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasCommand, requirementsGate } from '../support/requirements.js';
import {
  encodeBase32Secret,
  generateHotp,
  generateTotp,
  verifyHotp,
  verifyTotp,
  type OtpAlgorithm,
} from '../../src/otp/index.js';

const hasOathtool = requirementsGate('oathtool interop', hasCommand('oathtool') ? [] : ['oathtool']);

function oathtool(args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync('oathtool', args, { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout.trim() };
}

const algorithm = fc.constantFrom<OtpAlgorithm>('SHA1', 'SHA256', 'SHA512');
const totpCase = fc
  .record({
    secret: fc.uint8Array({ minLength: 16, maxLength: 64 }),
    algorithm,
    digits: fc.integer({ min: 6, max: 8 }),
    period: fc.oneof(fc.constantFrom(30, 60), fc.integer({ min: 1, max: 600 })),
    t0: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000_000_000 })),
    offset: fc.integer({ min: 0, max: 3_000_000_000 }),
  })
  .map((c) => ({ ...c, time: c.t0 + c.offset }));

function totpArgs(c: { algorithm: OtpAlgorithm; digits: number; period: number; t0: number; time: number }): string[] {
  return [
    `--totp=${c.algorithm.toLowerCase()}`,
    `--digits=${c.digits}`,
    `--time-step-size=${c.period}s`,
    `--start-time=@${c.t0}`,
    `--now=@${c.time}`,
  ];
}

describe.skipIf(!hasOathtool)('oathtool interop', () => {
  it('TOTP: oathtool generates, mfakit verifies the code and reports the same step', () => {
    fc.assert(
      fc.property(totpCase, (c) => {
        const code = execFileSync('oathtool', [...totpArgs(c), '--base32', encodeBase32Secret(c.secret)], { encoding: 'utf8' }).trim();
        const options = { algorithm: c.algorithm, digits: c.digits, period: c.period, t0: c.t0, now: () => c.time * 1000 };
        expect(generateTotp(c.secret, options)).toBe(code);
        const result = verifyTotp(c.secret, code, { ...options, window: { past: 0, future: 0 } });
        expect(result).toEqual({ ok: true, step: Math.floor(c.offset / c.period), drift: 0 });
      }),
      { numRuns: 60 },
    );
  });

  it('TOTP: mfakit generates, oathtool validates it (window 0) and rejects a changed code', () => {
    fc.assert(
      fc.property(totpCase, (c) => {
        const options = { algorithm: c.algorithm, digits: c.digits, period: c.period, t0: c.t0, now: () => c.time * 1000 };
        const code = generateTotp(c.secret, options);
        const hex = Buffer.from(c.secret).toString('hex');
        const ok = oathtool([...totpArgs(c), '--window=0', hex, code]);
        expect(ok.status).toBe(0);
        expect(ok.stdout).toBe('0');
        const changed = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
        expect(oathtool([...totpArgs(c), '--window=0', hex, changed]).status).not.toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('HOTP: both directions agree for random counters', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 64 }),
        fc.integer({ min: 6, max: 8 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (secret, digits, counter) => {
          const hex = Buffer.from(secret).toString('hex');
          const theirs = oathtool(['--hotp', `--digits=${digits}`, `--counter=${counter}`, hex]).stdout;
          expect(generateHotp(secret, counter, { digits })).toBe(theirs);
          expect(verifyHotp(secret, theirs, counter, { digits })).toEqual({ ok: true, counter, nextCounter: counter + 1 });
          // oathtool's window search reports where our code for counter + 2 sits.
          const ours = generateHotp(secret, counter + 2, { digits });
          const found = oathtool(['--hotp', `--digits=${digits}`, `--counter=${counter}`, '--window=5', hex, ours]);
          expect(found.status).toBe(0);
          // A collision at an earlier counter is possible (1 in 10^digits per position); allow it.
          expect(Number(found.stdout)).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 30 },
    );
  });
});
