// The service's audit events, kept per account for the security page ("recent activity"). A real
// app writes them to its audit log and notifies the user of changes.
//
// What the page shows is written for the account's owner: one line per sign-in (the demo's own
// note names the factor, so the service's `verified` event is not repeated), no "started adding"
// lines (an enrolment shows when it is confirmed or fails), and repeats in a row folded into one
// line with a count.
import type { MfaEvent, MfaEventSink } from 'mfakit/service';

const KEEP = 500;
/** Service events the demo's own notes already tell (sign-ins, step-ups), or that are only noise. */
const HIDDEN = new Set(['verified', 'recovery-completed', 'enrolment-started', 'enrolment-cancelled', 'secret-resealed', 'remembered-device-used']);

export interface ActivityLine {
  /** The newest of the folded events. */
  readonly at: number;
  /** The oldest, when several were folded. */
  readonly from: number;
  readonly type: string;
  readonly text: string;
  readonly count: number;
}

export class EventLog {
  private readonly byAccount = new Map<string, MfaEvent[]>();
  /** Demo-level events (password sign-in, organisation changes) share the list. */
  private readonly extra = new Map<string, DemoEvent[]>();

  readonly sink: MfaEventSink = (event) => {
    const list = this.byAccount.get(event.accountId) ?? [];
    list.unshift(event);
    list.splice(KEEP);
    this.byAccount.set(event.accountId, list);
  };

  note(accountId: string, text: string): void {
    const list = this.extra.get(accountId) ?? [];
    list.unshift({ at: Date.now(), text });
    list.splice(KEEP);
    this.extra.set(accountId, list);
  }

  /** Newest first, MFA events and demo notes merged, repeats in a row folded. */
  lines(accountId: string): ActivityLine[] {
    const mfa = (this.byAccount.get(accountId) ?? []).filter((e) => !HIDDEN.has(e.type)).map((e) => ({ at: e.at, type: e.type, text: describe(e) }));
    const notes = (this.extra.get(accountId) ?? []).map((e) => ({ at: e.at, type: 'account', text: e.text }));
    const out: ActivityLine[] = [];
    for (const e of [...mfa, ...notes].sort((a, b) => b.at - a.at)) {
      const last = out[out.length - 1];
      if (last !== undefined && last.text === e.text && last.from - e.at < 3_600_000) {
        out[out.length - 1] = { ...last, from: e.at, count: last.count + 1 };
      } else {
        out.push({ ...e, from: e.at, count: 1 });
      }
    }
    return out;
  }
}

interface DemoEvent {
  readonly at: number;
  readonly text: string;
}

/** Why remembered browsers were forgotten. */
function forgotten(e: MfaEvent): string {
  const count = Number(e.details?.['count'] ?? 1);
  const which = e.name ? `the remembered browser ${e.name}` : count === 1 ? 'a remembered browser' : `${count} remembered browsers`;
  switch (e.reason) {
    case 'factor-change':
      return `Forgot ${which}: a device was removed or replaced`;
    case 'policy':
      return `Forgot ${which}: an organisation asks for a second factor at every login`;
    case 'limit':
      return `Forgot ${which}: too many remembered browsers`;
    default:
      return `Forgot ${which}`;
  }
}

function describe(e: MfaEvent): string {
  const what = e.name ? `${e.name}` : e.kind ?? '';
  switch (e.type) {
    case 'enrolment-started':
      return `Started adding ${what}`;
    case 'enrolment-confirmed':
      return `Added ${what}`;
    case 'enrolment-failed':
      return `Adding ${what} failed (${e.reason ?? 'wrong code'})`;
    case 'verified':
      return `Verified with ${what}`;
    case 'verification-failed':
      return `Wrong code or key${e.kind ? ` (${e.kind})` : ''}: ${e.reason ?? 'mismatch'}`;
    case 'replay-refused':
      return `A code that was already used was refused`;
    case 'throttled':
      return 'Too many attempts: slowed down';
    case 'backup-code-used':
      return `Backup code used (${String(e.details?.['remaining'] ?? '?')} left)`;
    case 'backup-codes-generated':
      return 'Backup codes created';
    case 'backup-codes-regenerated':
      return 'Backup codes regenerated (the old ones no longer work)';
    case 'factor-renamed':
      return `Renamed a device to ${what}`;
    case 'factor-removed':
      return `Removed ${what}`;
    case 'factor-replaced':
      return `Replaced a device with ${what}`;
    case 'mfa-disabled':
      return 'Two-factor authentication disabled';
    case 'oob-code-sent':
      return `Code sent by ${e.kind ?? 'email'} to ${String(e.details?.['destination'] ?? '')}`;
    case 'step-up-refused':
      return `Refused without a recent verification: ${e.reason ?? ''}`;
    case 'recovery-started':
      return `Account recovery started (${e.kind === 'ssh-key' ? 'SSH key' : e.kind ?? ''})`;
    case 'recovery-completed':
      return 'Account recovered: the lost devices and backup codes were removed';
    case 'recovery-failed':
      return `Account recovery attempt refused (${e.reason ?? 'failed'})`;
    case 'remembered-device-created':
      return `Remembered the browser ${what}: no code at its next logins`;
    case 'remembered-device-revoked':
      return forgotten(e);
    case 'policy-refused':
      return `Refused by policy (${String(e.details?.['action'] ?? '')})`;
    default:
      return e.type.replace(/-/g, ' ');
  }
}
