/**
 * Docs that run: every TypeScript code block of README.md and of every page in docs/ (a fence whose info string starts with
 * `ts` or `typescript`) is type-checked and then executed. Each block stands alone: it imports what
 * it uses from `mfakit` / `mfakit/<subpath>` and may use top-level `await`.
 *
 * - Type-check: one TypeScript program over all blocks, strict, with `mfakit` subpaths mapped to
 *   their source entry (src/entries.json) so a block is checked against the current API.
 * - Execution: each block is transformed to JavaScript (esbuild) and run with `node` in its own
 *   process, from a scratch directory inside the repository, so `mfakit` resolves to the built
 *   package (dist/) through the package's own `exports`, exactly as a user's import would. Files a
 *   block writes land in that scratch directory, which is removed afterwards.
 *
 * A block opts out only with the marker `<!-- readme-test: skip -->` on the line before its fence
 * (blank lines between are allowed); use it for fragments that cannot run alone, and say why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP_MARKER = '<!-- readme-test: skip -->';

interface Block {
  /** 1-based README line of the first line of code (after the opening fence). */
  line: number;
  code: string;
  skipped: boolean;
}

/** The TypeScript blocks of a Markdown document, in order. */
function extractTsBlocks(markdown: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const lang = open[2]!.toLowerCase();
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence)) end++;
    if (lang === 'ts' || lang === 'typescript' || lang === 'mts') {
      let previous = i - 1;
      while (previous >= 0 && lines[previous]!.trim() === '') previous--;
      blocks.push({
        line: i + 2,
        code: lines.slice(i + 1, end).join('\n'),
        skipped: previous >= 0 && lines[previous]!.trim() === SKIP_MARKER,
      });
    }
    i = end;
  }
  return blocks;
}

/** A block of one document, named by the document's path. */
interface DocBlock extends Block {
  doc: string;
}

const documents = ['README.md', ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const blocks: DocBlock[] = documents.flatMap((doc) => extractTsBlocks(readFileSync(join(repo, doc), 'utf8')).map((b) => ({ ...b, doc })));
const runnable = blocks.filter((b) => !b.skipped);
const entries: Record<string, string> = JSON.parse(readFileSync(join(repo, 'src/entries.json'), 'utf8'));

// Inside the repository (and git-ignored) so that `mfakit` self-resolves through package.json.
mkdirSync(join(repo, '.tmp'), { recursive: true });
const scratch = mkdtempSync(join(repo, '.tmp', 'readme-'));
const fileOf = (block: DocBlock) => join(scratch, `${block.doc.replace(/[/.]/g, '_')}-line-${block.line}.ts`);
const diagnostics = new Map<string, string[]>();

function typeCheck(): void {
  const paths: Record<string, string[]> = {};
  for (const [subpath, file] of Object.entries(entries)) {
    paths[subpath === '.' ? 'mfakit' : `mfakit/${subpath.slice(2)}`] = [join(repo, file)];
  }
  const files = runnable.map((block) => {
    const file = fileOf(block);
    // `export {}` makes every block a module, so top-level await is allowed and names do not clash.
    writeFileSync(file, `${block.code}\nexport {};\n`);
    return file;
  });
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [join(repo, 'node_modules/@types')],
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
    paths,
  });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map(
    (d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
  );
  // Only the blocks' own diagnostics: the library's sources are `npm run typecheck`'s business.
  for (const block of runnable) {
    const file = fileOf(block);
    const source = program.getSourceFile(file)!;
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    diagnostics.set(file, [
      ...global,
      ...found.map((d) => {
        const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
        const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        return `${block.doc}:${block.line + line}:${character + 1} TS${d.code}: ${message}`;
      }),
    ]);
  }
}

// One program over every block: tens of seconds on a busy 2-core machine.
beforeAll(() => {
  typeCheck();
}, 240_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('TypeScript blocks of README.md and docs/*.md', () => {
  it('has at least one runnable TypeScript block (the quick start)', () => {
    expect(runnable.length).toBeGreaterThan(0);
  });

  it('finds blocks, honours the skip marker and nothing else', () => {
    const sample = [
      '```ts', 'a', '```', '', SKIP_MARKER, '', '```ts', 'b', '```',
      '```sh', 'npm test', '```', '<!-- other -->', '```typescript', 'c', 'd', '```',
    ].join('\n');
    expect(extractTsBlocks(sample)).toEqual([
      { line: 2, code: 'a', skipped: false },
      { line: 8, code: 'b', skipped: true },
      { line: 15, code: 'c\nd', skipped: false },
    ]);
  });

  for (const block of blocks) {
    const where = `block at ${block.doc}:${block.line}`;
    if (block.skipped) {
      it.skip(`${where} (opted out with ${SKIP_MARKER})`, () => {});
      continue;
    }

    it(`${where} type-checks`, () => {
      const found = diagnostics.get(fileOf(block)) ?? ['not type-checked'];
      if (found.length > 0) throw new Error(found.join('\n'));
    });

    it(`${where} runs against the built package`, async () => {
      if (!existsSync(join(repo, 'dist/index.js'))) {
        throw new Error('dist/ is missing: run `npm run build` first (npm test builds before vitest)');
      }
      const { code } = await transform(block.code, { loader: 'ts', format: 'esm', target: 'es2022', sourcefile: where });
      const dir = join(scratch, `run-${block.doc.replace(/[/.]/g, '_')}-line-${block.line}`);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'block.mjs');
      writeFileSync(file, code);
      // The quick start reads its key ring from MFAKIT_KEY_K1, as a deployment would: the test plays
      // the deployment with a fresh key, so the block itself needs no fallback key.
      const env = { ...process.env, MFAKIT_KEY_K1: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64') };
      const result = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 20_000, env });
      if (result.status !== 0) {
        throw new Error(
          `${where} exited with ${result.status ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
        );
      }
    });
  }
});
