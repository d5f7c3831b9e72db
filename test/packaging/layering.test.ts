/**
 * The layers of src/ as CONTRIBUTING.md draws them, checked on the import graph (type-only imports
 * included: a cycle of types still ties the files together for a reader):
 * `internal <- core modules <- service -> store (contract) <- stores`, and no import cycle anywhere.
 * The graph is read from the sources with the TypeScript scanner (no type-check), so the test is fast.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(repo, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** file (relative to src/) -> the src/ files it imports or re-exports from. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((ref) => ref.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(src, resolve(dirname(file), name.replace(/\.js$/, '.ts'))));
    graph.set(relative(src, file), [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself): the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

const layerOf = (file: string): string => file.split('/')[0]!.replace(/\.ts$/, '');
const CORE = ['otp', 'backup-codes', 'oob', 'webauthn', 'ssh', 'policy'];

/**
 * Deliberate exceptions, each with its reason. The service loads the QR encoder lazily, by its own
 * file, so that a login (which never draws a QR code) does not load it (cold start).
 */
const ALLOWED: readonly (readonly [string, string])[] = [['service/authenticator-flows.ts', 'otp/qr.ts']];

/** Imports that cross a layer the wrong way: [importer, imported]. */
function wrongWay(graph: Map<string, string[]>): [string, string][] {
  const bad: [string, string][] = [];
  for (const [from, targets] of graph) {
    const layer = layerOf(from);
    for (const to of targets) {
      const target = layerOf(to);
      const forbidden =
        (layer === 'internal' && !['internal', 'errors', 'clock'].includes(target)) ||
        (CORE.includes(layer) && ['service', 'store', 'stores', 'adapters', 'conformance'].includes(target)) ||
        ((layer === 'store' || layer === 'stores') && target === 'service') ||
        (layer === 'store' && target === 'stores') ||
        // the service reaches a core module only through its public index
        (layer === 'service' && CORE.includes(target) && !/^[a-z-]+\/index\.ts$/.test(to) && to !== 'webauthn/browser/index.ts');
      if (forbidden && !ALLOWED.some(([a, b]) => a === from && b === to)) bad.push([from, to]);
    }
  }
  return bad;
}

/** Cycles not yet broken. Empty it as they go; a new cycle fails the test. */
const KNOWN_CYCLES: string[][] = [
];

describe('layering of src/', () => {
  const graph = importGraph(sourceFiles(src));

  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('service/service.ts')).toContain('service/context.ts');
  });

  it('no import points the wrong way (stores never import the service; the service imports core modules by their index)', () => {
    expect(wrongWay(graph)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual(KNOWN_CYCLES);
  });

  it('the checks catch what they are for (a fixture graph)', () => {
    const fixture = new Map<string, string[]>([
      ['stores/x/x.ts', ['service/context.ts']],
      ['service/context.ts', ['service/flow.ts', 'otp/secret.ts']],
      ['service/flow.ts', ['service/context.ts']],
      ['otp/secret.ts', []],
    ]);
    expect(wrongWay(fixture)).toEqual([
      ['stores/x/x.ts', 'service/context.ts'],
      ['service/context.ts', 'otp/secret.ts'],
    ]);
    expect(cycles(fixture)).toEqual([['service/context.ts', 'service/flow.ts']]);
  });
});
