// Organisations a user can join. Some enforce MFA: the service's policy hook (createPolicyHook
// over mfakit/policy) then refuses disabling MFA and names them.
import type { MfaPolicy } from 'mfakit/policy';
import type { UserDirectory } from './users.js';

export interface Organisation {
  readonly id: string;
  readonly name: string;
  readonly enforcesMfa: boolean;
  readonly description: string;
}

export const ORGANISATIONS: readonly Organisation[] = [
  { id: 'org_acme', name: 'Acme Corp', enforcesMfa: true, description: 'Enforces multi-factor authentication for every member.' },
  { id: 'org_globex', name: 'Globex', enforcesMfa: false, description: 'MFA is optional.' },
];

const GRACE_MS = 14 * 86_400_000;

export function organisation(id: string): Organisation | undefined {
  return ORGANISATIONS.find((o) => o.id === id);
}

/** Names of the user's organisations that enforce MFA. */
export function enforcingOrganisationNames(user: { readonly organisations: ReadonlyMap<string, number> }): string[] {
  return [...user.organisations.keys()].map(organisation).filter((o) => o?.enforcesMfa === true).map((o) => o!.name);
}

/** The policy resolver: the MFA policies of the organisations the account belongs to. */
export function policyResolver(users: UserDirectory): (accountId: string) => MfaPolicy[] {
  return (accountId) => {
    const user = users.get(accountId);
    if (user === undefined) return [];
    const policies: MfaPolicy[] = [];
    for (const [orgId, joinedAt] of user.organisations) {
      const org = organisation(orgId);
      if (org === undefined || !org.enforcesMfa) continue;
      policies.push({
        id: `${org.id}-mfa`,
        owner: { id: org.id, name: org.name, type: 'organization' },
        requireMfa: true,
        // New members get two weeks to enrol.
        grace: { since: joinedAt, durationMs: GRACE_MS },
      });
    }
    return policies;
  };
}
