import type { MfaPolicy, PolicyFactor, PolicyOwner } from '../../src/policy/index.js';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 1);

export const acme: PolicyOwner = { id: 'org_1', name: 'Acme', type: 'organization' };
export const globex: PolicyOwner = { id: 'org_2', name: 'Globex', type: 'organization' };
export const payroll: PolicyOwner = { id: 'prj_1', name: 'Payroll', type: 'project' };
export const app: PolicyOwner = { id: 'app', name: 'The app', type: 'app' };

export const requireAll = (owner: PolicyOwner, extra: Partial<MfaPolicy> = {}): MfaPolicy => ({ owner, requireMfa: true, ...extra });

export const webauthn: PolicyFactor = { id: 'key', kind: 'webauthn', createdAt: T0 };
export const key2: PolicyFactor = { id: 'key2', kind: 'webauthn', createdAt: T0 };
export const totp: PolicyFactor = { id: 'app', kind: 'totp', createdAt: T0 };
export const hotp: PolicyFactor = { id: 'token', kind: 'hotp', createdAt: T0 };
export const sms: PolicyFactor = { id: 'phone', kind: 'sms', createdAt: T0 };
export const email: PolicyFactor = { id: 'mail', kind: 'email', createdAt: T0 };
export const codes: PolicyFactor = { id: 'codes', kind: 'backup-codes', createdAt: T0 };
export const sshKey: PolicyFactor = { id: 'ssh', kind: 'ssh-key', createdAt: T0 };
