// The account's security page (devices, last use, backup codes, recovery keys, organisations,
// recent activity), removing a device, and disabling MFA with the typed confirmation.
import type { Hono } from 'hono';
import { isMfaError } from 'mfakit';
import type { FactorSummary } from 'mfakit/service';
import { ago, dateTime, html } from '../html.js';
import { csrfField } from '../layout.js';
import { organisation } from '../organisations.js';
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
      return 'SMS codes';
    case 'ssh-key':
      return 'SSH key (recovery)';
    default:
      return f.kind;
  }
}

function enforcingOrganisations(user: DemoUser): string[] {
  return [...user.organisations.keys()].map(organisation).filter((o) => o?.enforcesMfa === true).map((o) => o!.name);
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
  const events = demo.events.recent(user.id);

  const devices = login.length === 0
    ? html`<p class="muted">No second factor yet. Anyone with your password can sign in.</p>`
    : html`<table id="devices"><thead><tr><th>Device</th><th>Type</th><th>Added</th><th>Last used</th><th></th></tr></thead><tbody>
${login.map((f) => html`<tr data-factor="${f.id}"><td><strong>${f.name}</strong></td><td>${kindLabel(f)}</td><td>${f.createdAt ? ago(f.createdAt) : ''}</td>
<td class="last-used">${ago(f.lastUsedAt)}</td><td><a class="small" href="/security/factors/${encodeURIComponent(f.id)}/remove">Remove</a></td></tr>`)}
</tbody></table>`;

  const body = html`<h1>Security</h1>
${reenrolmentRequired
    ? html`<div class="flash error" id="reenrol">Your account was recovered ${ago(reenrolmentRequired.since)} with your ${reenrolmentRequired.method === 'ssh-key' ? 'SSH key' : 'phone'}:
  set up a new second factor now.</div>`
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
  </div>
</div>
${on || backup
    ? html`<div class="card" id="backup">
  <h2>Backup codes</h2>
  <p>${backup ? html`<strong id="backup-remaining">${backup.remaining ?? 0}</strong> unused backup codes left.` : 'No backup codes.'} Each code works once, when you cannot use your devices.</p>
  <a class="button secondary" href="/security/backup-codes/new" id="regenerate-backup-codes">Generate new backup codes</a>
</div>`
    : ''}
<div class="card" id="recovery">
  <h2>Account recovery with an SSH key</h2>
  ${sshKeys.length === 0
    ? html`<p class="muted">Register an SSH public key: if you lose every device and backup code, signing a challenge with its private key gets you back in.</p>`
    : html`<table id="ssh-keys"><thead><tr><th>Key</th><th>Fingerprint</th><th>Added</th><th>Last used</th></tr></thead><tbody>${sshKeys.map(
        (k) => html`<tr><td><strong>${k.name}</strong></td><td><code>${k.fingerprint}</code></td><td>${ago(k.createdAt)}</td><td>${ago(k.lastUsedAt)}</td></tr>`,
      )}</tbody></table>`}
  ${on ? html`<a class="button secondary" href="/security/ssh" id="add-ssh-key">${sshKeys.length === 0 ? 'Add SSH key' : 'Manage SSH keys'}</a>` : html`<p class="small muted">Turn on two-factor authentication first.</p>`}
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
  ${events.length === 0
    ? html`<p class="muted">Nothing yet.</p>`
    : html`<table id="events"><thead><tr><th>When</th><th>What</th></tr></thead><tbody>${events.map(
        (e) => html`<tr data-type="${e.type}"><td class="small" title="${dateTime(e.at)}">${ago(e.at)}</td><td>${e.text}</td></tr>`,
      )}</tbody></table>`}
</div>`;
  return render(c, 'Security', body);
}

export function securityRoutes(app: Hono<DemoEnv>): void {
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
      if (!result.ok) return redirect(c, `/security/factors/${encodeURIComponent(id)}/remove`, { kind: 'error', text: 'Type "disable" in the box to confirm.' });
      if (result.mfaDisabled) delete c.get('session').stepUpToken;
      return redirect(c, '/security', { kind: 'ok', text: result.mfaDisabled ? `${result.removed.name} removed: two-factor authentication is now off.` : `${result.removed.name} removed.` });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      return redirect(c, `/security/factors/${encodeURIComponent(id)}/remove`, { kind: 'error', text: describeError(error) });
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
      if (!result.ok) return redirect(c, '/security/disable', { kind: 'error', text: 'Type "disable" in the box to confirm.' });
      delete session.stepUpToken;
      return redirect(c, '/security', { kind: 'ok', text: `Two-factor authentication is off (${result.factorsRemoved} devices removed).` });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      if (error.code === 'STEP_UP_REQUIRED') return redirect(c, `/step-up?next=${encodeURIComponent('/security/disable')}`, { kind: 'info', text: describeError(error) });
      return redirect(c, '/security/disable', { kind: 'error', text: describeError(error) });
    }
  });
}
