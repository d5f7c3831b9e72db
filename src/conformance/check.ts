/**
 * Tiny assertions for the conformance suite: it must run under any test runner, so it throws its
 * own `MfaError('CONFORMANCE_FAILURE')` instead of using a runner's `expect`.
 * @module
 */
import { MfaError } from '../errors.js';
import { bytesToBase64Url, secureRandom } from '../internal/bytes.js';

/** Throws a conformance failure unless `condition` holds. */
export function check(condition: boolean, message: string, details?: Record<string, unknown>): asserts condition {
  if (!condition) throw new MfaError('CONFORMANCE_FAILURE', message, details === undefined ? {} : { details });
}

/** Throws unless the two values are equal as JSON (records are JSON, so this is exact enough). */
export function checkJsonEqual(actual: unknown, expected: unknown, message: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${message}: expected ${e}, got ${a}`);
}

/** Runs `fn` and throws unless it rejects with an `MfaError` of the given code. */
export async function checkRejects(fn: () => Promise<unknown>, code: string, message: string): Promise<void> {
  let error: unknown;
  try {
    await fn();
  } catch (caught) {
    error = caught;
  }
  check(error !== undefined, `${message}: expected an error with code ${code}, but it resolved`);
  const actual = (error as { code?: unknown }).code;
  check(actual === code, `${message}: expected code ${code}, got ${String(actual)} (${String(error)})`);
}

/** A fresh random id, so cases can share one database without colliding. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${bytesToBase64Url(secureRandom(12))}`;
}

/** Runs `count` calls of `fn` at once and returns their results. */
export function concurrently<T>(count: number, fn: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => fn(index)));
}
