/**
 * mfakit/otp/qr: QR codes for key URIs, as SVG (through `qrcode-svg`) or as an SVG `data:` URL for
 * an `<img>`. Its own subpath so that verifying a code never loads the QR encoder: `qrcode-svg`
 * alone costs more to import than the rest of `mfakit/otp` (bench/startup).
 *
 * @example
 * ```ts
 * import { buildKeyUri, generateSecret } from 'mfakit/otp';
 * import { renderQrSvg } from 'mfakit/otp/qr';
 * const svg = renderQrSvg(buildKeyUri({ secret: generateSecret(), accountName: 'ada@example.com', issuer: 'ACME' }));
 * ```
 *
 * `qrcode-svg` is CommonJS; its only Node-specific code is `require('fs')` inside a `try` in its
 * `save` method, which mfakit never calls, so it bundles for browsers (esbuild leaves a `require`
 * inside `try` alone).
 * @module mfakit/otp/qr
 */
import QRCode from 'qrcode-svg';
import { MfaError } from '../errors.js';
import { integerOption, optionsObject } from '../internal/assert.js';
import { bytesToBase64, utf8ToBytes } from '../internal/bytes.js';
import { invalidOption } from './options.js';

export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../errors.js';

/**
 * QR error-correction level: L (7 %), M (15 %, default), Q (25 %), H (30 %).
 *
 * @example
 * ```ts
 * renderQrSvg(uri, { errorCorrection: 'Q' });
 * ```
 */
export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

/**
 * Options of {@link renderQrSvg} and {@link qrDataUrl}.
 *
 * @example
 * ```ts
 * renderQrSvg(uri, { size: 240, margin: 4, errorCorrection: 'M' });
 * ```
 */
export interface QrOptions {
  /** Width and height of the SVG in pixels; default 256. */
  size?: number;
  /** Quiet zone around the code, in modules; default 4 (what the QR standard asks for). */
  margin?: number;
  /** Error-correction level; default `'M'`. */
  errorCorrection?: QrErrorCorrection;
  /** Colour of dark modules, `#rgb` or `#rrggbb`; default `#000000`. */
  color?: string;
  /** Background colour, `#rgb` or `#rrggbb`; default `#ffffff`. */
  background?: string;
}

/**
 * Longest text per error-correction level: a version-40 QR code's byte-mode capacity
 * (2953, 2331, 1663, 1273) less the 3 bytes qrcode-svg always reserves for a UTF-8 BOM.
 */
const CAPACITY: Record<QrErrorCorrection, number> = { L: 2950, M: 2328, Q: 1660, H: 1270 };
const COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
// qrcode-svg encodes non-ASCII text wrongly (and prefixes a BOM); key URIs are ASCII after
// percent-encoding, so printable ASCII is all we accept.
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

function colourOption(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !COLOUR.test(value)) throw invalidOption(name, 'a colour #rgb or #rrggbb', value);
  return value;
}

/**
 * Renders `text` (normally a key URI from {@link mfakit/otp!buildKeyUri}) as a QR code in an SVG document.
 * Text must be printable ASCII (key URIs are, after percent-encoding); text too long for a QR
 * code at the chosen error-correction level throws `MfaError('QR_TOO_LONG')`.
 *
 * @example
 * ```ts
 * const svg = renderQrSvg(buildKeyUri({ secret, accountName: 'ada@example.com', issuer: 'ACME' }), { size: 200 });
 * ```
 */
export function renderQrSvg(text: string, options?: QrOptions): string {
  if (typeof text !== 'string') throw new MfaError('INVALID_ARGUMENT', 'QR text must be a string');
  const o = optionsObject(options);
  const size = integerOption('size', o.size, { fallback: 256, min: 16, max: 4096 });
  const margin = integerOption('margin', o.margin, { fallback: 4, min: 0, max: 64 });
  const ecl = o.errorCorrection ?? 'M';
  if (ecl !== 'L' && ecl !== 'M' && ecl !== 'Q' && ecl !== 'H') throw invalidOption('errorCorrection', "'L', 'M', 'Q' or 'H'", ecl);
  const color = colourOption('color', o.color, '#000000');
  const background = colourOption('background', o.background, '#ffffff');
  if (text.length > CAPACITY[ecl]) {
    throw new MfaError('QR_TOO_LONG', `text is ${text.length} bytes; a QR code at level ${ecl} holds at most ${CAPACITY[ecl]}`);
  }
  if (!PRINTABLE_ASCII.test(text)) throw new MfaError('INVALID_ARGUMENT', 'QR text must be non-empty printable ASCII');
  try {
    return new QRCode({
      content: text,
      width: size,
      height: size,
      padding: margin,
      ecl,
      color,
      background,
      join: true,
      pretty: false,
      xmlDeclaration: false,
      container: 'svg',
    }).svg();
  } catch (cause) {
    throw new MfaError('QR_TOO_LONG', 'text does not fit in a QR code', { cause });
  }
}

/**
 * The QR code of {@link renderQrSvg} as a `data:image/svg+xml;base64,...` URL, ready for
 * `<img src>` (works under a CSP that allows `img-src data:`).
 *
 * @example
 * ```ts
 * img.src = qrDataUrl(keyUri, { size: 200, errorCorrection: 'Q' });
 * ```
 */
export function qrDataUrl(text: string, options?: QrOptions): string {
  return `data:image/svg+xml;base64,${bytesToBase64(utf8ToBytes(renderQrSvg(text, options)))}`;
}
