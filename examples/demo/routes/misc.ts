// The demo's mail catcher page (every email the demo sends over SMTP lands here) and the
// organisations page (join one that enforces MFA, leave it).
import type { Hono } from 'hono';
import { ago, html } from '../html.js';
import { csrfField } from '../layout.js';
import { ORGANISATIONS, organisation } from '../organisations.js';
import { currentUser, redirect, render, requireUser, type DemoEnv } from '../web.js';

export function miscRoutes(app: Hono<DemoEnv>): void {
  app.get('/mailbox', (c) => {
    const demo = c.get('demo');
    const user = currentUser(c);
    const all = c.req.query('all') !== undefined || user === undefined;
    const messages = demo.mailbox.messages(all ? undefined : user.email);
    return render(
      c,
      'Mailbox',
      html`<h1>Mailbox</h1>
<p class="muted small">The demo runs its own SMTP server on 127.0.0.1:${demo.mailbox.port}; mfakit's SMTP sender delivers there over real SMTP.
A real app sends to the user's own inbox. ${user && !all ? html`Showing mail to ${user.email} · <a href="/mailbox?all">show all</a>` : ''}</p>
${messages.length === 0
        ? html`<div class="card"><p class="muted">No mail yet.</p></div>`
        : messages.map(
            (m) => html`<article class="mail" data-to="${m.to.join(',')}">
  <div class="small muted">To ${m.to.join(', ')} · from ${m.from} · ${ago(m.receivedAt)}</div>
  <h2 class="subject">${m.subject}</h2><pre class="body">${m.text}</pre></article>`,
          )}`,
    );
  });

  app.get('/organisations', (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const csrf = csrfField(c.get('session').csrf);
    return render(
      c,
      'Organisations',
      html`<h1>Organisations</h1>
${ORGANISATIONS.map((org) => {
  const member = user.organisations.has(org.id);
  return html`<div class="card" data-org="${org.id}"><h2>${org.name} ${org.enforcesMfa ? html`<span class="pill">enforces MFA</span>` : ''} ${member ? html`<span class="pill on">member</span>` : ''}</h2>
  <p class="muted">${org.description}</p>
  <form method="post" action="/organisations/${org.id}/${member ? 'leave' : 'join'}">${csrf}
  <button type="submit" class="${member ? 'secondary' : ''}" id="${member ? 'leave' : 'join'}-${org.id}">${member ? 'Leave' : 'Join'} ${org.name}</button></form></div>`;
})}`,
    );
  });

  app.post('/organisations/:id/:action{join|leave}', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const org = organisation(c.req.param('id'));
    if (org === undefined) return redirect(c, '/organisations', { kind: 'error', text: 'No such organisation.' });
    const demo = c.get('demo');
    if (c.req.param('action') === 'join') {
      user.organisations.set(org.id, Date.now());
      await demo.users.save(user);
      demo.events.note(user.id, `Joined ${org.name}`);
      const { mfaRequired } = await demo.service.loginRequirement(user.id);
      const note = org.enforcesMfa ? (mfaRequired ? ' It enforces MFA: you cannot disable it while you are a member.' : ' It enforces MFA: set it up within 14 days.') : '';
      return redirect(c, '/organisations', { kind: 'ok', text: `You joined ${org.name}.${note}` });
    }
    user.organisations.delete(org.id);
    await demo.users.save(user);
    demo.events.note(user.id, `Left ${org.name}`);
    return redirect(c, '/organisations', { kind: 'ok', text: `You left ${org.name}.` });
  });
}
