// "Remember this browser": after a second factor with the box ticked, the service makes a device
// token (service.rememberDevice) and the demo keeps it in its own cookie, HttpOnly, SameSite=Lax,
// Secure when the demo is served over HTTPS, for the token's life. The next password login passes
// it to service.loginRequirement({ deviceToken }), which answers that no second step is needed
// while the token is honoured (not expired, not revoked, MFA unchanged, no policy against it).
import { isMfaError } from 'mfakit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { deviceName } from './device-name.js';
import { flash, type C } from './web.js';
import type { DemoUser } from './users.js';

export const DEVICE_COOKIE = 'mfakit_demo_device';

/** The token this browser carries, if any. */
export function deviceToken(c: C): string | undefined {
  return getCookie(c, DEVICE_COOKIE);
}

/** The remembered-device id inside this browser's token (`rd1.<id>.<secret>`), to mark "this browser" in the list. */
export function thisBrowserDeviceId(c: C): string | undefined {
  return deviceToken(c)?.split('.')[1];
}

function secure(c: C): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

export function forgetThisBrowser(c: C): void {
  deleteCookie(c, DEVICE_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: secure(c) });
}

/**
 * After a second factor the user passed with "Remember this browser" ticked: asks the service for
 * a device token (proved by the step-up token the verification returned) and sets the cookie.
 * An organisation that wants a second factor at every login refuses it: the user is told.
 */
export async function rememberThisBrowser(c: C, user: DemoUser, stepUpToken: string): Promise<void> {
  const demo = c.get('demo');
  const name = deviceName(c.req.header('user-agent'));
  try {
    const { token, device } = await demo.service.rememberDevice(user.id, { stepUpToken, name });
    setCookie(c, DEVICE_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: secure(c),
      maxAge: Math.max(1, Math.floor((device.expiresAt - Date.now()) / 1000)),
    });
    flash(c, 'info', `This browser (${name}) is remembered until ${new Date(device.expiresAt).toISOString().slice(0, 10)}: your password alone signs you in here.`);
  } catch (error) {
    if (!isMfaError(error, 'REMEMBERED_DEVICES_FORBIDDEN')) throw error;
    flash(c, 'info', `This browser is not remembered: ${error.message}.`);
  }
}
