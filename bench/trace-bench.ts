/**
 * Go execution trace parse → `inspect` figures on the big trace (105 MB, ~19.6 M events).
 * Targets: ≤ 0.5 × Go's `go tool trace -pprof=sync` wall time and ≤ 1.5 GB peak RSS.
 * Prints the ratio against a `go tool trace -pprof=sync` run measured now when a Go that reads the
 * file is installed (else "go not found, skipped", and the ratio against the README's 24.5 s anchor).
 * Run: `node --import tsx --expose-gc bench/trace-bench.ts [trace-file]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseTrace } from '../shared/ingest/gotrace/parse-trace.ts';
import { summarizeTrace } from '../shared/query/trace/trace-summary.ts';
import { BENCH_DATA } from '../shared/test-support/fixtures.ts';

const GO_ANCHOR_MS = 24_500; // README: go1.27.4 `go tool trace -pprof=sync`, this machine class
const RSS_LIMIT = 1.5e9;

const arg = process.argv[2];
const raw = arg ? readFileSync(arg) : gunzipSync(readFileSync(join(BENCH_DATA, 'big-go1.27.trace.gz')));
const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);

const t0 = performance.now();
let lastPct = -1;
const src = parseTrace(bytes, {
  onProgress: (f) => {
    peak = Math.max(peak, process.memoryUsage().rss);
    const pct = Math.floor(f * 10);
    if (pct !== lastPct) lastPct = pct;
  },
});
const figures = summarizeTrace(src);
const ms = performance.now() - t0;
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sampler);

console.log(`trace ${(bytes.length / 1e6).toFixed(1)} MB → figures in ${(ms / 1000).toFixed(2)} s, peak RSS ${(peak / 1e9).toFixed(2)} GB`);
console.log(JSON.stringify(figures));
console.log(
  `transitions ${src.model.transitions.count}, goroutines ${src.model.goroutines.count}, stacks ${src.model.stacks.stackCount}, ` +
    `${((bytes.length / ms) * 1000 / 1e6).toFixed(1)} MB/s`,
);

// Go, measured now, when a toolchain that reads this trace version is on PATH.
let goMs: number | null = null;
const which = spawnSync('go', ['version'], { encoding: 'utf8' });
if (which.status !== 0) {
  console.log('go not found, skipped');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'trace-bench-'));
  const file = join(dir, 'trace.out');
  writeFileSync(file, bytes);
  const g0 = performance.now();
  const r = spawnSync('go', ['tool', 'trace', '-pprof=sync', file], { encoding: 'buffer', maxBuffer: 1 << 30 });
  const gms = performance.now() - g0;
  rmSync(dir, { recursive: true, force: true });
  if (r.status === 0) goMs = gms;
  else console.log(`${which.stdout.trim()} cannot read this trace (${String(r.stderr).trim().split('\n')[0]}), skipped`);
}
const ref = goMs ?? GO_ANCHOR_MS;
const ratio = ms / ref;
console.log(
  `ratio vs go tool trace -pprof=sync (${goMs === null ? 'README anchor' : 'measured'} ${(ref / 1000).toFixed(1)} s): ${ratio.toFixed(3)} ` +
    `(target ≤ 0.5) ${ratio <= 0.5 ? 'OK' : 'SLOW'}; RSS ${peak <= RSS_LIMIT ? 'OK' : 'OVER'} (limit 1.5 GB)`,
);
