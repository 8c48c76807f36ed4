/**
 * "What changed": the biggest movers between the selected range (A) and a baseline (B — the rest of
 * the session, or a pinned second range). Each source computes its part where its model lives
 * (`whatChangedPart`, one engine per source); `mergeWhatChanged` joins the parts (dumps of several
 * sources compare group by group) and ranks rows per category.
 *
 * Every row compares LEVELS, in units that do not depend on how long a range is:
 *  - sockets by state / by peer (ss): the mean count per snapshot in the range;
 *  - trace goroutine groups: mean number of goroutines blocked in the group = blocked ns / ns of the
 *    range the trace covers (so "4.0" = four goroutines parked there all the time);
 *  - blocked time by reason (trace, go tool trace -pprof=sync|net|syscall|sched semantics): the same
 *    mean, from blockingTotals;
 *  - goroutine dump groups: the count per dump, averaged over the dumps in the range;
 *  - profile movers (a series of cumulative profiles): each function's delta per second of the
 *    intervals the range uses (stacks/series-movers.ts; the host builds these rows across engines).
 * and the movement INSIDE the selection:
 *  - `first` / `last`: the first and last snapshot (ss) or dump in A; for traces, the mean over the
 *    first and the second half of the part of A the trace covers.
 * delta = A.mean − B.mean (null when B has no data for the row's source), growth = A.last − A.first;
 * a row's score is max(|delta|, |growth|), so something that climbs inside the selection ranks even
 * when the baseline holds as much on average (a storm that keeps growing after the selection).
 */
import type { ParsedSource } from '../model/source.ts';
import type { SocketCaptureModel } from '../model/sockets.ts';
import type { TraceModel } from '../model/trace.ts';
import type { GoroutineDumpModel } from '../model/goroutines.ts';
import { goroutineGroups } from './dumps/goroutine-groups.ts';
import { traceGoroutineGroups } from './trace/trace-goroutine-groups.ts';
import { blockingTotals, type BlockingKind } from './trace/trace-blocking.ts';
import { summarizeTrace } from './trace/trace-summary.ts';
import { transitionIndex } from './trace/transition-index.ts';

export interface WcRange {
  startNs: number;
  endNs: number;
}

export type ChangeCategory = 'socket-state' | 'socket-peer' | 'trace-group' | 'dump-group' | 'blocking-reason' | 'profile-delta';

export const CATEGORY_ORDER: readonly ChangeCategory[] = ['socket-state', 'socket-peer', 'trace-group', 'dump-group', 'blocking-reason', 'profile-delta'];

export interface RangeStat {
  mean: number;
  /** Start / end of the range (see the header); null when the range has a single sample or none. */
  first: number | null;
  last: number | null;
  /** Snapshots, dumps, or ns of trace time behind the figures. */
  samples: number;
}

export interface ChangeRow {
  category: ChangeCategory;
  sourceId: string;
  /** Identity within the category (state, peer address, goroutine group key, reason). */
  key: string;
  label: string;
  /** Innermost function of a goroutine group (flame graph focus), else null. */
  function: string | null;
  unit: string;
  a: RangeStat | null;
  b: RangeStat | null;
  delta: number | null;
  growth: number | null;
  score: number;
  /** Blocked ns inside A (trace rows), for display. */
  totalNsA?: number;
  /** The host a socket row is of, when several hosts' captures are compared (set by the host's session store). */
  host?: string;
}

/** One dump's groups and where the dump sits (merged across dumps by mergeWhatChanged). */
export interface DumpPartInfo {
  atNs: number;
  inA: boolean;
  inB: boolean;
  withState: boolean;
  groups: { key: string; label: string; function: string | null; count: number }[];
}

export interface WhatChangedPart {
  sourceId: string;
  kind: ParsedSource['kind'];
  rows: ChangeRow[];
  dump?: DumpPartInfo;
}

export interface WhatChangedResult {
  categories: { category: ChangeCategory; rows: ChangeRow[] }[];
}

const inRange = (t: number, r: WcRange) => t >= r.startNs && t <= r.endNs;
const inAny = (t: number, rs: readonly WcRange[]) => rs.some((r) => inRange(t, r));

/** Fills delta, growth and score from a and b. */
export function scoreRow(r: Omit<ChangeRow, 'delta' | 'growth' | 'score'>): ChangeRow {
  const delta = r.a && r.b ? r.a.mean - r.b.mean : null;
  const growth = r.a && r.a.first !== null && r.a.last !== null ? r.a.last - r.a.first : null;
  return { ...r, delta, growth, score: Math.max(Math.abs(delta ?? 0), Math.abs(growth ?? 0)) };
}

/** The part of the what-changed table one source contributes. Ranges are in the source's own ns. */
export function whatChangedPart(src: ParsedSource, sourceId: string, a: WcRange, b: readonly WcRange[]): WhatChangedPart {
  switch (src.kind) {
    case 'ss':
      return { sourceId, kind: src.kind, rows: socketRows(src.model, sourceId, a, b) };
    case 'gotrace':
      return { sourceId, kind: src.kind, rows: traceRows(src.model, sourceId, a, b) };
    case 'goroutine-dump':
      return { sourceId, kind: src.kind, rows: [], dump: dumpInfo(src.model, sourceId, src.startNs, a, b) };
    case 'pprof':
      return { sourceId, kind: src.kind, rows: [] };
  }
}

// ---- sockets -------------------------------------------------------------------------------------

function socketRows(m: SocketCaptureModel, sourceId: string, a: WcRange, b: readonly WcRange[]): ChangeRow[] {
  const t = m.snapshots.timeNs;
  const snapsA: number[] = [];
  const snapsB: number[] = [];
  for (let s = 0; s < m.snapshotCount; s++) {
    if (inRange(t[s]!, a)) snapsA.push(s);
    else if (inAny(t[s]!, b)) snapsB.push(s);
  }
  const nStates = m.states.length;
  const nStr = m.strings.length;
  // counts[s][key] for the snapshots of either range, by state and by peer address.
  const per = (snaps: number[], width: number, col: ArrayLike<number>) =>
    snaps.map((s) => {
      const c = new Float64Array(width);
      const f = m.snapshots.firstRow[s]!;
      const e = f + m.snapshots.rowCount[s]!;
      for (let r = f; r < e; r++) c[col[r]!]!++;
      return c;
    });
  const out: ChangeRow[] = [];
  const build = (category: ChangeCategory, width: number, col: ArrayLike<number>, label: (k: number) => string) => {
    const ca = per(snapsA, width, col);
    const cb = per(snapsB, width, col);
    for (let k = 0; k < width; k++) {
      const sa = stat(ca.map((c) => c[k]!));
      const sb = stat(cb.map((c) => c[k]!));
      if (!(sa && (sa.mean > 0 || sa.first! > 0)) && !(sb && sb.mean > 0)) continue;
      out.push(scoreRow({ category, sourceId, key: label(k), label: label(k), function: null, unit: 'sockets', a: sa, b: sb }));
    }
  };
  build('socket-state', nStates, m.sockets.state, (k) => m.states[k]!);
  build('socket-peer', nStr, m.sockets.peerAddr, (k) => m.strings[k] || '*');
  return out.filter((r) => r.category !== 'socket-peer' || r.key !== '*');
}

/** mean / first / last of values in time order; null for no values. */
function stat(v: number[]): RangeStat | null {
  if (v.length === 0) return null;
  let sum = 0;
  for (const x of v) sum += x;
  return { mean: sum / v.length, first: v.length > 1 ? v[0]! : null, last: v.length > 1 ? v[v.length - 1]! : null, samples: v.length };
}

// ---- traces --------------------------------------------------------------------------------------

const REASONS: readonly BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];
const REASON_LABEL: Record<BlockingKind, string> = {
  sync: 'sync (chan, select, mutex)',
  net: 'network',
  syscall: 'syscall',
  sched: 'waiting to run (sched)',
};

function clip(r: WcRange, m: TraceModel): WcRange | null {
  const s = Math.max(r.startNs, m.startNs);
  const e = Math.min(r.endNs, m.endNs);
  return e > s ? { startNs: s, endNs: e } : null;
}

interface Acc {
  ns: number;
  label: string;
  function: string | null;
}

/** Blocked ns per group key and per reason over some pieces of the trace. */
function traceTotals(m: TraceModel, pieces: readonly WcRange[], knownReasons?: Record<BlockingKind, number>) {
  const groups = new Map<string, Acc>();
  const reasons: Record<BlockingKind, number> = { sync: 0, net: 0, syscall: 0, sched: 0 };
  let covered = 0;
  for (const p of pieces) {
    covered += p.endNs - p.startNs;
    // Default ids: the same query the blocking view sends, so its cached result serves both.
    for (const g of traceGoroutineGroups(m, p).groups) {
      const acc = groups.get(g.key);
      if (acc) acc.ns += g.totalNs;
      else groups.set(g.key, { ns: g.totalNs, label: groupLabel(g.state, g.function), function: g.function });
    }
    if (knownReasons) continue;
    const t = blockingTotals(m, REASONS, p);
    for (const k of REASONS) reasons[k] += t[k];
  }
  return { groups, reasons: knownReasons ? { ...knownReasons } : reasons, covered };
}

type Totals = ReturnType<typeof traceTotals>;

/** The whole trace's totals, computed once per model (the usual baseline is the trace minus A). */
const wholeTotals = new WeakMap<TraceModel, Totals>();

/**
 * True when blocking totals over [startNs, endNs] cannot differ from unranged ones: times sorted,
 * every transition and every goroutine's summary start / end inside the span (so clipping to it
 * changes no overlap).
 */
function eventsInsideSpan(m: TraceModel): boolean {
  const T = m.transitions.t;
  const n = m.transitions.count;
  if (!transitionIndex(m).sorted || (n > 0 && (T.at(0) < m.startNs || T.at(n - 1) > m.endNs))) return false;
  const gs = m.goroutines;
  for (let g = 0; g < gs.count; g++) {
    const a = gs.firstRunNs[g]!;
    const b = gs.summaryEndNs[g]!;
    if (a < m.startNs || a > m.endNs || b < m.startNs || b > m.endNs) return false;
  }
  return true;
}

/** True when the baseline pieces are exactly the trace outside A (the default "rest of session"). */
function isRestOfTrace(m: TraceModel, a: WcRange, pieces: readonly WcRange[]): boolean {
  const want: WcRange[] = [];
  if (a.startNs > m.startNs) want.push({ startNs: m.startNs, endNs: a.startNs });
  if (a.endNs < m.endNs) want.push({ startNs: a.endNs, endNs: m.endNs });
  return want.length === pieces.length && want.every((w, i) => w.startNs === pieces[i]!.startNs && w.endNs === pieces[i]!.endNs);
}

/**
 * The whole trace's totals (what every brush's baseline is computed from), once per model. The
 * engine runs it while idle after a trace is ready (traceWarmUps), so the first brush only walks A.
 */
export function traceWholeTotals(m: TraceModel): Totals {
  let w = wholeTotals.get(m);
  if (!w) {
    // The reasons over [startNs, endNs] are the unranged totals `inspect` already computed at load
    // (summarizeTrace caches them) whenever every event lies inside that span.
    const known = eventsInsideSpan(m) ? summarizeTrace({ format: '', partial: false, model: m }).blockingNs : undefined;
    wholeTotals.set(m, (w = traceTotals(m, [{ startNs: m.startNs, endNs: m.endNs }], known)));
  }
  return w;
}

/**
 * Totals over the trace outside A as whole-trace totals minus A's: blocked ns within a range add up
 * over adjacent ranges, so this equals walking the two pieces (up to float rounding of the range
 * ends), and a brush costs a walk of A instead of the whole trace.
 */
function restTotals(m: TraceModel, a: Totals, pieces: readonly WcRange[]): Totals {
  const w = traceWholeTotals(m);
  const groups = new Map<string, Acc>();
  for (const [key, g] of w.groups) {
    const inA = a.groups.get(key);
    const ns = inA ? Math.max(0, g.ns - inA.ns) : g.ns;
    if (ns > 0 || !inA) groups.set(key, { ...g, ns });
  }
  const reasons = { ...w.reasons };
  for (const k of REASONS) reasons[k] = Math.max(0, w.reasons[k] - a.reasons[k]);
  let covered = 0;
  for (const p of pieces) covered += p.endNs - p.startNs;
  return { groups, reasons, covered };
}

/** Totals over two adjacent ranges added up (equal to walking their union, up to float rounding). */
function sumTotals(x: Totals, y: Totals): Totals {
  const groups = new Map<string, Acc>();
  for (const [key, g] of x.groups) groups.set(key, { ...g });
  for (const [key, g] of y.groups) {
    const acc = groups.get(key);
    if (acc) acc.ns += g.ns;
    else groups.set(key, { ...g });
  }
  const reasons = { ...x.reasons };
  for (const k of REASONS) reasons[k] += y.reasons[k];
  return { groups, reasons, covered: x.covered + y.covered };
}

function groupLabel(state: string, fn: string | null): string {
  return `${fn ?? '(no stack)'} [${state || '?'}]`;
}

function traceRows(m: TraceModel, sourceId: string, a: WcRange, b: readonly WcRange[]): ChangeRow[] {
  const ca = clip(a, m);
  if (!ca) return [];
  const mid = (ca.startNs + ca.endNs) / 2;
  const h1 = traceTotals(m, [{ startNs: ca.startNs, endNs: mid }]);
  const h2 = traceTotals(m, [{ startNs: mid, endNs: ca.endNs }]);
  // Blocked ns add up over adjacent ranges: A's totals are its halves' (one walk of A, not two).
  const whole = sumTotals(h1, h2);
  const pb = b.map((r) => clip(r, m)).filter((r): r is WcRange => r !== null);
  const base = pb.length ? (isRestOfTrace(m, ca, pb) ? restTotals(m, whole, pb) : traceTotals(m, pb)) : null;
  const out: ChangeRow[] = [];
  const keys = new Set([...whole.groups.keys(), ...(base ? base.groups.keys() : [])]);
  for (const key of keys) {
    const w = whole.groups.get(key);
    const info = w ?? base!.groups.get(key)!;
    const sa: RangeStat = {
      mean: (w?.ns ?? 0) / whole.covered,
      first: (h1.groups.get(key)?.ns ?? 0) / h1.covered,
      last: (h2.groups.get(key)?.ns ?? 0) / h2.covered,
      samples: whole.covered,
    };
    const sb = base ? { mean: (base.groups.get(key)?.ns ?? 0) / base.covered, first: null, last: null, samples: base.covered } : null;
    out.push(
      scoreRow({ category: 'trace-group', sourceId, key, label: info.label, function: info.function, unit: 'goroutines blocked', a: sa, b: sb, totalNsA: w?.ns ?? 0 }),
    );
  }
  for (const k of REASONS) {
    const sa: RangeStat = { mean: whole.reasons[k] / whole.covered, first: h1.reasons[k] / h1.covered, last: h2.reasons[k] / h2.covered, samples: whole.covered };
    const sb = base ? { mean: base.reasons[k] / base.covered, first: null, last: null, samples: base.covered } : null;
    if (sa.mean === 0 && !(sb && sb.mean > 0)) continue;
    out.push(scoreRow({ category: 'blocking-reason', sourceId, key: k, label: REASON_LABEL[k], function: null, unit: 'goroutines blocked', a: sa, b: sb, totalNsA: whole.reasons[k] }));
  }
  return out;
}

// ---- goroutine dumps -----------------------------------------------------------------------------

function dumpInfo(m: GoroutineDumpModel, sourceId: string, atNs: number, a: WcRange, b: readonly WcRange[]): DumpPartInfo {
  const res = goroutineGroups([{ sourceId, model: m }]);
  const inA = inRange(atNs, a);
  return {
    atNs,
    inA,
    inB: !inA && inAny(atNs, b),
    withState: res.withState,
    groups: res.rows.map((r) => ({ key: r.key, label: groupLabel(r.state, r.function), function: r.function, count: r.counts[0] ?? 0 })),
  };
}

/** Group rows across dumps; `axisAt` puts each dump on the session axis for ordering. */
function dumpRows(parts: readonly WhatChangedPart[], axisAt: (p: WhatChangedPart) => number): ChangeRow[] {
  const dumps = parts.filter((p) => p.dump && (p.dump.inA || p.dump.inB)).sort((x, y) => axisAt(x) - axisAt(y));
  if (dumps.length === 0) return [];
  const withState = dumps.every((p) => p.dump!.withState);
  const keyOf = (k: string) => (withState ? k : `|${k.slice(k.indexOf('|') + 1)}`);
  const rows = new Map<string, { label: string; function: string | null; sourceId: string; counts: Map<WhatChangedPart, number> }>();
  for (const p of dumps) {
    for (const g of p.dump!.groups) {
      const key = keyOf(g.key);
      let r = rows.get(key);
      if (!r) rows.set(key, (r = { label: withState ? g.label : groupLabel('', g.function).replace(' [?]', ''), function: g.function, sourceId: p.sourceId, counts: new Map() }));
      r.counts.set(p, (r.counts.get(p) ?? 0) + g.count);
    }
  }
  const aDumps = dumps.filter((p) => p.dump!.inA);
  const bDumps = dumps.filter((p) => p.dump!.inB);
  const out: ChangeRow[] = [];
  for (const [key, r] of rows) {
    const sa = stat(aDumps.map((p) => r.counts.get(p) ?? 0));
    const sb = stat(bDumps.map((p) => r.counts.get(p) ?? 0));
    // The row opens the dump it comes from; prefer the latest dump of A that has it.
    const src = [...aDumps].reverse().find((p) => r.counts.has(p)) ?? [...bDumps].reverse().find((p) => r.counts.has(p));
    out.push(
      scoreRow({
        category: 'dump-group',
        sourceId: src?.sourceId ?? r.sourceId,
        key,
        label: r.label,
        function: r.function,
        unit: 'goroutines',
        a: sa,
        b: sb ? { ...sb, first: null, last: null } : null,
      }),
    );
  }
  return out;
}

// ---- merge ---------------------------------------------------------------------------------------

/**
 * Joins the parts of every source and ranks each category by score (ties: larger A mean, then
 * label). `axisAt` gives a dump part's time on the session axis (dumps of different sources have
 * different clocks); `limit` rows per category; rows scoring under `minScore` (default 0.05: a
 * twentieth of a socket or goroutine, e.g. a listener gone in the last snapshot) are noise and left out.
 */
export function mergeWhatChanged(
  parts: readonly WhatChangedPart[],
  opts: { limit?: number; minScore?: number; axisAt?: (p: WhatChangedPart) => number } = {},
): WhatChangedResult {
  const limit = opts.limit ?? 8;
  const minScore = opts.minScore ?? 0.05;
  const all: ChangeRow[] = [...parts.flatMap((p) => p.rows), ...dumpRows(parts, opts.axisAt ?? ((p) => p.dump?.atNs ?? 0))];
  return {
    categories: CATEGORY_ORDER.map((category) => ({
      category,
      rows: all
        .filter((r) => r.category === category && r.score > 0 && r.score >= minScore)
        .sort((x, y) => y.score - x.score || (y.a?.mean ?? 0) - (x.a?.mean ?? 0) || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0))
        .slice(0, limit),
    })).filter((c) => c.rows.length > 0),
  };
}

/**
 * The baseline for "against the rest of the session": the extent minus the selection, as up to two
 * pieces (axis ns).
 */
export function restOf(extent: WcRange, sel: WcRange): WcRange[] {
  const out: WcRange[] = [];
  if (sel.startNs > extent.startNs) out.push({ startNs: extent.startNs, endNs: Math.min(sel.startNs, extent.endNs) });
  if (sel.endNs < extent.endNs) out.push({ startNs: Math.max(sel.endNs, extent.startNs), endNs: extent.endNs });
  return out.filter((r) => r.endNs > r.startNs);
}
