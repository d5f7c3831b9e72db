/**
 * A compile-time check that a list names every member of a union of strings, for the lists that
 * must follow a union as it grows (e.g. `POLICY_FACTOR_KINDS` and `LoginFactorKind`).
 * @module
 */

/**
 * `unknown` when `List` names every member of `Union`; otherwise an object type whose one property,
 * `unlisted`, names the members left out, so that the list does not compile and the error says
 * which.
 *
 * @example
 * ```ts
 * type Ok = EveryMemberListed<'a' | 'b', ['a', 'b']>; // unknown
 * type Missing = EveryMemberListed<'a' | 'b', ['a']>; // { readonly unlisted: 'b' }
 * ```
 * @internal
 */
export type EveryMemberListed<Union extends string, List extends readonly Union[]> = [Exclude<Union, List[number]>] extends [never]
  ? unknown
  : { readonly unlisted: Exclude<Union, List[number]> };

/**
 * Returns a function that returns the list it is given, typed as the tuple of its names, and
 * refuses at compile time a list that leaves out a member of `Union` or names something else.
 *
 * @example
 * ```ts
 * const KINDS = listingEvery<'a' | 'b'>()(['b', 'a']); // readonly ['b', 'a']
 * listingEvery<'a' | 'b'>()(['a']); // type error: 'b' is unlisted
 * ```
 * @internal
 */
export function listingEvery<Union extends string>() {
  return <const List extends readonly Union[]>(list: List & EveryMemberListed<Union, List>): List => list;
}
