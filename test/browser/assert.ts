/**
 * Tiny assertions for the browser suites (test/browser/suites/*.ts): they run inside Chromium, with
 * no test framework, so a failed check is simply a thrown Error with a message worth reading.
 */

/** Throws `message` unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Throws unless `actual === expected` (strings and numbers compared as they are, shown in JSON). */
export function assertEqual<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Throws unless the two byte arrays hold the same bytes. */
export function assertBytesEqual(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  if (!(actual instanceof Uint8Array)) throw new Error(`${what}: expected a Uint8Array, got ${String(actual)}`);
  if (hex(actual) !== hex(expected)) throw new Error(`${what}: expected ${hex(expected)}, got ${hex(actual)}`);
}

/**
 * Calls `fn` and returns what it threw; throws when it returned normally, or when the thrown value
 * is not an error of class `type` (checked by name too, so a second bundled copy still counts).
 */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  type: abstract new (...args: never[]) => E,
  what: string,
): E {
  try {
    fn();
  } catch (error) {
    if (error instanceof type) return error;
    const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`${what}: expected ${type.name} to be thrown, got ${shown}`);
  }
  throw new Error(`${what}: expected ${type.name} to be thrown, but it returned normally`);
}

/** The async twin of {@link assertThrows}: awaits `fn` and returns what it rejected with. */
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  what: string,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof type) return error;
    const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`${what}: expected ${type.name} to be thrown, got ${shown}`);
  }
  throw new Error(`${what}: expected ${type.name} to be thrown, but it resolved`);
}
