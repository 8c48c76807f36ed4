/**
 * Trace timeline queries on the big trace (105 MB): the lane indexes built on the first window, then
 * ms per window query (median of repeated pans) for the whole trace and a 1 ms zoom, every P lane +
 * the 20 busiest goroutine lanes at 1,500 pixels; slice detail and goroutine search per call.
 * Target (issue 14): a window well inside a 16 ms frame. Times are CPU ms of this process (a shared
 * machine's wall time counts the time waiting for a core).
 * Run: `node --import tsx --expose-gc bench/timeline-bench.ts [trace-file]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseTrace } from '../shared/ingest/gotrace/parse-trace.ts';
import { transitionIndex } from '../shared/query/trace/transition-index.ts';
import { searchGoroutines } from '../shared/query/trace/timeline/search-goroutines.ts';
import { timelineSliceDetail } from '../shared/query/trace/timeline/slice-detail.ts';
import type { LaneRuns } from '../shared/query/trace/timeline/lane-runs.ts';
import { procLanes } from '../shared/query/trace/timeline/timeline-index.ts';
import { threadLanes } from '../shared/query/trace/timeline/timeline-threads.ts';
import type { LaneRef, TimelineWindowArgs } from '../shared/query/trace/timeline/timeline-types.ts';
import { timelineOverview, timelineWindow } from '../shared/query/trace/timeline/timeline-window.ts';
import { BENCH_DATA } from '../shared/test-support/fixtures.ts';

const PIXELS = 1500;
const REPEAT = 30;
const FRAME_MS = 16;

const arg = process.argv[2];
const raw = arg ? readFileSync(arg) : gunzipSync(readFileSync(join(BENCH_DATA, 'big-go1.27.trace.gz')));
const t0 = performance.now();
const model = parseTrace(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)).model;
console.log(`trace ${(raw.length / 1e6).toFixed(1)} MB parsed in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${model.transitions.count} transitions, ${model.goroutines.count} goroutines`);

/** CPU ms of the call (this process's user + system time: the machine may be shared, wall time would count waiting). */
const time = <T>(f: () => T): [T, number] => {
  const s = process.cpuUsage();
  const r = f();
  const d = process.cpuUsage(s);
  return [r, (d.user + d.system) / 1000];
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

// The 20 goroutines with the most transitions (the lanes a reader zooms into).
const ix = transitionIndex(model);
const busiest = [...ix.rowOfId]
  .map(([id, row]) => [id, ix.gStart[row + 1]! - ix.gStart[row]!] as const)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 20)
  .map(([id]) => id);
const heapNow = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
};
const before = heapNow();
const [overview, overviewMs] = time(() => timelineOverview(model));
console.log(
  `overview (builds the P and thread lanes): ${overviewMs.toFixed(0)} ms, ${overview.procs.length} P lanes, ${overview.threads.length} thread lanes, ` +
    `indexes ${((heapNow() - before) / 1e6).toFixed(0)} MB`,
);
/** Bytes of a lane index's typed columns (what the heap holds for it, whatever the GC timing). */
const laneBytes = (runs: Iterable<LaneRuns>) => {
  let b = 0;
  for (const r of runs) for (const a of [r.start, r.end, r.kind, r.g, r.label, r.src, r.blockG, ...r.cum]) b += a ? a.byteLength : 0;
  return b;
};
const runsOf = (m: Map<number, LaneRuns>) => [...m.values()].reduce((a, r) => a + r.n, 0);
console.log(
  `P lanes ${(laneBytes(procLanes(model).values()) / 1e6).toFixed(0)} MB (${runsOf(procLanes(model))} runs), ` +
    `thread lanes ${(laneBytes(threadLanes(model).values()) / 1e6).toFixed(0)} MB (${runsOf(threadLanes(model))} runs); ` +
    `process heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB + array buffers ${(process.memoryUsage().arrayBuffers / 1e6).toFixed(0)} MB, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
);
const lanes: LaneRef[] = [
  ...[...procLanes(model).keys()].map((id) => ({ kind: 'proc' as const, id })),
  ...overview.threads.map((t) => ({ kind: 'thread' as const, id: t.id })),
  ...busiest.map((id) => ({ kind: 'goroutine' as const, id })),
];

function bench(name: string, lo: number, hi: number): void {
  const span = hi - lo;
  const args = (shift: number): TimelineWindowArgs => ({
    range: { startNs: lo + shift, endNs: hi + shift },
    resolutionNs: span / PIXELS,
    lanes,
  });
  const [first, firstMs] = time(() => timelineWindow(model, args(0)));
  const ms: number[] = [];
  let slices = 0;
  for (let i = 0; i < REPEAT; i++) {
    // Pans by a few pixels, as a drag does (new windows each time: computed, not cached).
    const shift = ((i + 1) * span) / (span < (model.endNs - model.startNs) / 2 ? 50 : 1000);
    const [w, t] = time(() => timelineWindow(model, args(shift)));
    ms.push(t);
    slices = w.lanes.reduce((a, l) => a + l.start.length, 0) + w.gc.start.length;
  }
  const med = median(ms);
  console.log(
    `${name}: first ${firstMs.toFixed(1)} ms (${first.lanes.length} lanes); then median ${med.toFixed(2)} ms per query, max ${Math.max(...ms).toFixed(1)} ms, ` +
      `${slices} slices (${(slices / lanes.length / PIXELS).toFixed(2)} per pixel per lane) ${med <= FRAME_MS ? 'OK' : 'SLOW'} (target ≤ ${FRAME_MS} ms)`,
  );
}

bench('whole trace', model.startNs, model.endNs);
{
  // The same window again with its lane list scrolled by one lane: only the new lane is computed.
  const span = model.endNs - model.startNs;
  const again = (ls: LaneRef[]) => time(() => timelineWindow(model, { range: { startNs: model.startNs, endNs: model.endNs }, resolutionNs: span / PIXELS, lanes: ls }))[1];
  again(lanes);
  const other = busiest.length ? [...ix.rowOfId.keys()].find((id) => !busiest.includes(id)) : undefined;
  const scrolled = other === undefined ? lanes : [...lanes.slice(1), { kind: 'goroutine' as const, id: other }];
  console.log(`whole trace, lane list scrolled by one lane: ${again(scrolled).toFixed(2)} ms`);
}
console.log(`memory of every timeline index (P, thread, 20 goroutine lanes, flows, series): ${((heapNow() - before) / 1e6).toFixed(0)} MB`);
const mid = (model.startNs + model.endNs) / 2;
bench('1 ms zoom', mid, mid + 1e6);

const detailMs: number[] = [];
for (let i = 0; i < REPEAT; i++) {
  const t = model.startNs + ((i + 0.5) / REPEAT) * (model.endNs - model.startNs);
  detailMs.push(time(() => timelineSliceDetail(model, { lane: { kind: 'goroutine', id: busiest[i % busiest.length]! }, t }))[1]);
}
console.log(`slice detail: median ${median(detailMs).toFixed(2)} ms (first ${detailMs[0]!.toFixed(1)} ms)`);
const searchMs = ['1', '42', 'main', 'worker', 'http'].map((text) => time(() => searchGoroutines(model, { text, limit: 50 }))[1]);
console.log(`search goroutines: first ${searchMs[0]!.toFixed(0)} ms (Go's summary names, once), then ${searchMs.slice(1).map((x) => x.toFixed(1)).join(' / ')} ms`);
