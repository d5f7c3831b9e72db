// Shared measurement helpers for bench/*.mjs. Each benchmark is a standalone script run by
// bench/run.mjs in its own process; BENCH_SMOKE=1 makes it run briefly (CI smoke run).
export const smoke = process.env.BENCH_SMOKE === '1';

/** Default time per measured case, in milliseconds. */
export const defaultDurationMs = smoke ? 60 : 1000;

/**
 * Ops/s of a synchronous or asynchronous function: warms up, then runs batches until `durationMs`
 * has passed. Returns { name, opsPerSec, iterations }.
 */
export async function measure(name, fn, { durationMs = defaultDurationMs, batch = 64 } = {}) {
  const warmEnd = performance.now() + Math.min(200, durationMs / 4);
  while (performance.now() < warmEnd) for (let i = 0; i < batch; i++) await fn();
  let iterations = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < batch; i++) await fn();
    iterations += batch;
    now = performance.now();
  }
  return { name, opsPerSec: (iterations * 1000) / (now - start), iterations };
}

/** Same as measure, but for a synchronous function (no await per call). */
export function measureSync(name, fn, { durationMs = defaultDurationMs, batch = 256 } = {}) {
  const warmEnd = performance.now() + Math.min(200, durationMs / 4);
  while (performance.now() < warmEnd) for (let i = 0; i < batch; i++) fn();
  let iterations = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < batch; i++) fn();
    iterations += batch;
    now = performance.now();
  }
  return { name, opsPerSec: (iterations * 1000) / (now - start), iterations };
}

/** Prints a table of results. */
export function printTable(title, rows) {
  console.log(`\n## ${title}${smoke ? ' (smoke run: numbers are not meaningful)' : ''}`);
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  for (const r of rows) console.log(`${r.name.padEnd(width)}  ${Math.round(r.opsPerSec).toLocaleString('en-US').padStart(12)} ops/s`);
}

/** Prints "label: a/b = ratio (target >= t)" and returns whether the target is met. */
export function printRatio(label, numerator, denominator, target) {
  const ratio = numerator.opsPerSec / denominator.opsPerSec;
  const met = target === undefined ? undefined : ratio >= target;
  const verdict = target === undefined ? '' : ` (target >= ${target}: ${met ? 'met' : 'NOT met'})`;
  console.log(`ratio ${label}: ${ratio.toFixed(2)}x${verdict}`);
  return met;
}

/**
 * Counts what a driver sends while `measure(fn)` runs: requests (statements or commands) and
 * sequential round trips. The caller installs `begin()` / `end()` as hooks on the driver.
 */
export function wireCounter() {
  const c = { on: false, inFlight: 0, sent: 0, trips: 0 };
  return {
    begin() {
      if (!c.on) return false;
      if (c.inFlight === 0) c.trips++;
      c.sent++;
      c.inFlight++;
      return true;
    },
    end() {
      c.inFlight--;
    },
    async measure(fn) {
      Object.assign(c, { on: true, inFlight: 0, sent: 0, trips: 0 });
      try {
        await fn();
      } finally {
        c.on = false;
      }
      return { sent: c.sent, trips: c.trips };
    },
  };
}
