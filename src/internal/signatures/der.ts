/**
 * Strict DER <-> fixed-width raw conversion of ECDSA signatures (`SEQUENCE { INTEGER r, INTEGER s }`).
 * WebCrypto wants raw `r || s`; OpenSSL, X.509 and WebAuthn produce DER. Only the one canonical DER
 * encoding is accepted: BER forms (long lengths that fit short form, indefinite lengths, leading
 * zero bytes, negative integers) are malleability vectors, so they are refused. Internal.
 * @module
 */

/** Reads one canonical DER length at `offset`; returns [length, next offset] or null. */
function readLength(bytes: Uint8Array, offset: number): [number, number] | null {
  const first = bytes[offset];
  if (first === undefined) return null;
  if (first < 0x80) return [first, offset + 1];
  // Only 0x81 is ever needed (an ECDSA P-521 signature is at most 139 bytes), and only for >= 128.
  if (first !== 0x81) return null;
  const value = bytes[offset + 1];
  if (value === undefined || value < 0x80) return null;
  return [value, offset + 2];
}

/** Reads one canonical positive DER INTEGER; returns [magnitude bytes, next offset] or null. */
function readPositiveInteger(bytes: Uint8Array, offset: number): [Uint8Array, number] | null {
  if (bytes[offset] !== 0x02) return null;
  const header = readLength(bytes, offset + 1);
  if (header === null) return null;
  const [length, start] = header;
  const end = start + length;
  if (length === 0 || end > bytes.length) return null;
  const lead = bytes[start]!;
  if (lead & 0x80) return null; // negative
  if (lead === 0 && length > 1 && !(bytes[start + 1]! & 0x80)) return null; // non-minimal
  let from = start;
  if (lead === 0 && length > 1) from++;
  return [bytes.subarray(from, end), end];
}

/**
 * Converts a strict DER ECDSA signature into raw `r || s`, each left-padded to `width` bytes.
 * Returns null (not valid) for anything but the canonical encoding, or an integer wider than `width`.
 */
export function derToRawEcdsa(der: Uint8Array, width: number): Uint8Array | null {
  if (der[0] !== 0x30) return null;
  const header = readLength(der, 1);
  if (header === null) return null;
  const [length, start] = header;
  if (start + length !== der.length) return null;
  const r = readPositiveInteger(der, start);
  if (r === null) return null;
  const s = readPositiveInteger(der, r[1]);
  if (s === null || s[1] !== der.length) return null;
  const out = new Uint8Array(width * 2);
  for (const [value, slot] of [[r[0], 0], [s[0], width]] as const) {
    // A zero integer is encoded as one 0x00 byte; keep it as zero (the range check refuses it).
    const magnitude = value.length === 1 && value[0] === 0 ? value.subarray(1) : value;
    if (magnitude.length > width) return null;
    out.set(magnitude, slot + width - magnitude.length);
  }
  return out;
}

/** Encodes one unsigned big-endian integer as a minimal DER INTEGER. */
function encodeInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const trimmed = magnitude.subarray(i);
  const pad = trimmed.length === 0 || (trimmed[0]! & 0x80) !== 0 ? 1 : 0;
  const body = new Uint8Array(pad + trimmed.length);
  body.set(trimmed, pad);
  return new Uint8Array([0x02, ...encodeLength(body.length), ...body]);
}

function encodeLength(length: number): number[] {
  return length < 0x80 ? [length] : [0x81, length];
}

/** Converts raw `r || s` (even length) into canonical DER. The inverse of {@link derToRawEcdsa}. */
export function rawToDerEcdsa(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const r = encodeInteger(raw.subarray(0, half));
  const s = encodeInteger(raw.subarray(half));
  return new Uint8Array([0x30, ...encodeLength(r.length + s.length), ...r, ...s]);
}
