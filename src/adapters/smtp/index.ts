/**
 * Email delivery of out-of-band codes over SMTP, with nodemailer (Node only; `nodemailer` is an
 * optional peer dependency). Importing `mfakit` or `mfakit/oob` never loads it.
 *
 * @example
 * ```ts
 * import { createSmtpOobSender } from 'mfakit/adapters/smtp';
 * const sender = createSmtpOobSender({ smtp: process.env.SMTP_URL!, from: 'no-reply@example.com', appName: 'Example' });
 * ```
 * @module mfakit/adapters/smtp
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../../errors.js';
export { createSmtpOobSender, type SmtpOobSender, type SmtpOobSenderOptions, type SmtpTransportLike } from './sender.js';
export { describeOobPurpose, renderOobEmail, type SmtpOobEmail, type SmtpOobRenderContext } from './message.js';
