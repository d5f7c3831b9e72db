// Test helpers: a service on the in-memory store with a hand-driven clock, a fast KDF, and a
// recording event sink; plus "the user's phone" (generates codes from the manual key).
import {
  createMemoryStore,
  createMfaService,
  decodeBase32Secret,
  generateTotp,
  type MfaEvent,
  type MfaService,
  type MfaServiceOptions,
  type MfaStore,
} from '../../src/index.js';
import type { OobMessage } from '../../src/oob/index.js';

export const T0 = Date.UTC(2026, 4, 1, 9, 0, 0);

export interface TestClock {
  (): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function testClock(start = T0): TestClock {
  let t = start;
  const clock = (() => t) as TestClock;
  clock.advance = (ms) => {
    t += ms;
  };
  clock.set = (ms) => {
    t = ms;
  };
  return clock;
}

export const KEY_1 = new Uint8Array(32).fill(1);
export const KEY_2 = new Uint8Array(32).fill(2);
export const OOB_KEY = new Uint8Array(32).fill(9);

export interface Harness {
  service: MfaService;
  store: MfaStore;
  clock: TestClock;
  events: MfaEvent[];
  sent: OobMessage[];
}

export function harness(overrides: Partial<MfaServiceOptions> = {}): Harness {
  const clock = testClock();
  const events: MfaEvent[] = [];
  const sent: OobMessage[] = [];
  const store = overrides.store ?? createMemoryStore();
  const service = createMfaService({
    issuer: 'ACME Cloud',
    store,
    now: clock,
    keyRing: { currentKeyId: 'k1', keys: { k1: KEY_1 } },
    backupCodes: { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } },
    events: (event) => {
      events.push(event);
    },
    oob: { key: OOB_KEY, sender: { send: async (message) => void sent.push(message) } },
    ...overrides,
  });
  return { service, store, clock, events, sent };
}

/** The user's authenticator app, fed from the manual key the enrolment showed. */
export function phone(manualKey: string, clock: () => number): { code(offsetSteps?: number): string } {
  const secret = decodeBase32Secret(manualKey.replace(/ /g, ''));
  return { code: (offsetSteps = 0) => generateTotp(secret, { now: () => clock() + offsetSteps * 30_000 }) };
}

/** Enrols an authenticator app end to end. Moves the clock one step on, so the next code is fresh. */
export async function enrolApp(h: Harness, accountId: string, options: { name?: string; stepUpToken?: string } = {}) {
  const pending = await h.service.startAuthenticatorEnrolment(accountId, options);
  const app = phone(pending.manualKey, h.clock);
  const confirmed = await h.service.confirmEnrolment(accountId, pending.enrolmentId, app.code());
  if (!confirmed.ok) throw new Error(`enrolment failed: ${confirmed.reason}`);
  h.clock.advance(30_000);
  return { pending, app, confirmed, factorId: confirmed.factor.id };
}

/** Verifies with the app and returns the step-up token. */
export async function stepUp(h: Harness, accountId: string, app: { code(): string }): Promise<string> {
  const result = await h.service.verify(accountId, app.code());
  if (!result.ok) throw new Error(`verify failed: ${result.reason}`);
  h.clock.advance(30_000);
  return result.stepUp.token;
}

/** A wrong code for the current step (never equal to the right one). */
export function wrongCode(right: string): string {
  return String((Number(right) + 123_457) % 1_000_000).padStart(6, '0');
}
