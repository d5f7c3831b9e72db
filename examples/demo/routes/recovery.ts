// SSH keys as a recovery method: register a public key (step-up), and recover an account whose
// devices and backup codes are lost: after the password, the service issues a challenge, the page
// shows the `ssh-keygen -Y sign` command, the user pastes the armored signature. By default the
// service then removes the lost factors and the user sets up new ones.
import type { Hono } from 'hono';
import { isMfaError } from 'mfakit';
import type { AccountRecoveryResult } from 'mfakit/service';
import { ago, html } from '../html.js';
import { csrfField } from '../layout.js';
import type { DemoUser } from '../users.js';
import { describeError, flash, form, hasStepUp, redirect, render, requireRecentAuth, requireUser, type C, type DemoEnv } from '../web.js';

const FAILURES: Record<string, string> = {
  expired: 'This challenge has expired or was already used. Start again.',
  malformed: 'That is not an SSH signature. Paste everything from -----BEGIN SSH SIGNATURE----- to -----END SSH SIGNATURE-----.',
  'key-mismatch': 'That signature was made with a key that is not registered on this account.',
  'namespace-mismatch': 'The signature was made for another namespace: run the command exactly as shown.',
  'bad-signature': 'The signature does not match the challenge text: run the command exactly as shown.',
  throttled: 'Too many attempts: wait a moment and try again.',
  locked: 'Too many attempts: this account is locked for now.',
};

/** The account half-way through a login (password accepted), the only one that may recover. */
export function pendingUser(c: C): DemoUser | undefined {
  const id = c.get('session').pendingUserId;
  return id === undefined ? undefined : c.get('demo').users.get(id);
}

/** Signs in the recovered account; the security page's banner then asks for a new second factor. */
export function completeRecovery(c: C, user: DemoUser, result: Extract<AccountRecoveryResult, { ok: true }>, via: string): Response {
  const demo = c.get('demo');
  const session = c.get('session');
  delete session.pendingUserId;
  delete session.loginCodes;
  demo.sessions.rotate(session);
  session.userId = user.id;
  demo.events.note(user.id, `Account recovered with ${via}${result.factorsRemoved > 0 ? ': the lost devices and backup codes were removed' : ''}`);
  // One message: with the lost factors removed, the security page's banner says what happened and what to do next.
  if (!result.reenrolmentRequired) flash(c, 'ok', `Account recovered with ${via}.`);
  return redirect(c, '/security');
}

export function recoveryRoutes(app: Hono<DemoEnv>): void {
  // --- registering SSH keys -----------------------------------------------------------------------
  app.get('/security/ssh', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const demo = c.get('demo');
    const { mfaRequired } = await demo.service.loginRequirement(user.id);
    if (!mfaRequired) {
      return redirect(c, '/security', { kind: 'info', text: 'Turn on two-factor authentication first: an SSH key recovers an account whose second factors are lost.' });
    }
    const gate = await requireRecentAuth(c, user, '/security/ssh');
    if (gate) return gate;
    const keys = await demo.service.listSshKeys(user.id);
    const csrf = csrfField(c.get('session').csrf);
    return render(
      c,
      'SSH recovery keys',
      html`<h1>SSH recovery keys</h1>
${keys.length > 0
  ? html`<div class="card"><table id="ssh-key-list"><thead><tr><th>Name</th><th>Key</th><th class="wide-only">Added</th><th class="wide-only">Last used</th><th></th></tr></thead><tbody>
${keys.map((k) => html`<tr><td><strong>${k.name}</strong></td><td><code class="fingerprint">${k.fingerprint}</code><div class="small muted">${k.keyType}${k.bits ? ` · ${k.bits} bits` : ''}</div></td>
<td class="wide-only">${ago(k.createdAt)}</td><td class="wide-only">${ago(k.lastUsedAt)}</td>
<td><form method="post" action="/security/ssh/${encodeURIComponent(k.id)}/remove">${csrf}<button type="submit" class="link small">Remove</button></form></td></tr>`)}
</tbody></table></div>`
  : ''}
<div class="card"><h2>Add an SSH public key</h2>
  <p class="muted">Paste a public key (for example the contents of <code>~/.ssh/id_ed25519.pub</code>). Ed25519, ECDSA and RSA (2048 bits or more) keys work, FIDO <code>sk-</code> keys too.
  It never signs you in by itself: it only recovers your account when your devices and backup codes are lost.</p>
  <form method="post" action="/security/ssh">${csrf}
  <label for="key-name">Name (optional)</label><input type="text" id="key-name" name="name" maxlength="64" placeholder="Laptop key">
  <label for="public-key">Public key</label><textarea id="public-key" name="publicKey" required placeholder="ssh-ed25519 AAAA… you@laptop"></textarea>
  <button type="submit" id="add-ssh">Add key</button></form></div>`,
    );
  });

  app.post('/security/ssh', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const { publicKey = '', name = '' } = await form(c);
    try {
      const key = await c.get('demo').service.registerSshKey(user.id, publicKey, {
        stepUpToken: c.get('session').stepUpToken ?? '',
        ...(name.trim() === '' ? {} : { name: name.trim() }),
      });
      return redirect(c, '/security/ssh', { kind: 'ok', text: `SSH key “${key.name}” (${key.fingerprint}) added for recovery.` });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      if (error.code === 'STEP_UP_REQUIRED') return redirect(c, `/step-up?next=${encodeURIComponent('/security/ssh')}`);
      return redirect(c, '/security/ssh', { kind: 'error', text: describeError(error) });
    }
  });

  app.post('/security/ssh/:id/remove', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    if (!(await hasStepUp(c, user))) return redirect(c, `/step-up?next=${encodeURIComponent('/security/ssh')}`);
    try {
      const removed = await c.get('demo').service.removeSshKey(user.id, c.req.param('id'), { stepUpToken: c.get('session').stepUpToken ?? '' });
      return redirect(c, '/security/ssh', { kind: 'ok', text: `SSH key “${removed.name}” removed.` });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      return redirect(c, '/security/ssh', { kind: 'error', text: describeError(error) });
    }
  });

  // --- recovering an account ----------------------------------------------------------------------
  app.get('/recover', async (c) => {
    const user = pendingUser(c);
    const csrf = csrfField(c.get('session').csrf);
    if (user === undefined) {
      return render(
        c,
        'Recover your account',
        html`<h1>Recover your account</h1><div class="card">
  <p>Lost your authenticator app, security keys <em>and</em> backup codes? If you registered an SSH key or a recovery phone, you can get back in with it.</p>
  <p>First <a href="/login">log in with your email and password</a>; on the two-factor page, choose “Recover your account”.</p></div>`,
      );
    }
    const factors = await c.get('demo').service.listFactors(user.id);
    const hasSsh = factors.some((f) => f.kind === 'ssh-key');
    const phone = factors.find((f) => f.kind === 'phone') ?? factors.find((f) => f.kind === 'sms');
    return render(
      c,
      'Recover your account',
      html`<h1>Recover your account</h1>
<p>When the recovery checks out, your lost devices and backup codes are removed and you set up new ones.</p>
${phone
  ? html`<div class="card" id="recover-by-phone"><h2>With your phone</h2>
  <p>We text a recovery code to ${phone.destinationHint ?? 'your phone'}.</p>
  <form method="post" action="/recover/phone/start" data-busy="Sending…">${csrf}<button type="submit" id="start-phone-recovery">Text me a recovery code</button></form></div>`
  : ''}
${hasSsh
  ? html`<div class="card" id="recover-by-ssh"><h2>With your SSH key</h2>
  <p>We show you a short text and the command that signs it with your SSH private key.</p>
  <form method="post" action="/recover/start">${csrf}<button type="submit" id="start-recovery">Get a challenge</button></form></div>`
  : ''}
${!phone && !hasSsh ? html`<div class="card"><p>This account has no SSH key or phone on file for recovery. Use a backup code, or contact support.</p></div>` : ''}
<p class="small"><a href="/login/mfa">Back</a></p>`,
    );
  });

  app.post('/recover/start', async (c) => {
    const user = pendingUser(c);
    if (user === undefined) return redirect(c, '/recover');
    try {
      const start = await c.get('demo').service.startSshRecovery(user.id);
      c.get('session').recovery = {
        userId: user.id,
        challengeId: start.challengeId,
        command: start.command,
        namespace: start.namespace,
        expiresAt: start.expiresAt,
        fingerprints: start.keys.map((k) => k.fingerprint),
      };
      return redirect(c, '/recover/ssh');
    } catch (error) {
      if (!isMfaError(error)) throw error;
      const text = error.code === 'FACTOR_NOT_FOUND' ? 'This account has no SSH key registered for recovery.' : describeError(error);
      return redirect(c, '/recover', { kind: 'error', text });
    }
  });

  app.get('/recover/ssh', (c) => {
    const user = pendingUser(c);
    const pending = c.get('session').recovery;
    if (user === undefined || pending === undefined || pending.userId !== user.id) return redirect(c, '/recover');
    return render(
      c,
      'Sign the challenge',
      html`<h1>Sign the challenge</h1><div class="card">
  <p>On the computer that has your SSH key (registered: ${pending.fingerprints.map((f, i) => html`${i > 0 ? ', ' : ''}<code>${f}</code>`)}), run:</p>
  <pre id="ssh-command">${pending.command}</pre>
  <p class="small muted">Change the path after <code>-f</code> if your key is elsewhere. The namespace <code id="ssh-namespace">${pending.namespace}</code> makes the
  signature useless anywhere else. This challenge expires ${new Date(pending.expiresAt).toISOString().slice(11, 16)} UTC.</p>
  <form method="post" action="/recover/ssh" data-busy="Checking the signature…">${csrfField(c.get('session').csrf)}
  <label for="signature">Paste the output (the whole SSH SIGNATURE block)</label>
  <textarea id="signature" name="signature" required placeholder="-----BEGIN SSH SIGNATURE-----"></textarea>
  <button type="submit" id="submit-signature">Recover my account</button></form></div>`,
    );
  });

  app.post('/recover/ssh', async (c) => {
    const user = pendingUser(c);
    const session = c.get('session');
    const pending = session.recovery;
    if (user === undefined || pending === undefined || pending.userId !== user.id) return redirect(c, '/recover');
    const { signature = '' } = await form(c);
    const demo = c.get('demo');
    const result = await demo.service.completeSshRecovery(user.id, pending.challengeId, signature);
    if (!result.ok) {
      const text = FAILURES[result.reason] ?? `The signature was refused (${result.reason}).`;
      if (result.reason === 'expired') delete session.recovery;
      return redirect(c, result.reason === 'expired' ? '/recover' : '/recover/ssh', { kind: 'error', text });
    }
    delete session.recovery;
    return completeRecovery(c, user, result, `SSH key ${result.recoveredWith.name}`);
  });
}
