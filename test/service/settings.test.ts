// One resolved settings object: every option is checked when the service is created, the WebAuthn
// settings included (they were checked at the first WebAuthn call).
import { describe, expect, test } from 'vitest';
import { harness } from './helpers.js';

describe('service settings', () => {
  test.each([
    ['no RP ID', { rpId: '', origins: ['https://example.org'] }],
    ['no origins', { rpId: 'example.org', origins: [] }],
    ['a bad related RP ID', { rpId: 'example.org', origins: ['https://example.org'], relatedRpIds: [''] }],
    ['a timeout out of range', { rpId: 'example.org', origins: ['https://example.org'], timeoutMs: 5 }],
  ])('webauthn with %s is refused when the service is created', (_, webauthn) => {
    expect(() => harness({ webauthn })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  test('valid WebAuthn settings are resolved once, and their absence is reported when a WebAuthn method is called', async () => {
    const h = harness({ webauthn: { rpId: 'example.org', origins: ['https://example.org'] } });
    expect(h.service.context.webauthn).toMatchObject({ rpId: 'example.org', timeoutMs: 300_000 });
    await expect(harness().service.startWebAuthnLogin('user-1')).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
