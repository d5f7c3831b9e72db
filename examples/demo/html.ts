// HTML with escaping by default: every interpolated value is escaped unless it is already `Html`
// (made by the `html` tag itself or by `raw` for markup we produced, such as the QR code SVG).

/** Markup that is safe to put in a page as is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Trusted markup (never user input). */
export function raw(markup: string): Html {
  return new Html(markup);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<p>${userText}</p>\`` escapes `userText`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** "3 minutes ago", "just now", "never". */
export function ago(at: number | undefined, now = Date.now()): string {
  if (at === undefined) return 'never';
  const s = Math.round((now - at) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s} seconds ago`;
  const m = Math.round(s / 60);
  if (m < 60) return m === 1 ? '1 minute ago' : `${m} minutes ago`;
  const h = Math.round(m / 60);
  if (h < 48) return h === 1 ? '1 hour ago' : `${h} hours ago`;
  return new Date(at).toISOString().slice(0, 10);
}

export function dateTime(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** Time of day in UTC with seconds ("15:42:07 UTC"); the date too when not today. */
export function clock(at: number, now = Date.now()): string {
  const iso = new Date(at).toISOString();
  const time = `${iso.slice(11, 19)} UTC`;
  return iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10) ? time : `${iso.slice(0, 10)} ${time}`;
}
