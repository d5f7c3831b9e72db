// Runs every bench/<name>.mjs (or the names given as arguments) one after another, each in its own
// process so one benchmark's JIT state and garbage do not colour the next. `--smoke` runs briefly.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const names = args.filter((a) => !a.startsWith('--'));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && f !== 'lib.mjs')
  .map((f) => f.slice(0, -4))
  .sort();
const selected = names.length > 0 ? names : all;
let failed = 0;
for (const name of selected) {
  console.log(`\n# bench/${name}`);
  const result = spawnSync(process.execPath, [join(here, `${name}.mjs`)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_SMOKE: smoke ? '1' : '0' },
  });
  if (result.status !== 0) failed++;
}
if (failed > 0) {
  console.error(`\n${failed} benchmark(s) exited with an error`);
  process.exit(1);
}
