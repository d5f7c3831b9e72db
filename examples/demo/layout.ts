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
  readonly unreadMail?: number;
  /** Load the WebAuthn helper script. */
  readonly webauthn?: boolean;
}

const STYLE = `
:root { --fg:#1d2430; --muted:#5b6473; --line:#dde2ea; --bg:#f5f7fa; --card:#fff; --accent:#2457d6; --accent-fg:#fff;
  --ok:#e7f6ec; --ok-line:#7cc594; --err:#fdecec; --err-line:#e08a8a; --info:#eaf1fd; --info-line:#8fb0ea; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
header { background:#111a2e; color:#fff; }
header .bar { max-width:820px; margin:0 auto; padding:10px 20px; display:flex; align-items:center; gap:18px; flex-wrap:wrap; }
header a, header button.link { color:#cfd9f2; text-decoration:none; font-size:14px; }
header a:hover, header button.link:hover { color:#fff; }
header .brand { font-weight:700; color:#fff; font-size:16px; margin-right:auto; }
header form { margin:0; }
main { max-width:820px; margin:24px auto; padding:0 20px; }
h1 { font-size:24px; margin:0 0 16px; } h2 { font-size:18px; margin:0 0 10px; } h3 { font-size:15px; margin:16px 0 6px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:20px 22px; margin-bottom:18px; }
.muted { color:var(--muted); } .small { font-size:13px; }
.flash { border:1px solid; border-radius:8px; padding:10px 14px; margin-bottom:14px; }
.flash.ok { background:var(--ok); border-color:var(--ok-line); } .flash.error { background:var(--err); border-color:var(--err-line); }
.flash.info { background:var(--info); border-color:var(--info-line); }
label { display:block; font-weight:600; margin:12px 0 4px; font-size:14px; }
input[type=text], input[type=email], input[type=password], textarea, select { width:100%; padding:8px 10px; border:1px solid #c4ccd8;
  border-radius:6px; font:inherit; background:#fff; }
textarea { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:12.5px; min-height:120px; }
input.code { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:20px; letter-spacing:3px; max-width:320px; }
button, .button { display:inline-block; margin-top:14px; padding:8px 16px; border-radius:6px; border:1px solid var(--accent);
  background:var(--accent); color:var(--accent-fg); font:inherit; font-weight:600; cursor:pointer; text-decoration:none; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); }
button.danger, .button.danger { background:#c62828; border-color:#c62828; color:#fff; }
button.link { background:none; border:none; padding:0; margin:0; font-weight:400; cursor:pointer; }
.row { display:flex; gap:10px; flex-wrap:wrap; align-items:center; }
.row > form { margin:0; }
table { width:100%; border-collapse:collapse; font-size:14px; }
th, td { text-align:left; padding:7px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; font-size:13px; }
code, kbd, .mono { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:13px; }
pre { background:#0f1624; color:#e3e9f5; padding:12px 14px; border-radius:8px; overflow-x:auto; white-space:pre-wrap; word-break:break-all; font-size:12.5px; }
.qr { display:inline-block; padding:8px; background:#fff; border:1px solid var(--line); border-radius:8px; line-height:0; }
.key { font-size:18px; letter-spacing:1px; background:#f0f3f8; padding:6px 10px; border-radius:6px; display:inline-block; }
.codes { display:grid; grid-template-columns:repeat(2, max-content); gap:6px 32px; font-size:16px; margin:10px 0; }
.pill { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px; font-weight:600; background:#eef1f6; color:#374151; }
.pill.on { background:#dff3e6; color:#17603a; } .pill.off { background:#fbe9e9; color:#8a1f1f; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:18px; } @media (max-width:700px) { .grid2 { grid-template-columns:1fr; } }
.mail { border:1px solid var(--line); border-radius:8px; padding:12px 14px; margin-bottom:12px; background:#fff; }
.mail pre { background:#f6f8fb; color:var(--fg); word-break:normal; overflow-wrap:break-word; }
`;

export function page(frame: PageFrame, body: Html): string {
  const nav = frame.userEmail
    ? html`<a href="/security">Security</a><a href="/organisations">Organisations</a><a href="/mailbox">Mailbox${frame.unreadMail ? ` (${frame.unreadMail})` : ''}</a>
        <span class="small" style="color:#8fa0c4">${frame.userEmail}</span>
        <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${frame.csrf}"><button class="link" type="submit" id="logout">Log out</button></form>`
    : html`<a href="/login">Log in</a><a href="/signup">Sign up</a><a href="/mailbox">Mailbox${frame.unreadMail ? ` (${frame.unreadMail})` : ''}</a>`;
  const flashes = (frame.flash ?? []).map((f) => html`<div class="flash ${f.kind}" role="${f.kind === 'error' ? 'alert' : 'status'}">${f.text}</div>`);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${frame.csrf}">
<title>${frame.title} · mfakit demo</title><style>${raw(STYLE)}</style>
${frame.webauthn ? raw('<script src="/assets/webauthn.js" defer></script>') : ''}
</head><body>
<header><div class="bar"><a class="brand" href="/">mfakit demo</a>${nav}</div></header>
<main>${flashes}${body}</main>
</body></html>`.value;
}

/** A hidden CSRF field for forms. */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}
