// `npm run demo`: builds mfakit into dist/ when the sources changed since the last build (the demo
// imports the package by name, as an application does), saying what it does while it works, then
// starts the demo (main.ts), which prints its start-up steps and, last, the URL.
// `--build` forces the build.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { distIsStale } from './build-check.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const say = (text: string) => console.log(`mfakit demo: ${text}`);

async function build(): Promise<void> {
  say('building mfakit into dist/ (tsup: JavaScript and type declarations; about 30-60 s the first time)…');
  const started = Date.now();
  const ticker = setInterval(() => say(`  still building… ${Math.round((Date.now() - started) / 1000)} s`), 10_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('npm', ['run', '--silent', 'build', '--', '--silent'], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`the build failed (exit code ${code}); see the messages above`);
  } finally {
    clearInterval(ticker);
  }
  say(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

say('checking whether dist/ is up to date with src/…');
const stale = process.argv.includes('--build') ? 'asked for with --build' : distIsStale(repo);
if (stale === null) say('dist/ is up to date: no build needed (npm run demo -- --build forces one)');
else {
  say(`a build is needed: ${stale}`);
  await build();
}
say('starting…');
await import('./main.js');
