/**
 * A Go execution trace over 1 GiB, opened the way an engine opens a file: streamed through the
 * chunked reader (electron/host/ingest-input.ts), never one buffer for the whole file.
 * Targets (issue 14): files over 1 GiB open; a 1 GB trace ready in ≤ 3 GB peak RSS.
 *
 * The trace is not committed data: set TRACEDECK_BIG_TRACE to a trace file, or to a path that does
 * not exist yet to generate one there with the standard-library program in bench/gen-big-trace
 * (needs Go; ~1.1 GiB, a minute or two). Without the variable the benchmark says so and skips.
 * Run: `TRACEDECK_BIG_TRACE=/tmp/big.trace node --import tsx --expose-gc bench/big-trace-bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ingestInput } from '../electron/host/ingest-input.ts';
import { MAX_FILE_BYTES } from '../electron/host/limits.ts';

const RSS_LIMIT = 3e9;
const path = process.env.TRACEDECK_BIG_TRACE;
if (!path) {
  console.log('TRACEDECK_BIG_TRACE not set, skipped (see the header of bench/big-trace-bench.ts)');
  process.exit(0);
}
if (!existsSync(path)) {
  const dir = fileURLToPath(new URL('./gen-big-trace', import.meta.url));
  console.log(`generating ${path} with bench/gen-big-trace (go run)…`);
  const g = spawnSync('go', ['run', '.', '-o', path], { cwd: dir, stdio: 'inherit' });
  if (g.status !== 0) {
    console.log('could not generate the trace (is Go installed?), skipped');
    process.exit(0);
  }
}
const size = statSync(path).size;

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const out = await ingestInput({ path }, () => {
  peak = Math.max(peak, process.memoryUsage().rss);
});
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sampler);

const m = out.source.kind === 'gotrace' ? out.source.model : null;
console.log(
  `trace ${(size / 2 ** 30).toFixed(2)} GiB (${size > MAX_FILE_BYTES ? 'over' : 'within'} the ${MAX_FILE_BYTES / 2 ** 30} GiB whole-file limit) → ready in ${(ms / 1000).toFixed(1)} s ` +
    `(CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s), ${m?.transitions.count ?? 0} transitions, partial ${out.source.partial}`,
);
console.log(
  `peak RSS ${(peak / 1e9).toFixed(2)} GB = ${(peak / size).toFixed(2)}× the file (target ≤ 3 GB for a 1 GB trace) ${peak <= RSS_LIMIT ? 'OK' : 'OVER'}`,
);
