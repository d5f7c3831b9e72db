/**
 * HOTP(K, C) as a number: RFC 4226 §5.3 dynamic truncation over the prepared HMAC. Internal.
 * @module
 */
import { PreparedHmac } from './otp-hmac.js';
import type { OtpAlgorithm } from './options.js';

// Shared scratch for the 8-byte counter block: computation is synchronous and never re-entrant.
const COUNTER = new Uint8Array(8);
const COUNTER_VIEW = new DataView(COUNTER.buffer);

/** 10^digits for 0..8 digits. */
export const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000] as const;

/**
 * Computes HOTP values for one secret. The counter block and the digest buffer are shared
 * scratch, so a call allocates nothing of its own: this is the hot path of every verify.
 */
export class HotpValues {
  private readonly prepared: PreparedHmac;
  private readonly modulus: number;

  constructor(secret: Uint8Array, algorithm: OtpAlgorithm, readonly digits: number) {
    this.prepared = new PreparedHmac(algorithm, secret);
    this.modulus = POWERS_OF_TEN[digits as 6 | 7 | 8];
  }

  /** The code for `counter` (a safe, non-negative integer) as a number below 10^digits. */
  at(counter: number): number {
    // Big-endian 64-bit counter (RFC 4226 §5.2), written as two 32-bit halves so counters up to
    // 2^53 - 1 stay exact without BigInt.
    COUNTER_VIEW.setUint32(0, Math.floor(counter / 0x1_0000_0000));
    COUNTER_VIEW.setUint32(4, counter >>> 0);
    const mac = this.prepared.mac(COUNTER);
    const offset = mac[mac.length - 1]! & 0x0f;
    const binary =
      ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
    // Wipe the MAC (it determines this step's code): nothing lingers in scratch.
    mac.fill(0);
    return binary % this.modulus;
  }

  /** The code for `counter` as a zero-padded string of `digits` digits. */
  codeAt(counter: number): string {
    return formatCode(this.at(counter), this.digits);
  }
}

/** Zero-pads a code value to `digits` digits. */
export function formatCode(value: number, digits: number): string {
  return value.toString().padStart(digits, '0');
}
