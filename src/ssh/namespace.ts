/**
 * SSHSIG namespaces: a signature made for one purpose must not verify for another, so recovery
 * uses an app-specific namespace, never the generic ones other tools sign with.
 * @module
 */
import { MfaError } from '../errors.js';

/** Namespaces other tools use for their own signatures (ssh-keygen's `file`, git's `git`, `email`). */
const SHARED_NAMESPACES = new Set(['file', 'git', 'email']);
/** Safe in a shell word and in the signed text; OpenSSH recommends `purpose@domain`. */
const NAMESPACE_SYNTAX = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/**
 * Throws `INVALID_OPTION` unless `namespace` is a usable SSHSIG namespace: non-empty, app-specific
 * (never `file`, `git` or `email`, which other tools sign with) and shell-safe. Check it at start-up.
 *
 * @example
 * ```ts
 * assertSshNamespace('recovery@example.com'); // ok; 'git' would throw
 * ```
 */
export function assertSshNamespace(namespace: unknown): asserts namespace is string {
  if (typeof namespace !== 'string' || namespace.length === 0) {
    throw new MfaError('INVALID_OPTION', 'namespace is required (an app-specific name such as "recovery@example.com")');
  }
  if (SHARED_NAMESPACES.has(namespace.toLowerCase())) {
    throw new MfaError('INVALID_OPTION', `namespace "${namespace}" is shared with other tools; use an app-specific one such as "recovery@example.com"`);
  }
  if (!NAMESPACE_SYNTAX.test(namespace)) {
    throw new MfaError('INVALID_OPTION', 'namespace must be 1-128 characters from A-Z a-z 0-9 . _ @ + - and start with a letter or digit');
  }
}
