// docs/recovery.md runs: each `ts` block is type-checked like the
// README's, with `mfakit/*` mapped to the sources, and executed against the sources with tsx.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const doc = readFileSync(join(repo, 'docs/recovery.md'), 'utf8');
const entries: Record<string, string> = JSON.parse(readFileSync(join(repo, 'src/entries.json'), 'utf8'));
const specifier = (subpath: string) => (subpath === '.' ? 'mfakit' : `mfakit/${subpath.slice(2)}`);

const blocks: { line: number; code: string }[] = [];
{
  const lines = doc.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    let end = i + 1;
    while (lines[end] !== '```') end++;
    blocks.push({ line: i + 2, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'mfakit-recovery-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('docs/recovery.md', () => {
  it('has the SSH, the SSH end-to-end (ssh-keygen) and the phone blocks', () => expect(blocks.length).toBe(3));

  it('every block type-checks', () => {
    const paths: Record<string, string[]> = {};
    for (const [subpath, file] of Object.entries(entries)) paths[specifier(subpath)] = [join(repo, file)];
    const files = blocks.map((b) => {
      const file = join(scratch, `check-${b.line}.ts`);
      writeFileSync(file, `${b.code}\nexport {};\n`);
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
    const problems = files.flatMap((file) => {
      const source = program.getSourceFile(file)!;
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
        (d) => `${file}:${source.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    });
    expect(problems).toEqual([]);
  }, 120_000);

  // What each block prints: the registered key's fingerprint; nothing (the end-to-end block checks
  // itself and throws on a difference); the re-enrolment mark after a phone recovery.
  const printed = ['SHA256:17PmgJSq3uskMR6c/IQSU8Ta5/lyzksLUiudnZnPtRY', '', '{ since: '];
  for (const [index, block] of blocks.entries()) {
    it(`block at docs/recovery.md:${block.line} runs`, () => {
      let code = block.code;
      for (const [subpath, file] of Object.entries(entries)) code = code.replaceAll(`'${specifier(subpath)}'`, `'${join(repo, file)}'`);
      const file = join(scratch, `run-${block.line}.mts`);
      writeFileSync(file, `${code}\nexport {};\n`);
      const result = spawnSync(join(repo, 'node_modules/.bin/tsx'), [file], { cwd: scratch, encoding: 'utf8', timeout: 60_000 });
      if (result.status !== 0) throw new Error(`exit ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}`);
      expect(result.stdout).toContain(printed[index]);
    }, 120_000);
  }
});
