/**
 * A small, strict CBOR (RFC 8949) decoder for the subset WebAuthn uses: attestation objects, COSE
 * keys and authenticator extension outputs.
 *
 * Strict where it matters for security: definite lengths only (CTAP2 canonical form never uses
 * indefinite ones), map keys are integers or text and never repeat, no floats, no tags, text is
 * valid UTF-8, integers fit in a JavaScript number, nesting and item counts are bounded, and every
 * length is checked against the remaining input before anything is allocated.
 * @module
 */
import { MfaError } from '../errors.js';

/**
 * A map key as WebAuthn uses them: COSE labels are integers, attestation fields are text.
 *
 * @example
 * ```ts
 * const key: CborKey = -2; // COSE label x
 * ```
 */
export type CborKey = number | string;

/**
 * A decoded CBOR value. Maps decode to `Map` so integer keys (COSE labels) keep their type.
 *
 * @example
 * ```ts
 * const value: CborValue = decodeCbor(bytes);
 * ```
 */
export type CborValue = number | string | Uint8Array | boolean | null | undefined | CborValue[] | CborMap;

/**
 * A decoded CBOR map.
 *
 * @example
 * ```ts
 * const map = decodeCbor(attestationObject) as CborMap;
 * map.get('fmt');
 * ```
 */
export type CborMap = Map<CborKey, CborValue>;

/**
 * Limits that bound the work a hostile input can cause.
 *
 * @example
 * ```ts
 * decodeCbor(bytes, { maxDepth: 4, maxItems: 64 });
 * ```
 */
export interface CborDecodeOptions {
  /** Deepest nesting of arrays and maps (default 16). */
  maxDepth?: number;
  /** Most data items in one decode (default 4096). */
  maxItems?: number;
}

/**
 * The value of a CBOR item at the start of some bytes, and how many bytes it took.
 *
 * @example
 * ```ts
 * const { value, length }: CborPrefix = decodeCborPrefix(bytes);
 * ```
 */
export interface CborPrefix {
  value: CborValue;
  /** Bytes consumed by the item. */
  length: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(message: string): never {
  throw new MfaError('INVALID_CBOR', `CBOR: ${message}`);
}

class Reader {
  offset = 0;
  items = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly maxDepth: number,
    readonly maxItems: number,
  ) {}

  private byte(): number {
    if (this.offset >= this.bytes.length) fail('unexpected end of input');
    return this.bytes[this.offset++]!;
  }

  /** The argument of a head (RFC 8949 §3): a number below 2^53, or fails. */
  private argument(info: number): number {
    if (info < 24) return info;
    if (info === 24) return this.byte();
    if (info === 25) return this.byte() * 0x100 + this.byte();
    if (info === 26) return ((this.byte() << 24) >>> 0) + (this.byte() << 16) + (this.byte() << 8) + this.byte();
    if (info === 27) {
      const high = ((this.byte() << 24) >>> 0) + (this.byte() << 16) + (this.byte() << 8) + this.byte();
      const low = ((this.byte() << 24) >>> 0) + (this.byte() << 16) + (this.byte() << 8) + this.byte();
      if (high > 0x1fffff) fail('integer too large');
      return high * 0x100000000 + low;
    }
    if (info === 31) fail('indefinite lengths are not allowed');
    return fail('reserved additional information');
  }

  private take(length: number): Uint8Array {
    if (length > this.bytes.length - this.offset) fail('length exceeds input');
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  value(depth: number): CborValue {
    if (++this.items > this.maxItems) fail('too many items');
    const head = this.byte();
    const major = head >> 5;
    const info = head & 31;
    switch (major) {
      case 0:
        return this.argument(info);
      case 1:
        return -1 - this.argument(info);
      case 2:
        return this.take(this.argument(info)).slice();
      case 3: {
        const raw = this.take(this.argument(info));
        try {
          return utf8.decode(raw);
        } catch {
          return fail('text is not valid UTF-8');
        }
      }
      case 4: {
        if (depth >= this.maxDepth) fail('nesting too deep');
        const count = this.argument(info);
        // Each item takes at least one byte: refuse counts the input cannot hold before allocating.
        if (count > this.bytes.length - this.offset) fail('array length exceeds input');
        const out: CborValue[] = [];
        for (let i = 0; i < count; i++) out.push(this.value(depth + 1));
        return out;
      }
      case 5: {
        if (depth >= this.maxDepth) fail('nesting too deep');
        const count = this.argument(info);
        if (count * 2 > this.bytes.length - this.offset) fail('map length exceeds input');
        const out: CborMap = new Map();
        for (let i = 0; i < count; i++) {
          const key = this.value(depth + 1);
          if (typeof key !== 'number' && typeof key !== 'string') fail('map keys must be integers or text');
          if (out.has(key)) fail('duplicate map key');
          out.set(key, this.value(depth + 1));
        }
        return out;
      }
      case 6:
        return fail('tags are not supported');
      default: {
        // major 7: simple values and floats
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        if (info === 23) return undefined;
        return fail('floats and other simple values are not supported');
      }
    }
  }
}

function reader(bytes: Uint8Array, options: CborDecodeOptions): Reader {
  if (!(bytes instanceof Uint8Array)) throw new MfaError('INVALID_CBOR', 'CBOR: input must be a Uint8Array');
  return new Reader(bytes, options.maxDepth ?? 16, options.maxItems ?? 4096);
}

/**
 * Decodes exactly one CBOR item; trailing bytes are an error.
 *
 * @throws MfaError `INVALID_CBOR` on anything malformed or outside the supported subset.
 * @example
 * ```ts
 * const map = decodeCbor(new Uint8Array([0xa1, 0x01, 0x02])) as CborMap; // {1: 2}
 * map.get(1); // 2
 * ```
 */
export function decodeCbor(bytes: Uint8Array, options: CborDecodeOptions = {}): CborValue {
  const r = reader(bytes, options);
  const value = r.value(0);
  if (r.offset !== bytes.length) fail('trailing bytes after the item');
  return value;
}

/**
 * Decodes the CBOR item at the start of `bytes` and reports how many bytes it used, for formats
 * that place CBOR items back to back (the credential public key then extensions in authenticator
 * data).
 *
 * @example
 * ```ts
 * const { value, length } = decodeCborPrefix(new Uint8Array([0x01, 0xff])); // value 1, length 1
 * ```
 */
export function decodeCborPrefix(bytes: Uint8Array, options: CborDecodeOptions = {}): CborPrefix {
  const r = reader(bytes, options);
  const value = r.value(0);
  return { value, length: r.offset };
}

/**
 * True when `value` is a decoded CBOR map.
 *
 * @example
 * ```ts
 * if (isCborMap(decodeCbor(bytes))) { ... }
 * ```
 */
export function isCborMap(value: CborValue): value is CborMap {
  return value instanceof Map;
}
