/**
 * The timeline's per-lane indexes, built once per model on first use and kept beside it (WeakMap),
 * so that every window afterwards is binary searches:
 *
 *   goroutine lanes   one goroutine's state runs (from the transition index's per-goroutine rows),
 *                     built when its lane is first asked, kept for the most recent lanes
 *   proc lanes        every P's Running runs (goroutine, start, end) and its syscalls holding the P,
 *                     from one pass over all transitions with the P of each (GoTransitionTable.p)
 *   gc                GC mark phases and stop-the-world ranges as one lane, STW over mark
 *   labels            the names slices carry (start functions, wait reasons), interned once
 *
 * Lane semantics equal Go's internal/trace (shared/test-support/oracles/timeline checks them): a
 * transition into the state a goroutine is already in (statuses every generation re-states) changes
 * nothing; a state first seen through a status holds from the trace's start; a run still open at the
 * end of the trace ends there; a Running run belongs to the P of the event that began it.
 */
import {
  GC_EV_ASSIST_ACTIVE,
  GC_EV_ASSIST_BEGIN,
  GC_EV_ASSIST_END,
  G_NOTEXIST,
  G_RUNNABLE,
  G_RUNNING,
  G_SYSCALL,
  G_UNDETERMINED,
  G_WAITING,
  HEAP_LIVE_METRICS,
  NO_PROC,
  type TraceModel,
} from '../../../model/trace.ts';
import { goroutineStartFunctions } from '../trace-annotations.ts';
import { transitionIndex } from '../transition-index.ts';
import { KIND_COUNT, RunsBuilder, type LaneRuns } from './lane-runs.ts';
import { SLICE_KINDS, type SliceKind } from './timeline-types.ts';

/** The P of a transition's event when it has none (Go's NoProc), as GoTransitionTable.p stores it. */
export const NO_PROC_ID = NO_PROC;

export const kindIndex = (k: SliceKind): number => SLICE_KINDS.indexOf(k);
export const K_RUNNING = kindIndex('running');
export const K_RUNNABLE = kindIndex('runnable');
export const K_WAITING = kindIndex('waiting');
export const K_SYSCALL = kindIndex('syscall');
export const K_SYSCALL_BLOCKED = kindIndex('syscall-blocked');
export const K_GC_MARK = kindIndex('gc-mark');
export const K_STW = kindIndex('stw');
export const K_ASSIST = kindIndex('assist');

/** GoState → slice kind (-1: not drawn: not existing or undetermined). */
const KIND_OF_STATE: number[] = [];
KIND_OF_STATE[G_UNDETERMINED] = -1;
KIND_OF_STATE[G_NOTEXIST] = -1;
KIND_OF_STATE[G_RUNNABLE] = K_RUNNABLE;
KIND_OF_STATE[G_RUNNING] = K_RUNNING;
KIND_OF_STATE[G_WAITING] = K_WAITING;
KIND_OF_STATE[G_SYSCALL] = K_SYSCALL;

/** Names that slices carry, interned once per model. */
export class LabelTable {
  names: string[] = [];
  private idOf = new Map<string, number>();
  private ofString = new Map<number, number>();
  private ofRow: Int32Array;
  constructor(private readonly model: TraceModel) {
    this.ofRow = new Int32Array(model.goroutines.count).fill(-2);
  }

  intern(name: string): number {
    if (!name) return -1;
    let id = this.idOf.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.idOf.set(name, id);
    }
    return id;
  }

  /** A model string (a wait reason, a region type). */
  ofModelString(i: number): number {
    let id = this.ofString.get(i);
    if (id === undefined) this.ofString.set(i, (id = this.intern(this.model.strings[i] ?? '')));
    return id;
  }

  /** A goroutine row's start function (Go's summary name). */
  ofGoroutine(row: number): number {
    if (row < 0 || row >= this.ofRow.length) return -1;
    let id = this.ofRow[row]!;
    if (id === -2) this.ofRow[row] = id = this.intern(goroutineStartFunctions(this.model)[row] ?? '');
    return id;
  }
}

/** A step series (a value holding from each point to the next) with block maxima, for per-pixel peaks. */
export interface StepSeries {
  t: Float64Array;
  v: Float64Array;
  /** max of v over points [64·b, 64·b + 64). */
  blockMax: Float64Array;
}

export const SERIES_BLOCK = 64;

function stepSeries(t: Float64Array, v: Float64Array): StepSeries {
  const nb = Math.ceil(t.length / SERIES_BLOCK);
  const blockMax = new Float64Array(nb).fill(-Infinity);
  for (let i = 0; i < t.length; i++) {
    const b = (i / SERIES_BLOCK) | 0;
    if (v[i]! > blockMax[b]!) blockMax[b] = v[i]!;
  }
  return { t, v, blockMax };
}

/** A series level exists when its cells hold at least this many points on average. */
const SERIES_LEVEL_MIN_POINTS = 8;
const seriesLevels = new WeakMap<StepSeries, Map<number, StepSeries>>();

/**
 * The series as a window at `res` ns per pixel reads it: itself when it has a few points per pixel;
 * else its level with cells of 2^L ≤ res / 4 ns, one point per cell that has any (at the cell's first
 * point, valued at the cell's highest): an envelope whose peaks are placed within a quarter pixel,
 * with a few points per pixel whatever the points the series has. Built once per level, lazily.
 */
export function seriesForResolution(s: StepSeries, res: number): StepSeries {
  const n = s.t.length;
  if (n < 2 * SERIES_LEVEL_MIN_POINTS || !(res > 0)) return s;
  const span = s.t[n - 1]! - s.t[0]!;
  const level = Math.floor(Math.log2(res / 4));
  if (!(span > 0) || 2 ** level < (SERIES_LEVEL_MIN_POINTS * span) / n) return s;
  let levels = seriesLevels.get(s);
  if (!levels) seriesLevels.set(s, (levels = new Map()));
  let out = levels.get(level);
  if (out) return out;
  const cell = 2 ** level;
  const t: number[] = [];
  const v: number[] = [];
  let at = NaN;
  for (let i = 0; i < n; i++) {
    const c = Math.floor(s.t[i]! / cell);
    if (c !== at) {
      at = c;
      t.push(s.t[i]!);
      v.push(s.v[i]!);
    } else if (s.v[i]! > v[v.length - 1]!) v[v.length - 1] = s.v[i]!;
  }
  out = stepSeries(Float64Array.from(t), Float64Array.from(v));
  levels.set(level, out);
  return out;
}

/** User regions of one goroutine, in start order, with their nesting depth and the running max of ends. */
export interface RegionGroup {
  rows: Int32Array;
  start: Float64Array;
  end: Float64Array;
  depth: Uint8Array;
  maxEnd: Float64Array;
}

interface TimelineCache {
  labels: LabelTable;
  goroutineRuns: Map<number, LaneRuns>;
  goroutineRunsHeld: number;
  procLanes: Map<number, LaneRuns> | null;
  gc: LaneRuns | null;
  heap: StepSeries | null;
  goroutineCount: StepSeries | null;
  regions: Map<number, RegionGroup> | null;
  taskDepth: Uint8Array | null;
  tasks: RegionGroup | null;
  order: Map<string, Int32Array>;
  assists: Map<number, AssistRanges> | null;
}

const caches = new WeakMap<TraceModel, TimelineCache>();
/** How many goroutine lanes stay indexed (a view shows a few dozen; a search may visit more). */
const GOROUTINE_LANES_KEPT = 4096;
/** …and at most about this many runs (25 bytes each) across them, whatever the goroutines. */
const GOROUTINE_RUNS_KEPT = 8_000_000;

function cacheOf(model: TraceModel): TimelineCache {
  let c = caches.get(model);
  if (!c) {
    c = {
      labels: new LabelTable(model),
      goroutineRuns: new Map(),
      goroutineRunsHeld: 0,
      procLanes: null,
      gc: null,
      heap: null,
      goroutineCount: null,
      regions: null,
      taskDepth: null,
      tasks: null,
      order: new Map(),
      assists: null,
    };
    caches.set(model, c);
  }
  return c;
}

export function labelTable(model: TraceModel): LabelTable {
  return cacheOf(model).labels;
}

/**
 * Goroutine row's state runs. Labels: a wait (or a runnable, syscall) run carries the reason of the
 * transition that began it; a running run the goroutine's start function.
 */
export function goroutineRuns(model: TraceModel, row: number): LaneRuns {
  const c = cacheOf(model);
  const hit = c.goroutineRuns.get(row);
  if (hit) return hit;
  const ix = transitionIndex(model);
  const tr = model.transitions;
  const T = tr.t;
  const FROM = tr.from;
  const TO = tr.to;
  const b = new RunsBuilder();
  const fnLabel = c.labels.ofGoroutine(row);
  let last = NaN;
  let lastState = -1;
  let lastSrc = -1;
  const close = (at: number) => {
    const k = KIND_OF_STATE[lastState] ?? -1;
    if (k < 0) return;
    const r = tr.reason[lastSrc]!;
    b.push(last, at, k, row, k === K_RUNNING ? fnLabel : r ? c.labels.ofModelString(r) : -1, lastSrc);
  };
  if (row >= 0 && row < model.goroutines.count) {
    for (let p = ix.gStart[row]!, end = ix.gStart[row + 1]!; p < end; p++) {
      const j = ix.byG[p]!;
      if (FROM[j] === TO[j]) continue;
      const t = FROM[j] === G_UNDETERMINED ? model.startNs : T.at(j);
      if (last === last) close(t);
      last = t;
      lastState = TO[j]!;
      lastSrc = j;
    }
    if (last === last) close(Math.max(model.endNs, last));
  }
  const runs = b.finish({ kind: true, g: false, label: true, src: true, block: 1 });
  c.goroutineRunsHeld += runs.n;
  if (c.goroutineRuns.size >= GOROUTINE_LANES_KEPT || c.goroutineRunsHeld > GOROUTINE_RUNS_KEPT) {
    c.goroutineRuns.clear();
    c.goroutineRunsHeld = runs.n;
  }
  c.goroutineRuns.set(row, runs);
  return runs;
}

/**
 * Every P's runs: 'running' (a goroutine's run in Running belongs to the P of the transition that began
 * it, NO_PROC_ID when that event had none) and 'syscall' (the goroutine that entered a syscall on the P
 * holds it until it leaves the syscall or the P changes state: stolen, stopped; Go's P view shows it
 * so). Empty when the model has no P per transition.
 */
export function procLanes(model: TraceModel): Map<number, LaneRuns> {
  const c = cacheOf(model);
  if (c.procLanes) return c.procLanes;
  const tr = model.transitions;
  const lanes = new Map<number, LaneRuns>();
  const P = tr.p;
  // A model built without the P column (older builders) has no P lanes.
  if (P && P.length >= tr.count) {
    const nG = model.goroutines.count;
    const state = new Uint8Array(nG).fill(G_UNDETERMINED);
    const since = new Float64Array(nG).fill(NaN);
    const onP = new Int32Array(nG);
    const src = new Int32Array(nG);
    const builders = new Map<number, RunsBuilder>();
    const builder = (p: number) => {
      let b = builders.get(p);
      if (!b) builders.set(p, (b = new RunsBuilder()));
      return b;
    };
    const changes = procChangeTimes(model);
    const close = (g: number, at: number) => builder(onP[g]!).push(since[g]!, at, K_RUNNING, g, -1, src[g]!);
    // A syscall on P p from t to at, cut where the P next changes state.
    const closeSyscall = (g: number, at: number) => {
      const p = onP[g]!;
      const e = Math.min(at, nextChangeAfter(changes.get(p), since[g]!));
      if (e > since[g]!) builder(p).push(since[g]!, e, K_SYSCALL, g, -1, src[g]!);
    };
    const T = tr.t;
    const G = tr.g;
    const FROM = tr.from;
    const TO = tr.to;
    for (let i = 0, n = tr.count; i < n; i++) {
      const from = FROM[i]!;
      const to = TO[i]!;
      if (from === to) continue;
      const g = G[i]!;
      const t = from === G_UNDETERMINED ? model.startNs : T.at(i);
      if (since[g] === since[g]) {
        if (state[g] === G_RUNNING) close(g, t);
        else if (state[g] === G_SYSCALL) closeSyscall(g, t);
      }
      state[g] = to;
      since[g] = NaN;
      if (to === G_RUNNING || (to === G_SYSCALL && P[i] !== NO_PROC)) {
        since[g] = t;
        onP[g] = P[i]!;
        src[g] = i;
      }
    }
    for (let g = 0; g < nG; g++) {
      if (!(since[g] === since[g])) continue;
      if (state[g] === G_RUNNING) close(g, Math.max(model.endNs, since[g]!));
      else if (state[g] === G_SYSCALL) closeSyscall(g, Math.max(model.endNs, since[g]!));
    }
    for (const [p, b] of [...builders].sort((x, y) => x[0] - y[0])) lanes.set(p, b.finish({ kind: true, g: true, label: false, src: false, yielding: K_SYSCALL }));
  }
  c.procLanes = lanes;
  return lanes;
}

/** Per P, the times it changed state (ascending). */
function procChangeTimes(model: TraceModel): Map<number, Float64Array> {
  const pr = model.procs;
  const lists = new Map<number, number[]>();
  for (let i = 0; i < pr.count; i++) {
    if (pr.from[i] === pr.to[i]) continue;
    let l = lists.get(pr.p[i]!);
    if (!l) lists.set(pr.p[i]!, (l = []));
    l.push(pr.t[i]!);
  }
  return new Map([...lists].map(([p, l]) => [p, Float64Array.from(l).sort()]));
}

/** The first time in `times` after t (Infinity: none). */
function nextChangeAfter(times: Float64Array | undefined, t: number): number {
  if (!times) return Infinity;
  let a = 0;
  let b = times.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (times[m]! <= t) a = m + 1;
    else b = m;
  }
  return a < times.length ? times[a]! : Infinity;
}

/**
 * GC as one lane of runs: stop-the-world over mark assists (some goroutine assisting) over mark
 * phases, each stretch drawn as the first of those that holds there. (Sweeping is left out: Go
 * records one range per swept span, millions in a big trace, with nothing to see at any zoom.)
 */
export function gcLane(model: TraceModel): LaneRuns {
  const c = cacheOf(model);
  if (c.gc) return c.gc;
  const lo = model.startNs;
  const hi = model.endNs;
  // Boundaries: +1/-1 of each kind's depth; walked in time order, each stretch takes the top kind.
  const ev: [number, number, number, number][] = [];
  const add = (s: number, e: number, kind: number, label: number) => {
    const a = s === s ? s : lo;
    const z = e === e ? e : hi;
    if (z < a) return;
    ev.push([a, 1, kind, label], [z, -1, kind, label]);
  };
  for (let i = 0; i < model.gcCycles.count; i++) add(model.gcCycles.start[i]!, model.gcCycles.end[i]!, K_GC_MARK, -1);
  for (let i = 0; i < model.stw.count; i++) add(model.stw.start[i]!, model.stw.end[i]!, K_STW, c.labels.ofModelString(model.stw.kind[i]!));
  // Assists by goroutine: begin … end, or found in progress (ACTIVE) when not open.
  const ge = model.gcEvents;
  const open = new Map<number, number>();
  for (let i = 0; i < ge.count; i++) {
    const k = ge.kind[i]!;
    if (k !== GC_EV_ASSIST_BEGIN && k !== GC_EV_ASSIST_END && k !== GC_EV_ASSIST_ACTIVE) continue;
    const kind = K_ASSIST;
    const key = ge.value[i]!;
    if (k === GC_EV_ASSIST_END) {
      const s = open.get(key);
      if (s !== undefined) add(s, ge.t.at(i), kind, -1);
      open.delete(key);
    } else if (!open.has(key)) open.set(key, ge.t.at(i));
  }
  for (const s of open.values()) add(s, hi, K_ASSIST, -1);
  ev.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const b = new RunsBuilder();
  const depth = new Int32Array(KIND_COUNT);
  let stwLabel = -1;
  let at = NaN;
  const top = () => (depth[K_STW]! > 0 ? K_STW : depth[K_ASSIST]! > 0 ? K_ASSIST : depth[K_GC_MARK]! > 0 ? K_GC_MARK : -1);
  for (const [t, d, kind, label] of ev) {
    const k = top();
    if (at === at && t > at && k >= 0) b.push(at, t, k, -1, k === K_STW ? stwLabel : -1, -1);
    at = t;
    depth[kind]! += d;
    if (kind === K_STW && d > 0) stwLabel = label;
  }
  c.gc = b.finish({ kind: true, g: false, label: true, src: false, block: 4 });
  return c.gc;
}

/** One goroutine's GC mark assists, in time order. */
export interface AssistRanges {
  start: Float64Array;
  end: Float64Array;
}

/**
 * Each goroutine row's mark assists (Go's "GC mark assist" ranges, scoped to a goroutine): begin … end,
 * or found in progress (ACTIVE) when not open; one still open at the trace's end ends there.
 */
export function assistRanges(model: TraceModel): Map<number, AssistRanges> {
  const c = cacheOf(model);
  if (c.assists) return c.assists;
  const ge = model.gcEvents;
  const open = new Map<number, number>();
  const lists = new Map<number, number[]>();
  const add = (row: number, s: number, e: number) => {
    let l = lists.get(row);
    if (!l) lists.set(row, (l = []));
    l.push(s, e);
  };
  for (let i = 0; i < ge.count; i++) {
    const k = ge.kind[i]!;
    if (k !== GC_EV_ASSIST_BEGIN && k !== GC_EV_ASSIST_END && k !== GC_EV_ASSIST_ACTIVE) continue;
    const row = ge.value[i]!;
    if (!(row >= 0)) continue;
    if (k === GC_EV_ASSIST_END) {
      const s = open.get(row);
      if (s !== undefined) add(row, s, Math.max(s, ge.t.at(i)));
      open.delete(row);
    } else if (!open.has(row)) open.set(row, ge.t.at(i));
  }
  for (const [row, s] of open) add(row, s, Math.max(s, model.endNs));
  const out = new Map<number, AssistRanges>();
  for (const [row, l] of lists) {
    const idx = Array.from({ length: l.length / 2 }, (_, k) => k).sort((a, b) => l[2 * a]! - l[2 * b]!);
    out.set(row, { start: Float64Array.from(idx, (k) => l[2 * k]!), end: Float64Array.from(idx, (k) => l[2 * k + 1]!) });
  }
  c.assists = out;
  return out;
}

/** Rows of a column in time order (identity when already sorted), cached per model and name. */
export function timeOrder(model: TraceModel, name: string, t: Float64Array, n: number): Int32Array {
  const c = cacheOf(model);
  const hit = c.order.get(name);
  if (hit && hit.length === n) return hit;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let sorted = true;
  for (let i = 1; i < n; i++) if (!(t[i]! >= t[i - 1]!)) sorted = false;
  if (!sorted) order.sort((a, b) => (t[a]! - t[b]! || a - b));
  c.order.set(name, order);
  return order;
}

/** The live heap (the metric Go reports it in), as a step series. */
export function heapSeriesIndex(model: TraceModel): StepSeries {
  const c = cacheOf(model);
  if (c.heap) return c.heap;
  const m = model.metrics;
  const isHeap = new Uint8Array(256);
  m.names.forEach((name, i) => {
    if (HEAP_LIVE_METRICS.includes(name)) isHeap[i] = 1;
  });
  let n = 0;
  for (let i = 0; i < m.count; i++) n += isHeap[m.metric[i]!]!;
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  let sorted = true;
  for (let i = 0, k = 0; i < m.count; i++) {
    if (!isHeap[m.metric[i]!]) continue;
    t[k] = m.t.at(i);
    v[k] = m.value[i]!;
    if (k && t[k]! < t[k - 1]!) sorted = false;
    k++;
  }
  if (!sorted) {
    const order = [...t.keys()].sort((a, b) => t[a]! - t[b]! || a - b);
    const t2 = Float64Array.from(order, (k) => t[k]!);
    const v2 = Float64Array.from(order, (k) => v[k]!);
    t.set(t2);
    v.set(v2);
  }
  c.heap = stepSeries(t, v);
  return c.heap;
}

/**
 * Goroutines alive over time: one point per change of the count. A goroutine counts from its first
 * real state (a status found at the start counts from the start) until it ends (NotExist).
 */
export function goroutineCountIndex(model: TraceModel): StepSeries {
  const c = cacheOf(model);
  if (c.goroutineCount) return c.goroutineCount;
  const tr = model.transitions;
  // Goroutines first seen through a status (they existed before the trace) count from the start.
  const seen = new Uint8Array(model.goroutines.count);
  let atStart = 0;
  for (let i = 0; i < tr.count; i++) {
    const g = tr.g[i]!;
    if (seen[g] || tr.from[i] === tr.to[i]) continue;
    seen[g] = 1;
    if (tr.from[i] === G_UNDETERMINED && tr.to[i] !== G_NOTEXIST) atStart++;
  }
  const alive = new Uint8Array(model.goroutines.count);
  const t: number[] = [model.startNs];
  const v: number[] = [atStart];
  let n = atStart;
  for (let i = 0; i < tr.count; i++) {
    const from = tr.from[i]!;
    const to = tr.to[i]!;
    if (from === to) continue;
    const g = tr.g[i]!;
    const live = to !== G_NOTEXIST ? 1 : 0;
    if (from === G_UNDETERMINED) {
      alive[g] = live;
      continue;
    }
    if (alive[g] === live) continue;
    alive[g] = live;
    n += live ? 1 : -1;
    if (t[t.length - 1] === tr.t.at(i)) v[v.length - 1] = n;
    else {
      t.push(tr.t.at(i));
      v.push(n);
    }
  }
  c.goroutineCount = stepSeries(Float64Array.from(t), Float64Array.from(v));
  return c.goroutineCount;
}

/** User regions grouped by goroutine id, nested by time (a region inside another is one deeper). */
export function regionGroups(model: TraceModel): Map<number, RegionGroup> {
  const c = cacheOf(model);
  if (c.regions) return c.regions;
  const rg = model.regions;
  const byG = new Map<number, number[]>();
  const s = (i: number) => (rg.start[i]! === rg.start[i]! ? rg.start[i]! : model.startNs);
  const e = (i: number) => (rg.end[i]! === rg.end[i]! ? rg.end[i]! : model.endNs);
  for (let i = 0; i < rg.count; i++) {
    const g = rg.g[i]!;
    let list = byG.get(g);
    if (!list) byG.set(g, (list = []));
    list.push(i);
  }
  const out = new Map<number, RegionGroup>();
  for (const [g, list] of byG) {
    // Outer first when two start together (the longer one contains the other).
    list.sort((a, b) => s(a) - s(b) || e(b) - e(a) || a - b);
    const n = list.length;
    const grp: RegionGroup = {
      rows: Int32Array.from(list),
      start: Float64Array.from(list, s),
      end: Float64Array.from(list, e),
      depth: new Uint8Array(n),
      maxEnd: new Float64Array(n),
    };
    const open: number[] = [];
    let mx = -Infinity;
    for (let k = 0; k < n; k++) {
      while (open.length && open[open.length - 1]! <= grp.start[k]!) open.pop();
      grp.depth[k] = Math.min(open.length, 255);
      open.push(grp.end[k]!);
      mx = Math.max(mx, grp.end[k]!);
      grp.maxEnd[k] = mx;
    }
    out.set(g, grp);
  }
  c.regions = out;
  return out;
}

/** Each task's depth in the task tree (a task whose parent is not in the trace is a root). */
export function taskDepths(model: TraceModel): Uint8Array {
  const c = cacheOf(model);
  if (c.taskDepth) return c.taskDepth;
  const tk = model.tasks;
  const rowOf = new Map<number, number>();
  for (let i = 0; i < tk.count; i++) rowOf.set(tk.id[i]!, i);
  const depth = new Uint8Array(tk.count);
  for (let i = 0; i < tk.count; i++) {
    let d = 0;
    for (let p = rowOf.get(tk.parent[i]!); p !== undefined && d < 255; p = rowOf.get(tk.parent[p]!)) d++;
    depth[i] = d;
  }
  c.taskDepth = depth;
  return depth;
}

/** Tasks in start order (the same shape as a goroutine's regions: rows, start, end, depth, maxEnd). */
export function taskGroup(model: TraceModel): RegionGroup {
  const c = cacheOf(model);
  if (c.tasks) return c.tasks;
  const tk = model.tasks;
  const depth = taskDepths(model);
  const s = (i: number) => (tk.start[i]! === tk.start[i]! ? tk.start[i]! : model.startNs);
  const e = (i: number) => (tk.end[i]! === tk.end[i]! ? tk.end[i]! : model.endNs);
  const rows = Int32Array.from({ length: tk.count }, (_, i) => i).sort((a, b) => s(a) - s(b) || a - b);
  const maxEnd = new Float64Array(tk.count);
  let mx = -Infinity;
  rows.forEach((r, k) => (maxEnd[k] = mx = Math.max(mx, e(r))));
  c.tasks = { rows, start: Float64Array.from(rows, s), end: Float64Array.from(rows, e), depth: Uint8Array.from(rows, (r) => depth[r]!), maxEnd };
  return c.tasks;
}
