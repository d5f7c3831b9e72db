// The page frame: header with navigation, flash messages, and one small stylesheet.
import { html, raw, type Html } from './html.js';

export interface Flash {
  readonly kind: 'ok' | 'error' | 'info';
  readonly text: string;
}

export interface PageFrame {
  readonly title: string;
  readonly csrf: string;
  /** The signed-in user's email, if any. */
  readonly userEmail?: string | undefined;
  readonly flash?: readonly Flash[];
  /** Unread mail and texts of the account on this session (signed in or half-way through a login). */
  readonly unreadMail?: number;
  readonly unreadTexts?: number;
  /** Load the WebAuthn helper script. */
  readonly webauthn?: boolean;
}

const STYLE = `
:root { --fg:#1d2430; --muted:#5b6473; --line:#dde2ea; --bg:#f5f7fa; --card:#fff; --accent:#2457d6; --accent-fg:#fff;
  --ok:#e7f6ec; --ok-line:#7cc594; --err:#fdecec; --err-line:#e08a8a; --info:#eaf1fd; --info-line:#8fb0ea; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
.skip { position:absolute; left:8px; top:-60px; background:#fff; color:var(--accent); padding:8px 14px; border-radius:6px; z-index:10; font-weight:600; }
.skip:focus { top:8px; }
header { background:#111a2e; color:#fff; }
header .bar { max-width:820px; margin:0 auto; padding:10px 20px; display:flex; align-items:center; gap:8px 18px; }
header nav { display:flex; gap:18px; align-items:center; }
header a, header button.link { color:#cfd9f2; text-decoration:none; font-size:14px; white-space:nowrap; }
header a:hover, header button.link:hover { color:#fff; }
header .brand { font-weight:700; color:#fff; font-size:16px; margin-right:auto; }
header .who { display:flex; gap:14px; align-items:center; }
header .who .email { color:#a9b8d8; font-size:13px; }
header form { margin:0; }
.count { display:inline-block; min-width:18px; padding:0 5px; margin-left:4px; border-radius:9px; background:#f0b429; color:#111a2e; font-size:12px; font-weight:700; text-align:center; }
main { max-width:820px; margin:24px auto; padding:0 20px; }
main:focus { outline:none; }
@media (max-width:640px) {
  header .bar { flex-wrap:wrap; padding:8px 14px; }
  header nav { order:3; width:100%; gap:16px; overflow-x:auto; }
  header .who .email { display:none; }
  main { padding:0 14px; margin-top:16px; }
  .card { padding:16px 14px; }
}
h1 { font-size:24px; margin:0 0 16px; } h2 { font-size:18px; margin:0 0 10px; } h3 { font-size:15px; margin:16px 0 6px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:20px 22px; margin-bottom:18px; }
.card > :first-child { margin-top:0; } .card > :last-child { margin-bottom:0; }
.muted { color:var(--muted); } .small { font-size:13px; }
.flash { border:1px solid; border-radius:8px; padding:10px 14px; margin-bottom:14px; overflow-wrap:anywhere; }
.flash.ok { background:var(--ok); border-color:var(--ok-line); } .flash.error { background:var(--err); border-color:var(--err-line); }
.flash.info { background:var(--info); border-color:var(--info-line); }
label { display:block; font-weight:600; margin:12px 0 4px; font-size:14px; }
label.check { display:flex; gap:8px; align-items:center; font-weight:400; margin-top:12px; }
label.check input { width:18px; height:18px; margin:0; }
input[type=text], input[type=email], input[type=password], input[type=tel], textarea, select { width:100%; padding:8px 10px; border:1px solid #c4ccd8;
  border-radius:6px; font:inherit; background:#fff; }
textarea { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:12.5px; min-height:120px; }
input.code { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:20px; letter-spacing:3px; max-width:320px; }
button, .button { display:inline-block; margin-top:14px; padding:8px 16px; border-radius:6px; border:1px solid var(--accent);
  background:var(--accent); color:var(--accent-fg); font:inherit; font-weight:600; cursor:pointer; text-decoration:none; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); }
button.danger, .button.danger { background:#c62828; border-color:#c62828; color:#fff; }
button.link { background:none; border:none; padding:0; margin:0; font-weight:400; cursor:pointer; color:var(--accent); text-decoration:underline; }
button:disabled, button[aria-busy=true] { opacity:1; cursor:progress; background:#5b6473; border-color:#5b6473; color:#fff; }
button.small-button { margin-top:0; padding:3px 10px; font-size:13px; font-weight:600; }
.busy-note { margin-left:10px; }
.spinner { display:inline-block; width:12px; height:12px; margin-right:6px; border:2px solid currentColor; border-right-color:transparent; border-radius:50%;
  animation:spin .8s linear infinite; vertical-align:-1px; }
@keyframes spin { to { transform:rotate(360deg); } }
.row { display:flex; gap:10px; flex-wrap:wrap; align-items:center; }
.row > form { margin:0; }
.row > a:not(.button) { margin-top:14px; }
.actions { display:flex; gap:12px; flex-wrap:wrap; font-size:13px; }
.actions form { margin:0; }
table { width:100%; border-collapse:collapse; font-size:14px; }
th, td { text-align:left; padding:7px 8px; border-bottom:1px solid var(--line); vertical-align:top; overflow-wrap:break-word; }
td code, p code, li code { overflow-wrap:anywhere; }
th { color:var(--muted); font-weight:600; font-size:13px; white-space:nowrap; }
@media (max-width:640px) { .wide-only { display:none; } th, td { padding:7px 5px; } }
@media (min-width:641px) { .narrow-only { display:none; } }
code, kbd, .mono { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:13px; }
pre { background:#0f1624; color:#e3e9f5; padding:12px 14px; border-radius:8px; overflow-x:auto; white-space:pre-wrap; word-break:break-all; font-size:12.5px; }
.qr { display:inline-block; padding:8px; background:#fff; border:1px solid var(--line); border-radius:8px; line-height:0; max-width:100%; }
.qr svg { max-width:100%; height:auto; }
.key { font-size:18px; letter-spacing:1px; background:#f0f3f8; padding:6px 10px; border-radius:6px; display:inline-block; overflow-wrap:anywhere; }
.codes { display:grid; grid-template-columns:repeat(2, max-content); gap:6px 32px; font-size:16px; margin:10px 0; }
@media (max-width:640px) { .codes { grid-template-columns:max-content; } }
.pill { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px; font-weight:600; background:#eef1f6; color:#374151; }
.pill.on { background:#dff3e6; color:#17603a; } .pill.off { background:#fbe9e9; color:#8a1f1f; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:18px; } @media (max-width:700px) { .grid2 { grid-template-columns:1fr; } }
.mail { border:1px solid var(--line); border-radius:8px; padding:12px 14px; margin-bottom:12px; background:#fff; }
.mail.unread { border-left:4px solid var(--accent); }
.mail pre { background:#f6f8fb; color:var(--fg); word-break:normal; overflow-wrap:break-word; }
.day { font-size:13px; color:var(--muted); font-weight:600; margin:14px 0 4px; text-transform:uppercase; letter-spacing:.04em; }
.pager { display:flex; justify-content:space-between; margin-top:10px; font-size:14px; }
`;

function count(n: number | undefined, what: string): Html | string {
  return n ? html`<span class="count" aria-label="${n} unread ${what}">${n}</span>` : '';
}

export function page(frame: PageFrame, body: Html): string {
  const inboxes = html`<a href="/mailbox" id="nav-mailbox">Mailbox${count(frame.unreadMail, 'emails')}</a><a href="/texts" id="nav-texts">Texts${count(frame.unreadTexts, 'texts')}</a>`;
  const nav = frame.userEmail
    ? html`<nav aria-label="Main"><a href="/security">Security</a><a href="/organisations">Organisations</a>${inboxes}</nav>
        <div class="who"><span class="email">${frame.userEmail}</span>
        <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${frame.csrf}"><button class="link" type="submit" id="logout">Log out</button></form></div>`
    : html`<nav aria-label="Main">${inboxes}</nav><div class="who"><a href="/login">Log in</a><a href="/signup">Sign up</a></div>`;
  const flashes = (frame.flash ?? []).map((f) => html`<div class="flash ${f.kind}" role="${f.kind === 'error' ? 'alert' : 'status'}">${f.text}</div>`);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${frame.csrf}">
<title>${frame.title} · mfakit demo</title><style>${raw(STYLE)}</style>
<script src="/assets/app.js" defer></script>
${frame.webauthn ? raw('<script src="/assets/webauthn.js" defer></script>') : ''}
</head><body>
<a class="skip" href="#main">Skip to content</a>
<header><div class="bar"><a class="brand" href="/">mfakit demo</a>${nav}</div></header>
<main id="main" tabindex="-1">${flashes}${body}</main>
</body></html>`.value;
}

/** A hidden CSRF field for forms. */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}
