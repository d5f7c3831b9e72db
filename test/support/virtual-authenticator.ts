/**
 * The DevTools virtual authenticator (CDP `WebAuthn` domain) that the Chromium end-to-end tests
 * use in place of a security key or a phone: one place that enables the domain on a page and adds
 * an authenticator, so every suite asks for the same defaults (a passkey-capable platform
 * authenticator: CTAP2, internal transport, resident keys, user verification, presence simulated).
 */
import type { CDPSession, Page } from 'playwright-core';

/** What kind of authenticator to add; every field has the passkey default described above. */
export interface VirtualAuthenticatorOptions {
  readonly transport?: 'usb' | 'nfc' | 'ble' | 'internal';
  readonly hasResidentKey?: boolean;
  readonly hasUserVerification?: boolean;
  readonly isUserVerified?: boolean;
  /** Whether the authenticator answers at once, as if touched (false: a request waits, as for a real user). */
  readonly automaticPresenceSimulation?: boolean;
}

export interface VirtualAuthenticator {
  readonly cdp: CDPSession;
  readonly authenticatorId: string;
  /** Turns the simulated touch on or off. */
  setPresence(enabled: boolean): Promise<void>;
  /** The credentials the authenticator holds (ids base64, as CDP reports them). */
  credentials(): Promise<{ credentialId: string; isResidentCredential: boolean; rpId?: string; userHandle?: string }[]>;
}

/** Enables the WebAuthn domain on the page (its whole browser context) and adds one virtual authenticator. */
export async function addVirtualAuthenticator(page: Page, options: VirtualAuthenticatorOptions = {}): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: options.transport ?? 'internal',
      hasResidentKey: options.hasResidentKey ?? true,
      hasUserVerification: options.hasUserVerification ?? true,
      isUserVerified: options.isUserVerified ?? true,
      automaticPresenceSimulation: options.automaticPresenceSimulation ?? true,
    },
  });
  return {
    cdp,
    authenticatorId,
    setPresence: async (enabled) => {
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled });
    },
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
  };
}
