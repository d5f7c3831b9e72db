// A tiny CBOR encoder for building test inputs (the library only decodes).
export type EncodableCbor = number | string | Uint8Array | boolean | null | undefined | EncodableCbor[] | Map<number | string, EncodableCbor>;

function head(major: number, n: number): number[] {
  if (n < 24) return [(major << 5) | n];
  if (n < 256) return [(major << 5) | 24, n];
  if (n < 65536) return [(major << 5) | 25, n >> 8, n & 255];
  if (n < 2 ** 32) return [(major << 5) | 26, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  const hi = Math.floor(n / 2 ** 32);
  return [(major << 5) | 27, (hi >>> 24) & 255, (hi >> 16) & 255, (hi >> 8) & 255, hi & 255, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function encodeCbor(value: EncodableCbor): Uint8Array {
  const out: number[] = [];
  const walk = (v: EncodableCbor): void => {
    if (typeof v === 'number') {
      if (v >= 0) out.push(...head(0, v));
      else out.push(...head(1, -1 - v));
    } else if (typeof v === 'string') {
      const bytes = new TextEncoder().encode(v);
      out.push(...head(3, bytes.length), ...bytes);
    } else if (v instanceof Uint8Array) {
      out.push(...head(2, v.length), ...v);
    } else if (v === false) out.push(0xf4);
    else if (v === true) out.push(0xf5);
    else if (v === null) out.push(0xf6);
    else if (v === undefined) out.push(0xf7);
    else if (Array.isArray(v)) {
      out.push(...head(4, v.length));
      v.forEach(walk);
    } else {
      out.push(...head(5, v.size));
      for (const [k, item] of v) {
        walk(k);
        walk(item);
      }
    }
  };
  walk(value);
  return Uint8Array.from(out);
}
