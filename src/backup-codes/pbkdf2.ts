/**
 * PBKDF2-HMAC-SHA256 for backup codes: native through WebCrypto (`crypto.subtle.deriveBits`, in
 * Node, browsers, Bun, Deno and Cloudflare Workers), the same function in JavaScript
 * (`@noble/hashes`) where WebCrypto is missing or refuses the parameters.
 *
 * Why two paths: WebCrypto is several times faster than JavaScript and, in Node, runs off the event
 * loop; but it is absent from insecure browser contexts (`http://` pages), and some runtimes cap
 * the iteration count (Cloudflare Workers refuse more than 100,000). PBKDF2 is deterministic, so
 * both paths give the same bytes: falling back changes the time a run takes, never its result.
 * Internal.
 * @module
 */
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** The part of `SubtleCrypto` this file uses (so tests can hand in a runtime that refuses). */
export type Pbkdf2Subtle = Pick<SubtleCrypto, 'importKey' | 'deriveBits'>;

/** `crypto.subtle` if this runtime has it. @internal */
export function runtimeSubtle(): Pbkdf2Subtle | undefined {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  return c !== undefined && typeof c.subtle === 'object' && c.subtle !== null ? c.subtle : undefined;
}

/** A copy backed by a plain ArrayBuffer, as WebCrypto's BufferSource type asks. */
function plainBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(new ArrayBuffer(bytes.length));
  copy.set(bytes);
  return copy;
}

async function webCryptoPbkdf2(subtle: Pbkdf2Subtle, password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number): Promise<Uint8Array> {
  const key = await subtle.importKey('raw', plainBytes(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: plainBytes(salt), iterations }, key, dkLen * 8);
  return new Uint8Array(bits);
}

/**
 * PBKDF2-HMAC-SHA256 (RFC 8018 §5.2). Parameters must already be checked (see checkKdf).
 * `subtle` defaults to the runtime's; `null` forces the JavaScript path.
 * @internal
 */
export async function pbkdf2Sha256(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  dkLen: number,
  subtle: Pbkdf2Subtle | null | undefined = runtimeSubtle(),
): Promise<Uint8Array> {
  if (subtle !== null && subtle !== undefined) {
    let derived: Uint8Array | undefined;
    try {
      derived = await webCryptoPbkdf2(subtle, password, salt, iterations, dkLen);
    } catch {
      // Refused (an iteration cap, a missing algorithm): compute the same function below.
    }
    if (derived !== undefined && derived.length === dkLen) return derived;
  }
  return pbkdf2Async(sha256, password, salt, { c: iterations, dkLen });
}
