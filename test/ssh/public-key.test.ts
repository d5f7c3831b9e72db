// Parsing OpenSSH public keys as users paste them, and refusing what mfakit does not take.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMfaError } from '../../src/errors.js';
import { concatBytes } from '../../src/internal/bytes.js';
import { parseAuthorizedKeys, parseSshPublicKey, parseSshPublicKeyBlob, sshFingerprint } from '../../src/ssh/index.js';
import { encodeMpint, encodeString } from '../../src/ssh/wire.js';
import { b64, ecdsaSigner, ed25519Signer, skSigner } from './builders.js';
import { KEY_SPECS, generateKey, makeTempDir, sshFingerprintOf, type ToolKey } from './tools.js';

const code = (c: string) => (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(isMfaError(error) ? error.code : String(error)).toBe(c);
    return;
  }
  throw new Error('expected a throw');
};

let temp: ReturnType<typeof makeTempDir>;
let ed: ToolKey;
beforeAll(() => {
  temp = makeTempDir();
  ed = generateKey(temp.dir, KEY_SPECS[6]);
});
afterAll(() => temp.cleanup());

describe('pasted forms', () => {
  it('authorized_keys line with quoted options and a comment with spaces', () => {
    const base = ed.publicLine.trim().split(' ').slice(0, 2).join(' ');
    const options = 'command="echo \\"hi there\\"; ls",no-pty,from="10.0.0.1,192.168.0.0/16"';
    const key = parseSshPublicKey(`  ${options} ${base} Alice's laptop (work)  \r\n`);
    expect(key.options).toBe(options);
    expect(key.comment).toBe("Alice's laptop (work)");
    expect(key.type).toBe('ssh-ed25519');
    expect(key.line).toBe(base);
    expect(key.fingerprint).toBe(sshFingerprintOf(ed.publicPath));
    expect(Object.isFrozen(key)).toBe(true);
  });

  it('simple options and no comment; blank and # lines ignored', () => {
    const base = ed.publicLine.trim().split(' ').slice(0, 2).join(' ');
    expect(parseSshPublicKey(`# my key\n\nrestrict ${base}\n`).options).toBe('restrict');
    expect(parseSshPublicKey(base).comment).toBe('');
  });

  it('parseAuthorizedKeys reads many keys and names the bad line', () => {
    const e2 = ed25519Signer();
    const text = `# keys\n${ed.publicLine}\nno-pty ${e2.line}\n`;
    expect(parseAuthorizedKeys(text).map((k) => k.comment)).toEqual([ed.publicLine.trim().split(' ')[2], 'test']);
    try {
      parseAuthorizedKeys(`${ed.publicLine.trim()}\nssh-dss AAAAB3NzaC1kc3MAAAA=\n`);
      throw new Error('no throw');
    } catch (error) {
      expect(isMfaError(error, 'UNSUPPORTED_SSH_KEY')).toBe(true);
      expect((error as { details: { line: number } }).details.line).toBe(2);
    }
  });

  it('exactly one key for parseSshPublicKey', () => {
    code('INVALID_SSH_KEY')(() => parseSshPublicKey(`${ed.publicLine}\n${ed.publicLine}`));
    code('INVALID_SSH_KEY')(() => parseSshPublicKey('  \n# nothing\n'));
  });

  it('sk keys (built in-process) parse; fingerprints match ssh-keygen -lf', () => {
    for (const signer of [skSigner('ed25519'), skSigner('ecdsa'), ecdsaSigner('nistp384')]) {
      const key = parseSshPublicKey(signer.line);
      expect(key.type).toBe(signer.type);
      const path = join(temp.dir, `${key.type}.pub`);
      writeFileSync(path, signer.line + '\n');
      expect(key.fingerprint).toBe(sshFingerprintOf(path));
      if (key.type.startsWith('sk-')) expect(key.application).toBe('ssh:');
    }
  });

  it('blob and fingerprint helpers agree', () => {
    const key = parseSshPublicKey(ed.publicLine);
    expect(parseSshPublicKeyBlob(key.blob).fingerprint).toBe(key.fingerprint);
    expect(sshFingerprint(key)).toBe(key.fingerprint);
    expect(sshFingerprint(key.blob)).toBe(key.fingerprint);
  });
});

describe('refusals', () => {
  it('certificates are UNSUPPORTED_SSH_KEY', () => {
    const ca = generateKey(temp.dir, { ...KEY_SPECS[6], label: 'ca' } as never);
    execFileSync('ssh-keygen', ['-q', '-s', ca.privatePath, '-I', 'id', '-n', 'alice', ed.publicPath], { stdio: 'pipe' });
    const cert = execFileSync('cat', [ed.publicPath.replace(/\.pub$/, '-cert.pub')]).toString();
    expect(cert.startsWith('ssh-ed25519-cert-v01@openssh.com ')).toBe(true);
    code('UNSUPPORTED_SSH_KEY')(() => parseSshPublicKey(cert));
  });

  it('short RSA (1024 bits, from ssh-keygen) is UNSUPPORTED_SSH_KEY', () => {
    const short = generateKey(temp.dir, { label: 'rsa-1024', args: ['-t', 'rsa', '-b', '1024'], type: 'ssh-rsa' } as never);
    code('UNSUPPORTED_SSH_KEY')(() => parseSshPublicKey(short.publicLine));
  });

  it('DSA and unknown types are UNSUPPORTED_SSH_KEY', () => {
    const dss = concatBytes(encodeString('ssh-dss'), encodeMpint(new Uint8Array([1])), encodeMpint(new Uint8Array([1])));
    code('UNSUPPORTED_SSH_KEY')(() => parseSshPublicKey(`ssh-dss ${b64(dss)} old`));
    const unknown = concatBytes(encodeString('ssh-foo'), encodeString(new Uint8Array(32)));
    code('UNSUPPORTED_SSH_KEY')(() => parseSshPublicKey(`ssh-foo ${b64(unknown)}`));
    code('UNSUPPORTED_SSH_KEY')(() => parseSshPublicKey(`ssh-ed448 ${b64(unknown)}`));
  });

  it('malformed keys are INVALID_SSH_KEY', () => {
    const e = ed25519Signer();
    const [type, body] = e.line.split(' ') as [string, string];
    const blob = new Uint8Array(Buffer.from(body, 'base64'));
    code('INVALID_SSH_KEY')(() => parseSshPublicKey(`ssh-rsa ${body}`)); // type mismatch
    code('INVALID_SSH_KEY')(() => parseSshPublicKey(`${type} ${b64(concatBytes(blob, new Uint8Array([0])))}`)); // trailing
    code('INVALID_SSH_KEY')(() => parseSshPublicKey(`${type} ${b64(blob.subarray(0, blob.length - 1))}`)); // truncated
    code('INVALID_SSH_KEY')(() => parseSshPublicKey(`${type} ${body.replace(/A/g, '-')}`)); // not base64
    code('INVALID_SSH_KEY')(() => parseSshPublicKey(type));
    code('INVALID_SSH_KEY')(() => parseSshPublicKey('command="unterminated ssh-ed25519 AAAA'));
    // ECDSA point off the curve
    const off = concatBytes(encodeString('ecdsa-sha2-nistp256'), encodeString('nistp256'), encodeString(concatBytes(new Uint8Array([4]), new Uint8Array(64).fill(7))));
    code('INVALID_SSH_KEY')(() => parseSshPublicKey(`ecdsa-sha2-nistp256 ${b64(off)}`));
    // curve name not matching the type
    const wrongCurve = concatBytes(encodeString('ecdsa-sha2-nistp256'), encodeString('nistp384'), encodeString(new Uint8Array(65)));
    code('INVALID_SSH_KEY')(() => parseSshPublicKey(`ecdsa-sha2-nistp256 ${b64(wrongCurve)}`));
    // RSA with a negative / non-canonical mpint
    const rsaNeg = concatBytes(encodeString('ssh-rsa'), encodeString(new Uint8Array([1, 0, 1])), encodeString(new Uint8Array(256).fill(0xff)));
    code('INVALID_SSH_KEY')(() => parseSshPublicKey(`ssh-rsa ${b64(rsaNeg)}`));
  });
});

describe('RFC 4716 (ssh-keygen -e, PuTTYgen)', () => {
  it.each([0, 3, 6])('the exported form of key spec %i parses to the same key', (index) => {
    const key = index === 6 ? ed : generateKey(temp.dir, { ...KEY_SPECS[index]!, label: `rfc-${index}` } as never);
    const exported = execFileSync('ssh-keygen', ['-e', '-f', key.publicPath]).toString();
    expect(exported).toContain('---- BEGIN SSH2 PUBLIC KEY ----');
    const parsed = parseSshPublicKey(exported);
    expect(parsed.line).toBe(parseSshPublicKey(key.publicLine).line);
    expect(parsed.fingerprint).toBe(sshFingerprintOf(key.publicPath));
  });

  it('PuTTYgen style with a quoted, continued comment', () => {
    const body = ed.publicLine.split(' ')[1]!;
    const text = `---- BEGIN SSH2 PUBLIC KEY ----\r\nComment: "rsa-key-20260101 \\\r\nwork laptop"\r\n${body.replace(/.{64}/g, '$&\r\n')}\r\n---- END SSH2 PUBLIC KEY ----\r\n`;
    const parsed = parseSshPublicKey(text);
    expect(parsed.comment).toBe('rsa-key-20260101 work laptop');
    expect(parsed.type).toBe('ssh-ed25519');
  });

  it('broken RFC 4716 is INVALID_SSH_KEY', () => {
    code('INVALID_SSH_KEY')(() => parseSshPublicKey('---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n'));
    code('INVALID_SSH_KEY')(() => parseSshPublicKey('---- BEGIN SSH2 PUBLIC KEY ----\n---- END SSH2 PUBLIC KEY ----'));
    code('INVALID_SSH_KEY')(() => parseSshPublicKey('---- BEGIN SSH2 PUBLIC KEY ----\n***\n---- END SSH2 PUBLIC KEY ----'));
  });
});
