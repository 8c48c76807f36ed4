/**
 * The trace timeline's rows, top to bottom (pure): the goroutine-count and heap tracks, the GC lane,
 * CPU samples, user tasks (nested), then a lane per P, the threads (M) when shown, and the pinned
 * goroutines, each with its user regions nested under its states. Heights in CSS px.
 */
import type { LaneRef, TimelineOverview } from '../../../../shared/query/trace/timeline/timeline-types.ts';

export type RowKind = 'gcount' | 'heap' | 'gc' | 'cpu' | 'tasks' | 'header' | 'proc' | 'thread' | 'goroutine';

export interface Row {
  key: string;
  kind: RowKind;
  label: string;
  /** A second, quieter label (busy share, start function). */
  sub?: string;
  top: number;
  h: number;
  lane?: LaneRef;
  /** Header rows: the group they head and whether it is folded. */
  group?: 'threads' | 'goroutines';
  folded?: boolean;
}

export const COUNTER_H = 30;
export const GC_H = 14;
export const CPU_H = 14;
export const SPAN_H = 13;
export const HEADER_H = 18;
export const PROC_H = 22;
export const THREAD_H = 14;
export const GOROUTINE_H = 18;
/** Region depth drawn under a goroutine lane, at most this many levels. */
export const MAX_REGION_DEPTH = 4;
export const MAX_TASK_DEPTH = 4;

export interface LayoutInput {
  overview: TimelineOverview;
  pinned: readonly number[];
  /** Start function per pinned goroutine, when known (from search). */
  fnOf?: ReadonlyMap<number, string>;
  showThreads: boolean;
  /** Deepest task nesting in the window (levels). */
  taskDepth: number;
  /** Deepest region nesting per goroutine in the window. */
  regionDepth?: ReadonlyMap<number, number>;
}

const pct = (busy: number, span: number) => (span > 0 ? `${Math.round((100 * busy) / span)}% busy` : '');

export function layoutRows(inp: LayoutInput): Row[] {
  const { overview: ov } = inp;
  const span = ov.endNs - ov.startNs;
  const rows: Row[] = [];
  let y = 0;
  const add = (r: Omit<Row, 'top'>) => {
    rows.push({ ...r, top: y });
    y += r.h;
  };
  add({ key: 'gcount', kind: 'gcount', label: 'Goroutines', h: COUNTER_H });
  add({ key: 'heap', kind: 'heap', label: 'Heap', h: COUNTER_H });
  add({ key: 'gc', kind: 'gc', label: 'GC', h: GC_H });
  if (ov.hasCpuSamples) add({ key: 'cpu', kind: 'cpu', label: 'CPU samples', h: CPU_H });
  if (ov.hasTasks) add({ key: 'tasks', kind: 'tasks', label: 'Tasks', h: SPAN_H * Math.min(MAX_TASK_DEPTH, Math.max(1, inp.taskDepth)) + 2 });
  add({ key: 'h:procs', kind: 'header', label: `Procs (${ov.procs.length})`, h: HEADER_H });
  for (const p of ov.procs) add({ key: `proc:${p.id}`, kind: 'proc', label: `P${p.id}`, sub: pct(p.busyNs, span), h: PROC_H, lane: { kind: 'proc', id: p.id } });
  add({ key: 'h:threads', kind: 'header', label: `Threads (${ov.threads.length})`, h: HEADER_H, group: 'threads', folded: !inp.showThreads });
  if (inp.showThreads) for (const m of ov.threads) add({ key: `thread:${m.id}`, kind: 'thread', label: threadLabel(m.id), sub: pct(m.busyNs, span), h: THREAD_H, lane: { kind: 'thread', id: m.id } });
  add({ key: 'h:goroutines', kind: 'header', label: `Goroutines (${inp.pinned.length} of ${ov.goroutineCount.toLocaleString('en-US')} shown)`, h: HEADER_H, group: 'goroutines' });
  for (const g of inp.pinned) {
    const depth = Math.min(MAX_REGION_DEPTH, inp.regionDepth?.get(g) ?? 0);
    const fn = inp.fnOf?.get(g);
    add({ key: `goroutine:${g}`, kind: 'goroutine', label: `G${g}`, ...(fn ? { sub: fn } : {}), h: GOROUTINE_H + depth * 7, lane: { kind: 'goroutine', id: g } });
  }
  return rows;
}

export const rowsHeight = (rows: readonly Row[]): number => (rows.length ? rows[rows.length - 1]!.top + rows[rows.length - 1]!.h : 0);

/** The row at `y` (content coordinates), or undefined. */
export function rowAt(rows: readonly Row[], y: number): Row | undefined {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid]!;
    if (y < r.top) hi = mid - 1;
    else if (y >= r.top + r.h) lo = mid + 1;
    else return r;
  }
  return undefined;
}

/** Lanes of the rows within [top, bottom) (content coordinates), for the window query. */
export function visibleLanes(rows: readonly Row[], top: number, bottom: number): LaneRef[] {
  return rows.filter((r) => r.lane && r.top + r.h > top && r.top < bottom).map((r) => r.lane!);
}

export const laneKey = (l: LaneRef): string => `${l.kind}:${l.id}`;

/**
 * A row per task so overlapping tasks do not hide each other (tasks run concurrently: the trace's nesting
 * depth alone would draw them on top of one another): greedy packing in start order, at most `maxLevels`
 * rows (the last row takes the rest). Level per span index; -1 for spans that are not tasks.
 */
export function taskLevels(spans: readonly { kind: string; start: number; end: number }[], maxLevels = MAX_TASK_DEPTH): number[] {
  const out = spans.map(() => -1);
  const order = spans.map((_, i) => i).filter((i) => spans[i]!.kind === 'task');
  order.sort((a, b) => spans[a]!.start - spans[b]!.start || spans[b]!.end - spans[a]!.end);
  const ends: number[] = [];
  for (const i of order) {
    const s = spans[i]!;
    let level = ends.findIndex((e) => e <= s.start);
    if (level < 0) level = ends.length < maxLevels ? ends.length : maxLevels - 1;
    ends[level] = Math.max(ends[level] ?? -Infinity, s.end);
    out[i] = level;
  }
  return out;
}

/** A thread lane's name; ids below 0 hold syscalls no event names a thread for (old traces: Go's converter gives none). */
export function threadLabel(id: number): string {
  return id >= 0 ? `M${id}` : `no thread${id < -1 ? ` ${-id}` : ''} (syscall)`;
}
