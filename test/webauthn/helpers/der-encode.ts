// A small DER encoder and X.509 certificate builder for tests (certificates signed with node:crypto).
import { createHash, sign, type KeyObject } from 'node:crypto';

const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

function lengthBytes(n: number): number[] {
  if (n < 128) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 255);
  return [0x80 | out.length, ...out];
}

/** A TLV with class (0 universal, 2 context), constructed flag and any tag number. */
export function tlv(tag: number, content: Uint8Array, cls = 0, constructed = false): Uint8Array {
  const first = (cls << 6) | (constructed ? 0x20 : 0);
  let head: number[];
  if (tag < 31) head = [first | tag];
  else {
    const digits: number[] = [];
    for (let v = tag; v > 0; v = Math.floor(v / 128)) digits.unshift(v & 127);
    head = [first | 31, ...digits.map((d, i) => (i < digits.length - 1 ? d | 0x80 : d))];
  }
  return Uint8Array.from([...head, ...lengthBytes(content.length), ...content]);
}

export const seq = (...parts: Uint8Array[]) => tlv(16, cat(...parts), 0, true);
export const set = (...parts: Uint8Array[]) => tlv(17, cat(...parts), 0, true);
export const octet = (bytes: Uint8Array) => tlv(4, bytes);
export const bitString = (bytes: Uint8Array) => tlv(3, cat(Uint8Array.of(0), bytes));
export const utf8 = (text: string) => tlv(12, new TextEncoder().encode(text));
export const nullValue = () => tlv(5, new Uint8Array(0));
export const bool = (value: boolean) => tlv(1, Uint8Array.of(value ? 0xff : 0));
/** Explicit context tag [n]. */
export const explicit = (n: number, inner: Uint8Array) => tlv(n, inner, 2, true);

export function int(value: number | Uint8Array, tag = 2): Uint8Array {
  let bytes: number[];
  if (typeof value === 'number') {
    bytes = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 255);
    if (bytes.length === 0) bytes = [0];
  } else {
    bytes = [...value];
    while (bytes.length > 1 && bytes[0] === 0 && (bytes[1]! & 0x80) === 0) bytes.shift();
  }
  if ((bytes[0]! & 0x80) !== 0) bytes.unshift(0);
  return tlv(tag, Uint8Array.from(bytes));
}

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const digits: number[] = [];
    for (let v = arc; v > 0 || digits.length === 0; v = Math.floor(v / 128)) digits.unshift(v & 127);
    out.push(...digits.map((d, i) => (i < digits.length - 1 ? d | 0x80 : d)));
  }
  return tlv(6, Uint8Array.from(out));
}

function time(date: Date): Uint8Array {
  const p = (n: number) => String(n).padStart(2, '0');
  const text = `${p(date.getUTCFullYear() % 100)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
  return tlv(23, new TextEncoder().encode(text));
}

/** A Name from [oid, value] attributes, one per RDN. */
export function name(...attributes: [string, string][]): Uint8Array {
  return seq(...attributes.map(([type, value]) => set(seq(oid(type), utf8(value)))));
}

export interface CertificateSpec {
  subject: Uint8Array;
  issuer: Uint8Array;
  publicKey: KeyObject;
  signingKey: KeyObject;
  serial?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** [oid, critical, DER value] */
  extensions?: [string, boolean, Uint8Array][];
}

/** Builds and signs a v3 certificate (ES256 for EC issuers, RS256 for RSA issuers). */
export function certificate(spec: CertificateSpec): Uint8Array {
  const rsa = spec.signingKey.asymmetricKeyType === 'rsa';
  const algorithm = rsa ? seq(oid('1.2.840.113549.1.1.11'), nullValue()) : seq(oid('1.2.840.10045.4.3.2'));
  const extensions = spec.extensions ?? [];
  const tbs = seq(
    explicit(0, int(2)),
    int(spec.serial ?? 1),
    algorithm,
    spec.issuer,
    seq(time(spec.notBefore ?? new Date(Date.UTC(2024, 0, 1))), time(spec.notAfter ?? new Date(Date.UTC(2040, 0, 1)))),
    spec.subject,
    new Uint8Array(spec.publicKey.export({ type: 'spki', format: 'der' })),
    ...(extensions.length === 0 ? [] : [explicit(3, seq(...extensions.map(([id, critical, value]) => seq(oid(id), ...(critical ? [bool(true)] : []), octet(value)))))]),
  );
  const signature = new Uint8Array(sign('sha256', tbs, spec.signingKey));
  return seq(tbs, algorithm, bitString(signature));
}

export const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
