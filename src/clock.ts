/**
 * Time is injected everywhere: every function that depends on "now" takes a {@link Clock}.
 * @module
 */

/**
 * Returns the current time in milliseconds since the Unix epoch. Inject a fixed clock in tests.
 *
 * @example
 * ```ts
 * const fixed: Clock = () => Date.UTC(2026, 0, 1);
 * ```
 */
export type Clock = () => number;

/**
 * The default clock: `Date.now`.
 *
 * @example
 * ```ts
 * const code = generateTotp(secret, { now: systemClock }); // same as leaving `now` out
 * ```
 */
export const systemClock: Clock = () => Date.now();
