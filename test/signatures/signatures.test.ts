import fc from 'fast-check';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it, vi } from 'vitest';
import { isMfaError } from '../../src/errors.js';
import { hexToBytes } from '../../src/internal/bytes.js';
import {
  derToRawEcdsa,
  prepareSignatureVerifier,
  rawToDerEcdsa,
  verifySignature,
  type PublicKeyMaterial,
  type SignatureScheme,
} from '../../src/internal/signatures/index.js';

const backends = ['webcrypto', 'portable'] as const;
const message = new TextEncoder().encode('mfakit signature test');

function ecKey(curve: typeof p256, crv: 'P-256' | 'P-384' | 'P-521') {
  const { secretKey, publicKey } = curve.keygen();
  const raw = curve.Point.fromBytes(publicKey).toBytes(false);
  const w = (raw.length - 1) / 2;
  return { secretKey, key: { kty: 'EC', crv, x: raw.slice(1, 1 + w), y: raw.slice(1 + w) } as PublicKeyMaterial, n: curve.Point.CURVE().n, w };
}

function bigToBytes(value: bigint, width: number): Uint8Array {
  return hexToBytes(value.toString(16).padStart(width * 2, '0'));
}

describe('strict DER', () => {
  it('round-trips raw -> DER -> raw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (raw) => {
        expect(derToRawEcdsa(rawToDerEcdsa(raw), 32)).toEqual(raw);
      }),
    );
  });
  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), fc.constantFrom(32, 48, 66), (bytes, width) => {
        const out = derToRawEcdsa(bytes, width);
        if (out !== null) expect(rawToDerEcdsa(out)).toEqual(bytes); // only the canonical form parses
      }),
    );
  });
  it('refuses BER forms: long length, leading zero, negative, trailing bytes', () => {
    const good = hexToBytes('3006020101020102');
    expect(derToRawEcdsa(good, 32)).not.toBeNull();
    expect(derToRawEcdsa(hexToBytes('308106020101020102'), 32)).toBeNull(); // long form for 6
    expect(derToRawEcdsa(hexToBytes('300702020001020102'), 32)).toBeNull(); // 00 01
    expect(derToRawEcdsa(hexToBytes('3006020181020102'), 32)).toBeNull(); // negative
    expect(derToRawEcdsa(hexToBytes('300602010102010200'), 32)).toBeNull(); // trailing
    expect(derToRawEcdsa(hexToBytes('3080020101020102' + '0000'), 32)).toBeNull(); // indefinite
  });
});

describe.each(backends)('%s backend', (backend) => {
  it.each([
    ['P-256', p256, 'SHA-256'],
    ['P-384', p384, 'SHA-384'],
    ['P-521', p521, 'SHA-512'],
  ] as const)('ECDSA %s accepts both low-S and high-S signatures, raw and DER', async (crv, curve, hash) => {
    const { secretKey, key, n, w } = ecKey(curve as typeof p256, crv);
    const digest = { 'SHA-256': sha256, 'SHA-384': (await import('@noble/hashes/sha2.js')).sha384, 'SHA-512': (await import('@noble/hashes/sha2.js')).sha512 }[hash];
    const low = curve.sign(digest(message), secretKey, { prehash: false, lowS: true });
    const s = BigInt('0x' + Buffer.from(low.subarray(w)).toString('hex'));
    const high = new Uint8Array(low);
    high.set(bigToBytes(n - s, w), w);
    for (const raw of [low, high]) {
      expect(await verifySignature(key, { name: 'ECDSA', hash, encoding: 'raw' }, raw, message, { backend })).toBe(true);
      expect(await verifySignature(key, { name: 'ECDSA', hash, encoding: 'der' }, rawToDerEcdsa(raw), message, { backend })).toBe(true);
    }
    const tampered = new Uint8Array(message);
    tampered[0]! ^= 1;
    expect(await verifySignature(key, { name: 'ECDSA', hash, encoding: 'raw' }, low, tampered, { backend })).toBe(false);
    // r = 0, s = n: out of range, never valid
    const zero = new Uint8Array(2 * w);
    zero.set(bigToBytes(n, w), w);
    expect(await verifySignature(key, { name: 'ECDSA', hash, encoding: 'raw' }, zero, message, { backend })).toBe(false);
    expect(await verifySignature(key, { name: 'ECDSA', hash, encoding: 'raw' }, low.subarray(1), message, { backend })).toBe(false);
  });

  it('ECDSA with a hash other than the curve default (P-256 / SHA-512)', async () => {
    const { secretKey, key } = ecKey(p256, 'P-256');
    const { sha512 } = await import('@noble/hashes/sha2.js');
    const sig = p256.sign(sha512(message), secretKey, { prehash: false });
    expect(await verifySignature(key, { name: 'ECDSA', hash: 'SHA-512', encoding: 'raw' }, sig, message, { backend })).toBe(true);
  });

  it('Ed25519 refuses S + L (malleated) signatures', async () => {
    const secret = ed25519.utils.randomSecretKey();
    const key: PublicKeyMaterial = { kty: 'OKP', crv: 'Ed25519', x: ed25519.getPublicKey(secret) };
    const sig = ed25519.sign(message, secret);
    expect(await verifySignature(key, { name: 'Ed25519' }, sig, message, { backend })).toBe(true);
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
    const malleated = new Uint8Array(sig);
    let t = s + L;
    for (let i = 32; i < 64; i++) {
      malleated[i] = Number(t & 0xffn);
      t >>= 8n;
    }
    expect(await verifySignature(key, { name: 'Ed25519' }, malleated, message, { backend })).toBe(false);
  });

  it.each([
    ['RSASSA-PKCS1-v1_5', { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }],
    ['RSA-PSS salt 32', { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 }],
    ['RSA-PSS salt 0', { name: 'RSA-PSS', hash: 'SHA-512', saltLength: 0 }],
  ] as const)('%s with a WebCrypto-generated key', async (_label, scheme) => {
    const pair = await crypto.subtle.generateKey(
      { name: scheme.name, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: scheme.hash },
      true,
      ['sign', 'verify'],
    );
    const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const key: PublicKeyMaterial = { kty: 'RSA', n: new Uint8Array(Buffer.from(jwk.n!, 'base64url')), e: new Uint8Array(Buffer.from(jwk.e!, 'base64url')) };
    const params = scheme.name === 'RSA-PSS' ? { name: 'RSA-PSS', saltLength: scheme.saltLength } : { name: scheme.name };
    const sig = new Uint8Array(await crypto.subtle.sign(params, pair.privateKey, message));
    expect(await verifySignature(key, scheme as SignatureScheme, sig, message, { backend })).toBe(true);
    expect(await verifySignature(key, scheme as SignatureScheme, sig, message.subarray(1), { backend })).toBe(false);
    expect(await verifySignature(key, scheme as SignatureScheme, sig.subarray(1), message, { backend })).toBe(false);
  });
});

describe('key material and misuse', () => {
  const bad: [string, PublicKeyMaterial][] = [
    ['EC point off the curve', { kty: 'EC', crv: 'P-256', x: new Uint8Array(32).fill(1), y: new Uint8Array(32).fill(2) }],
    ['EC short coordinate', { kty: 'EC', crv: 'P-256', x: new Uint8Array(31), y: new Uint8Array(32) }],
    ['EC unknown curve', { kty: 'EC', crv: 'P-192' as 'P-256', x: new Uint8Array(24), y: new Uint8Array(24) }],
    ['Ed25519 wrong length', { kty: 'OKP', crv: 'Ed25519', x: new Uint8Array(31) }],
    ['Ed25519 non-canonical y', { kty: 'OKP', crv: 'Ed25519', x: hexToBytes('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f') }],
    ['RSA 1024-bit', { kty: 'RSA', n: new Uint8Array(128).fill(0xff), e: new Uint8Array([1, 0, 1]) }],
    ['RSA even modulus', { kty: 'RSA', n: new Uint8Array(256).fill(0xfe), e: new Uint8Array([1, 0, 1]) }],
    ['RSA e = 1', { kty: 'RSA', n: new Uint8Array(256).fill(0xff), e: new Uint8Array([1]) }],
    ['RSA even e', { kty: 'RSA', n: new Uint8Array(256).fill(0xff), e: new Uint8Array([1, 0, 0]) }],
    ['unknown kty', { kty: 'oct' } as unknown as PublicKeyMaterial],
  ];
  it.each(bad)('%s throws INVALID_PUBLIC_KEY on both backends', async (_label, key) => {
    for (const backend of backends) {
      const scheme: SignatureScheme = key.kty === 'RSA' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : key.kty === 'OKP' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256', encoding: 'raw' };
      await expect(verifySignature(key, scheme, new Uint8Array(64), message, { backend })).rejects.toSatisfy((e) => isMfaError(e, 'INVALID_PUBLIC_KEY'));
    }
  });

  it('a scheme that does not fit the key is misuse', async () => {
    const { key } = ecKey(p256, 'P-256');
    await expect(verifySignature(key, { name: 'Ed25519' }, new Uint8Array(64), message)).rejects.toSatisfy((e) => isMfaError(e, 'INVALID_ARGUMENT'));
    await expect(verifySignature(key, { name: 'ECDSA', hash: 'SHA-1' as 'SHA-256', encoding: 'raw' }, new Uint8Array(64), message)).rejects.toSatisfy((e) => isMfaError(e, 'UNSUPPORTED_ALGORITHM'));
  });

  it('a prepared verifier reuses one key for many checks', async () => {
    const secret = ed25519.utils.randomSecretKey();
    const verifier = prepareSignatureVerifier({ kty: 'OKP', crv: 'Ed25519', x: ed25519.getPublicKey(secret) }, { name: 'Ed25519' });
    for (let i = 0; i < 5; i++) {
      const data = new Uint8Array([i]);
      expect(await verifier.verify(ed25519.sign(data, secret), data)).toBe(true);
      expect(await verifier.verify(ed25519.sign(data, secret), new Uint8Array([i + 1]))).toBe(false);
    }
  });

  it('without crypto.subtle: auto falls back to portable, forced webcrypto throws UNSUPPORTED_ALGORITHM', async () => {
    vi.resetModules();
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) });
    try {
      const fresh = await import('../../src/internal/signatures/index.js');
      const secret = ed25519.utils.randomSecretKey();
      const key: PublicKeyMaterial = { kty: 'OKP', crv: 'Ed25519', x: ed25519.getPublicKey(secret) };
      expect(await fresh.verifySignature(key, { name: 'Ed25519' }, ed25519.sign(message, secret), message)).toBe(true);
      await expect(fresh.verifySignature(key, { name: 'Ed25519' }, ed25519.sign(message, secret), message, { backend: 'webcrypto' })).rejects.toSatisfy((e) => isMfaError(e, 'UNSUPPORTED_ALGORITHM'));
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

describe('hostile signatures', () => {
  it('arbitrary signature bytes resolve false on both backends, never throw', async () => {
    const { key } = ecKey(p256, 'P-256');
    const ed: PublicKeyMaterial = { kty: 'OKP', crv: 'Ed25519', x: ed25519.getPublicKey(ed25519.utils.randomSecretKey()) };
    const schemes: [PublicKeyMaterial, SignatureScheme][] = [
      [key, { name: 'ECDSA', hash: 'SHA-256', encoding: 'der' }],
      [key, { name: 'ECDSA', hash: 'SHA-256', encoding: 'raw' }],
      [ed, { name: 'Ed25519' }],
    ];
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 140 }), fc.nat({ max: schemes.length - 1 }), fc.constantFrom(...backends), async (sig, i, backend) => {
        const [k, s] = schemes[i]!;
        expect(await verifySignature(k, s, sig, message, { backend })).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
