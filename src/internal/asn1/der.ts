/**
 * A strict, lazy ASN.1 DER reader: enough for X.509 certificates and the attestation extensions
 * WebAuthn reads (Android key description, Apple nonce, TPM names). Internal: not public API.
 *
 * DER only: definite, minimal lengths; every length is checked against the input before use.
 * @module
 */
import { MfaError } from '../../errors.js';

/** Tag classes. */
export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const;

/** One TLV. `value` and `raw` are views into the input (no copies). */
export interface DerElement {
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  cls: number;
  constructed: boolean;
  /** Tag number (may exceed 30: high-tag-number form is supported). */
  tag: number;
  /** The contents octets. */
  value: Uint8Array;
  /** The whole encoding, header included. */
  raw: Uint8Array;
}

/** Universal tag numbers used here. */
export const Tag = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
} as const;

/** Throws `MfaError('INVALID_ASN1')`. */
export function asn1Fail(message: string): never {
  throw new MfaError('INVALID_ASN1', `ASN.1: ${message}`);
}

/** Reads the TLV at `offset`; returns it and the offset after it. */
export function readDerElement(bytes: Uint8Array, offset: number): { element: DerElement; end: number } {
  const start = offset;
  if (offset >= bytes.length) asn1Fail('unexpected end of input');
  const first = bytes[offset++]!;
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (offset >= bytes.length) asn1Fail('truncated tag');
      const b = bytes[offset++]!;
      if (i === 0 && b === 0x80) asn1Fail('non-minimal tag');
      if (i >= 3) asn1Fail('tag number too large');
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tag < 31) asn1Fail('non-minimal tag');
  }
  if (offset >= bytes.length) asn1Fail('truncated length');
  let length = bytes[offset++]!;
  if (length === 0x80) asn1Fail('indefinite length');
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 4) asn1Fail('length too large');
    if (offset + count > bytes.length) asn1Fail('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset++]!;
    if (length < 0x80 || bytes[offset - count] === 0) asn1Fail('non-minimal length');
  }
  if (length > bytes.length - offset) asn1Fail('length exceeds input');
  const end = offset + length;
  return { element: { cls, constructed, tag, value: bytes.subarray(offset, end), raw: bytes.subarray(start, end) }, end };
}

/** Parses exactly one element; trailing bytes are an error. */
export function parseDer(bytes: Uint8Array): DerElement {
  if (!(bytes instanceof Uint8Array)) asn1Fail('input must be a Uint8Array');
  const { element, end } = readDerElement(bytes, 0);
  if (end !== bytes.length) asn1Fail('trailing bytes');
  return element;
}

/** The elements inside a constructed element. */
export function derChildren(element: DerElement): DerElement[] {
  if (!element.constructed) asn1Fail('expected a constructed element');
  const out: DerElement[] = [];
  let offset = 0;
  while (offset < element.value.length) {
    const { element: child, end } = readDerElement(element.value, offset);
    out.push(child);
    offset = end;
  }
  return out;
}

/** Asserts a universal tag (or a given class) and returns the element. */
export function expectTag(element: DerElement | undefined, tag: number, what: string, cls: number = TagClass.universal): DerElement {
  if (element === undefined) asn1Fail(`missing ${what}`);
  if (element.tag !== tag || element.cls !== cls) asn1Fail(`expected ${what}`);
  return element;
}

/** Children of a SEQUENCE. */
export function sequenceOf(element: DerElement | undefined, what: string): DerElement[] {
  const seq = expectTag(element, Tag.SEQUENCE, what);
  if (!seq.constructed) asn1Fail(`${what} must be constructed`);
  return derChildren(seq);
}

/** A (non-negative or negative) INTEGER's contents, minimal form checked. */
export function readIntegerBytes(element: DerElement | undefined, what: string, tag: number = Tag.INTEGER): Uint8Array {
  const value = expectTag(element, tag, what).value;
  if (value.length === 0) asn1Fail(`empty ${what}`);
  if (value.length > 1 && ((value[0] === 0 && (value[1]! & 0x80) === 0) || (value[0] === 0xff && (value[1]! & 0x80) !== 0))) {
    asn1Fail(`non-minimal ${what}`);
  }
  return value;
}

/** A small INTEGER (or ENUMERATED) as a number; must fit in 48 bits. */
export function readSmallInteger(element: DerElement | undefined, what: string, tag: number = Tag.INTEGER): number {
  const value = readIntegerBytes(element, what, tag);
  if (value.length > 6) asn1Fail(`${what} too large`);
  let n = (value[0]! & 0x80) !== 0 ? -1 : 0;
  for (const b of value) n = n * 256 + b;
  return n;
}

/** An OBJECT IDENTIFIER in dotted form. */
export function readOid(element: DerElement | undefined, what: string): string {
  const value = expectTag(element, Tag.OID, what).value;
  if (value.length === 0 || value.length > 64) asn1Fail(`bad ${what}`);
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const b = value[i]!;
    if (n === 0 && b === 0x80) asn1Fail(`non-minimal ${what}`);
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 256) asn1Fail(`${what} arc too large`);
    if ((b & 0x80) === 0) {
      parts.push(n);
      n = 0;
    } else if (i === value.length - 1) {
      asn1Fail(`truncated ${what}`);
    }
  }
  const first = parts[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts.slice(1)].join('.');
}

/** A BIT STRING with no unused bits, as bytes. */
export function readBitStringBytes(element: DerElement | undefined, what: string): Uint8Array {
  const value = expectTag(element, Tag.BIT_STRING, what).value;
  if (value.length === 0 || value[0] !== 0) asn1Fail(`${what} must have no unused bits`);
  return value.subarray(1);
}

/** An OCTET STRING's contents. */
export function readOctetString(element: DerElement | undefined, what: string): Uint8Array {
  return expectTag(element, Tag.OCTET_STRING, what).value;
}

/** A BOOLEAN (DER: 0x00 or 0xff). */
export function readBoolean(element: DerElement | undefined, what: string): boolean {
  const value = expectTag(element, Tag.BOOLEAN, what).value;
  if (value.length !== 1 || (value[0] !== 0 && value[0] !== 0xff)) asn1Fail(`bad ${what}`);
  return value[0] === 0xff;
}

function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) asn1Fail('bad time');
    n = n * 10 + c;
  }
  return n;
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), as ms since the epoch. */
export function readTime(element: DerElement | undefined, what: string): number {
  if (element === undefined || element.cls !== 0) asn1Fail(`missing ${what}`);
  let text = '';
  for (const b of element.value) text += String.fromCharCode(b);
  let year: number;
  let rest: number;
  if (element.tag === Tag.UTC_TIME && text.length === 13) {
    const yy = digits(text, 0, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = 2;
  } else if (element.tag === Tag.GENERALIZED_TIME && text.length === 15) {
    year = digits(text, 0, 4);
    rest = 4;
  } else {
    return asn1Fail(`bad ${what}`);
  }
  if (text[text.length - 1] !== 'Z') asn1Fail(`${what} must be UTC`);
  const month = digits(text, rest, 2);
  const day = digits(text, rest + 2, 2);
  const hour = digits(text, rest + 4, 2);
  const minute = digits(text, rest + 6, 2);
  const second = digits(text, rest + 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) asn1Fail(`bad ${what}`);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** Text of a string type (UTF8String, PrintableString, IA5String, …) decoded as UTF-8. */
export function readString(element: DerElement | undefined, what: string): string {
  if (element === undefined || element.cls !== 0 || element.constructed) asn1Fail(`missing ${what}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(element.value);
  } catch {
    return asn1Fail(`${what} is not valid text`);
  }
}
