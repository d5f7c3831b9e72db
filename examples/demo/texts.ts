// The demo's fake SMS gateway: mfakit's SMS codes (login codes, phone confirmation, account
// recovery) land in an outbox instead of a phone, and the Texts page shows each account the texts
// sent to its own numbers (the numbers it typed into the demo), like the mailbox does for email.
// A real app passes an OobSender that calls its SMS provider.
import { randomBytes } from 'node:crypto';
import type { OobMessage, OobSender } from 'mfakit/oob';

export interface TextMessage {
  readonly id: string;
  readonly to: string;
  readonly text: string;
  readonly sentAt: number;
}

/** E.164 as mfakit reads it: `+` and digits, separators dropped. */
export function normalisePhone(number: string): string {
  return number.replace(/[\s.\-()]/g, '');
}

const PURPOSES: Record<string, string> = {
  login: 'sign-in code',
  enrolment: 'code to confirm this number',
  'phone-verification': 'code to confirm this number',
  recovery: 'account recovery code',
};

export class SmsOutbox implements OobSender {
  private readonly sent: TextMessage[] = [];
  private readonly read = new Set<string>();
  /** Account id -> the numbers it entered. */
  private readonly numbers = new Map<string, Set<string>>();

  constructor(private readonly appName: string) {}

  async send(message: OobMessage): Promise<void> {
    const what = PURPOSES[message.purpose] ?? 'code';
    const minutes = Math.max(1, Math.round((message.expiresAt - Date.now()) / 60_000));
    this.sent.unshift({
      id: randomBytes(6).toString('hex'),
      to: normalisePhone(message.destination),
      text: `${message.code} is your ${this.appName} ${what}. It expires in ${minutes} minutes. Do not share it.`,
      sentAt: Date.now(),
    });
    for (const dropped of this.sent.splice(200)) this.read.delete(dropped.id);
  }

  /** Records that the account entered this number (its texts are then shown to it). */
  claim(accountId: string, number: string): void {
    const set = this.numbers.get(accountId) ?? new Set<string>();
    set.add(normalisePhone(number));
    this.numbers.set(accountId, set);
  }

  /** Texts to the account's numbers, newest first. */
  messages(accountId: string): readonly TextMessage[] {
    const mine = this.numbers.get(accountId);
    return mine === undefined ? [] : this.sent.filter((m) => mine.has(m.to));
  }

  unreadIds(accountId: string): string[] {
    return this.messages(accountId).filter((m) => !this.read.has(m.id)).map((m) => m.id);
  }

  unread(accountId: string): number {
    return this.unreadIds(accountId).length;
  }

  markRead(ids: readonly string[]): void {
    ids.forEach((id) => this.read.add(id));
  }
}

/** Routes each code to its channel: email over SMTP, SMS to the outbox. */
export function channelSender(email: OobSender, sms: OobSender): OobSender {
  return { send: (message) => (message.channel === 'sms' ? sms.send(message) : email.send(message)) };
}
