// Organisations a user can join. Some enforce MFA: the service's policy hook (createPolicyHook
// over mfakit/policy) then refuses disabling MFA and names them. One wants a second factor at
// every login: its members' browsers are never remembered.
import { evaluateRememberedDevices, type MfaPolicy } from 'mfakit/policy';
import type { UserDirectory } from './users.js';

export interface Organisation {
  readonly id: string;
  readonly name: string;
  readonly enforcesMfa: boolean;
  /** A second factor at every login: no remembered browsers (`rememberedDevices: 'forbidden'`). */
  readonly forbidsRememberedDevices?: boolean;
  readonly description: string;
}

export const ORGANISATIONS: readonly Organisation[] = [
  { id: 'org_acme', name: 'Acme Corp', enforcesMfa: true, description: 'Enforces multi-factor authentication for every member.' },
  { id: 'org_globex', name: 'Globex', enforcesMfa: false, description: 'MFA is optional.' },
  {
    id: 'org_initech',
    name: 'Initech',
    enforcesMfa: false,
    forbidsRememberedDevices: true,
    description: 'MFA is optional, but members who have it enter a second factor at every login: no remembered browsers.',
  },
];

const GRACE_MS = 14 * 86_400_000;

export function organisation(id: string): Organisation | undefined {
  return ORGANISATIONS.find((o) => o.id === id);
}

/** Names of the user's organisations that enforce MFA. */
export function enforcingOrganisationNames(user: { readonly organisations: ReadonlyMap<string, number> }): string[] {
  return [...user.organisations.keys()].map(organisation).filter((o) => o?.enforcesMfa === true).map((o) => o!.name);
}

/** The MFA policies of the organisations the user belongs to. */
export function policiesOf(user: { readonly organisations: ReadonlyMap<string, number> }): MfaPolicy[] {
  const policies: MfaPolicy[] = [];
  for (const [orgId, joinedAt] of user.organisations) {
    const org = organisation(orgId);
    if (org === undefined || (!org.enforcesMfa && !org.forbidsRememberedDevices)) continue;
    policies.push({
      id: `${org.id}-mfa`,
      owner: { id: org.id, name: org.name, type: 'organization' },
      requireMfa: org.enforcesMfa,
      // New members get two weeks to enrol.
      ...(org.enforcesMfa ? { grace: { since: joinedAt, durationMs: GRACE_MS } } : {}),
      ...(org.forbidsRememberedDevices ? { rememberedDevices: 'forbidden' as const } : {}),
    });
  }
  return policies;
}

/** Names of the user's organisations that forbid remembered browsers (the login page then offers none). */
export function rememberingForbiddenBy(user: { readonly organisations: ReadonlyMap<string, number> }): string[] {
  const decision = evaluateRememberedDevices(policiesOf(user));
  return decision.allowed ? [] : decision.owners.map((o) => o.name);
}

/** The policy resolver: the MFA policies of the organisations the account belongs to. */
export function policyResolver(users: UserDirectory): (accountId: string) => MfaPolicy[] {
  return (accountId) => {
    const user = users.get(accountId);
    return user === undefined ? [] : policiesOf(user);
  };
}
