// Real SMTP inside the demo: an smtp-server on a loopback port receives what the mfakit SMTP
// sender (nodemailer) delivers, and keeps the messages for the demo's mailbox page.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createSmtpOobSender, renderOobEmail, type SmtpOobSender } from 'mfakit/adapters/smtp';

export interface MailMessage {
  readonly id: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly receivedAt: number;
}

export interface Mailbox {
  readonly port: number;
  readonly sender: SmtpOobSender;
  /** Mail to one address, newest first (each account sees only its own mail). */
  messages(to: string): readonly MailMessage[];
  /** The ids of the address's messages not shown yet. */
  unreadIds(to: string): readonly string[];
  unread(to: string): number;
  /** Marks messages as seen (the mailbox page showed them). */
  markRead(ids: readonly string[]): void;
  close(): Promise<void>;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** RFC 2047 encoded words in headers (`=?UTF-8?Q?…?=`). */
function decodeHeader(value: string): string {
  return value.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

function headerOf(head: string, name: string): string {
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded);
  return match?.[1] === undefined ? '' : decodeHeader(match[1].trim());
}

function decodePart(part: string): string {
  const [head = '', ...rest] = part.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/Content-Transfer-Encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/Content-Transfer-Encoding:\s*quoted-printable/i.test(head)) return decodeQuotedPrintable(body);
  return body;
}

/** Enough MIME to read what nodemailer sends: headers and the text/plain part. */
export function parseMessage(raw: string): { subject: string; from: string; text: string } {
  const [head = ''] = raw.split(/\r?\n\r?\n/);
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  let text: string;
  if (boundary === undefined) {
    text = decodePart(raw);
  } else {
    const parts = raw.split(`--${boundary}`);
    const plain = parts.find((p) => /Content-Type:\s*text\/plain/i.test(p));
    text = plain === undefined ? '' : decodePart(plain.replace(/^\r?\n/, ''));
  }
  return { subject: headerOf(head, 'Subject'), from: headerOf(head, 'From'), text: text.replace(/\r\n/g, '\n').trim() };
}

export async function startMailbox(options: { appName: string; from: string }): Promise<Mailbox> {
  const received: MailMessage[] = [];
  const read = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'mfakit demo mail catcher',
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const parsed = parseMessage(Buffer.concat(chunks).toString('latin1'));
        received.unshift({
          id: randomBytes(6).toString('hex'),
          from: parsed.from,
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject: parsed.subject,
          text: parsed.text,
          receivedAt: Date.now(),
        });
        for (const dropped of received.splice(200)) read.delete(dropped.id);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const sender = createSmtpOobSender({
    smtp: { host: '127.0.0.1', port, secure: false, ignoreTLS: true },
    from: options.from,
    appName: options.appName,
    // The default wording knows login and verification purposes; an enrolment confirms an address.
    render: (message, context) => renderOobEmail(message.purpose === 'enrolment' ? { ...message, purpose: 'email-verification' } : message, context),
  });
  return {
    port,
    sender,
    messages: (to) => received.filter((m) => m.to.includes(to.toLowerCase())),
    unreadIds: (to) => received.filter((m) => m.to.includes(to.toLowerCase()) && !read.has(m.id)).map((m) => m.id),
    unread: (to) => received.filter((m) => m.to.includes(to.toLowerCase()) && !read.has(m.id)).length,
    markRead: (ids) => ids.forEach((id) => read.add(id)),
    close: async () => {
      sender.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
