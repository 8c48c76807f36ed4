/**
 * What a Go execution trace holds beyond blocking, as `go tool trace` shows it, for any time range
 * (model ns = source-relative ns):
 *
 *  - user annotations (runtime/trace NewTask / WithRegion / Log): tasks and regions grouped by type
 *    with counts and duration statistics, the logs in the range, and one type's instances;
 *  - the goroutine analysis (go tool trace's /goroutines page): Go's per-goroutine summary
 *    (trace-goroutine-summary.ts, clipped to the range) grouped by the goroutine's start function.
 *
 * An annotation whose begin predates the trace has an unknown start (NaN in the model); one still
 * open at the end has an unknown end. For overlap with a range the unknown side counts as open-ended;
 * durations (and Go's "complete") need both ends.
 */
import type { StackTable } from '../../model/stacks.ts';
import type { TraceModel } from '../../model/trace.ts';
import { reasonClasses, type TimeRange } from './trace-blocking.ts';
import { goroutineSummaryColumns } from './trace-goroutine-summary.ts';

/** Counts and duration statistics of the annotations of one type that overlap the range. */
export interface AnnotationTypeRow {
  /** Task or region type ('' = unknown: a task that began before the trace). */
  type: string;
  /** Overlapping the range. */
  count: number;
  /** Of those, with their begin inside the trace. */
  begun: number;
  /** Of those, with their end inside the trace (Go's "completed"). */
  completed: number;
  /** Statistics over those with both ends (null when there are none); nearest-rank percentiles. */
  meanNs: number | null;
  p50Ns: number | null;
  p90Ns: number | null;
  maxNs: number | null;
  totalNs: number;
}

export interface AnnotationLog {
  tNs: number;
  category: string;
  message: string;
  /** Goroutine id (null: none). */
  goroutine: number | null;
  /** Task id (null: no task). */
  task: number | null;
}

export interface AnnotationInstance {
  /** Task id (tasks) or region row (regions). */
  id: number;
  /** The task (a region's task; a task's parent), null = none. */
  task: number | null;
  goroutine: number | null;
  /** null = outside the trace (began before / still open at the end). */
  startNs: number | null;
  endNs: number | null;
  durationNs: number | null;
  /** The part inside the trace: unknown ends replaced by the trace's bounds. */
  spanStartNs: number;
  spanEndNs: number;
}

export interface AnnotationInstances {
  kind: 'task' | 'region';
  type: string;
  /** Instances overlapping the range, in start order (unknown start first), at most `limit`. */
  rows: AnnotationInstance[];
  /** How many overlap the range in all. */
  total: number;
}

export interface TraceAnnotations {
  range: TimeRange;
  /** Most instances first, then by name. */
  tasks: AnnotationTypeRow[];
  regions: AnnotationTypeRow[];
  /** Logs in the range in time order, the first `logLimit`. */
  logs: AnnotationLog[];
  logsInRange: number;
  instances?: AnnotationInstances;
}

export interface TraceAnnotationsOptions {
  logLimit?: number;
  /** List one type's instances too (for a table row the user expanded). */
  instances?: { kind: 'task' | 'region'; type: string; limit?: number };
}

const known = (x: number): boolean => x === x;
const idOrNull = (x: number): number | null => (x === x && x >= 0 ? x : null);

function fullRange(model: TraceModel, range?: TimeRange): TimeRange {
  return range ? { startNs: range.startNs, endNs: range.endNs } : { startNs: model.startNs, endNs: model.endNs };
}

/** Whether [start, end] (NaN = open on that side) meets [lo, hi]. */
function overlaps(start: number, end: number, lo: number, hi: number): boolean {
  return !(start > hi) && !(end < lo);
}

/** Nearest-rank percentile of ascending `sorted` (non-empty). */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  const k = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[k - 1]!;
}

interface Span {
  count: number;
  type: Int32Array;
  start: Float64Array;
  end: Float64Array;
}

function typeRows(strings: readonly string[], t: Span, lo: number, hi: number): AnnotationTypeRow[] {
  const acc = new Map<number, { count: number; begun: number; completed: number; d: number[] }>();
  for (let i = 0; i < t.count; i++) {
    const s = t.start[i]!;
    const e = t.end[i]!;
    if (!overlaps(s, e, lo, hi)) continue;
    const ty = t.type[i]!;
    let a = acc.get(ty);
    if (!a) acc.set(ty, (a = { count: 0, begun: 0, completed: 0, d: [] }));
    a.count++;
    if (known(s)) a.begun++;
    if (known(e)) a.completed++;
    if (known(s) && known(e)) a.d.push(e - s);
  }
  const rows: AnnotationTypeRow[] = [];
  for (const [ty, a] of acc) {
    const d = Float64Array.from(a.d).sort();
    const n = d.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += d[i]!;
    rows.push({
      type: strings[ty] ?? '',
      count: a.count,
      begun: a.begun,
      completed: a.completed,
      meanNs: n ? total / n : null,
      p50Ns: n ? nearestRank(d, 0.5) : null,
      p90Ns: n ? nearestRank(d, 0.9) : null,
      maxNs: n ? d[n - 1]! : null,
      totalNs: total,
    });
  }
  return rows.sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

function instancesOf(model: TraceModel, kind: 'task' | 'region', type: string, lo: number, hi: number, limit: number): AnnotationInstances {
  const t = kind === 'task' ? model.tasks : model.regions;
  const rows: AnnotationInstance[] = [];
  for (let i = 0; i < t.count; i++) {
    const s = t.start[i]!;
    const e = t.end[i]!;
    if ((model.strings[t.type[i]!] ?? '') !== type || !overlaps(s, e, lo, hi)) continue;
    rows.push({
      id: kind === 'task' ? model.tasks.id[i]! : i,
      task: idOrNull(kind === 'task' ? model.tasks.parent[i]! : model.regions.task[i]!),
      goroutine: idOrNull(t.g[i]!),
      startNs: known(s) ? s : null,
      endNs: known(e) ? e : null,
      durationNs: known(s) && known(e) ? e - s : null,
      spanStartNs: known(s) ? s : model.startNs,
      spanEndNs: known(e) ? e : model.endNs,
    });
  }
  rows.sort((a, b) => (a.startNs ?? -Infinity) - (b.startNs ?? -Infinity) || a.id - b.id);
  return { kind, type, rows: rows.slice(0, limit), total: rows.length };
}

/** Tasks and regions by type, logs and (optionally) one type's instances over a range. */
export function traceAnnotations(model: TraceModel, range?: TimeRange, opts: TraceAnnotationsOptions = {}): TraceAnnotations {
  const r = fullRange(model, range);
  const lo = r.startNs;
  const hi = r.endNs;
  const strings = model.strings;
  const lg = model.logs;
  const inRange: number[] = [];
  for (let i = 0; i < lg.count; i++) {
    const t = lg.t[i]!;
    if (t >= lo && t <= hi) inRange.push(i);
  }
  inRange.sort((a, b) => lg.t[a]! - lg.t[b]! || a - b);
  const logLimit = Math.max(0, opts.logLimit ?? 200);
  const logs = inRange.slice(0, logLimit).map(
    (i): AnnotationLog => ({
      tNs: lg.t[i]!,
      category: strings[lg.category[i]!] ?? '',
      message: strings[lg.message[i]!] ?? '',
      goroutine: idOrNull(lg.g[i]!),
      task: idOrNull(lg.task[i]!),
    }),
  );
  const out: TraceAnnotations = {
    range: r,
    tasks: typeRows(strings, model.tasks, lo, hi),
    regions: typeRows(strings, model.regions, lo, hi),
    logs,
    logsInRange: inRange.length,
  };
  if (opts.instances) {
    const q = opts.instances;
    out.instances = instancesOf(model, q.kind, q.type, lo, hi, Math.max(0, Math.min(q.limit ?? 500, 5000)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Goroutine analysis

/** Breakdown categories, in the order of every `ns` array (and of the stacked bars). */
export const BREAKDOWN_CATEGORIES = ['exec', 'sched', 'syscall', 'syscallBlock', 'sync', 'net', 'gc', 'other'] as const;
export type BreakdownCategory = (typeof BREAKDOWN_CATEGORIES)[number];
/** The labels go tool trace's goroutine analysis uses (roughly), for legends and palette keys. */
export const BREAKDOWN_LABELS: Record<BreakdownCategory, string> = {
  exec: 'Execution',
  sched: 'Scheduler wait',
  syscall: 'Syscall',
  syscallBlock: 'Syscall block',
  sync: 'Sync block',
  net: 'Network wait',
  gc: 'GC assist/wait',
  other: 'Other wait',
};

export interface BreakdownRow {
  /**
   * The goroutine's start function as Go's summary names it ('' = unknown); for goroutines Go
   * cannot name (old formats: they existed before the trace and never ran), the start function
   * the trace records for them.
   */
  name: string;
  /** Goroutine id for per-goroutine rows, null for groups. */
  id: number | null;
  goroutines: number;
  /** ns per BREAKDOWN_CATEGORIES entry. */
  ns: number[];
  totalNs: number;
}

export interface GoroutineBreakdownResult {
  range: TimeRange;
  groupBy: 'function' | 'goroutine';
  categories: readonly BreakdownCategory[];
  /** ns per category summed over every goroutine with time in the range. */
  totals: number[];
  /** Goroutines with time in the range. */
  goroutines: number;
  /** Most total time first, at most `limit`. */
  rows: BreakdownRow[];
  /** Rows left off by the limit. */
  leftOff: number;
}

export interface GoroutineBreakdownOptions {
  groupBy?: 'function' | 'goroutine';
  /** Only goroutines with this start function. */
  name?: string;
  limit?: number;
}

/** Root (outermost) frame's function of a stack, or ''. */
function rootFunc(st: StackTable, stack: number): string {
  if (stack < 0) return '';
  let s = stack;
  for (let p = st.stackPrefix[s]!; p >= 0; p = st.stackPrefix[s]!) s = p;
  return st.strings[st.frameFunc[st.stackFrame[s]!]!] ?? '';
}

const namesCache = new WeakMap<TraceModel, string[]>();

/**
 * Each goroutine's start function, as Go's summary names goroutines (the root frame of the first
 * stack its own transitions carry: trace-goroutine-summary.ts). A goroutine Go cannot name — old
 * formats record no stack for one that existed before the trace and never ran — takes the start
 * function the trace records for it at the trace's start.
 */
export function goroutineStartFunctions(model: TraceModel): string[] {
  const cached = namesCache.get(model);
  if (cached) return cached;
  const gs = model.goroutines;
  const go = goroutineSummaryColumns(model).name;
  const names = new Array<string>(gs.count);
  for (let g = 0; g < gs.count; g++) {
    const s = gs.startStack[g]!;
    names[g] = go[g] || (s >= 0 ? rootFunc(model.stacks, s) : '');
  }
  namesCache.set(model, names);
  return names;
}

/** go tool trace's goroutine analysis for a range: rows by start function, or one per goroutine. */
export function goroutineBreakdown(model: TraceModel, range?: TimeRange, opts: GoroutineBreakdownOptions = {}): GoroutineBreakdownResult {
  const r = fullRange(model, range);
  const sum = goroutineSummaryColumns(model, range);
  const nG = model.goroutines.count;
  // Block time by reason into the wait categories: sync (chan/sync/select), net, GC, other.
  const cls = reasonClasses(model.strings);
  const sync = new Float64Array(nG);
  const net = new Float64Array(nG);
  const gc = new Float64Array(nG);
  const other = new Float64Array(nG);
  for (let g = 0; g < nG; g++) {
    const m = sum.blockNs[g];
    if (!m) continue;
    for (const [reason, ns] of m) {
      if (cls[reason]! & 1) sync[g]! += ns;
      else if (cls[reason]! & 2) net[g]! += ns;
      else if (/GC|garbage/.test(model.strings[reason]!)) gc[g]! += ns;
      else other[g]! += ns;
    }
  }
  const cols = [sum.execNs, sum.schedWaitNs, sum.syscallNs, sum.syscallBlockNs, sync, net, gc, other];
  const nc = cols.length;
  const b = { id: model.goroutines.id };
  const names = goroutineStartFunctions(model);
  const groupBy = opts.groupBy ?? 'function';
  const totals = new Array<number>(nc).fill(0);
  let goroutines = 0;
  const rows: BreakdownRow[] = [];
  const byName = new Map<string, BreakdownRow>();
  for (let g = 0; g < b.id.length; g++) {
    if (!sum.present[g]) continue;
    let total = 0;
    for (let c = 0; c < nc; c++) total += cols[c]![g]!;
    if (total <= 0) continue;
    const name = names[g] ?? '';
    if (opts.name !== undefined && name !== opts.name) continue;
    goroutines++;
    for (let c = 0; c < nc; c++) totals[c]! += cols[c]![g]!;
    if (groupBy === 'goroutine') {
      rows.push({ name, id: b.id[g]!, goroutines: 1, ns: cols.map((col) => col[g]!), totalNs: total });
      continue;
    }
    let row = byName.get(name);
    if (!row) {
      row = { name, id: null, goroutines: 0, ns: new Array<number>(nc).fill(0), totalNs: 0 };
      byName.set(name, row);
      rows.push(row);
    }
    row.goroutines++;
    for (let c = 0; c < nc; c++) row.ns[c]! += cols[c]![g]!;
    row.totalNs += total;
  }
  rows.sort((a, b2) => b2.totalNs - a.totalNs || (a.name < b2.name ? -1 : a.name > b2.name ? 1 : 0) || (a.id ?? 0) - (b2.id ?? 0));
  const limit = Math.max(0, Math.min(opts.limit ?? (groupBy === 'goroutine' ? 200 : 500), 5000));
  return { range: r, groupBy, categories: BREAKDOWN_CATEGORIES, totals, goroutines, rows: rows.slice(0, limit), leftOff: Math.max(0, rows.length - limit) };
}
