/**
 * The Redis store's factor decoding from a `factors` hash as a flat `[field, value, …]` list: any
 * field order (the fast path tries the previous factor's id first), and a field that is not one of
 * the nine names is STORE_CORRUPT, never skipped or taken for another.
 */
import { describe, expect, test } from 'vitest';
import { MfaError } from '../../src/errors.js';
import { factorsFromFlat, factorsFromHash } from '../../src/stores/redis/decode.js';

function fields(id: string, overrides: Record<string, string> = {}): string[] {
  const values: Record<string, string> = {
    v: '1', kind: 'totp', role: 'login', name: `n-${id}`, created: '10', used: '20', step: '3', rev: '4', data: '{"a":1}', ...overrides,
  };
  return Object.entries(values).flatMap(([name, value]) => [`${name}:${id}`, value]);
}

const pairs = (list: string[]) => Array.from({ length: list.length / 2 }, (_, i) => [list[2 * i]!, list[2 * i + 1]!] as const);

describe('stores/redis: factors from the flat hash list', () => {
  test('two factors, their fields in order, interleaved or shuffled: the same records', () => {
    const a = fields('f:a');
    const b = fields('f-b', { role: 'recovery', rev: '7' });
    const inOrder = factorsFromFlat('acct', [...a, ...b]);
    expect(inOrder.map((f) => [f.id, f.role, f.revision, f.lastStep, f.lastUsedAt])).toEqual([
      ['f:a', 'login', 4, 3, 20],
      ['f-b', 'recovery', 7, 3, 20],
    ]);
    const interleaved = pairs(a).flatMap((p, i) => [...p, ...pairs(b)[i]!]);
    const shuffled = [...pairs(a), ...pairs(b)].sort((x, y) => (x[1] < y[1] ? -1 : 1)).flat();
    for (const list of [interleaved, shuffled]) {
      expect([...factorsFromFlat('acct', list)].sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual([...inOrder].sort((x, y) => (x.id < y.id ? -1 : 1)));
    }
    expect(factorsFromHash('acct', Object.fromEntries(pairs([...a, ...b])))).toEqual(inOrder);
  });

  test('a field that is not one of the nine names: STORE_CORRUPT', () => {
    for (const bad of ['roles:x', 'r:x', 'vv:x', 'revs:x', 'x:x', 'datum:x', 'novalue', ':x']) {
      const decode = () => factorsFromFlat('acct', [...fields('x'), bad, '1']);
      expect(decode, bad).toThrow(MfaError);
      try {
        decode();
      } catch (error) {
        expect((error as MfaError).code, bad).toBe('STORE_CORRUPT');
      }
    }
  });
});
