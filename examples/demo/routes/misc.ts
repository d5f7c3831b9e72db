// The demo's mail catcher page and SMS outbox page (each account sees only its own mail and
// texts, and the header counts the unread ones) and the organisations page (join one that enforces MFA, leave it).
import type { Hono } from 'hono';
import { clock, html } from '../html.js';
import { csrfField } from '../layout.js';
import { ORGANISATIONS, organisation } from '../organisations.js';
import { inboxOwner, redirect, render, requireUser, type DemoEnv } from '../web.js';

export function miscRoutes(app: Hono<DemoEnv>): void {
  app.get('/mailbox', (c) => {
    const demo = c.get('demo');
    const owner = inboxOwner(c);
    const intro = html`<p class="muted small">The demo runs its own SMTP server on 127.0.0.1:${demo.mailbox.port}; mfakit's SMTP sender delivers there over real SMTP.
A real app sends to the user's own inbox.</p>`;
    if (owner === undefined) {
      return render(
        c,
        'Mailbox',
        html`<h1>Mailbox</h1>${intro}<div class="card" id="mailbox-locked"><p>Each account sees only its own mail here, as in a real inbox.
  <a href="/login">Log in</a> (the codes for the second step appear here as soon as your password is accepted).</p></div>`,
      );
    }
    // Shown now, so counted as read from the next page on; the ones unread until now stay marked on this one.
    const messages = demo.mailbox.messages(owner.email);
    const unread = new Set(demo.mailbox.unreadIds(owner.email));
    demo.mailbox.markRead(messages.map((m) => m.id));
    return render(
      c,
      'Mailbox',
      html`<h1>Mailbox</h1>${intro}<p class="small">Mail to <strong>${owner.email}</strong>${unread.size > 0 ? html` · <span id="mail-new">${unread.size} new</span>` : ''}</p>
${messages.length === 0
        ? html`<div class="card"><p class="muted">No mail yet.</p></div>`
        : messages.map(
            (m) => html`<article class="mail${unread.has(m.id) ? ' unread' : ''}" data-to="${m.to.join(',')}">
  <div class="small muted">To ${m.to.join(', ')} · from ${m.from} · <time datetime="${new Date(m.receivedAt).toISOString()}">${clock(m.receivedAt)}</time>${unread.has(m.id) ? html` · <strong>new</strong>` : ''}</div>
  <h2 class="subject">${m.subject}</h2><pre class="body">${m.text}</pre></article>`,
          )}`,
    );
  });

  app.get('/texts', (c) => {
    const demo = c.get('demo');
    const owner = inboxOwner(c);
    const intro = html`<p class="muted small">The demo has no SMS provider: texts with codes (sign-in, confirming a number, account recovery) land here instead of on a phone.
A real app passes mfakit an <code>OobSender</code> that calls its SMS provider.</p>`;
    if (owner === undefined) {
      return render(
        c,
        'Texts',
        html`<h1>Texts</h1>${intro}<div class="card" id="texts-locked"><p>Each account sees only the texts sent to its own phone numbers.
  <a href="/login">Log in</a> (the codes for the second step appear here as soon as your password is accepted).</p></div>`,
      );
    }
    const messages = demo.texts.messages(owner.id);
    const fresh = new Set(demo.texts.unreadIds(owner.id));
    demo.texts.markRead(messages.map((m) => m.id));
    return render(
      c,
      'Texts',
      html`<h1>Texts</h1>${intro}
${messages.length === 0
        ? html`<div class="card"><p class="muted">No texts yet. Add a phone number on the <a href="/security">security page</a>.</p></div>`
        : messages.map(
            (m) => html`<article class="mail sms${fresh.has(m.id) ? ' unread' : ''}" data-to="${m.to}">
  <div class="small muted">To ${m.to} · <time datetime="${new Date(m.sentAt).toISOString()}">${clock(m.sentAt)}</time>${fresh.has(m.id) ? html` · <strong>new</strong>` : ''}</div>
  <p class="body">${m.text}</p></article>`,
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
  return html`<div class="card" data-org="${org.id}"><h2>${org.name} ${org.enforcesMfa ? html`<span class="pill">enforces MFA</span>` : ''}${org.forbidsRememberedDevices ? html`<span class="pill">no remembered browsers</span>` : ''} ${member ? html`<span class="pill on">member</span>` : ''}</h2>
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
      let note = org.enforcesMfa ? (mfaRequired ? ' It enforces MFA: you cannot disable it while you are a member.' : ' It enforces MFA: set it up within 14 days.') : '';
      if (org.forbidsRememberedDevices) {
        // The service would refuse the remembered browsers at the next login anyway; forgetting them now keeps the list honest.
        const forgotten = await demo.service.forgetAllRememberedDevices(user.id);
        note += ` It asks for a second factor at every login${forgotten > 0 ? `: ${forgotten === 1 ? 'your remembered browser was' : `your ${forgotten} remembered browsers were`} forgotten` : ''}.`;
      }
      return redirect(c, '/organisations', { kind: 'ok', text: `You joined ${org.name}.${note}` });
    }
    user.organisations.delete(org.id);
    await demo.users.save(user);
    demo.events.note(user.id, `Left ${org.name}`);
    return redirect(c, '/organisations', { kind: 'ok', text: `You left ${org.name}.` });
  });
}
