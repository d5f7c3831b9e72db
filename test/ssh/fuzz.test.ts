// fast-check fuzzing of the key, armor and signature parsers: only MfaError or a failure result,
// never another exception, never acceptance of something altered.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isMfaError } from '../../src/errors.js';
import { parseAuthorizedKeys, parseSshPublicKey, parseSshPublicKeyBlob, parseSshSignature, verifyRawSignature, verifySshSignature } from '../../src/ssh/index.js';
import { armor, b64, dearmor, ecdsaSigner, ed25519Signer, makeSshsig, rsaSigner, skSigner, type Signer } from './builders.js';

const namespace = 'recovery@mfakit.test';
const message = 'fuzz message';
const SSH_CODES = new Set(['INVALID_SSH_KEY', 'UNSUPPORTED_SSH_KEY', 'INVALID_SSH_SIGNATURE']);

function onlyMfaError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!isMfaError(error) || !SSH_CODES.has(error.code)) throw error;
  }
}

async function notAccepted(promise: Promise<{ ok: boolean }>): Promise<void> {
  try {
    const result = await promise;
    expect(result.ok).toBe(false);
  } catch (error) {
    if (!isMfaError(error) || !SSH_CODES.has(error.code)) throw error;
  }
}

/** Mutations of a byte array: flip, truncate, extend, splice. */
const mutation = (length: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat({ max: length - 1 }), xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat({ max: length - 1 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat({ max: length }), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat({ max: length - 1 }), count: fc.integer({ min: 1, max: 8 }) }),
  );

type Mutation = { kind: 'flip'; at: number; xor: number } | { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; bytes: Uint8Array } | { kind: 'delete'; at: number; count: number };

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case 'flip': {
      const out = bytes.slice();
      out[m.at]! ^= m.xor;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, m.at);
    case 'insert':
      return new Uint8Array([...bytes.subarray(0, m.at), ...m.bytes, ...bytes.subarray(m.at)]);
    case 'delete':
      return new Uint8Array([...bytes.subarray(0, m.at), ...bytes.subarray(m.at + m.count)]);
  }
}

let signers: Signer[];
beforeAll(async () => {
  signers = [ed25519Signer(), ecdsaSigner('nistp256'), ecdsaSigner('nistp521'), await rsaSigner(), skSigner('ed25519'), skSigner('ecdsa')];
});

describe('key parser', () => {
  it('arbitrary text: only MfaError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => onlyMfaError(() => parseSshPublicKey(text))), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => onlyMfaError(() => parseAuthorizedKeys(text))), { numRuns: 500 });
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.boolean(), (text, end) =>
        onlyMfaError(() => parseSshPublicKey(`---- BEGIN SSH2 PUBLIC KEY ----\n${text}${end ? '\n---- END SSH2 PUBLIC KEY ----' : ''}`)),
      ),
      { numRuns: 1000 },
    );
  });

  it('known type + base64 of arbitrary bytes: only MfaError', () => {
    const types = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp521', 'ssh-rsa', 'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.uint8Array({ maxLength: 200 }), (type, bytes) => onlyMfaError(() => parseSshPublicKey(`${type} ${b64(bytes)} c`))),
      { numRuns: 2000 },
    );
  });

  it('mutated valid key blobs: MfaError, or a key that is exactly the mutated blob', () => {
    for (const signer of signers) {
      fc.assert(
        fc.property(mutation(signer.blob.length), (m) => {
          const blob = mutate(signer.blob, m);
          try {
            const key = parseSshPublicKeyBlob(blob);
            expect(key.blob).toEqual(blob); // a flip in the key bytes can still be a valid key: it is simply another key
          } catch (error) {
            if (!isMfaError(error) || !SSH_CODES.has(error.code)) throw error;
          }
        }),
        { numRuns: 300 },
      );
    }
  });
});

describe('armor parser', () => {
  it('arbitrary text and armored arbitrary bytes: only MfaError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => onlyMfaError(() => parseSshSignature(text))), { numRuns: 2000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => onlyMfaError(() => parseSshSignature(armor(bytes)))), { numRuns: 2000 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => onlyMfaError(() => parseSshSignature(armor(new Uint8Array([...new TextEncoder().encode('SSHSIG'), 0, 0, 0, 1, ...bytes]))))),
      { numRuns: 2000 },
    );
  });
});

describe('signature verification', () => {
  it('mutated valid signatures are never accepted (every key type)', async () => {
    for (const signer of signers) {
      const armored = await makeSshsig(signer, namespace, message);
      expect((await verifySshSignature(armored, { publicKey: signer.line, namespace, message })).ok).toBe(true);
      const blob = dearmor(armored);
      await fc.assert(
        fc.asyncProperty(mutation(blob.length), async (m) => {
          await notAccepted(verifySshSignature(armor(mutate(blob, m)), { publicKey: signer.line, namespace, message }));
        }),
        { numRuns: 150 },
      );
    }
  });

  it('mutated armor text is never accepted', async () => {
    const signer = signers[0]!;
    const armored = await makeSshsig(signer, namespace, message);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: armored.length - 1 }), fc.string({ maxLength: 3 }), async (at, insert) => {
        const text = armored.slice(0, at) + insert + armored.slice(at + 1);
        if (text === armored) return;
        const result = await verifySshSignature(text, { publicKey: signer.line, namespace, message }).catch((e) => e);
        if (isMfaError(result)) expect(SSH_CODES.has(result.code)).toBe(true);
        // Only whitespace edits of the armor can leave the bytes unchanged; those must still verify identically.
        else if (result.ok) expect(dearmor(text)).toEqual(dearmor(armored));
      }),
      { numRuns: 300 },
    );
  });

  it('raw signatures: arbitrary bytes never verify and never throw', async () => {
    const rsa = signers[3]!;
    const ec = signers[1]!;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (bytes, useRsa) => {
        const result = await verifyRawSignature(bytes, { publicKey: (useRsa ? rsa : ec).line, message });
        expect(result.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
