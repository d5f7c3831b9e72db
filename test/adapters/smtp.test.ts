import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createSmtpOobSender, describeOobPurpose, renderOobEmail } from '../../src/adapters/smtp/index.js';
import { issueOobCode, verifyOobCode } from '../../src/oob/index.js';
import { MfaError } from '../../src/errors.js';

interface Received {
  from: string | undefined;
  to: string[];
  raw: string;
}

/** Decodes quoted-printable soft breaks and escapes, enough to read a text part. */
function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function textPart(raw: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)?.[1];
  const parts = boundary === undefined ? [raw] : raw.split(`--${boundary}`);
  const plain = parts.find((p) => /Content-Type: text\/plain/i.test(p)) ?? raw;
  const [headers, ...body] = plain.split(/\r?\n\r?\n/);
  const content = body.join('\n\n');
  if (/Content-Transfer-Encoding: base64/i.test(headers!)) return Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/Content-Transfer-Encoding: quoted-printable/i.test(headers!)) return decodeQuotedPrintable(content);
  return content;
}

describe('adapters/smtp against a real SMTP server', () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let port: number;
  let rejectNext = false;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (rejectNext) {
          rejectNext = false;
          const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
          callback(error);
          return;
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const key = new Uint8Array(32).fill(9);
  const issuedAt = Date.UTC(2026, 10, 23, 19, 11, 0);

  it('delivers the code with its purpose and expiry (words and ISO time) in the body', async () => {
    const sender = createSmtpOobSender({
      smtp: { host: '127.0.0.1', port, secure: false, ignoreTLS: true },
      from: 'Example <no-reply@example.com>',
      appName: 'Example',
      now: () => issuedAt,
    });
    const { code, record, message } = issueOobCode(
      { purpose: 'login', channel: 'email', destination: 'Ada@Example.com' },
      { key, now: () => issuedAt },
    );
    await sender.send(message);
    sender.close();

    const mail = received.at(-1)!;
    expect(mail.from).toBe('no-reply@example.com');
    expect(mail.to.map((a) => a.toLowerCase())).toEqual(['ada@example.com']); // nodemailer lower-cases the domain
    expect(mail.raw).toMatch(/^Subject: Your one-time code for signing in to Example$/m);
    expect(mail.raw).not.toMatch(new RegExp(`^Subject:.*${code}`, 'm'));
    expect(mail.raw).toMatch(/^Auto-Submitted: auto-generated$/m);
    const body = textPart(mail.raw);
    expect(body).toContain(code);
    expect(body).toContain('signing in to Example');
    expect(body).toContain('expires in 10 minutes');
    expect(body).toContain('2026-11-23 19:21 UTC');
    expect(body).toContain(new Date(record.expiresAt).toISOString());
    expect(new Date(record.expiresAt).toISOString()).toBe('2026-11-23T19:21:00.000Z');

    // The code read out of the delivered email verifies against the stored record.
    const typed = /^\s{4}(\d{6})$/m.exec(body)![1]!;
    expect(verifyOobCode(typed, record, { key, now: () => issuedAt + 60_000 }).ok).toBe(true);
  });

  it('accepts a ready nodemailer transport and names other purposes', async () => {
    const nodemailer = await import('nodemailer');
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    const sender = createSmtpOobSender({ transport, from: 'no-reply@example.com', appName: 'Example', now: () => issuedAt });
    const { code, message } = issueOobCode(
      { purpose: 'recovery', channel: 'email', destination: 'bob@example.com' },
      { key, now: () => issuedAt, ttlSeconds: 300 },
    );
    await sender.send(message);
    transport.close();
    const body = textPart(received.at(-1)!.raw);
    expect(body).toContain(code);
    expect(body).toContain('recovering your Example account');
    expect(body).toContain('expires in 5 minutes');
    expect(body).toContain('2026-11-23T19:16:00.000Z');
  });

  it('reports a refused recipient as DELIVERY_FAILED without the code in the message', async () => {
    const sender = createSmtpOobSender({ smtp: { host: '127.0.0.1', port, ignoreTLS: true }, from: 'no-reply@example.com' });
    const { code, message } = issueOobCode({ purpose: 'login', channel: 'email', destination: 'gone@example.com' }, { key });
    rejectNext = true;
    const error = await sender.send(message).then(() => undefined, (e: unknown) => e);
    sender.close();
    expect(error).toBeInstanceOf(MfaError);
    expect((error as MfaError).code).toBe('DELIVERY_FAILED');
    expect((error as MfaError).message).not.toContain(code);
  });

  it('refuses SMS messages, header injection and bad options', async () => {
    const sender = createSmtpOobSender({ transport: { sendMail: async () => undefined }, from: 'no-reply@example.com' });
    const sms = { channel: 'sms' as const, destination: '+33612345678', code: '123456', purpose: 'login', expiresAt: 0 };
    await expect(sender.send(sms)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(sender.send({ ...sms, channel: 'email', destination: 'a@b.c\r\nBcc: x@y.z' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(sender.send({ ...sms, channel: 'email', destination: 'a@b.c', purpose: 'login\r\nBcc: x@y.z' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(sender.send({ ...sms, channel: 'email', destination: 'a@b.c', expiresAt: Number.NaN })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(() => createSmtpOobSender({ from: 'x@y.z' })).toThrow(MfaError);
    expect(() => createSmtpOobSender({ smtp: 'smtp://h', from: 'a\r\nBcc: b' })).toThrow(MfaError);
    expect(() => createSmtpOobSender({ smtp: 'smtp://h', transport: { sendMail: async () => 1 }, from: 'a@b.c' })).toThrow(MfaError);
  });

  it('sends to exactly one recipient, even for an address with a comma', async () => {
    const sender = createSmtpOobSender({ smtp: { host: '127.0.0.1', port, ignoreTLS: true }, from: 'no-reply@example.com' });
    const before = received.length;
    const message = { channel: 'email' as const, destination: 'a,victim@example.com', code: '123456', purpose: 'login', expiresAt: Date.now() + 60_000 };
    await sender.send(message).catch(() => undefined);
    sender.close();
    for (const mail of received.slice(before)) expect(mail.to).toHaveLength(1);
    expect(received.slice(before).flatMap((m) => m.to)).not.toContain('victim@example.com');
  });

  it('reports an unreachable server as DELIVERY_FAILED', async () => {
    const sender = createSmtpOobSender({ smtp: { host: '127.0.0.1', port: 1, ignoreTLS: true, connectionTimeout: 2000 }, from: 'no-reply@example.com' });
    const { message } = issueOobCode({ purpose: 'login', channel: 'email', destination: 'x@example.com' }, { key });
    await expect(sender.send(message)).rejects.toMatchObject({ code: 'DELIVERY_FAILED' });
    sender.close();
  });

  it('renders purposes and durations in words', () => {
    expect(describeOobPurpose('phone-verification', 'X')).toBe('verifying your phone number for X');
    expect(describeOobPurpose('custom-thing', 'X')).toBe('"custom-thing" on X');
    expect(describeOobPurpose('toString', 'X')).toBe('"toString" on X');
    const email = renderOobEmail(
      { channel: 'email', destination: 'a@b.c', code: '<b>1', purpose: 'login', expiresAt: 60_000 },
      { appName: 'A&B', now: 30_000 },
    );
    expect(email.text).toContain('less than a minute');
    // Issued a moment ago: still "10 minutes", not "9".
    const fresh = renderOobEmail({ channel: 'email', destination: 'a@b.c', code: '1', purpose: 'enrolment', expiresAt: 600_000 }, { appName: 'A', now: 250 });
    expect(fresh.text).toContain('expires in 10 minutes');
    expect(fresh.subject).toBe('Your one-time code for turning on email or SMS codes for A');
    expect(email.html).not.toContain('<b>1');
    expect(email.html).toContain('A&#38;B');
  });
});
