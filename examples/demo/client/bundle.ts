// Bundles the page scripts with esbuild when the demo starts: client/app.ts (every page: busy
// buttons, copy buttons, the lock-out countdown, focus) and client/webauthn.ts (imports mfakit's
// browser helper by its package name).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export async function bundleClientScript(entry: 'app' | 'webauthn'): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./${entry}.ts`, import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'silent',
    // The package imports itself by name: resolve `mfakit/...` the way Node does (package exports).
    plugins: [
      {
        name: 'mfakit-self',
        setup(b) {
          b.onResolve({ filter: /^mfakit(\/|$)/ }, (args) => ({ path: fileURLToPath(import.meta.resolve(args.path)) }));
        },
      },
    ],
  });
  return result.outputFiles[0]!.text;
}
