/**
 * The timeline's window query: the asked lanes, GC, spans, logs, CPU samples, heap and goroutine
 * count in one time range at the drawing's resolution, and the overview of the lanes a trace has.
 *
 * Everything is read from per-lane indexes built once per model (timeline-index.ts) by binary search,
 * and every lane is summarised per pixel (lane-runs.ts): a window's answer is O(pixels × lanes), the
 * same for a 1 ms zoom as for the whole of a 1 GB trace.
 */
import type { TraceModel } from '../../../model/trace.ts';
import { transitionIndex } from '../transition-index.ts';
import { laneSlicesAt } from './lane-levels.ts';
import { gOf, KIND_COUNT, kindTotals, type LaneRuns, type SliceSink } from './lane-runs.ts';
import {
  gcLane,
  goroutineCountIndex,
  goroutineRuns,
  heapSeriesIndex,
  K_ASSIST,
  K_RUNNING,
  labelTable,
  assistRanges,
  NO_PROC_ID,
  procLanes,
  regionGroups,
  SERIES_BLOCK,
  seriesForResolution,
  taskGroup,
  timeOrder,
  type LabelTable,
  type RegionGroup,
  type StepSeries,
} from './timeline-index.ts';
import { wakeFlows } from './timeline-flows.ts';
import { threadLanes } from './timeline-threads.ts';
import type { LaneRef, LaneSlices, TimelineOverview, TimelineWindow, TimelineWindowArgs } from './timeline-types.ts';

/** At most this many pixel columns per window, whatever resolution is asked (a bound, not a view). */
export const MAX_COLUMNS = 100_000;
const SPAN_LIMIT = 20_000;
const LOG_LIMIT = 2_000;
const LOGS_PER_COLUMN = 4;
const FLOW_LIMIT = 500;
/** How far back the innermost-region lookup walks among earlier siblings. */
const REGION_WALK = 64;

/** The lane's runs, or null when the trace has no such lane. */
export function laneRuns(model: TraceModel, lane: LaneRef): LaneRuns | null {
  switch (lane.kind) {
    case 'proc':
      return procLanes(model).get(lane.id < 0 ? NO_PROC_ID : lane.id) ?? null;
    case 'thread':
      return threadLanes(model).get(lane.id) ?? null;
    case 'goroutine': {
      const row = transitionIndex(model).rowOfId.get(lane.id);
      return row === undefined ? null : goroutineRuns(model, row);
    }
  }
}

/** Window-local label list: each model label id used gets one index. */
class WindowLabels {
  names: string[] = [];
  private at = new Map<number, number>();
  constructor(private readonly table: LabelTable) {}
  of(id: number): number {
    if (id < 0) return -1;
    let k = this.at.get(id);
    if (k === undefined) {
      k = this.names.length;
      this.names.push(this.table.names[id]!);
      this.at.set(id, k);
    }
    return k;
  }
}

/** The innermost user region of goroutine `gid` open at t (label id), or -1. */
function regionLabelAt(model: TraceModel, labels: LabelTable, gid: number, t: number): number {
  const grp = regionGroups(model).get(gid);
  if (!grp) return -1;
  let a = 0;
  let b = grp.start.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (grp.start[m]! <= t) a = m + 1;
    else b = m;
  }
  for (let k = a - 1, walked = 0; k >= 0 && walked < REGION_WALK && grp.maxEnd[k]! > t; k--, walked++) {
    if (grp.end[k]! > t) return labels.ofModelString(model.regions.type[grp.rows[k]!]!);
  }
  return -1;
}

/** A lane's slices with model label ids (the window maps them to its own label list). */
interface CachedLane {
  start: number[];
  end: number[];
  kind: number[];
  g: number[];
  labelId: number[];
  merged: number[];
  kindNs: number[];
}

/**
 * The last lanes computed, per model, by (lane, window, resolution, colouring): a view that scrolls its
 * lane list or redraws asks the same window again, and only the lanes it did not have are computed.
 */
const laneCaches = new WeakMap<TraceModel, Map<string, CachedLane>>();
const LANES_CACHED = 128;
/** Lane keys asked once (not cached yet), per model. */
const seenOnce = new WeakMap<TraceModel, Set<string>>();
const SEEN_KEPT = 4096;

function computeLane(model: TraceModel, runs: LaneRuns, lo: number, hi: number, res: number, byRegion: boolean): CachedLane {
  const out: CachedLane = { start: [], end: [], kind: [], g: [], labelId: [], merged: [], kindNs: [] };
  const ids = model.goroutines.id;
  const table = labelTable(model);
  const sink: SliceSink = {
    push(s, e, kind, gRow, label, merged) {
      const gid = gRow >= 0 ? ids[gRow]! : -1;
      let lab = label;
      if (byRegion && kind === K_RUNNING && gid >= 0) {
        const r = regionLabelAt(model, table, gid, s);
        if (r >= 0) lab = r;
      }
      out.start.push(s);
      out.end.push(e);
      out.kind.push(kind);
      out.g.push(gid);
      out.labelId.push(lab);
      out.merged.push(merged);
    },
  };
  laneSlicesAt(runs, lo, hi, res, sink, (i) => table.ofGoroutine(gOf(runs, i)));
  out.kindNs = kindTotals(runs, lo, hi);
  return out;
}

function laneSlices(
  model: TraceModel,
  lane: LaneRef,
  runs: LaneRuns | null,
  lo: number,
  hi: number,
  res: number,
  labels: WindowLabels,
  byRegion: boolean,
  /** What the lane is cached as (the GC lane is not a P lane). */
  tag = `${lane.kind}:${lane.id}`,
): LaneSlices {
  if (!runs) return { lane, start: [], end: [], kind: [], g: [], label: [], merged: [], kindNs: new Array<number>(KIND_COUNT).fill(0) };
  let cache = laneCaches.get(model);
  if (!cache) laneCaches.set(model, (cache = new Map()));
  const key = `${tag}|${lo}|${hi}|${res}|${byRegion ? 'r' : 'g'}`;
  let c = cache.get(key);
  if (!c) {
    c = computeLane(model, runs, lo, hi, res, byRegion);
    // Kept from its second asking on: a pan asks every window once, and then costs no copies.
    let seen = seenOnce.get(model);
    if (!seen) seenOnce.set(model, (seen = new Set()));
    if (!seen.has(key)) {
      if (seen.size >= SEEN_KEPT) seen.clear();
      seen.add(key);
      return { lane, start: c.start, end: c.end, kind: c.kind, g: c.g, label: c.labelId.map((id) => labels.of(id)), merged: c.merged, kindNs: c.kindNs };
    }
    if (cache.size >= LANES_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, c);
  }
  // Copies: a caller may keep or change its answer.
  return { lane, start: c.start.slice(), end: c.end.slice(), kind: c.kind.slice(), g: c.g.slice(), label: c.labelId.map((id) => labels.of(id)), merged: c.merged.slice(), kindNs: c.kindNs.slice() };
}

/** The first i ≥ from with t[i] > x (strict: true) or t[i] >= x; galloping from `from` (columns move forward). */
function bound(t: Float64Array, x: number, strict: boolean, from: number): number {
  // (No closure for "before x": this runs twice per pixel column.)
  let a = from;
  let step = 1;
  while (a + step < t.length && (t[a + step]! < x || (strict && t[a + step] === x))) {
    a += step;
    step *= 2;
  }
  let b = Math.min(a + step, t.length);
  while (a < b) {
    const m = (a + b) >>> 1;
    if (t[m]! < x || (strict && t[m] === x)) a = m + 1;
    else b = m;
  }
  return a;
}

/** Max of v over points [i, j). */
function rangeMax(s: StepSeries, i: number, j: number): number {
  let mx = -Infinity;
  while (i < j && i % SERIES_BLOCK !== 0) mx = Math.max(mx, s.v[i++]!);
  while (i + SERIES_BLOCK <= j) {
    mx = Math.max(mx, s.blockMax[i / SERIES_BLOCK]!);
    i += SERIES_BLOCK;
  }
  while (i < j) mx = Math.max(mx, s.v[i++]!);
  return mx;
}

/**
 * A step series at one point per pixel column that has something: the column's first column, and
 * each column holding a change, valued at the highest level the series reached in it.
 */
function seriesColumns(s: StepSeries, lo: number, hi: number, res: number): { t: number[]; v: number[] } {
  const out = { t: [] as number[], v: [] as number[] };
  const n = s.t.length;
  if (!n || !(hi > lo)) return out;
  const cols = Math.ceil((hi - lo) / res);
  let col = 0;
  let i = bound(s.t, lo, true, 0) - 1; // the point in effect at the column's start (-1: none yet)
  while (col < cols) {
    const a = lo + col * res;
    i = bound(s.t, a, true, Math.max(i, 0)) - 1;
    const j = bound(s.t, Math.min(a + res, hi), false, Math.max(i, 0)); // points before the column's end
    if (j > i + 1 || (i >= 0 && col === 0)) {
      out.t.push(a);
      out.v.push(rangeMax(s, Math.max(i, 0), j));
    }
    // The columns up to the next change hold the step: skip them.
    if (j >= n) break;
    col = Math.max(col + 1, Math.floor((s.t[j]! - lo) / res));
  }
  return out;
}

function cpuColumns(model: TraceModel, lo: number, hi: number, res: number): TimelineWindow['cpuSamples'] {
  const cs = model.cpuSamples;
  const out = { t: [] as number[], n: [] as number[], p: [] as number[] };
  if (!cs.count) return out;
  const order = timeOrder(model, 'cpuSamples', cs.t, cs.count);
  const at = (k: number) => cs.t[order[k]!]!;
  const lowerK = (x: number) => {
    let a = 0;
    let b = cs.count;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (at(m) < x) a = m + 1;
      else b = m;
    }
    return a;
  };
  let k = lowerK(lo);
  while (k < cs.count && at(k) < hi) {
    const col = Math.floor((at(k) - lo) / res);
    const a = lo + col * res;
    const e = lowerK(Math.min(a + res, hi));
    out.t.push(a);
    out.n.push(Math.max(1, e - k));
    out.p.push(cs.p[order[k]!]!);
    k = Math.max(e, k + 1);
  }
  return out;
}

function logsIn(model: TraceModel, lo: number, hi: number, res: number): TimelineWindow['logs'] {
  const lg = model.logs;
  const out: TimelineWindow['logs'] = [];
  if (!lg.count) return out;
  const order = timeOrder(model, 'logs', lg.t, lg.count);
  let a = 0;
  let b = lg.count;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (lg.t[order[m]!]! < lo) a = m + 1;
    else b = m;
  }
  const firstFrom = (x: number, from: number) => {
    let l = from;
    let r = lg.count;
    while (l < r) {
      const m = (l + r) >>> 1;
      if (lg.t[order[m]!]! < x) l = m + 1;
      else r = m;
    }
    return l;
  };
  let col = -1;
  let inCol = 0;
  for (let k = a; k < lg.count && out.length < LOG_LIMIT; k++) {
    const i = order[k]!;
    const t = lg.t[i]!;
    if (t >= hi) break;
    const c = Math.floor((t - lo) / res);
    if (c !== col) [col, inCol] = [c, 0];
    if (inCol++ >= LOGS_PER_COLUMN) {
      // The column is full: go on from the next one.
      k = Math.max(k, firstFrom(lo + (col + 1) * res, k) - 1);
      continue;
    }
    const g = lg.g[i]!;
    out.push({ t, g: g === g ? g : -1, category: model.strings[lg.category[i]!] ?? '', message: model.strings[lg.message[i]!] ?? '' });
  }
  return out;
}

/** The first k whose running max of ends is after lo (the first span that can reach the window). */
function firstEndingAfter(maxEnd: Float64Array, lo: number): number {
  let a = 0;
  let b = maxEnd.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (maxEnd[m]! < lo) a = m + 1;
    else b = m;
  }
  return a;
}

/**
 * A span narrower than a pixel stands for the narrow spans starting in its pixel column after it
 * (whatever their depth; one narrow span per column and goroutine is sent): the index to go on from is the last of them, so a window reads O(pixels)
 * spans however many thousands a pixel holds. A wide span among the next 64 is not skipped; past
 * those (a pixel with thousands of spans) only a wide one right at the column's end is kept.
 */
function narrowSkip(grp: RegionGroup, k: number, lo: number, res: number): number {
  const colEnd = lo + (Math.floor((Math.max(grp.start[k]!, lo) - lo) / res) + 1) * res;
  let j = k;
  while (j + 1 < grp.start.length && grp.start[j + 1]! < colEnd && grp.end[j + 1]! - grp.start[j + 1]! < res && j - k < 64) j++;
  if (j - k < 64) return j;
  // Many: binary search the column's end, then step back over a wide one.
  let a = j;
  let b = grp.start.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (grp.start[m]! < colEnd) a = m + 1;
    else b = m;
  }
  let last = a - 1;
  while (last > k && grp.end[last]! - grp.start[last]! >= res) last--;
  return last;
}

/**
 * Regions of the asked goroutines and tasks overlapping [lo, hi), outer first. Spans narrower than a
 * pixel are sent once per pixel, depth and goroutine (the first there stands for the others).
 */
function spansIn(model: TraceModel, goroutineIds: number[], lo: number, hi: number, res: number): TimelineWindow['spans'] {
  const out: TimelineWindow['spans'] = [];
  const groups = regionGroups(model);
  const pushRegion = (gid: number, row: number, s: number, e: number, depth: number) =>
    out.push({ kind: 'region', id: row, g: gid, type: model.strings[model.regions.type[row]!] ?? '', start: s, end: e, depth });
  for (const gid of goroutineIds) {
    const grp = groups.get(gid);
    if (!grp) continue;
    let lastNarrowCol = -1;
    for (let k = firstEndingAfter(grp.maxEnd, lo); k < grp.start.length && grp.start[k]! < hi && out.length < SPAN_LIMIT; k++) {
      const s = grp.start[k]!;
      const e = grp.end[k]!;
      if (e <= lo && !(e === s && s >= lo)) continue;
      if (e - s < res) {
        const col = Math.floor((Math.max(s, lo) - lo) / res);
        const first = col !== lastNarrowCol;
        lastNarrowCol = col;
        const at = k;
        k = narrowSkip(grp, k, lo, res);
        if (!first) continue;
        pushRegion(gid, grp.rows[at]!, s, e, grp.depth[at]!);
        continue;
      }
      pushRegion(gid, grp.rows[k]!, s, e, grp.depth[k]!);
    }
  }
  const tk = model.tasks;
  const tg = taskGroup(model);
  let lastNarrowCol = -1;
  for (let k = firstEndingAfter(tg.maxEnd, lo); k < tg.start.length && tg.start[k]! < hi && out.length < SPAN_LIMIT; k++) {
    const s = tg.start[k]!;
    const e = tg.end[k]!;
    if (e < lo) continue;
    const at = k;
    if (e - s < res) {
      const col = Math.floor((Math.max(s, lo) - lo) / res);
      const first = col !== lastNarrowCol;
      lastNarrowCol = col;
      k = narrowSkip(tg, k, lo, res);
      if (!first) continue;
    }
    const i = tg.rows[at]!;
    const g = tk.g[i]!;
    out.push({ kind: 'task', id: tk.id[i]!, g: g === g ? g : -1, type: model.strings[tk.type[i]!] ?? '', start: s, end: e, depth: tg.depth[at]! });
  }
  return out;
}

/** Goroutine `gid`'s mark assists overlapping [lo, hi), clipped, those less than `res` apart merged. */
export function assistMarks(model: TraceModel, gid: number, lo: number, hi: number, res: number): NonNullable<LaneSlices['marks']> {
  const out = { start: [] as number[], end: [] as number[], kind: [] as number[] };
  const row = transitionIndex(model).rowOfId.get(gid);
  const a = row === undefined ? undefined : assistRanges(model).get(row);
  if (!a) return out;
  // Ranges of one goroutine never overlap (one assist at a time): ends ascend with starts.
  let x = 0;
  let y = a.end.length;
  while (x < y) {
    const m = (x + y) >>> 1;
    if (a.end[m]! <= lo && !(a.end[m] === a.start[m] && a.start[m]! >= lo)) x = m + 1;
    else y = m;
  }
  for (let k = x; k < a.start.length && a.start[k]! < hi; k++) {
    const s = Math.max(a.start[k]!, lo);
    const e = Math.min(a.end[k]!, hi);
    const last = out.end.length - 1;
    if (last >= 0 && s - out.end[last]! < res) out.end[last] = Math.max(out.end[last]!, e);
    else {
      out.start.push(s);
      out.end.push(e);
      out.kind.push(K_ASSIST);
    }
  }
  return out;
}

/** The window's resolution: as asked, but never more than MAX_COLUMNS pixels over the range. */
export function windowResolution(lo: number, hi: number, resolutionNs: number, maxColumns = MAX_COLUMNS): number {
  return Math.max(resolutionNs > 0 ? resolutionNs : 0, (hi - lo) / maxColumns);
}

/** What the timeline draws for one window (TimelineWindowArgs). */
export function timelineWindow(model: TraceModel, args: TimelineWindowArgs, opts: { maxColumns?: number } = {}): TimelineWindow {
  const lo = args.range.startNs;
  const hi = Math.max(lo, args.range.endNs);
  const res = windowResolution(lo, hi, args.resolutionNs, opts.maxColumns);
  const colRes = res > 0 ? res : 1;
  const labels = new WindowLabels(labelTable(model));
  const byRegion = args.colorBy === 'region';
  const lanes = args.lanes.map((lane) => {
    const l = laneSlices(model, lane, laneRuns(model, lane), lo, hi, res, labels, byRegion);
    if (lane.kind === 'goroutine') l.marks = assistMarks(model, lane.id, lo, hi, res);
    return l;
  });
  const gc = laneSlices(model, { kind: 'proc', id: -1 }, gcLane(model), lo, hi, res, labels, false, 'gc');
  const goroutineIds = args.lanes.filter((l) => l.kind === 'goroutine').map((l) => l.id);
  const flows = wakeFlows(model, lo, hi, args.lanes.some((l) => l.kind === 'goroutine') ? goroutineIds : null, args.flowLimit ?? FLOW_LIMIT);
  return {
    range: { startNs: lo, endNs: hi },
    resolutionNs: res,
    labels: labels.names,
    lanes,
    gc,
    spans: spansIn(model, goroutineIds, lo, hi, colRes),
    logs: logsIn(model, lo, hi, colRes),
    cpuSamples: cpuColumns(model, lo, hi, colRes),
    heap: seriesColumns(seriesForResolution(heapSeriesIndex(model), colRes), lo, hi, colRes),
    goroutineCount: seriesColumns(seriesForResolution(goroutineCountIndex(model), colRes), lo, hi, colRes),
    flows: flows.flows,
    flowsOmitted: flows.omitted,
  };
}

/** The lanes a trace has, with each P's and thread's busy time, for the lane list and the minimap. */
export function timelineOverview(model: TraceModel): TimelineOverview {
  const busy = (runs: LaneRuns) => kindTotals(runs, -Infinity, Infinity).reduce((a, b) => a + b, 0);
  // A P is busy while it runs a goroutine (its syscall stretches are not counted).
  const procs = [...procLanes(model)].map(([id, runs]) => ({ id: id === NO_PROC_ID ? -1 : id, busyNs: kindTotals(runs, -Infinity, Infinity)[K_RUNNING]! }));
  const threads = [...threadLanes(model)].map(([id, runs]) => ({ id, busyNs: busy(runs) }));
  return {
    startNs: model.startNs,
    endNs: model.endNs,
    procs,
    threads,
    goroutineCount: model.goroutines.count,
    hasTasks: model.tasks.count > 0 || model.regions.count > 0,
    hasCpuSamples: model.cpuSamples.count > 0,
  };
}
