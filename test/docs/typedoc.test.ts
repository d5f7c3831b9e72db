/**
 * The documentation site builds: `npm run docs` (TypeDoc with typedoc.config.mjs: README.md as the
 * front page, every page of docs/ as a project document, and the API reference) run into a scratch
 * directory must succeed with no error and no warning. The config treats warnings as errors and
 * validates that every export and method is documented, that links resolve and that no public
 * signature names an unexported type, so any of those fails here. Then every link inside the
 * generated HTML is followed: its file must exist and its anchor, if any, must name an element of
 * that file. Takes a few seconds on an idle machine (minutes on a busy one).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entries: Record<string, string> = JSON.parse(readFileSync(join(repo, 'src/entries.json'), 'utf8'));
const typedocBin = join(dirname(createRequire(import.meta.url).resolve('typedoc/package.json')), 'bin/typedoc');
const guides = readdirSync(join(repo, 'docs')).filter((file) => file.endsWith('.md')).sort();

/** Every file under `dir`, as paths relative to it. */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name), base) : [relative(base, join(dir, entry.name))],
  );
}

interface Link {
  page: string;
  href: string;
}

/** The `href` and `src` values of an HTML page (TypeDoc writes them double-quoted). */
function linksOf(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

/**
 * The broken links among `links`, each with the reason. External links (a scheme such as https:
 * or mailto:) are not followed; every other one must name a file of the site, and its fragment,
 * if any, an `id` or `name` in that file.
 */
function brokenLinks(site: string, links: readonly Link[]): string[] {
  const contents = new Map<string, string>();
  const read = (file: string) => {
    if (!contents.has(file)) contents.set(file, readFileSync(file, 'utf8'));
    return contents.get(file)!;
  };
  const broken: string[] = [];
  for (const { page, href } of links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue;
    const hash = href.indexOf('#');
    const path = hash === -1 ? href : href.slice(0, hash);
    const fragment = hash === -1 ? '' : decodeURIComponent(href.slice(hash + 1));
    let target = path === '' ? join(site, page) : resolve(dirname(join(site, page)), decodeURIComponent(path.split('?')[0]!));
    // A link to a folder (TypeDoc writes `../#anchor` for the front page) opens its index.html.
    if (existsSync(target) && statSync(target).isDirectory()) target = join(target, 'index.html');
    if (!target.startsWith(site) || !existsSync(target)) {
      broken.push(`${page}: ${href} (no such file)`);
      continue;
    }
    if (fragment === '' || !/\.(html|svg)$/.test(target)) continue;
    const escaped = fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (!new RegExp(`\\s(?:id|name)="${escaped}"`).test(read(target))) broken.push(`${page}: ${href} (no such anchor)`);
  }
  return broken;
}

describe('npm run docs', () => {
  const site = mkdtempSync(join(tmpdir(), 'mfakit-typedoc-'));
  let output = '';
  let status: number | null = null;

  beforeAll(() => {
    const run = spawnSync(process.execPath, [typedocBin, '--options', 'typedoc.config.mjs', '--out', site], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    output = `${run.stdout}${run.stderr}`;
    status = run.status;
  }, 600_000);

  afterAll(() => {
    rmSync(site, { recursive: true, force: true });
  });

  it('builds the site with no warning', () => {
    const problems = output.split('\n').filter((line) => /\[(warning|error)\]/.test(line));
    expect(problems, output).toEqual([]);
    expect(status, output).toBe(0);
  });

  it('has one module page per subpath, named after its import specifier', () => {
    for (const subpath of Object.keys(entries)) {
      const name = subpath === '.' ? 'mfakit' : `mfakit/${subpath.slice(2)}`;
      expect(existsSync(join(site, 'modules', `${name.replaceAll('/', '_')}.html`)), name).toBe(true);
    }
  });

  it('has the README as its front page and one page per guide of docs/', () => {
    expect(readFileSync(join(site, 'index.html'), 'utf8')).toContain('id="quick-start"');
    // A page per guide, named after the title in its front matter (documents/Backup_codes.html).
    const documents = readdirSync(join(site, 'documents')).filter((file) => file.endsWith('.html'));
    expect(documents.length, documents.join(', ')).toBe(guides.length);
  });

  it('has no broken internal link, anchors included', () => {
    const pages = walk(site).filter((file) => file.endsWith('.html'));
    const links = pages.flatMap((page) => linksOf(readFileSync(join(site, page), 'utf8')).map((href) => ({ page, href })));
    // The README's map alone links every flow page; a site with few links means the scan broke.
    expect(links.length).toBeGreaterThan(1000);
    expect(brokenLinks(site, links)).toEqual([]);
  });

  it('the link check itself finds a missing file and a missing anchor', () => {
    const links: Link[] = [
      { page: 'index.html', href: 'documents/Login_verification.html' },
      { page: 'index.html', href: '#quick-start' },
      { page: 'documents/Login_verification.html', href: '../#quick-start' },
      { page: 'documents/Login_verification.html', href: '../index.html#quick-start' },
      { page: 'index.html', href: 'documents/no-such-page.html' },
      { page: 'index.html', href: '#no-such-heading' },
      { page: 'documents/Login_verification.html', href: '../#no-such-heading' },
      { page: 'index.html', href: 'https://example.com/#anything' },
    ];
    expect(brokenLinks(site, links)).toEqual([
      'index.html: documents/no-such-page.html (no such file)',
      'index.html: #no-such-heading (no such anchor)',
      'documents/Login_verification.html: ../#no-such-heading (no such anchor)',
    ]);
  });
});
