// Helpers that drive the real OpenSSH and OpenSSL tools for the interop tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolKey {
  label: string;
  type: string;
  privatePath: string;
  publicPath: string;
  publicLine: string;
  /** PEM (traditional) private key for openssl, for RSA and ECDSA. */
  pemPath: string | undefined;
}

export const KEY_SPECS = [
  { label: 'rsa-2048', args: ['-t', 'rsa', '-b', '2048'], type: 'ssh-rsa' },
  { label: 'rsa-3072', args: ['-t', 'rsa', '-b', '3072'], type: 'ssh-rsa' },
  { label: 'rsa-4096', args: ['-t', 'rsa', '-b', '4096'], type: 'ssh-rsa' },
  { label: 'ecdsa-256', args: ['-t', 'ecdsa', '-b', '256'], type: 'ecdsa-sha2-nistp256' },
  { label: 'ecdsa-384', args: ['-t', 'ecdsa', '-b', '384'], type: 'ecdsa-sha2-nistp384' },
  { label: 'ecdsa-521', args: ['-t', 'ecdsa', '-b', '521'], type: 'ecdsa-sha2-nistp521' },
  { label: 'ed25519', args: ['-t', 'ed25519'], type: 'ssh-ed25519' },
] as const;

export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mfakit-ssh-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function generateKey(dir: string, spec: (typeof KEY_SPECS)[number]): ToolKey {
  const privatePath = join(dir, spec.label);
  execFileSync('ssh-keygen', ['-q', ...spec.args, '-N', '', '-C', `${spec.label}@mfakit-test`, '-f', privatePath], { stdio: 'pipe' });
  let pemPath: string | undefined;
  if (spec.type !== 'ssh-ed25519') {
    pemPath = `${privatePath}.pem`;
    copyFileSync(privatePath, pemPath);
    // Rewrites the private key in place in PEM (traditional) form, which openssl reads.
    execFileSync('ssh-keygen', ['-q', '-p', '-m', 'PEM', '-N', '', '-P', '', '-f', pemPath], { stdio: 'pipe' });
  }
  return { label: spec.label, type: spec.type, privatePath, publicPath: `${privatePath}.pub`, publicLine: readFileSync(`${privatePath}.pub`, 'utf8'), pemPath };
}

export function sshSign(keyPath: string, namespace: string, message: string, options: { hashalg?: 'sha256' | 'sha512'; env?: NodeJS.ProcessEnv } = {}): string {
  const args = ['-Y', 'sign', '-n', namespace, '-f', keyPath];
  if (options.hashalg) args.push('-O', `hashalg=${options.hashalg}`);
  return execFileSync('ssh-keygen', args, { input: message, stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env }).toString('utf8');
}

export function sshFingerprintOf(publicPath: string): string {
  // "256 SHA256:abc comment (ED25519)"
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicPath]).toString('utf8').split(' ')[1]!;
}

export function opensslSign(pemPath: string, message: string, digest: 'sha256' | 'sha512' = 'sha256'): Uint8Array {
  return new Uint8Array(execFileSync('openssl', ['dgst', `-${digest}`, '-sign', pemPath], { input: message }));
}

export interface Agent {
  env: NodeJS.ProcessEnv;
  add(privatePath: string): void;
  stop(): void;
}

export function startAgent(dir: string): Agent {
  const socket = join(dir, 'agent.sock');
  const out = execFileSync('ssh-agent', ['-s', '-a', socket]).toString('utf8');
  const pid = /SSH_AGENT_PID=(\d+)/.exec(out)?.[1];
  if (pid === undefined) throw new Error(`ssh-agent did not start: ${out}`);
  const env = { ...process.env, SSH_AUTH_SOCK: socket, SSH_AGENT_PID: pid };
  return {
    env,
    add(privatePath) {
      execFileSync('ssh-add', ['-q', privatePath], { env, stdio: 'pipe' });
    },
    stop() {
      spawnSync('ssh-agent', ['-k'], { env, stdio: 'pipe' });
    },
  };
}
