/**
 * `tracedeck inspect` as a user runs it (a fresh `node bin/tracedeck.mjs` process: the pre-bundled
 * CLI, one engine process per file) against Go's own tools on the same files, wall time:
 *   the 105 MB trace      ≤ 0.15 × `go tool trace -pprof=sync`
 *   the 700k-stack heap   ≤ 0.25 × `go tool pprof -top`
 * and the same CLI run from source under tsx (TRACEDECK_FROM_SOURCE=1), to show what the bundle saves.
 * Run: `node --import tsx bench/cli-bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { BENCH_DATA } from '../shared/test-support/fixtures.ts';

const BIN = fileURLToPath(new URL('../bin/tracedeck.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cli-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const trace = join(dir, 'big-go1.27.trace');
writeFileSync(trace, gunzipSync(readFileSync(join(BENCH_DATA, 'big-go1.27.trace.gz'))));
const heap = join(BENCH_DATA, 'big-heap-go1.27.pb.gz');

function timed(cmd: string, args: string[], env: Record<string, string> = {}): number | null {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'buffer', maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    console.log(`  ${cmd} ${args.join(' ')} failed: ${String(r.stderr ?? r.error).trim().split('\n')[0]}`);
    return null;
  }
  return ms;
}

// Built (or found fresh) first, so no run below pays the build.
timed(process.execPath, [BIN, '--help']);
const hasGo = spawnSync('go', ['version']).status === 0;

for (const [label, file, goArgs, target] of [
  ['105 MB trace', trace, ['tool', 'trace', '-pprof=sync', trace], 0.15],
  ['700k-stack heap', heap, ['tool', 'pprof', '-top', heap], 0.25],
] as const) {
  const ours = timed(process.execPath, [BIN, 'inspect', file]);
  const fromSource = timed(process.execPath, [BIN, 'inspect', file], { TRACEDECK_FROM_SOURCE: '1' });
  const go = hasGo ? timed('go', [...goArgs]) : null;
  const s = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
  console.log(`inspect ${label}: ${s(ours)} bundled, ${s(fromSource)} from source under tsx; go ${goArgs.slice(0, 3).join(' ')}: ${s(go)}`);
  if (ours !== null && go !== null) {
    const r = ours / go;
    console.log(`  ratio ${r.toFixed(3)} (target ≤ ${target}) ${r <= target ? 'OK' : 'SLOW'}`);
  } else if (!hasGo) console.log('  go not found, ratio skipped');
}
