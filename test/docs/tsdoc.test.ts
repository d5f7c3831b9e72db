/**
 * Every export has TSDoc with an `@example` (CONTRIBUTING.md). For each public entry point in
 * src/entries.json, the TypeScript checker lists what the entry exports, `export *` and named
 * re-exports followed to the declaration, and each declaration must carry a TSDoc comment with a
 * non-empty `@example` block. Only the binder and the export resolution run (no type-check), so
 * the whole package is checked in a few seconds.
 *
 * The collector is also run on a small fixture so the test is shown to fail on a missing example.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entries: Record<string, string> = JSON.parse(readFileSync(join(repo, 'src/entries.json'), 'utf8'));

/** An exported declaration without a usable TSDoc `@example`. */
interface Missing {
  name: string;
  /** `path:line` of the declaration, relative to the repository. */
  where: string;
  /** What is wrong: no TSDoc comment at all, or a comment without an example. */
  problem: 'no TSDoc comment' | 'no @example' | 'empty @example';
  /** The entry points (subpaths) that export it. */
  subpaths: string[];
}

/** Whether a tag's text (its comment) has any content. */
function tagText(tag: ts.JSDocTag): string {
  const comment = tag.comment;
  if (comment === undefined) return '';
  return typeof comment === 'string' ? comment : comment.map((part) => part.text).join('');
}

function problemOf(declaration: ts.Declaration): Missing['problem'] | null {
  // For a variable, the comment sits on its statement; getJSDocCommentsAndTags walks up to it.
  const docs = ts.getJSDocCommentsAndTags(declaration).filter(ts.isJSDoc);
  if (docs.length === 0) return 'no TSDoc comment';
  const examples = docs.flatMap((doc) => doc.tags ?? []).filter((tag) => tag.tagName.text === 'example');
  if (examples.length === 0) return 'no @example';
  if (examples.every((tag) => tagText(tag).trim() === '')) return 'empty @example';
  return null;
}

/** The declarations a reader sees: an overloaded function's implementation is not one of them. */
function documentedDeclarations(symbol: ts.Symbol): ts.Declaration[] {
  const declarations = symbol.declarations ?? [];
  const overloaded = declarations.filter((d) => ts.isFunctionDeclaration(d) && d.body === undefined).length > 0;
  return declarations.filter((d) => !(overloaded && ts.isFunctionDeclaration(d) && d.body !== undefined));
}

/**
 * Every export of every entry (subpath -> absolute file) that lacks a TSDoc `@example`, one row per
 * declaration however many entries re-export it.
 */
function findMissingExamples(entryFiles: Record<string, string>, options: ts.CompilerOptions, root: string): { missing: Missing[]; checked: number } {
  const program = ts.createProgram({ rootNames: Object.values(entryFiles), options: { ...options, noEmit: true } });
  const checker = program.getTypeChecker();
  const rows = new Map<ts.Declaration, Missing>();
  const seen = new Set<ts.Declaration>();
  for (const [subpath, file] of Object.entries(entryFiles)) {
    const source = program.getSourceFile(file);
    if (source === undefined) throw new Error(`entry ${subpath}: ${file} is not in the program`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`entry ${subpath}: ${file} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = documentedDeclarations(target);
      if (declarations.length === 0) throw new Error(`entry ${subpath}: cannot resolve export ${exported.name}`);
      for (const declaration of declarations) {
        seen.add(declaration);
        const known = rows.get(declaration);
        if (known !== undefined) {
          if (!known.subpaths.includes(subpath)) known.subpaths.push(subpath);
          continue;
        }
        const problem = problemOf(declaration);
        if (problem === null) continue;
        const sourceFile = declaration.getSourceFile();
        const line = sourceFile.getLineAndCharacterOfPosition(declaration.getStart(sourceFile)).line + 1;
        rows.set(declaration, { name: exported.name, where: `${relative(root, sourceFile.fileName)}:${line}`, problem, subpaths: [subpath] });
      }
    }
  }
  const missing = [...rows.values()].sort((a, b) => a.where.localeCompare(b.where, 'en', { numeric: true }));
  return { missing, checked: seen.size };
}

function report(missing: Missing[]): string {
  return missing.map((m) => `${m.name} (${m.where}): ${m.problem}; exported by ${m.subpaths.join(', ')}`).join('\n');
}

/** The compiler options of tsconfig.node.json: Node's types for the adapters, `mfakit/*` paths. */
function nodeOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(repo, 'tsconfig.node.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (parsed === undefined) throw new Error('cannot read tsconfig.node.json');
  return parsed.options;
}

describe('TSDoc', () => {
  it('every export of every entry point has a TSDoc comment with an @example', () => {
    const files = Object.fromEntries(Object.entries(entries).map(([subpath, file]) => [subpath, join(repo, file)]));
    const { missing, checked } = findMissingExamples(files, nodeOptions(), repo);
    // Guard against the collector silently finding nothing (a wrong path, a changed API).
    expect(checked).toBeGreaterThan(100);
    expect(report(missing), `${missing.length} export(s) lack a TSDoc @example:\n${report(missing)}`).toBe('');
  }, 180_000); // one TypeScript program over every entry: seconds alone, minutes on a loaded 2-core machine

  it('reports an export without a comment, without an @example, or with an empty one (fixture)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfakit-tsdoc-'));
    try {
      writeFileSync(
        join(dir, 'a.ts'),
        [
          '/**',
          ' * Documented.',
          ' * @example',
          ' * ```ts',
          ' * good();',
          ' * ```',
          ' */',
          'export function good(): void {}',
          '/** No example. */',
          'export const noExample = 1;',
          'export interface Bare { x: number }',
          '/**',
          ' * Empty example.',
          ' * @example',
          ' */',
          'export type Empty = string;',
        ].join('\n'),
      );
      writeFileSync(join(dir, 'index.ts'), "export * from './a.js';\nexport { good as renamed } from './a.js';\n");
      const { missing, checked } = findMissingExamples({ '.': join(dir, 'index.ts') }, { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }, dir);
      expect(checked).toBe(4);
      expect(missing.map((m) => [m.name, m.where, m.problem])).toEqual([
        ['noExample', 'a.ts:10', 'no @example'],
        ['Bare', 'a.ts:11', 'no TSDoc comment'],
        ['Empty', 'a.ts:16', 'empty @example'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
