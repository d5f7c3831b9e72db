// Checks every main page of the demo the same way, at desktop (1280 px) and phone (390 px) width:
// no horizontal scrolling, the header in at most two rows, every visible button's text against its
// background at WCAG AA contrast (4.5:1), and a full-page screenshot of each width into
// test-artifacts/screenshots/ (CI keeps that folder).
import type { Page } from 'playwright-core';
import { ARTEFACTS } from './helpers.js';

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface PageFindings {
  /** Document width beyond the viewport (0 = no horizontal scroll). */
  readonly overflow: number;
  /** Rows the header's links and buttons take. */
  readonly headerRows: number;
  /** Buttons whose text contrast is below 4.5:1: "label: ratio (fg on bg)". */
  readonly lowContrast: string[];
  /** How many buttons were measured. */
  readonly buttons: number;
}

/** Runs in the page: measures what PageFindings reports. */
function measure(): PageFindings {
  type Rgba = [number, number, number, number];
  const parse = (css: string): Rgba => {
    const m = /rgba?\(([^)]+)\)/.exec(css);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
    return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
  };
  const over = (top: Rgba, below: Rgba): Rgba => {
    const a = top[3] + below[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i: number) => (top[i]! * top[3] + below[i]! * below[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  /** The colour behind an element: its background over its ancestors' ones, over white. */
  const backgroundOf = (element: Element): Rgba => {
    const layers: Rgba[] = [];
    for (let e: Element | null = element; e; e = e.parentElement) layers.push(parse(getComputedStyle(e).backgroundColor));
    return layers.reverse().reduce<Rgba>((below, top) => over(top, below), [255, 255, 255, 1]);
  };
  const luminance = ([r, g, b]: Rgba) => {
    const lin = (v: number) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const contrast = (a: Rgba, b: Rgba) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
    return (hi + 0.05) / (lo + 0.05);
  };
  const visible = (e: Element) => {
    const r = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const buttons = Array.from(document.querySelectorAll('button, .button, input[type=submit]')).filter(visible);
  const lowContrast: string[] = [];
  for (const button of buttons) {
    const bg = backgroundOf(button);
    const fg = over(parse(getComputedStyle(button).color), bg);
    const ratio = contrast(fg, bg);
    if (ratio < 4.5) lowContrast.push(`${(button.textContent ?? '').trim() || button.id}: ${ratio.toFixed(2)} (${fg.map(Math.round).join(',')} on ${bg.map(Math.round).join(',')})`);
  }
  // Header items whose tops lie within 12 px of a row's first item share its row.
  const tops = Array.from(document.querySelectorAll('header a, header button')).filter(visible).map((e) => e.getBoundingClientRect().top).sort((a, b) => a - b);
  let headerRows = 0;
  let rowTop = -Infinity;
  for (const top of tops) {
    if (top - rowTop > 12) {
      headerRows += 1;
      rowTop = top;
    }
  }
  return {
    overflow: Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth),
    headerRows,
    lowContrast,
    buttons: buttons.length,
  };
}

/**
 * Measures the page at both widths, screenshots it as `<name>-desktop.png` / `<name>-phone.png`,
 * and returns the findings per width. The page is left at desktop width.
 */
export async function inspectPage(page: Page, name: string): Promise<{ desktop: PageFindings; phone: PageFindings }> {
  const out: Partial<Record<'desktop' | 'phone', PageFindings>> = {};
  for (const [label, size] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
    await page.setViewportSize(size);
    out[label] = await page.evaluate(measure);
    await page.screenshot({ path: `${ARTEFACTS}/${name}-${label}.png`, fullPage: true, animations: 'disabled' });
  }
  return out as { desktop: PageFindings; phone: PageFindings };
}
