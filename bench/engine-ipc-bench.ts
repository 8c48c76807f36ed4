/**
 * What moving query results between the host and an engine process costs (engines are processes since
 * they isolate crashes; they were worker threads before).
 *
 * 1. Transport alone: a result holding one Float64Array of n values, sent from a forked child with V8's
 *    serializer ('advanced', what engine-process.ts uses) and with JSON, and from a worker thread.
 * 2. A real engine: flame-graph queries on a real profile through the engine process, against the
 *    same query run in this process (the difference is what crossing costs).
 *
 *   node --import tsx bench/engine-ipc-bench.ts
 */
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DATA, fixturePath } from '../shared/test-support/fixtures.ts';
import { startEngine, disposeSpareWorkers } from '../electron/host/engine.ts';
import { buildWorkerBundle } from '../electron/worker-build.ts';
import { ENGINE_WORKER_DIST } from '../electron/paths.ts';
import { ingestBytes } from '../shared/ingest/ingest.ts';
import { runQuery } from '../shared/query/run-query.ts';
import type { SourceQuery } from '../shared/query/query-types.ts';

const here = fileURLToPath(import.meta.url);
const payload = (n: number) => ({ type: 'result', reqId: 1, result: { values: new Float64Array(n).map((_, i) => i * 1.5), n } });

if (process.argv[2] === '--child') {
  // Replies to each request with a result of n float64 values.
  process.on('message', (m: { n: number }) => process.send!(payload(m.n)));
} else {
  await main();
}

async function timeRoundTrips(send: (n: number) => void, onReply: (fn: () => void) => void, n: number, reps: number): Promise<number> {
  let done!: () => void;
  onReply(() => done());
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await new Promise<void>((r) => {
      done = r;
      send(n);
    });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

async function main() {
  console.log('1. transport: median round trip for a result of n float64 values');
  const sizes = [1e4, 1e5, 1e6, 8e6];
  for (const serialization of ['advanced', 'json'] as const) {
    const child = fork(here, ['--child'], { execArgv: ['--import', 'tsx'], serialization });
    const row: string[] = [];
    for (const n of sizes) {
      if (serialization === 'json' && n > 1e6) break; // JSON of a typed array is an object of n keys
      const ms = await timeRoundTrips((k) => child.send({ n: k }), (fn) => child.on('message', fn), n, n >= 1e6 ? 5 : 20);
      child.removeAllListeners('message');
      row.push(`n=${n.toExponential(0)}: ${ms.toFixed(1)} ms`);
    }
    console.log(`  fork, ${serialization.padEnd(8)} ${row.join('  ')}`);
    child.kill();
  }
  const worker = new Worker(`const { parentPort } = require('node:worker_threads');
    parentPort.on('message', (m) => parentPort.postMessage({ type: 'result', reqId: 1, result: { values: new Float64Array(m.n).map((_, i) => i * 1.5), n: m.n } }));`, { eval: true });
  const row: string[] = [];
  for (const n of sizes) {
    const ms = await timeRoundTrips((k) => worker.postMessage({ n: k }), (fn) => worker.on('message', fn), n, n >= 1e6 ? 5 : 20);
    worker.removeAllListeners('message');
    row.push(`n=${n.toExponential(0)}: ${ms.toFixed(1)} ms`);
  }
  console.log(`  worker thread   ${row.join('  ')}`);
  await worker.terminate();
  // (Each includes making the array in the child: the same work in every row.)

  const big = join(BENCH_DATA, 'big-heap-go1.27.pb.gz');
  const path = existsSync(big) ? big : fixturePath('scenarios/cpu-pool-go1.27/cpu.pb.gz');
  console.log(`\n2. flame-graph queries on ${path}: engine process vs in this process (median of 10)`);
  await buildWorkerBundle(ENGINE_WORKER_DIST);
  const engine = startEngine(ENGINE_WORKER_DIST, { path }, () => {});
  await engine.ready;
  const src = await ingestBytes(new Uint8Array(readFileSync(path)));
  const queries: [string, SourceQuery][] = [
    ['callTree', { type: 'callTree', maxNodes: 4000 }],
    ['callTree inverted', { type: 'callTree', inverted: true, maxNodes: 4000 }],
    ['topTable', { type: 'topTable', limit: 200 }],
    ['exportStacks (diffs)', { type: 'exportStacks' }],
  ];
  for (const [label, q] of queries) {
    const median = async (fn: () => Promise<unknown> | unknown) => {
      const ts: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        await fn();
        ts.push(performance.now() - t0);
      }
      return ts.sort((a, b) => a - b)[5]!;
    };
    const bytes = JSON.stringify(runQuery(src, q)).length;
    const viaEngine = await median(() => engine.query(q));
    const inProcess = await median(() => runQuery(src, q));
    console.log(`  ${label.padEnd(20)} engine ${viaEngine.toFixed(1)} ms, in process ${inProcess.toFixed(1)} ms (result ≈ ${(bytes / 1024).toFixed(0)} KiB as JSON)`);
  }
  engine.dispose();
  disposeSpareWorkers();
}
