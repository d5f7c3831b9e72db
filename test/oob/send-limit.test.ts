import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkOobSendLimit, oobSendLimitKey, type OobSendLimitState } from '../../src/oob/index.js';
import { isMfaError } from '../../src/errors.js';

const T0 = Date.UTC(2026, 10, 23, 19, 0, 0);
const HOUR = 3_600_000;

describe('oob/send limit', () => {
  it('allows 5 sends per destination per hour by default, then says when to retry', () => {
    let state: OobSendLimitState | undefined;
    for (let i = 0; i < 5; i++) {
      const result = checkOobSendLimit(state, { now: () => T0 + i * 60_000 });
      expect(result.allowed).toBe(true);
      state = result.state;
    }
    const refused = checkOobSendLimit(state, { now: () => T0 + 10 * 60_000 });
    expect(refused).toEqual({ allowed: false, retryAt: T0 + HOUR, state });
    expect(checkOobSendLimit(state, { now: () => T0 + HOUR - 1 }).allowed).toBe(false);
    const later = checkOobSendLimit(state, { now: () => T0 + HOUR });
    expect(later.allowed).toBe(true);
    // The window slides: the oldest send dropped out, the new one is in.
    expect(later.state.sentAt).toEqual([1, 2, 3, 4].map((i) => T0 + i * 60_000).concat(T0 + HOUR));
  });

  it('honours maxPerHour and a minimum interval', () => {
    const first = checkOobSendLimit(undefined, { now: () => T0, maxPerHour: 1 });
    expect(first.allowed).toBe(true);
    expect(checkOobSendLimit(first.state, { now: () => T0 + 1, maxPerHour: 1 })).toMatchObject({ allowed: false, retryAt: T0 + HOUR });
    const spaced = checkOobSendLimit(first.state, { now: () => T0 + 10_000, minIntervalSeconds: 30 });
    expect(spaced).toMatchObject({ allowed: false, retryAt: T0 + 30_000 });
    expect(checkOobSendLimit(first.state, { now: () => T0 + 30_000, minIntervalSeconds: 30 }).allowed).toBe(true);
  });

  it('never lets more than maxPerHour sends through in any hour (property, injected clock)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 * 60_000 }), { maxLength: 60 }), fc.integer({ min: 1, max: 10 }), (gaps, maxPerHour) => {
        let state: OobSendLimitState | null = null;
        let now = T0;
        const sent: number[] = [];
        for (const gap of gaps) {
          now += gap;
          const result = checkOobSendLimit(state, { now: () => now, maxPerHour });
          state = result.state;
          if (result.allowed) sent.push(now);
          else expect(result.retryAt).toBeGreaterThan(now);
          expect(state.sentAt.length).toBeLessThanOrEqual(maxPerHour);
        }
        for (const t of sent) expect(sent.filter((s) => s >= t && s < t + HOUR).length).toBeLessThanOrEqual(maxPerHour);
      }),
    );
  });

  it('refuses corrupt state and bad options with MfaError', () => {
    for (const state of ['x', { sentAt: 'x' }, { sentAt: ['1'] }, { sentAt: [Number.NaN] }, { sentAt: new Array(1001).fill(T0) }, {}]) {
      let caught: unknown;
      try {
        checkOobSendLimit(state as never, { now: () => T0 });
      } catch (error) {
        caught = error;
      }
      expect(isMfaError(caught, 'INVALID_ARGUMENT')).toBe(true);
    }
    for (const options of [{ maxPerHour: 0 }, { maxPerHour: 101 }, { minIntervalSeconds: -1 }, { maxPerHour: 2.5 }, null, 'x']) {
      expect(() => checkOobSendLimit(undefined, options as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
  });
});

describe('oob/send limit key: one destination, one limit (issue 17)', () => {
  const key = new Uint8Array(32).fill(3);
  const k = (destination: string, channel: 'email' | 'sms' = 'email') => oobSendLimitKey({ channel, destination }, { key });

  it('a trailing dot in the domain and the case do not make another destination', () => {
    const base = k('victim@example.com');
    for (const variant of ['victim@example.com.', 'victim@EXAMPLE.COM.', 'Victim@Example.Com', ' victim@example.com. ']) expect(k(variant), variant).toBe(base);
  });

  it('a +tag (RFC 5233 subaddress) is the same mailbox; dots in the local part are not merged', () => {
    expect(k('victim+1@example.com')).toBe(k('victim@example.com'));
    expect(k('victim+a+b@example.com.')).toBe(k('victim@example.com'));
    expect(k('vic.tim@example.com')).not.toBe(k('victim@example.com'));
    expect(k('other@example.com')).not.toBe(k('victim@example.com'));
  });

  it('phone numbers: separators do not make another destination; the key differs per channel and app key', () => {
    expect(k('+41 79 123 45 67', 'sms')).toBe(k('+41791234567', 'sms'));
    expect(oobSendLimitKey({ channel: 'email', destination: 'a@example.com' }, { key: new Uint8Array(32).fill(4) })).not.toBe(k('a@example.com'));
  });

  it('bad input throws MfaError', () => {
    expect(() => k('not an address')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => oobSendLimitKey({ channel: 'email', destination: 'a@example.com' }, { key: new Uint8Array(4) })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
