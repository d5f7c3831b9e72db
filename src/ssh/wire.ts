/**
 * A bounds-checked reader and a writer for the SSH wire encoding (RFC 4251 §5): uint32, string,
 * mpint. Every read past the end, or any non-canonical mpint, throws `MfaError` with the code the
 * caller chose, so parsers never leak a `RangeError`. Internal.
 * @module
 */
import { MfaError, type MfaErrorCode } from '../errors.js';
import { bytesToUtf8, concatBytes, utf8ToBytes } from '../internal/bytes.js';

/** Largest string the parsers accept (a 16384-bit RSA signature is 2 KiB; be generous but bounded). */
const MAX_STRING = 64 * 1024;

/** Reads SSH wire values from a byte array, in order. */
export class SshReader {
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly code: MfaErrorCode,
  ) {}

  /** Throws the reader's error code. */
  fail(message: string): never {
    throw new MfaError(this.code, message);
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Reads `length` raw bytes. */
  take(length: number): Uint8Array {
    if (length > this.remaining) this.fail('truncated data');
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** Reads one byte. */
  byte(): number {
    return this.take(1)[0]!;
  }

  /** Reads a big-endian uint32. */
  uint32(): number {
    const b = this.take(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  /** Reads a length-prefixed byte string. */
  string(): Uint8Array {
    const length = this.uint32();
    if (length > MAX_STRING) this.fail('string too long');
    return this.take(length);
  }

  /** Reads a length-prefixed UTF-8 text string. */
  text(): string {
    const bytes = this.string();
    // Names on the wire are short ASCII; skip TextDecoder (a native call) for them.
    if (bytes.length <= 64) {
      let ascii = '';
      let i = 0;
      for (; i < bytes.length && bytes[i]! < 0x80; i++) ascii += String.fromCharCode(bytes[i]!);
      if (i === bytes.length) return ascii;
    }
    try {
      return bytesToUtf8(bytes);
    } catch {
      return this.fail('string is not valid UTF-8');
    }
  }

  /**
   * Reads a canonical non-negative mpint and returns its magnitude (no leading zeros). Negative
   * values and superfluous leading zero bytes are refused: OpenSSH never writes them.
   */
  mpint(): Uint8Array {
    const bytes = this.string();
    if (bytes.length === 0) return bytes;
    if (bytes[0]! & 0x80) this.fail('negative mpint');
    if (bytes[0] === 0) {
      if (bytes.length === 1 || !(bytes[1]! & 0x80)) this.fail('non-canonical mpint');
      return bytes.subarray(1);
    }
    return bytes;
  }

  /** Throws unless every byte has been read. */
  end(): void {
    if (this.remaining !== 0) this.fail('trailing bytes');
  }
}

/** Encodes a uint32. */
export function encodeUint32(value: number): Uint8Array {
  return new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

/** Encodes a length-prefixed string (bytes or UTF-8 text). */
export function encodeString(value: Uint8Array | string): Uint8Array {
  const bytes = typeof value === 'string' ? utf8ToBytes(value) : value;
  return concatBytes(encodeUint32(bytes.length), bytes);
}

/** Encodes an unsigned magnitude as a canonical mpint. */
export function encodeMpint(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  const trimmed = magnitude.subarray(i);
  return encodeString(trimmed.length > 0 && trimmed[0]! & 0x80 ? concatBytes(new Uint8Array([0]), trimmed) : trimmed);
}
