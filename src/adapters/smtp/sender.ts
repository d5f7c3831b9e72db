/**
 * An OobSender that delivers email codes over SMTP with nodemailer (Node only, optional peer).
 * @module
 */
import type { Clock } from '../../clock.js';
import { systemClock } from '../../clock.js';
import { MfaError } from '../../errors.js';
import type { OobMessage, OobSender } from '../../oob/index.js';
import { renderOobEmail, type SmtpOobEmail, type SmtpOobRenderContext } from './message.js';

/**
 * The part of a nodemailer `Transporter` this sender uses.
 *
 * @example
 * ```ts
 * const transport: SmtpTransportLike = nodemailer.createTransport({ host: 'localhost', port: 2525 });
 * ```
 */
export interface SmtpTransportLike {
  /** Sends one message (nodemailer's mail options); rejects when the server refuses it. */
  sendMail(mail: Record<string, unknown>): Promise<unknown>;
  /** Closes the transport's connections; the sender calls it only on a transport it created from `smtp`. */
  close?(): void;
}

/**
 * Options of {@link createSmtpOobSender}: give either `transport` or `smtp`.
 *
 * @example
 * ```ts
 * const options: SmtpOobSenderOptions = { smtp: 'smtps://user:pass@smtp.example.com', from: 'no-reply@example.com', appName: 'Example' };
 * ```
 */
export interface SmtpOobSenderOptions {
  /** A ready nodemailer transporter (`nodemailer.createTransport(…)`), or anything with `sendMail`. */
  transport?: SmtpTransportLike;
  /** SMTP options or URL for `nodemailer.createTransport`, when no `transport` is given. */
  smtp?: Record<string, unknown> | string;
  /** Sender address, e.g. `'Example <no-reply@example.com>'`. */
  from: string;
  /** Name of the app in the text. Default `'our service'`. */
  appName?: string;
  /** Clock for "expires in N minutes"; `Date.now` by default. */
  now?: Clock;
  /** Replace the default wording (renderOobEmail). */
  render?: (message: OobMessage, context: SmtpOobRenderContext) => SmtpOobEmail;
}

/**
 * An email {@link OobSender} plus `close()`, which closes a transport the sender created itself.
 *
 * @example
 * ```ts
 * const sender: SmtpOobSender = createSmtpOobSender({ smtp: 'smtp://localhost:2525', from: 'no-reply@example.com' });
 * sender.close();
 * ```
 */
export interface SmtpOobSender extends OobSender {
  /**
   * Closes the transport the sender created from `smtp`; a `transport` the app passed in is left
   * open, since the app owns it.
   */
  close(): void;
}

type CreateTransport = (options: Record<string, unknown> | string) => SmtpTransportLike;

async function loadCreateTransport(): Promise<CreateTransport> {
  const mod = (await import('nodemailer')) as unknown as { createTransport?: CreateTransport; default?: { createTransport?: CreateTransport } };
  const create = mod.createTransport ?? mod.default?.createTransport;
  if (typeof create !== 'function') throw new MfaError('DELIVERY_FAILED', 'nodemailer.createTransport not found');
  return create;
}

/**
 * Creates an {@link OobSender} for the `email` channel over SMTP, built on nodemailer (an optional
 * peer dependency, loaded only when this sender first needs to build a transport). The email says
 * what the code is for, the code, and when it expires (in words and ISO 8601). The code is never
 * logged and never put in the subject.
 *
 * @throws MfaError `INVALID_OPTION` for missing options. `send` rejects with `INVALID_ARGUMENT` for
 *   an SMS message and `DELIVERY_FAILED` (with `cause`) when the SMTP server refuses.
 * @example
 * ```ts
 * import { createSmtpOobSender } from 'mfakit/adapters/smtp';
 * const sender = createSmtpOobSender({
 *   smtp: { host: 'smtp.example.com', port: 587, auth: { user, pass } },
 *   from: 'Example <no-reply@example.com>',
 *   appName: 'Example',
 * });
 * const { record, message } = issueOobCode({ purpose: 'login', channel: 'email', destination }, { key });
 * await sender.send(message);
 * ```
 */
export function createSmtpOobSender(options: SmtpOobSenderOptions): SmtpOobSender {
  if (typeof options !== 'object' || options === null) throw new MfaError('INVALID_OPTION', 'options are required');
  const { transport, smtp, from } = options;
  if (typeof from !== 'string' || from.trim() === '' || /[\r\n]/.test(from)) {
    throw new MfaError('INVALID_OPTION', 'from must be a single-line sender address');
  }
  if ((transport === undefined) === (smtp === undefined)) {
    throw new MfaError('INVALID_OPTION', 'give exactly one of transport and smtp');
  }
  if (transport !== undefined && typeof transport.sendMail !== 'function') {
    throw new MfaError('INVALID_OPTION', 'transport must have a sendMail method');
  }
  const appName = options.appName ?? 'our service';
  const now = options.now ?? systemClock;
  const render = options.render ?? renderOobEmail;
  let ready: Promise<SmtpTransportLike> | undefined = transport === undefined ? undefined : Promise.resolve(transport);
  let created: SmtpTransportLike | undefined;

  const getTransport = (): Promise<SmtpTransportLike> => {
    // A failed creation is not cached: the next send tries again.
    ready ??= loadCreateTransport()
      .then((create) => (created = create(smtp!)))
      .catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
    return ready;
  };

  return {
    async send(message: OobMessage): Promise<void> {
      if (typeof message !== 'object' || message === null || message.channel !== 'email') {
        throw new MfaError('INVALID_ARGUMENT', 'the SMTP sender only delivers email messages');
      }
      for (const field of ['destination', 'code', 'purpose'] as const) {
        const value: unknown = message[field];
        // eslint-disable-next-line no-control-regex
        if (typeof value !== 'string' || value === '' || value.length > 320 || /[\u0000-\u001F\u007F]/.test(value)) {
          throw new MfaError('INVALID_ARGUMENT', `message ${field} must be a non-empty single-line string`);
        }
      }
      if (typeof message.expiresAt !== 'number' || !Number.isFinite(message.expiresAt)) {
        throw new MfaError('INVALID_ARGUMENT', 'message expiresAt must be milliseconds since the epoch');
      }
      const email = render(message, { appName, now: now() });
      try {
        const t = await getTransport();
        await t.sendMail({
          from,
          // One address object: nodemailer does not split it on commas into several recipients.
          to: { name: '', address: message.destination },
          subject: email.subject,
          text: email.text,
          html: email.html,
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        });
      } catch (cause) {
        if (cause instanceof MfaError) throw cause;
        // The cause comes from nodemailer (SMTP reply, network error); it never holds the code.
        throw new MfaError('DELIVERY_FAILED', 'the SMTP server did not accept the message', { cause });
      }
    },
    close(): void {
      created?.close?.();
    },
  };
}
