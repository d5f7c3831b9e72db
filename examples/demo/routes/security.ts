// The account's security page (devices, last use, backup codes, recovery keys, organisations,
// recent activity), removing a device, and disabling MFA with the typed confirmation.
import type { Hono } from 'hono';
import { isMfaError } from 'mfakit';
import type { FactorSummary, RememberedDevice } from 'mfakit/service';
import type { ActivityLine } from '../event-log.js';
import { ago, dateTime, html, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import { enforcingOrganisationNames, organisation } from '../organisations.js';
import { forgetThisBrowser, thisBrowserDeviceId } from '../remembered-browser.js';
import type { DemoUser } from '../users.js';
import { describeError, form, redirect, render, requireRecentAuth, requireUser, type C, type DemoEnv } from '../web.js';

export function kindLabel(f: FactorSummary): string {
  switch (f.kind) {
    case 'totp':
      return 'Authenticator app';
    case 'webauthn':
      return 'Security key / passkey';
    case 'email':
      return `Email codes${f.destinationHint ? ` (${f.destinationHint})` : ''}`;
    case 'sms':
      return `Text message codes${f.destinationHint ? ` (${f.destinationHint})` : ''}`;
    case 'phone':
      return `Recovery phone${f.destinationHint ? ` (${f.destinationHint})` : ''}`;
    case 'ssh-key':
      return 'SSH key (recovery)';
    default:
      return f.kind;
  }
}

const enforcingOrganisations = enforcingOrganisationNames;

const ACTIVITY_PAGE = 15;

/** The activity lines of one page, under a heading per day (UTC), with the time of each. */
function activityTable(lines: readonly ActivityLine[]): Html {
  const today = new Date().toISOString().slice(0, 10);
  const days = new Map<string, ActivityLine[]>();
  for (const line of lines) {
    const day = new Date(line.at).toISOString().slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), line]);
  }
  return html`<table id="events"><thead><tr><th>Time (UTC)</th><th>What</th></tr></thead>${[...days].map(
    ([day, list]) => html`<tbody><tr class="day-row"><th colspan="2" scope="colgroup" class="day">${day === today ? 'Today' : day}</th></tr>${list.map(
      (e) => html`<tr data-type="${e.type}"><td class="small mono"><time datetime="${new Date(e.at).toISOString()}" title="${dateTime(e.at)}">${new Date(e.at).toISOString().slice(11, 19)}</time></td>
<td>${e.text}${e.count > 1 ? html` <span class="pill" title="since ${dateTime(e.from)}">×${e.count}</span>` : ''}</td></tr>`,
    )}</tbody>`,
  )}</table>`;
}

/** The browsers that skip the second step ("Remember this browser"), each with a button to forget it. */
function rememberedCard(c: C, devices: readonly RememberedDevice[], thisBrowser: string | undefined): Html {
  const csrf = csrfField(c.get('session').csrf);
  return html`<div class="card" id="remembered">
  <h2>Remembered browsers</h2>
  ${devices.length === 0
    ? html`<p class="muted">None. Tick “Remember this browser” at the second step of a login to skip it on that browser for ${c.get('demo').rememberedDeviceDays} days.</p>`
    : html`<p class="muted small">These browsers sign in with your password alone until the date shown. Forget one you no longer use or do not recognise.</p>
  <table id="remembered-devices"><thead><tr><th>Browser</th><th class="wide-only">Remembered</th><th>Last used</th><th class="wide-only">Until</th><th><span class="wide-only">Actions</span></th></tr></thead><tbody>
${devices.map(
  (d) => html`<tr data-device="${d.id}"><td><strong>${d.name}</strong>${d.id === thisBrowser ? html` <span class="pill on this-browser">this browser</span>` : ''}</td>
<td class="wide-only created">${ago(d.createdAt)}</td><td class="last-used">${d.lastUsedAt === null ? 'not yet' : ago(d.lastUsedAt)}</td><td class="wide-only">${new Date(d.expiresAt).toISOString().slice(0, 10)}</td>
<td><form method="post" action="/security/remembered/${encodeURIComponent(d.id)}/forget">${csrf}<button type="submit" class="secondary small-button forget" aria-label="Forget ${d.name}">Forget</button></form></td></tr>`,
)}
</tbody></table>
  <form method="post" action="/security/remembered/forget-all">${csrf}<button type="submit" class="secondary" id="forget-all-browsers">Forget all browsers</button></form>`}
</div>`;
}

async function securityPage(c: C, user: DemoUser): Promise<Response> {
  const demo = c.get('demo');
  const all = await demo.service.listFactors(user.id).catch((error: unknown) => {
    if (isMfaError(error, 'ACCOUNT_NOT_FOUND')) return [] as FactorSummary[];
    throw error;
  });
  const login = all.filter((f) => f.role === 'login' && f.kind !== 'backup-codes');
  const sshKeys = all.some((f) => f.kind === 'ssh-key') ? await demo.service.listSshKeys(user.id) : [];
  const backup = all.find((f) => f.kind === 'backup-codes');
  const on = login.length > 0;
  const { reenrolmentRequired } = await demo.service.loginRequirement(user.id);
  const enforcing = enforcingOrganisations(user);
  const hasTotp = login.some((f) => f.kind === 'totp');
  const hasEmail = login.some((f) => f.kind === 'email');
  const hasSms = login.some((f) => f.kind === 'sms');
  const phones = all.filter((f) => f.kind === 'phone');
  const lines = demo.events.lines(user.id);
  const pages = Math.max(1, Math.ceil(lines.length / ACTIVITY_PAGE));
  const pageNo = Math.min(pages, Math.max(1, Number.parseInt(c.req.query('activity') ?? '1', 10) || 1));
  const shown = lines.slice((pageNo - 1) * ACTIVITY_PAGE, pageNo * ACTIVITY_PAGE);
  const remembered = await demo.service.listRememberedDevices(user.id);
  const thisBrowser = thisBrowserDeviceId(c);

  const devices = login.length === 0
    ? html`<p class="muted">No second factor yet. Anyone with your password can sign in.</p>`
    : html`<table id="devices"><thead><tr><th>Device</th><th class="wide-only">Type</th><th class="wide-only">Added</th><th>Last used</th><th><span class="wide-only">Actions</span></th></tr></thead><tbody>
${login.map((f) => {
  const id = encodeURIComponent(f.id);
  return html`<tr data-factor="${f.id}"><td><strong>${f.name}</strong>${f.authenticatorName ? html` <span class="small muted authenticator-model" title="The model, from the FIDO metadata">${f.authenticatorName}</span>` : ''}<div class="small muted narrow-only">${kindLabel(f)}</div></td><td class="wide-only kind">${kindLabel(f)}</td><td class="wide-only">${f.createdAt ? ago(f.createdAt) : ''}</td>
<td class="last-used">${ago(f.lastUsedAt)}</td><td><div class="actions"><a href="/security/factors/${id}/rename" class="rename">Rename</a>${f.kind === 'totp' ? html`<a href="/security/factors/${id}/replace" class="replace">Replace</a>` : ''}<a href="/security/factors/${id}/remove" class="remove">Remove</a></div></td></tr>`;
})}
</tbody></table>`;

  const body = html`<h1>Security</h1>
${reenrolmentRequired
    ? html`<div class="flash info" id="reenrol" role="status">Your account was recovered ${ago(reenrolmentRequired.since)} with your ${reenrolmentRequired.method === 'ssh-key' ? 'SSH key' : 'phone'}.
  Your old devices and backup codes were removed: set up a new second factor now.</div>`
    : ''}
<div class="card" id="mfa">
  <h2>Two-factor authentication <span class="pill ${on ? 'on' : 'off'}" id="mfa-status">${on ? 'On' : 'Off'}</span></h2>
  ${enforcing.length > 0 ? html`<p class="small">Required by ${enforcing.join(' and ')}.</p>` : ''}
  ${devices}
  <h3>Add a second factor</h3>
  <div class="row">
    <a class="button${hasTotp ? ' secondary' : ''}" href="/security/totp/new" id="add-totp">${hasTotp ? 'Add another authenticator app' : 'Set up authenticator app'}</a>
    <a class="button secondary" href="/security/webauthn" id="add-webauthn">Add security key or passkey</a>
    ${hasEmail ? '' : html`<a class="button secondary" href="/security/email/new" id="add-email">Turn on email codes</a>`}
    ${hasSms ? '' : html`<a class="button secondary" href="/security/sms/new" id="add-sms">Turn on text message codes</a>`}
  </div>
</div>
${on || backup
    ? html`<div class="card" id="backup">
  <h2>Backup codes</h2>
  <p>${backup ? html`<strong id="backup-remaining">${backup.remaining ?? 0}</strong> unused backup codes left.` : 'No backup codes.'} Each code works once, when you cannot use your devices.</p>
  <a class="button secondary" href="/security/backup-codes/new" id="regenerate-backup-codes">Generate new backup codes</a>
</div>`
    : ''}
${on || remembered.length > 0 ? rememberedCard(c, remembered, thisBrowser) : ''}
<div class="card" id="recovery">
  <h2>Account recovery with an SSH key</h2>
  ${sshKeys.length === 0
    ? html`<p class="muted">Register an SSH public key: if you lose every device and backup code, signing a challenge with its private key gets you back in.</p>`
    : html`<table id="ssh-keys"><thead><tr><th>Key</th><th>Fingerprint</th><th class="wide-only">Added</th><th>Last used</th></tr></thead><tbody>${sshKeys.map(
        (k) => html`<tr><td><strong>${k.name}</strong></td><td><code>${k.fingerprint}</code></td><td class="wide-only">${ago(k.createdAt)}</td><td>${ago(k.lastUsedAt)}</td></tr>`,
      )}</tbody></table>`}
  ${on
    ? html`<a class="button secondary" href="/security/ssh" id="add-ssh-key">${sshKeys.length === 0 ? 'Add SSH key' : 'Manage SSH keys'}</a>`
    : sshKeys.length > 0
      ? html`<p class="small muted" id="ssh-keys-kept">${sshKeys.length === 1 ? 'This key still recovers' : 'These keys still recover'} your account. Set up a second factor above to add or remove keys.</p>`
      : html`<p class="small muted">Set up a second factor first: an SSH key recovers an account whose second factors are lost.</p>`}
</div>
<div class="card" id="recovery-phone">
  <h2>Recovery phone</h2>
  ${phones.length === 0
    ? html`<p class="muted">Add a phone number: if you lose every device and backup code, a code texted to it gets you back in.</p>`
    : html`<ul id="recovery-phones">${phones.map((p) => html`<li><strong>${p.destinationHint ?? p.name}</strong> <span class="small muted">added ${p.createdAt ? ago(p.createdAt) : ''}</span>
  <a class="small" href="/security/factors/${encodeURIComponent(p.id)}/remove">Remove</a></li>`)}</ul>`}
  ${on
    ? html`<a class="button secondary" href="/security/recovery-phone/new" id="add-recovery-phone">${phones.length === 0 ? 'Add recovery phone' : 'Add another number'}</a>`
    : html`<p class="small muted">Set up a second factor first.</p>`}
</div>
<div class="card" id="organisations">
  <h2>Organisations</h2>
  ${user.organisations.size === 0
    ? html`<p class="muted">You are not a member of any organisation.</p>`
    : html`<ul>${[...user.organisations.keys()].map((id) => {
        const org = organisation(id);
        return org ? html`<li>${org.name}${org.enforcesMfa ? html` <span class="pill">enforces MFA</span>` : ''}</li>` : '';
      })}</ul>`}
  <a href="/organisations">Manage organisations</a>
</div>
${on
    ? html`<div class="card" id="disable">
  <h2>Disable two-factor authentication</h2>
  <p class="muted">Your account will then be protected by your password only.</p>
  <a class="button danger" href="/security/disable" id="disable-mfa">Disable two-factor authentication</a>
</div>`
    : ''}
<div class="card" id="activity">
  <h2>Recent activity</h2>
  ${shown.length === 0 ? html`<p class="muted">Nothing yet.</p>` : activityTable(shown)}
  ${pages > 1
    ? html`<nav class="pager" aria-label="Activity pages">${pageNo > 1 ? html`<a href="/security?activity=${pageNo - 1}#activity" id="activity-newer">← Newer</a>` : html`<span></span>`}
  <span class="small muted">Page ${pageNo} of ${pages}</span>
  ${pageNo < pages ? html`<a href="/security?activity=${pageNo + 1}#activity" id="activity-older">Older →</a>` : html`<span></span>`}</nav>`
    : ''}
</div>`;
  return render(c, 'Security', body);
}

export function securityRoutes(app: Hono<DemoEnv>): void {
  // Forgetting a remembered browser makes logins stronger, never weaker: no step-up is asked.
  app.post('/security/remembered/forget-all', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const count = await c.get('demo').service.forgetAllRememberedDevices(user.id);
    forgetThisBrowser(c);
    return redirect(c, '/security#remembered', { kind: 'ok', text: count === 0 ? 'No browser was remembered.' : `Forgot ${count === 1 ? 'the remembered browser' : `${count} remembered browsers`}: the next login on ${count === 1 ? 'it' : 'each'} asks for a second factor.` });
  });

  app.post('/security/remembered/:id/forget', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const id = c.req.param('id');
    const demo = c.get('demo');
    const device = (await demo.service.listRememberedDevices(user.id)).find((d) => d.id === id);
    if (device === undefined || !(await demo.service.forgetRememberedDevice(user.id, id))) {
      return redirect(c, '/security#remembered', { kind: 'error', text: 'No such remembered browser.' });
    }
    if (thisBrowserDeviceId(c) === id) forgetThisBrowser(c);
    return redirect(c, '/security#remembered', { kind: 'ok', text: `Forgot ${device.name}: the next login there asks for a second factor.` });
  });

  app.get('/security', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    return securityPage(c, user);
  });

  app.get('/security/factors/:id/remove', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const id = c.req.param('id');
    const gate = await requireRecentAuth(c, user, `/security/factors/${encodeURIComponent(id)}/remove`);
    if (gate) return gate;
    const factors = await c.get('demo').service.listFactors(user.id).catch((error: unknown) => {
      if (isMfaError(error, 'ACCOUNT_NOT_FOUND')) return [] as FactorSummary[];
      throw error;
    });
    const factor = factors.find((f) => f.id === id);
    if (factor === undefined) return redirect(c, '/security', { kind: 'error', text: 'No such device.' });
    const last = factor.role === 'login' && factors.filter((f) => f.role === 'login' && f.kind !== 'backup-codes').length === 1;
    return render(
      c,
      'Remove device',
      html`<h1>Remove ${factor.name}</h1><div class="card">
  <p>${kindLabel(factor)}, added ${factor.createdAt ? ago(factor.createdAt) : ''}.</p>
  ${last ? html`<p class="flash error">This is your last second factor: removing it turns two-factor authentication off.</p>` : ''}
  <form method="post" action="/security/factors/${encodeURIComponent(id)}/remove">${csrfField(c.get('session').csrf)}
  ${last ? html`<label for="confirmation">Type <kbd>DISABLE</kbd> to confirm</label><input type="text" id="confirmation" name="confirmation" autocomplete="off" required>` : ''}
  <div class="row"><button type="submit" class="danger" id="remove">Remove</button><a href="/security">Cancel</a></div></form></div>`,
    );
  });

  app.post('/security/factors/:id/remove', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const id = c.req.param('id');
    const { confirmation } = await form(c);
    try {
      const result = await c.get('demo').service.removeFactor(user.id, id, {
        stepUpToken: c.get('session').stepUpToken ?? '',
        ...(confirmation === undefined ? {} : { confirmation }),
      });
      if (!result.ok) return redirect(c, `/security/factors/${encodeURIComponent(id)}/remove`, { kind: 'error', text: 'Type DISABLE in the box to confirm.' });
      if (result.mfaDisabled) delete c.get('session').stepUpToken;
      return redirect(c, '/security', { kind: 'ok', text: result.mfaDisabled ? `${result.removed.name} removed: two-factor authentication is now off.` : `${result.removed.name} removed.` });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      return redirect(c, `/security/factors/${encodeURIComponent(id)}/remove`, { kind: 'error', text: describeError(error) });
    }
  });

  app.get('/security/factors/:id/rename', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const id = c.req.param('id');
    const factor = (await c.get('demo').service.listFactors(user.id)).find((f) => f.id === id && f.role === 'login');
    if (factor === undefined) return redirect(c, '/security', { kind: 'error', text: 'No such device.' });
    return render(
      c,
      `Rename ${factor.name}`,
      html`<h1>Rename “${factor.name}”</h1><div class="card">
  <form method="post" action="/security/factors/${encodeURIComponent(id)}/rename">${csrfField(c.get('session').csrf)}
  <label for="name">New name</label><input type="text" id="name" name="name" value="${factor.name}" maxlength="64" required>
  <div class="row"><button type="submit" id="rename">Rename</button><a href="/security">Cancel</a></div></form></div>`,
    );
  });

  app.post('/security/factors/:id/rename', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const id = c.req.param('id');
    const { name = '' } = await form(c);
    try {
      const renamed = await c.get('demo').service.renameFactor(user.id, id, name.trim());
      return redirect(c, '/security', { kind: 'ok', text: `Renamed to “${renamed.name}”.` });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      return redirect(c, `/security/factors/${encodeURIComponent(id)}/rename`, { kind: 'error', text: describeError(error) });
    }
  });

  app.get('/security/disable', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const gate = await requireRecentAuth(c, user, '/security/disable');
    if (gate) return gate;
    const enforcing = enforcingOrganisations(user);
    return render(
      c,
      'Disable two-factor authentication',
      html`<h1>Disable two-factor authentication</h1><div class="card">
  <p>Every authenticator app, security key, email code and backup code is removed. Your SSH recovery keys stay.</p>
  ${enforcing.length > 0 ? html`<p class="small muted">You belong to organisations that enforce MFA (${enforcing.join(', ')}): they will refuse this.</p>` : ''}
  <form method="post" action="/security/disable">${csrfField(c.get('session').csrf)}
  <label for="confirmation">Type <kbd>DISABLE</kbd> to confirm</label>
  <input type="text" id="confirmation" name="confirmation" autocomplete="off" required>
  <div class="row"><button type="submit" class="danger" id="confirm-disable">Disable</button><a href="/security">Cancel</a></div></form></div>`,
    );
  });

  app.post('/security/disable', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const { confirmation = '' } = await form(c);
    const session = c.get('session');
    try {
      const result = await c.get('demo').service.disable(user.id, { confirmation, stepUpToken: session.stepUpToken ?? '' });
      if (!result.ok) return redirect(c, '/security/disable', { kind: 'error', text: 'Type DISABLE in the box to confirm.' });
      delete session.stepUpToken;
      return redirect(c, '/security', { kind: 'ok', text: `Two-factor authentication is off (${result.factorsRemoved} ${result.factorsRemoved === 1 ? 'device' : 'devices'} removed).` });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      if (error.code === 'STEP_UP_REQUIRED') return redirect(c, `/step-up?next=${encodeURIComponent('/security/disable')}`);
      return redirect(c, '/security/disable', { kind: 'error', text: describeError(error) });
    }
  });
}
