/**
 * The whole UI on big real inputs ("big files open fast without freezing the window"):
 *
 *  engine  in-process: parse once, then time `runQuery(src, q)` for every query the views send on
 *          the big trace, the big heap profile and a synthetic ~3,000-snapshot ss capture
 *          (target: every query < 300 ms);
 *  ui      `tracedeck serve` with the three files, Chromium driven through first paint of every
 *          panel, a brush (blocking view, heat map, flame graph, what-changed all updated), a
 *          goroutine group's lanes scrolled (frames < 50 ms, requestAnimationFrame in the page),
 *          flame profile switches and a zoom (target: every step < 1 s once data is ready).
 *
 * Run: `npm run bench ui` or `node --import tsx --expose-gc bench/ui-bench.ts [engine|ui]` (both by
 * default). SS_COPIES (default 50 copies of timewait-storm-go1.27's 60 snapshots) sizes the capture;
 * it is written to a temp dir and removed at exit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestBytes } from '../shared/ingest/ingest.ts';
import type { ParsedSource } from '../shared/model/source.ts';
import type { SourceQuery } from '../shared/query/query-types.ts';
import { runQuery } from '../shared/query/run-query.ts';
import { BENCH_DATA } from '../shared/test-support/fixtures.ts';
import { repeatedCapture } from './repeated-capture.ts';

const TRACE = join(BENCH_DATA, 'big-go1.27.trace.gz');
const HEAP = join(BENCH_DATA, 'big-heap-go1.27.pb.gz');
const TRACE_CPU = join(BENCH_DATA, 'big-go1.27-trace-cpu.pb.gz');
const SS_COPIES = Number(process.env.SS_COPIES ?? 50);
const QUERY_TARGET_MS = 300;

const phases = process.argv.slice(2).filter((a) => a === 'engine' || a === 'ui');
const run = (p: 'engine' | 'ui') => phases.length === 0 || phases.includes(p);

const fmtMs = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
const verdict = (ms: number, target: number) => (ms <= target ? 'ok' : `SLOW (target ≤ ${target} ms)`);
let slow = 0;
function report(label: string, ms: number, target: number, extra = ''): void {
  if (ms > target) slow++;
  console.log(`  ${label.padEnd(58)} ${fmtMs(ms)}  ${verdict(ms, target)}${extra ? `  ${extra}` : ''}`);
}

const tmp = mkdtempSync(join(tmpdir(), 'ui-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const ssBytes = repeatedCapture('scenarios/timewait-storm-go1.27/ss-capture.txt.gz', SS_COPIES);
const SS_FILE = join(tmp, `ss-capture-x${SS_COPIES}.txt`);
writeFileSync(SS_FILE, ssBytes);
console.log(`synthetic ss capture: ${SS_COPIES} × timewait-storm-go1.27 = ${SS_COPIES * 60} snapshots, ${(ssBytes.length / 1e6).toFixed(0)} MB`);

// ---- engine ----------------------------------------------------------------------------------------

let parseMs = 0;
async function parse(label: string, bytes: Uint8Array): Promise<ParsedSource> {
  const t0 = performance.now();
  const src = await ingestBytes(bytes);
  parseMs = performance.now() - t0;
  console.log(`  parse ${label.padEnd(52)} ${fmtMs(parseMs)}`);
  return src;
}

/** Times one query: first call (cold caches) and the best of two more (warm). */
function timeQuery(src: ParsedSource, label: string, q: SourceQuery): void {
  const t0 = performance.now();
  runQuery(src, q);
  const cold = performance.now() - t0;
  let warm = Infinity;
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    runQuery(src, q);
    warm = Math.min(warm, performance.now() - t);
  }
  report(label, cold, QUERY_TARGET_MS, `warm ${warm.toFixed(0)} ms`);
}

async function engine(): Promise<void> {
  console.log('\nengine queries (in-process runQuery; cold = first call)');
  const trace = await parse('big-go1.27.trace.gz', new Uint8Array(readFileSync(TRACE)));
  if (trace.kind !== 'gotrace') throw new Error('not a trace');
  const m = trace.model;
  console.log(`  (trace: ${m.transitions.count.toLocaleString()} transitions, ${m.goroutines.count} goroutines, ${((m.endNs - m.startNs) / 1e9).toFixed(1)} s)`);
  const mid = (m.startNs + m.endNs) / 2;
  const oneSec = { startNs: mid - 0.5e9, endNs: mid + 0.5e9 };
  {
    // Ready → every view's first answer (the track, the blocking view's groups, the first brush's
    // what-changed), as the engine answers them one after another. Target ≤ 1.5× the parse.
    const t0 = performance.now();
    runQuery(trace, { type: 'track', maxPoints: 1400 });
    runQuery(trace, { type: 'traceGoroutineGroups', limit: 300 });
    runQuery(trace, { type: 'whatChangedPart', sourceId: 't', a: oneSec, b: [{ startNs: m.startNs, endNs: oneSec.startNs }, { startNs: oneSec.endNs, endNs: m.endNs }] });
    const ms = performance.now() - t0;
    report('trace: ready → every view answered (+ parse, ratio to parse)', ms, parseMs * 0.5, `= ${((parseMs + ms) / parseMs).toFixed(2)}× parse (target ≤ 1.5×)`);
    const view = { startNs: mid - 0.05e9, endNs: mid + 0.05e9 };
    timeQuery(trace, 'trace: track of a 100 ms window (a zoomed timeline)', { type: 'track', maxPoints: 1400, range: view });
  }
  const fiveSec = { startNs: mid - 2.5e9, endNs: mid + 2.5e9 };
  const whole = { startNs: m.startNs, endNs: m.endNs };
  timeQuery(trace, 'trace: track (maxPoints 1400)', { type: 'track', maxPoints: 1400 });
  timeQuery(trace, 'trace: traceGoroutineGroups, whole trace', { type: 'traceGoroutineGroups' });
  timeQuery(trace, 'trace: traceGoroutineGroups, 1 s range', { type: 'traceGoroutineGroups', range: oneSec });
  timeQuery(trace, 'trace: traceGoroutineGroups, 5 s range', { type: 'traceGoroutineGroups', range: fiveSec });
  const ids = Array.from(m.goroutines.id.subarray(0, 2000));
  timeQuery(trace, `trace: goroutineLanes, ${ids.length} ids, whole trace`, { type: 'goroutineLanes', ids });
  timeQuery(trace, `trace: goroutineLanes, ${ids.length} ids, 1 s range`, { type: 'goroutineLanes', ids, range: oneSec });
  // What the blocking view asks: the rows in view, 48 goroutines a chunk, at 1,280 cells.
  const chunk = ids.slice(0, 48);
  timeQuery(trace, 'trace: goroutineLanes, 48 ids at 1280 px, whole trace', { type: 'goroutineLanes', ids: chunk, resolutionNs: (m.endNs - m.startNs) / 1280 });
  timeQuery(trace, 'trace: goroutineLanes, 48 ids at 1280 px, 1 s range', { type: 'goroutineLanes', ids: chunk, range: oneSec, resolutionNs: 1e9 / 1280 });
  const rest = [
    { startNs: m.startNs, endNs: oneSec.startNs },
    { startNs: oneSec.endNs, endNs: m.endNs },
  ];
  timeQuery(trace, 'trace: whatChangedPart, 1 s vs rest', { type: 'whatChangedPart', sourceId: 't', a: oneSec, b: rest });
  for (const profile of ['sync', 'net', 'syscall', 'sched', 'cpu']) {
    timeQuery(trace, `trace: callTree ${profile}, 1 s range`, { type: 'callTree', profile, range: oneSec, maxNodes: 4000 });
  }
  timeQuery(trace, 'trace: callTree sync, whole trace', { type: 'callTree', profile: 'sync', range: whole, maxNodes: 4000 });
  timeQuery(trace, 'trace: topTable sync, 1 s range', { type: 'topTable', profile: 'sync', range: oneSec, limit: 200 });
  if (process.env.UI_BENCH_PLAIN) {
    // The same queries as plain walks from the first transition (before the transition index).
    const ref = await import('../shared/test-support/trace-reference.ts');
    const t = (label: string, f: () => unknown) => {
      const t0 = performance.now();
      f();
      report(`PLAIN ${label}`, performance.now() - t0, QUERY_TARGET_MS);
    };
    // (Goroutine groups and lanes are checked against Go's figures now: no plain walk of theirs is kept.)
    t('blockingProfile sync, 1 s range', () => ref.plainBlockingProfile(m, 'sync', oneSec));
    t('blockingTotals ×4 kinds, 1 s range', () => ref.plainBlockingTotals(m, ['sync', 'net', 'syscall', 'sched'], oneSec));
  }

  const heap = await parse('big-heap-go1.27.pb.gz', new Uint8Array(readFileSync(HEAP)));
  timeQuery(heap, 'heap: track', { type: 'track', maxPoints: 1400 });
  timeQuery(heap, 'heap: stackProfiles', { type: 'stackProfiles' });
  timeQuery(heap, 'heap: callTree (default type)', { type: 'callTree', maxNodes: 4000 });
  timeQuery(heap, 'heap: callTree alloc_space', { type: 'callTree', profile: 'alloc_space', maxNodes: 4000 });
  timeQuery(heap, 'heap: topTable', { type: 'topTable', limit: 200 });

  const cpu = await parse('big-go1.27-trace-cpu.pb.gz', new Uint8Array(readFileSync(TRACE_CPU)));
  timeQuery(cpu, 'trace cpu profile: callTree', { type: 'callTree', maxNodes: 4000 });

  const ss = await parse(`ss capture ×${SS_COPIES}`, ssBytes);
  if (ss.kind !== 'ss') throw new Error('not an ss capture');
  const sm = ss.model;
  console.log(`  (ss: ${sm.snapshotCount.toLocaleString()} snapshots, ${sm.sockets.length.toLocaleString()} socket rows)`);
  const smid = (ss.startNs + ss.endNs) / 2;
  const sRange = { startNs: smid - 30e9, endNs: smid + 30e9 };
  timeQuery(ss, 'ss: track (maxPoints 1400)', { type: 'track', maxPoints: 1400 });
  timeQuery(ss, 'ss: summary', { type: 'summary' });
  timeQuery(ss, 'ss: heatmap states, 600 bins, whole', { type: 'heatmap', bins: 600, mode: 'state' });
  timeQuery(ss, 'ss: heatmap states, 600 bins, 60 s range', { type: 'heatmap', bins: 600, mode: 'state', range: sRange });
  timeQuery(ss, 'ss: heatmap peers TIME-WAIT, 600 bins', { type: 'heatmap', bins: 600, mode: 'peer', state: 'TIME-WAIT', topN: 10 });
  timeQuery(ss, 'ss: whatChangedPart, 60 s vs rest', {
    type: 'whatChangedPart',
    sourceId: 's',
    a: sRange,
    b: [
      { startNs: ss.startNs, endNs: sRange.startNs },
      { startNs: sRange.endNs, endNs: ss.endNs },
    ],
  });
}

if (run('engine')) await engine();
if (run('ui')) {
  const { ui } = await import('./ui-bench-browser.ts');
  slow += await ui({ trace: TRACE, heap: HEAP, ss: SS_FILE }, report);
}
console.log(slow ? `\n${slow} step(s) over target` : '\nall steps within target');
