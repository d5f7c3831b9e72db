import { describe, expect, test } from 'vitest';
import { createTotpVerifier } from '../../src/otp/index.js';
import { VerifierCache } from '../../src/service/verifier-cache.js';

const verifier = createTotpVerifier(new Uint8Array(20).fill(1));
const source = (id: string, ct = `ct-${id}`) => ({ id, accountId: `acct-${id}`, kid: 'k1', ct });

describe('VerifierCache (internal)', () => {
  test('serves an entry only for the same account, key id and ciphertext', () => {
    const cache = new VerifierCache(10);
    cache.set(source('f1'), verifier);
    expect(cache.get(source('f1'))).toBe(verifier);
    expect(cache.get({ ...source('f1'), accountId: 'someone-else' })).toBeUndefined();
    // A mismatch drops the entry: a re-sealed secret is opened again.
    expect(cache.get(source('f1'))).toBeUndefined();
    cache.set(source('f1'), verifier);
    expect(cache.get(source('f1', 'resealed'))).toBeUndefined();
    cache.set(source('f2'), verifier);
    expect(cache.get({ ...source('f2'), kid: 'k2' })).toBeUndefined();
  });

  test('stays within capacity, keeps recently used entries and evicts the idle ones', () => {
    const cache = new VerifierCache(3);
    for (const id of ['a', 'b', 'c']) cache.set(source(id), verifier);
    cache.set(source('d'), verifier); // every entry was new (flagged): one pass, then the oldest goes
    expect(cache.get(source('a'))).toBeUndefined();
    expect(cache.get(source('b'))).toBe(verifier); // b used again
    cache.set(source('e'), verifier); // c and d idle since the pass: the oldest idle one, c, goes
    expect(cache.get(source('c'))).toBeUndefined();
    expect(cache.get(source('b'))).toBe(verifier);
    expect(cache.get(source('e'))).toBe(verifier);
    let held = 0;
    for (const id of ['a', 'b', 'c', 'd', 'e']) if (cache.get(source(id)) !== undefined) held++;
    expect(held).toBe(3);
  });

  test('capacity 0 caches nothing; forget drops one factor', () => {
    const none = new VerifierCache(0);
    none.set(source('a'), verifier);
    expect(none.get(source('a'))).toBeUndefined();
    const cache = new VerifierCache(5);
    cache.set(source('a'), verifier);
    cache.set(source('b'), verifier);
    cache.forget('a');
    expect(cache.get(source('a'))).toBeUndefined();
    expect(cache.get(source('b'))).toBe(verifier);
  });
});
