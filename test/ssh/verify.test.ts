// SSHSIG verification refusals (each requirement of SECURITY-REQUIREMENTS.md, SSH-key recovery),
// FIDO sk signatures built in-process, and the real tools for namespace/key mix-ups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMfaError } from '../../src/errors.js';
import { concatBytes } from '../../src/internal/bytes.js';
import { parseSshPublicKey, parseSshSignature, verifySshSignature } from '../../src/ssh/index.js';
import { encodeMpint, encodeString, encodeUint32 } from '../../src/ssh/wire.js';
import { armor, decodeEnvelope, dearmor, ecdsaSigner, ed25519Signer, encodeEnvelope, makeSshsig, rsaSigner, skSigner, type Signer } from './builders.js';
import { KEY_SPECS, generateKey, makeTempDir, sshSign, type ToolKey } from './tools.js';

const namespace = 'recovery@mfakit.test';
const message = 'mfakit recovery challenge text';
const backends = ['webcrypto', 'portable'] as const;

const throwsCode = (code: string) => (error: unknown) => isMfaError(error) && error.code === code;

describe('with real ssh-keygen keys', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let a: ToolKey;
  let b: ToolKey;
  let rsa: ToolKey;
  beforeAll(() => {
    temp = makeTempDir();
    a = generateKey(temp.dir, KEY_SPECS[6]);
    b = generateKey(temp.dir, { ...KEY_SPECS[6], label: 'ed25519-b' } as never);
    rsa = generateKey(temp.dir, KEY_SPECS[0]);
  });
  afterAll(() => temp.cleanup());

  it('wrong namespace', async () => {
    const armored = sshSign(a.privatePath, 'other@mfakit.test', message);
    expect(await verifySshSignature(armored, { publicKey: a.publicLine, namespace, message })).toEqual({ ok: false, reason: 'namespace-mismatch' });
    // A prefix or a case variant is not the namespace either.
    const prefix = sshSign(a.privatePath, 'recovery@mfakit.tes', message);
    expect(await verifySshSignature(prefix, { publicKey: a.publicLine, namespace, message })).toEqual({ ok: false, reason: 'namespace-mismatch' });
  });

  it('another key\'s signature', async () => {
    const armored = sshSign(b.privatePath, namespace, message);
    expect(await verifySshSignature(armored, { publicKey: a.publicLine, namespace, message })).toEqual({ ok: false, reason: 'key-mismatch' });
  });

  it('another key\'s signature with the registered key swapped in', async () => {
    const envelope = decodeEnvelope(dearmor(sshSign(b.privatePath, namespace, message)));
    const swapped = armor(encodeEnvelope({ ...envelope, publicKey: parseSshPublicKey(a.publicLine).blob }));
    for (const backend of backends) {
      expect(await verifySshSignature(swapped, { publicKey: a.publicLine, namespace, message, backend })).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('the namespace option itself must be app-specific', async () => {
    const armored = sshSign(a.privatePath, 'file', message);
    for (const ns of ['file', 'git', 'email', '', 'bad namespace', "x'y"]) {
      await expect(verifySshSignature(armored, { publicKey: a.publicLine, namespace: ns, message })).rejects.toSatisfy(throwsCode('INVALID_OPTION'));
    }
  });

  it('version 2, trailing bytes, bad magic, broken armor throw INVALID_SSH_SIGNATURE', async () => {
    const envelope = decodeEnvelope(dearmor(sshSign(a.privatePath, namespace, message)));
    const variants = [
      armor(encodeEnvelope({ ...envelope, version: 2 })),
      armor(encodeEnvelope({ ...envelope, trailing: new Uint8Array([0]) })),
      armor(concatBytes(new TextEncoder().encode('SSHSIH'), encodeEnvelope(envelope).subarray(6))),
      armor(encodeEnvelope(envelope).subarray(0, 40)),
      sshSign(a.privatePath, namespace, message).replace('BEGIN SSH SIGNATURE', 'BEGIN SSH SIGNATUR'),
      sshSign(a.privatePath, namespace, message).replace('-----END SSH SIGNATURE-----', ''),
      sshSign(a.privatePath, namespace, message).replace(/\n(.)/, '\n*'),
      '',
    ];
    for (const armored of variants) {
      await expect(verifySshSignature(armored, { publicKey: a.publicLine, namespace, message })).rejects.toSatisfy(throwsCode('INVALID_SSH_SIGNATURE'));
      expect(() => parseSshSignature(armored)).toThrow();
    }
    // Trailing bytes inside the signature blob: the envelope parses, verification refuses the structure.
    const inner = armor(encodeEnvelope({ ...envelope, signature: concatBytes(envelope.signature, new Uint8Array([1])) }));
    expect(parseSshSignature(inner).namespace).toBe(namespace);
    await expect(verifySshSignature(inner, { publicKey: a.publicLine, namespace, message })).rejects.toSatisfy(throwsCode('INVALID_SSH_SIGNATURE'));
  });


  it('armor syntax: the same rules with bare \\n line ends and with CRLF and spaces', async () => {
    const signed = sshSign(a.privatePath, namespace, message);
    const body = signed.split('\n').slice(1, -2); // ssh-keygen: BEGIN, lines, END, ''
    const build = (lines: string[], eol: string) => `-----BEGIN SSH SIGNATURE-----${eol}${lines.join(eol)}${eol}-----END SSH SIGNATURE-----${eol}`;
    const joined = body.join('');
    const accepted = [build(body, '\n'), build(body, '\r\n'), build(body, '\n\t '), build(body, '\r\n  '), `\uFEFF${signed}`, build([joined], '\n')];
    for (const armored of accepted) expect(parseSshSignature(armored).namespace).toBe(namespace);
    const mutate = (f: (b64: string) => string) => [f(joined)];
    const refused = [
      ...['\n', '\r\n'].flatMap((eol) => [
        // base64url characters, in place of one character (a signature need not contain '+' or '/')
        build(mutate((b) => `${b.slice(0, 12)}-${b.slice(13)}`), eol),
        build(mutate((b) => `${b.slice(0, 12)}_${b.slice(13)}`), eol),
        build(mutate((b) => `${b.slice(0, 8)}=${b.slice(9)}`), eol), // '=' inside
        build(mutate((b) => b.replace(/=+$/, '')), eol), // padding stripped
        build(mutate((b) => `${b.slice(0, 10)} ${b.slice(10)}`), eol), // space inside a line
        build(mutate((b) => `${b.slice(0, 10)}\r${b.slice(10)}`), eol), // lone CR inside a line
        build([], eol), // empty body
      ]),
      `-----BEGIN SSH SIGNATURE-----${joined}\n-----END SSH SIGNATURE-----\n`, // body on the marker line
      `-----BEGIN SSH SIGNATURE-----\n${joined}-----END SSH SIGNATURE-----\n`,
    ];
    expect(joined.endsWith('=')).toBe(true); // the padding case above is a real change
    for (const armored of refused) {
      expect(() => parseSshSignature(armored), JSON.stringify(armored.slice(0, 60))).toThrow(expect.objectContaining({ code: 'INVALID_SSH_SIGNATURE' }));
    }
  });
  it('hash field other than sha256/sha512 (sha1, SHA256)', async () => {
    const envelope = decodeEnvelope(dearmor(sshSign(a.privatePath, namespace, message)));
    for (const hashAlgorithm of ['sha1', 'SHA256', 'sha384', '']) {
      const armored = armor(encodeEnvelope({ ...envelope, hashAlgorithm }));
      expect(await verifySshSignature(armored, { publicKey: a.publicLine, namespace, message })).toEqual({ ok: false, reason: 'unsupported-hash' });
    }
  });

  it('RSA signature algorithm relabelled rsa-sha2-256 <-> rsa-sha2-512 does not verify', async () => {
    const armored = sshSign(rsa.privatePath, namespace, message);
    const envelope = decodeEnvelope(armored === '' ? new Uint8Array() : dearmor(armored));
    const sig = envelope.signature;
    const algLength = new DataView(sig.buffer, sig.byteOffset).getUint32(0);
    const algorithm = new TextDecoder().decode(sig.subarray(4, 4 + algLength));
    expect(algorithm).toBe('rsa-sha2-512');
    const relabelled = concatBytes(encodeString('rsa-sha2-256'), sig.subarray(4 + algLength));
    const result = await verifySshSignature(armor(encodeEnvelope({ ...envelope, signature: relabelled })), { publicKey: rsa.publicLine, namespace, message });
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('constructed signatures', () => {
  it('ssh-rsa (SHA-1) is refused even when the signature is mathematically valid', async () => {
    const signer = await rsaSigner();
    const good = await makeSshsig(signer, namespace, message, { algorithm: 'rsa-sha2-256' });
    expect(await verifySshSignature(good, { publicKey: signer.line, namespace, message })).toMatchObject({ ok: true, signatureAlgorithm: 'rsa-sha2-256' });
    const sha1 = await makeSshsig(signer, namespace, message, { algorithm: 'ssh-rsa' });
    expect(await verifySshSignature(sha1, { publicKey: signer.line, namespace, message })).toEqual({ ok: false, reason: 'weak-algorithm' });
  });

  it('sha1 hash field refused even with a valid signature over it', async () => {
    const signer = ed25519Signer();
    const armored = await makeSshsig(signer, namespace, message, { hashAlgorithm: 'sha1' });
    expect(await verifySshSignature(armored, { publicKey: signer.line, namespace, message })).toEqual({ ok: false, reason: 'unsupported-hash' });
  });

  it.each([
    ['Ed25519 key, ECDSA algorithm name', () => ed25519Signer(), 'ecdsa-sha2-nistp256'],
    ['P-256 key, P-384 algorithm name', () => ecdsaSigner('nistp256'), 'ecdsa-sha2-nistp384'],
    ['P-256 key, sk-ecdsa algorithm name', () => ecdsaSigner('nistp256'), 'sk-ecdsa-sha2-nistp256@openssh.com'],
    ['Ed25519 key, RSA algorithm name', () => ed25519Signer(), 'rsa-sha2-256'],
    ['sk-ed25519 key, plain ssh-ed25519 algorithm', () => skSigner('ed25519'), 'ssh-ed25519'],
  ] as const)('algorithm that does not match the key: %s', async (_label, make, algorithm) => {
    const signer: Signer = make();
    const armored = await makeSshsig(signer, namespace, message, { algorithm });
    const result = await verifySshSignature(armored, { publicKey: signer.line, namespace, message }).catch((e) => e);
    // Either refused as a mismatch, or (for sk trailer shape) refused as malformed; never accepted.
    if (isMfaError(result)) expect(result.code).toBe('INVALID_SSH_SIGNATURE');
    else expect(result).toEqual({ ok: false, reason: 'algorithm-mismatch' });
  });

  it.each(['nistp256', 'nistp384', 'nistp521'] as const)('ECDSA %s: hash fixed by the curve, high-S accepted, both backends', async (curve) => {
    for (const highS of [false, true]) {
      const signer = ecdsaSigner(curve, { highS });
      const armored = await makeSshsig(signer, namespace, message);
      for (const backend of backends) {
        expect(await verifySshSignature(armored, { publicKey: signer.line, namespace, message, backend })).toMatchObject({ ok: true });
      }
    }
  });

  it('ECDSA non-canonical mpint in the signature is malformed', async () => {
    const signer = ecdsaSigner('nistp256');
    const envelope = decodeEnvelope(dearmor(await makeSshsig(signer, namespace, message)));
    // r with a superfluous leading zero byte
    const inner = concatBytes(encodeString(concatBytes(new Uint8Array([0, 1]))), encodeMpint(new Uint8Array([1])));
    const sig = concatBytes(encodeString(signer.type), encodeString(inner));
    await expect(verifySshSignature(armor(encodeEnvelope({ ...envelope, signature: sig })), { publicKey: signer.line, namespace, message })).rejects.toSatisfy(throwsCode('INVALID_SSH_SIGNATURE'));
  });

  it('Ed25519 strict: S + L refused on both backends', async () => {
    const signer = ed25519Signer();
    const envelope = decodeEnvelope(dearmor(await makeSshsig(signer, namespace, message)));
    const raw = envelope.signature.slice(4 + 11 + 4); // string "ssh-ed25519", then string sig
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(raw[i]!);
    s += 2n ** 252n + 27742317777372353535851937790883648493n;
    for (let i = 32; i < 64; i++) {
      raw[i] = Number(s & 0xffn);
      s >>= 8n;
    }
    const malleated = armor(encodeEnvelope({ ...envelope, signature: concatBytes(encodeString('ssh-ed25519'), encodeString(raw)) }));
    for (const backend of backends) {
      expect(await verifySshSignature(malleated, { publicKey: signer.line, namespace, message, backend })).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('reserved field is covered by the signature', async () => {
    const signer = ed25519Signer();
    const envelope = decodeEnvelope(dearmor(await makeSshsig(signer, namespace, message)));
    const changed = armor(encodeEnvelope({ ...envelope, reserved: new Uint8Array([1]) }));
    expect(await verifySshSignature(changed, { publicKey: signer.line, namespace, message })).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('FIDO sk keys', () => {
  it.each(['ed25519', 'ecdsa'] as const)('sk-%s with user presence verifies on both backends and reports flags/counter', async (kind) => {
    const signer = skSigner(kind, { flags: 0x05, counter: 42 });
    const armored = await makeSshsig(signer, namespace, message);
    for (const backend of backends) {
      const result = await verifySshSignature(armored, { publicKey: signer.line, namespace, message, backend, requireUserVerification: true });
      expect(result).toMatchObject({ ok: true, keyType: signer.type, authenticator: { flags: 5, counter: 42, userPresent: true, userVerified: true } });
    }
    expect(await verifySshSignature(armored, { publicKey: signer.line, namespace, message: message + '!' })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each(['ed25519', 'ecdsa'] as const)('sk-%s without user presence is refused (signature otherwise valid)', async (kind) => {
    const signer = skSigner(kind, { flags: 0x00 });
    const armored = await makeSshsig(signer, namespace, message);
    expect(await verifySshSignature(armored, { publicKey: signer.line, namespace, message })).toEqual({ ok: false, reason: 'user-presence-missing' });
    signer.setFlags(0x04); // UV without UP is still no presence
    expect(await verifySshSignature(await makeSshsig(signer, namespace, message), { publicKey: signer.line, namespace, message })).toEqual({ ok: false, reason: 'user-presence-missing' });
  });

  it('user verification required on request', async () => {
    const signer = skSigner('ed25519', { flags: 0x01 });
    const armored = await makeSshsig(signer, namespace, message);
    expect(await verifySshSignature(armored, { publicKey: signer.line, namespace, message })).toMatchObject({ ok: true });
    expect(await verifySshSignature(armored, { publicKey: signer.line, namespace, message, requireUserVerification: true })).toEqual({ ok: false, reason: 'user-verification-missing' });
  });

  it('flipping the flags after signing breaks the signature', async () => {
    const signer = skSigner('ecdsa', { flags: 0x00 });
    const envelope = decodeEnvelope(dearmor(await makeSshsig(signer, namespace, message)));
    const sig = envelope.signature.slice();
    sig[sig.length - 5] = 0x01; // flags byte, before the uint32 counter
    const armored = armor(encodeEnvelope({ ...envelope, signature: sig }));
    expect(await verifySshSignature(armored, { publicKey: signer.line, namespace, message })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('a signature from a different application string does not verify', async () => {
    const signer = skSigner('ed25519', { application: 'ssh:' });
    const other = skSigner('ed25519', { application: 'ssh:other' });
    const armored = await makeSshsig(signer, namespace, message);
    // Same key bytes but claimed application differs -> different blob -> key mismatch
    expect(await verifySshSignature(armored, { publicKey: other.line, namespace, message })).toEqual({ ok: false, reason: 'key-mismatch' });
  });
});

describe('registered key handling', () => {
  it('a hand-built key object is re-parsed from its blob, so forged material cannot be used', async () => {
    const signer = ed25519Signer();
    const intruder = ed25519Signer();
    const armored = await makeSshsig(intruder, namespace, message, { embedded: signer.blob });
    const forged = { ...parseSshPublicKey(intruder.line), blob: signer.blob };
    expect(await verifySshSignature(armored, { publicKey: forged, namespace, message })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('message may be bytes', async () => {
    const signer = ed25519Signer();
    const armored = await makeSshsig(signer, namespace, message, { hashAlgorithm: 'sha256' });
    expect(await verifySshSignature(armored, { publicKey: signer.line, namespace, message: new TextEncoder().encode(message) })).toMatchObject({ ok: true, hashAlgorithm: 'sha256' });
  });

  it('armored signature accepted as bytes and with CRLF line ends', async () => {
    const signer = ed25519Signer();
    const armored = await makeSshsig(signer, namespace, message);
    expect(await verifySshSignature(new TextEncoder().encode(armored), { publicKey: signer.line, namespace, message })).toMatchObject({ ok: true });
    expect(await verifySshSignature(`  ${armored.replace(/\n/g, '\r\n')}  `, { publicKey: signer.line, namespace, message })).toMatchObject({ ok: true });
  });

  it('sanity: the uint32 helper', () => {
    expect(encodeUint32(0x01020304)).toEqual(new Uint8Array([1, 2, 3, 4]));
  });
});
