/**
 * The foundations every browser-facing module relies on: the built package loads in a browser,
 * `MfaError` behaves there as in Node, and the Web APIs the core uses instead of Node's exist.
 */
import { MfaError, decodeBase32Secret, encodeBase32Secret, generateSecret, generateTotp, isMfaError, qrDataUrl, systemClock, verifyTotp } from 'mfakit';
import { assert, assertEqual } from '../assert.js';

export const checks: { name: string; run: () => void | Promise<void> }[] = [
  {
    name: 'MfaError carries code, message, cause and details',
    run() {
      const cause = new TypeError('root cause');
      const error = new MfaError('INVALID_ARGUMENT', 'digits must be 6 to 8', { cause, details: { field: 'digits' } });
      assert(error instanceof Error && error instanceof MfaError, 'MfaError is an Error and an MfaError');
      assertEqual(error.name, 'MfaError', 'name');
      assertEqual(error.code, 'INVALID_ARGUMENT', 'code');
      assertEqual(error.message, 'digits must be 6 to 8', 'message');
      assertEqual(error.cause, cause, 'cause');
      assertEqual(error.details?.['field'], 'digits', 'details.field');
      assert(typeof error.stack === 'string', 'has a stack');
    },
  },
  {
    name: 'MfaError without options has no cause and no details',
    run() {
      const error = new MfaError('INTERNAL', 'x');
      assert(!('cause' in error) || error.cause === undefined, 'no cause');
      assertEqual(error.details, undefined, 'details');
    },
  },
  {
    name: 'isMfaError matches by code and rejects other errors',
    run() {
      const error = new MfaError('THROTTLED', 'slow down');
      assert(isMfaError(error), 'isMfaError(error)');
      assert(isMfaError(error, 'THROTTLED'), 'isMfaError(error, THROTTLED)');
      assert(!isMfaError(error, 'INTERNAL'), 'not INTERNAL');
      assert(!isMfaError(new Error('plain')), 'plain Error');
      assert(!isMfaError({ name: 'MfaError', code: 'THROTTLED' }), 'a plain object is not an error');
    },
  },
  {
    name: 'crypto.getRandomValues fills a Uint8Array; over 65536 bytes it throws or fills it all',
    run() {
      const bytes = crypto.getRandomValues(new Uint8Array(64));
      assert(bytes.some((b) => b !== 0), 'random bytes are not all zero');
      const other = crypto.getRandomValues(new Uint8Array(64));
      assert(bytes.join() !== other.join(), 'two draws differ');
      // The Web Crypto spec throws QuotaExceededError (browsers, Node, Deno, workerd); Bun fills
      // the whole array instead. mfakit asks for 65536 bytes at most per call, so either is safe;
      // what must never happen is a silently unfilled tail.
      const big = new Uint8Array(65537);
      let threw = false;
      try {
        crypto.getRandomValues(big);
      } catch {
        threw = true;
      }
      assert(threw || big.subarray(65536 - 64).some((b) => b !== 0), 'over 65536 bytes: an exception or random bytes to the end');
    },
  },
  {
    name: 'Web APIs the core uses exist: crypto.subtle, TextEncoder/TextDecoder, btoa/atob, BigInt',
    async run() {
      assert(typeof crypto.subtle?.digest === 'function', 'crypto.subtle (secure context on 127.0.0.1)');
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc')));
      assertEqual(digest[0], 0xba, 'SHA-256("abc") first byte');
      assertEqual(new TextDecoder().decode(new TextEncoder().encode('é✓')), 'é✓', 'UTF-8 round trip');
      assertEqual(atob(btoa('mfakit')), 'mfakit', 'base64 round trip');
      assertEqual(2n ** 64n, 18446744073709551616n, 'BigInt');
    },
  },
  {
    name: 'systemClock reads the current time',
    run() {
      const now = systemClock();
      assert(Number.isInteger(now) && Math.abs(now - Date.now()) < 5_000, `systemClock() = ${now}`);
    },
  },
  {
    name: 'the core needs no Node globals, and the bundle adds none',
    run() {
      const g = globalThis as Record<string, unknown>;
      // Runtimes with Node's globals of their own (Node, Bun, Deno) keep them; elsewhere (browsers,
      // workerd) the bundle must not have brought them in.
      const nodeLike = typeof g['Bun'] !== 'undefined' || typeof g['Deno'] !== 'undefined' || typeof (g['process'] as { versions?: { node?: unknown } } | undefined)?.versions?.node === 'string';
      if (!nodeLike) {
        assertEqual(typeof g['Buffer'], 'undefined', 'Buffer');
        assertEqual(typeof g['process'], 'undefined', 'process');
      }
      // Everywhere: with Buffer and process hidden, the core still works (it uses Web APIs only).
      const names = ['Buffer', 'process'];
      const saved = names.map((name) => [name, Object.getOwnPropertyDescriptor(g, name)] as const);
      try {
        for (const name of names) Object.defineProperty(g, name, { value: undefined, configurable: true, writable: true });
        assertEqual(typeof g['Buffer'], 'undefined', 'Buffer hidden');
        const error = new MfaError('INVALID_ARGUMENT', 'no Buffer needed');
        assert(isMfaError(error, 'INVALID_ARGUMENT'), 'MfaError without Node globals');
        assert(Number.isInteger(systemClock()), 'systemClock without Node globals');
        const secret = generateSecret();
        assertEqual(decodeBase32Secret(encodeBase32Secret(secret)).join(), secret.join(), 'base32 without Node globals');
        assert(verifyTotp(secret, generateTotp(secret)).ok, 'TOTP without Node globals');
        assert(qrDataUrl('otpauth://totp/a?secret=AAAAAAAAAAAAAAAA').startsWith('data:image/svg+xml;base64,'), 'base64 without Node globals');
      } finally {
        for (const [name, descriptor] of saved) {
          if (descriptor) Object.defineProperty(g, name, descriptor);
          else delete g[name];
        }
      }
    },
  },
];
