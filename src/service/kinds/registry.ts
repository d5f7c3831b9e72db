/**
 * The login factor kinds the service knows, in the order `verify` tries their codes. Adding a kind
 * is one file in this folder and one line here (see CONTRIBUTING.md, "Adding a factor kind").
 * @module
 */
import { backupCodesKind } from './backup-codes.js';
import { emailKind } from './email.js';
import type { LoginFactorKind } from '../../factor-kinds.js';
import type { CodeLogin, FactorKindDefinition } from './kind.js';
import { smsKind } from './sms.js';
import { totpKind } from './totp.js';
import { webauthnKind } from './webauthn.js';

/** Every kind, in the order `verify` tries their codes (authenticator apps, backup codes, email, SMS). @internal */
export const FACTOR_KINDS = [totpKind, backupCodesKind, emailKind, smsKind, webauthnKind] as const;

type Definitions = (typeof FACTOR_KINDS)[number];

// The registry defines every kind of the one union (src/factor-kinds.ts) and no other: a kind named
// there without its file here (or the reverse) is a compile error naming it.
const everyKindDefined: [Exclude<LoginFactorKind, Definitions['kind']>] extends [never] ? true : Exclude<LoginFactorKind, Definitions['kind']> = true;
const noOtherKind: [Exclude<Definitions['kind'], LoginFactorKind>] extends [never] ? true : Exclude<Definitions['kind'], LoginFactorKind> = true;
void everyKindDefined;
void noOtherKind;

/**
 * A kind whose factors verify a typed code (what `verify(…, { kind })` accepts).
 *
 * @example
 * ```ts
 * await service.verify(userId, input, { kind: 'backup-codes' satisfies CodeFactorKind });
 * ```
 * @useDeclaredType
 */
export type CodeFactorKind = Extract<Definitions, { readonly codeLogin: CodeLogin }>['kind'];

const BY_KIND: ReadonlyMap<string, FactorKindDefinition> = new Map(FACTOR_KINDS.map((d) => [d.kind, d]));

/** The definition of a kind, or `undefined` for a kind the service does not know (a recovery method, a record from a later version). @internal */
export function factorKind(kind: string): FactorKindDefinition | undefined {
  return BY_KIND.get(kind);
}

/** The kinds whose codes `verify` checks, in order. @internal */
export const CODE_FACTOR_KINDS: readonly CodeFactorKind[] = FACTOR_KINDS.filter((d: FactorKindDefinition) => d.codeLogin !== undefined).map((d) => d.kind as CodeFactorKind);
