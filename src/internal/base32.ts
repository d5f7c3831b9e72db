/**
 * RFC 4648 §6 base32 (alphabet A-Z 2-7) without padding. Internal: callers validate the text
 * first (src/otp/secret.ts refuses other characters, impossible lengths and non-zero trailing
 * bits); these two only convert. Written here instead of depending on a package: the two packages
 * used before were three modules at every cold start of `mfakit/otp`, one of them CommonJS,
 * whose interop wrapper bundlers cannot tree-shake away.
 * @module
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Encodes bytes as unpadded RFC 4648 base32. */
export function bytesToBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff; // at most 4 bits carry over, plus the new byte
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes unpadded base32 that holds only A-Z and 2-7 (checked by the caller). Bits left after the
 * last whole byte are dropped.
 */
export function base32ToBytes(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    buffer = ((buffer << 5) | ALPHABET.indexOf(text[i]!)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (buffer >>> bits) & 0xff;
    }
  }
  return out;
}
