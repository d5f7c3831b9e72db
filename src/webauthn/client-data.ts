/**
 * clientDataJSON (WebAuthn L3 §5.8.1): what the browser says about the ceremony.
 * @module
 */
import { MfaError } from '../errors.js';

/**
 * The fields of clientDataJSON that a relying party checks.
 *
 * @example
 * ```ts
 * const { type, challenge, origin }: CollectedClientData = parseClientDataJSON(bytes);
 * ```
 */
export interface CollectedClientData {
  /** `webauthn.create` or `webauthn.get`. */
  type: string;
  /** The challenge, base64url as the browser wrote it. */
  challenge: string;
  /** The origin of the calling page, e.g. `https://example.org`. */
  origin: string;
  /** True when called from a cross-origin iframe. */
  crossOrigin?: boolean;
  /** The top-level origin, present when `crossOrigin` is true. */
  topOrigin?: string;
}

/** Bytes longer than this are not a plausible clientDataJSON. */
const MAX_CLIENT_DATA_BYTES = 64 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(message: string, cause?: unknown): never {
  throw new MfaError('INVALID_CLIENT_DATA', `clientDataJSON: ${message}`, cause === undefined ? {} : { cause });
}

/**
 * Parses clientDataJSON bytes. Unknown members are ignored (the format is extensible); the known
 * ones must have the right types.
 *
 * @throws MfaError `INVALID_CLIENT_DATA` when the bytes are not a JSON object of that shape.
 * @example
 * ```ts
 * const clientData = parseClientDataJSON(clientDataJSONBytes);
 * clientData.type === 'webauthn.get';
 * ```
 */
export function parseClientDataJSON(bytes: Uint8Array): CollectedClientData {
  if (!(bytes instanceof Uint8Array)) fail('must be a Uint8Array');
  if (bytes.length > MAX_CLIENT_DATA_BYTES) fail('too long');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (cause) {
    fail('not valid UTF-8', cause);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    fail('not valid JSON', cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('not a JSON object');
  const data = parsed as Record<string, unknown>;
  const { type, challenge, origin, crossOrigin, topOrigin } = data;
  if (typeof type !== 'string') fail('type must be a string');
  if (typeof challenge !== 'string') fail('challenge must be a string');
  if (typeof origin !== 'string') fail('origin must be a string');
  if (crossOrigin !== undefined && typeof crossOrigin !== 'boolean') fail('crossOrigin must be a boolean');
  if (topOrigin !== undefined && typeof topOrigin !== 'string') fail('topOrigin must be a string');
  const out: CollectedClientData = { type, challenge, origin };
  if (crossOrigin !== undefined) out.crossOrigin = crossOrigin;
  if (topOrigin !== undefined) out.topOrigin = topOrigin;
  return out;
}
