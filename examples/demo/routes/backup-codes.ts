// Backup codes: shown once after the first factor (with a .txt download), or regenerated (the old
// set then stops working).
import type { Hono } from 'hono';
import { isMfaError } from 'mfakit';
import { html } from '../html.js';
import { csrfField } from '../layout.js';
import { describeError, redirect, render, requireRecentAuth, requireUser, stepUpToken, type DemoEnv } from '../web.js';

export function backupCodeRoutes(app: Hono<DemoEnv>): void {
  app.get('/security/backup-codes', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const codes = c.get('session').freshBackupCodes;
    if (codes === undefined) {
      return render(
        c,
        'Backup codes',
        html`<h1>Backup codes</h1><div class="card"><p>Backup codes are shown only once, when they are created. If you lost yours, generate a new set: the old codes then stop working.</p>
  <a class="button secondary" href="/security/backup-codes/new">Generate new backup codes</a> <a href="/security">Back</a></div>`,
      );
    }
    return render(
      c,
      'Your backup codes',
      html`<h1>Your backup codes</h1><div class="card">
  <p>Keep these codes somewhere safe (a password manager, or printed). Each one signs you in once if you lose your devices.
  <strong>They will not be shown again.</strong></p>
  <div class="codes mono" id="backup-codes" data-text="${codes.join('\n')}">${codes.map((code) => html`<span class="backup-code">${code}</span>`)}</div>
  <div class="row"><a class="button secondary" href="/security/backup-codes.txt" id="download-backup-codes" download>Download as .txt</a>
  <button type="button" class="secondary" id="copy-backup-codes" data-copy="#backup-codes" hidden>Copy codes</button><span class="small muted" id="copy-backup-codes-status" role="status"></span></div>
  <form method="post" action="/security/backup-codes/done">${csrfField(c.get('session').csrf)}<button type="submit" id="saved-backup-codes">I have saved my codes</button></form>
</div>`,
    );
  });

  app.get('/security/backup-codes.txt', (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const codes = c.get('session').freshBackupCodes;
    if (codes === undefined) return redirect(c, '/security/backup-codes');
    const text = [
      `${c.get('demo').appName} backup codes for ${user.email}`,
      `Created ${new Date().toISOString().slice(0, 10)}. Each code works once.`,
      '',
      ...codes,
      '',
    ].join('\n');
    return c.body(text, 200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': 'attachment; filename="mfakit-demo-backup-codes.txt"',
    });
  });

  app.post('/security/backup-codes/done', (c) => {
    delete c.get('session').freshBackupCodes;
    return redirect(c, '/security');
  });

  app.get('/security/backup-codes/new', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const gate = await requireRecentAuth(c, user, '/security/backup-codes/new');
    if (gate) return gate;
    return render(
      c,
      'Generate new backup codes',
      html`<h1>Generate new backup codes</h1><div class="card"><p>A new set of codes replaces the old one: every old code stops working.</p>
  <form method="post" action="/security/backup-codes/regenerate" data-busy="Generating codes…">${csrfField(c.get('session').csrf)}
  <div class="row"><button type="submit" id="confirm-regenerate">Generate new codes</button><a href="/security">Cancel</a></div></form></div>`,
    );
  });

  app.post('/security/backup-codes/regenerate', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    try {
      const { backupCodes: codes } = await c.get('demo').service.regenerateBackupCodes(user.id, { stepUpToken: stepUpToken(c) ?? '' });
      c.get('session').freshBackupCodes = codes;
      return redirect(c, '/security/backup-codes', { kind: 'ok', text: 'New backup codes created; the old ones no longer work.' });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      return redirect(c, '/security', { kind: 'error', text: describeError(error) });
    }
  });
}
