/**
 * Blocking profiles of a Go execution trace with exactly the semantics of go1.27's
 * `go tool trace -pprof=sync|net|syscall|sched` (cmd/trace pprof.go):
 *
 *  - walk every goroutine state transition in Go's event order (with or without a stack);
 *  - a goroutine starts being tracked at a transition *into* the state of interest whose reason
 *    qualifies (sync: reason contains "chan", "sync" or "select"; net: reason is "network";
 *    syscall / sched: any reason) — the stack recorded is that transition's event stack;
 *  - transitions into the same state keep the tracking; the first transition to another state
 *    closes the interval [start, t];
 *  - the interval is clipped to the goroutine's life as Go's summary sees it ([first time it ran,
 *    exit or "forever" block], 0 / trace end when unknown) and, for a range query, to the range;
 *    only a positive overlap counts (one contention, its duration in ns);
 *  - intervals still open when the trace ends are not counted.
 */
import type { StackTable } from '../../model/stacks.ts';
import type { TraceModel } from '../../model/trace.ts';
import { firstPosFrom, lowerBound, transitionIndex, upperBound } from './transition-index.ts';
import { G_RUNNABLE as RUNNABLE, G_SYSCALL as SYSCALL, G_WAITING as WAITING } from '../../model/trace.ts';

export type BlockingKind = 'sync' | 'net' | 'syscall' | 'sched';

export interface TimeRange {
  startNs: number;
  endNs: number;
}

/** Weighted stacks (the call-tree input) plus a count per stack; stack -1 = no stack. */
export interface BlockingProfile {
  stacks: StackTable;
  sampleStack: Int32Array;
  /** Nanoseconds per stack. */
  weight: Float64Array;
  count: Float64Array;
}

/** Per model string: bit 1 = sync-tracked reason, bit 2 = "network". */
export function reasonClasses(strings: readonly string[]): Uint8Array {
  const c = new Uint8Array(strings.length);
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i]!;
    if (s.includes('chan') || s.includes('sync') || s.includes('select')) c[i]! |= 1;
    if (s === 'network') c[i]! |= 2;
  }
  return c;
}

export const KIND_STATE: Record<BlockingKind, number> = { sync: WAITING, net: WAITING, syscall: SYSCALL, sched: RUNNABLE };
export const KIND_MASK: Record<BlockingKind, number> = { sync: 1, net: 2, syscall: 0, sched: 0 };

/** Go's interval overlap: 0 when disjoint, else the length of the intersection. */
export function overlap(s1: number, e1: number, s2: number, e2: number): number {
  if (e1 < s2 || e2 < s1) return 0;
  return (e1 < e2 ? e1 : e2) - (s1 > s2 ? s1 : s2);
}

/**
 * Sum and per-stack totals for several kinds in one pass. `onInterval` (optional) sees every
 * counted interval.
 */
export function blockingTotals(model: TraceModel, kinds: readonly BlockingKind[], range?: TimeRange): Record<BlockingKind, number> {
  const res = { sync: 0, net: 0, syscall: 0, sched: 0 };
  for (const k of kinds) res[k] = 0;
  walk(model, kinds, range, (k, _stack, d) => {
    res[k] += d;
  });
  return res;
}

/** Per goroutine row: its lifetime per Go's summary (first run → end), intersected with the range. */
export function goroutineWindows(model: TraceModel, range?: TimeRange): { lo: Float64Array; hi: Float64Array } {
  return goroutineWindowsOf(model.goroutines.firstRunNs, model.goroutines.summaryEndNs, model.endNs, range);
}

/** goroutineWindows over the columns: NaN first run = from the start, NaN end = to `endNs`. */
export function goroutineWindowsOf(firstRunNs: ArrayLike<number>, summaryEndNs: ArrayLike<number>, endNs: number, range?: TimeRange): { lo: Float64Array; hi: Float64Array } {
  const n = firstRunNs.length;
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let g = 0; g < n; g++) {
    const run = firstRunNs[g]!;
    const end = summaryEndNs[g]!;
    lo[g] = run === run ? run : -Infinity;
    hi[g] = end === end ? end : endNs;
    if (range) {
      if (range.startNs > lo[g]!) lo[g] = range.startNs;
      if (range.endNs < hi[g]!) hi[g] = range.endNs;
    }
  }
  return { lo, hi };
}

function walk(model: TraceModel, kinds: readonly BlockingKind[], range: TimeRange | undefined, add: (kind: BlockingKind, stack: number, ns: number) => void): void {
  const tr = model.transitions;
  const gs = model.goroutines;
  const cls = reasonClasses(model.strings);
  const nk = kinds.length;
  const nG = gs.count;
  const { lo, hi } = goroutineWindows(model, range);
  const start = new Float64Array(nG * nk).fill(NaN);
  const stk = new Int32Array(nG * nk);
  const states = kinds.map((k) => KIND_STATE[k]);
  const masks = kinds.map((k) => KIND_MASK[k]);
  // Bit k: slot (g, k) is tracking; kindsIn[state]: the kinds tracking that state.
  const open = new Uint8Array(nG);
  const n = tr.count;
  const T = tr.t;
  const G = tr.g;
  const TO = tr.to;
  const R = tr.reason;
  const S = tr.stack;
  // A range query walks only the transitions inside the range (times are sorted): an interval that
  // closed before the range overlaps it by nothing, so all that matters from before is what each
  // goroutine is tracked for when the range starts; intervals still open when it ends are closed
  // afterwards by their goroutine's next transition out of the state, in the walk's order.
  const ix = range && range.startNs === range.startNs && range.endNs === range.endNs ? transitionIndex(model) : null;
  let i0 = 0;
  let iEnd = n;
  if (ix?.sorted) {
    i0 = lowerBound(T, n, range!.startNs);
    iEnd = Math.max(i0, upperBound(T, n, range!.endNs));
    if (i0 > 0) {
      for (let g = 0; g < nG; g++) {
        const g0 = ix.gStart[g]!;
        const pEnd = firstPosFrom(ix, g, i0);
        if (pEnd === g0) continue;
        for (let k = 0; k < nk; k++) {
          const state = states[k]!;
          const m = masks[k]!;
          // The trailing run of transitions into the state: tracking began at its first qualifying one.
          let q = pEnd - 1;
          while (q >= g0 && TO[ix.byG[q]!] === state) q--;
          for (let p = q + 1; p < pEnd; p++) {
            const j = ix.byG[p]!;
            if (m === 0 || (cls[R[j]!]! & m) !== 0) {
              start[g * nk + k] = T.at(j);
              stk[g * nk + k] = S[j]!;
              open[g]! |= 1 << k;
              break;
            }
          }
        }
      }
    }
  }
  walkRows(tr, cls, kinds, lo, hi, i0, iEnd, { start, stk, open }, add);
  if (!ix?.sorted || iEnd >= n) return;
  const closes: number[] = [];
  for (let g = 0; g < nG; g++) {
    const gEnd = ix.gStart[g + 1]!;
    let from = -1;
    for (let k = 0; k < nk; k++) {
      if (start[g * nk + k] !== start[g * nk + k]) continue;
      if (from < 0) from = firstPosFrom(ix, g, iEnd);
      let p = from;
      while (p < gEnd && TO[ix.byG[p]!] === states[k]) p++;
      // Never closed: open at the end of the trace, not counted.
      if (p < gEnd) closes.push(ix.byG[p]! * nk + k);
    }
  }
  closes.sort((a, b) => a - b);
  for (const c of closes) {
    const k = c % nk;
    const i = (c - k) / nk;
    const g = G[i]!;
    const slot = g * nk + k;
    const s0 = start[slot]!;
    start[slot] = NaN;
    if (lo[g]! > hi[g]!) continue;
    const d = overlap(lo[g]!, hi[g]!, s0, T.at(i));
    if (d > 0) add(kinds[k]!, stk[slot]!, d);
  }
}

/** Transition columns the walk reads (the model's, or trace-figures.ts's lighter ones). */
export interface WalkRows {
  t: { at(i: number): number };
  g: ArrayLike<number>;
  to: ArrayLike<number>;
  /** Index into `cls` (reasonClasses) per transition. */
  reason: ArrayLike<number>;
  /** The event stack per transition, or null when only totals are wanted. */
  stack: ArrayLike<number> | null;
}

/** Per (goroutine, kind) slot: tracking start time (NaN: none) and stack; per goroutine: kinds tracked. */
export interface WalkState {
  start: Float64Array;
  stk: Int32Array;
  open: Uint8Array;
}

/**
 * Go's tracking over transitions [i0, iEnd) in order: starts, keeps and closes intervals per
 * (goroutine, kind), each closed one clipped to the goroutine's window [lo, hi] and handed to `add`.
 */
export function walkRows(
  rows: WalkRows,
  cls: Uint8Array,
  kinds: readonly BlockingKind[],
  lo: Float64Array,
  hi: Float64Array,
  i0: number,
  iEnd: number,
  st: WalkState,
  /** Each counted interval: its kind, start stack, overlap, goroutine row, closing transition and kind index. */
  add: (kind: BlockingKind, stack: number, ns: number, g: number, i: number, k: number) => void,
): void {
  const { start, stk, open } = st;
  const nk = kinds.length;
  const masks = kinds.map((k) => KIND_MASK[k]);
  const kindsIn = new Uint8Array(256);
  kinds.forEach((k, j) => (kindsIn[KIND_STATE[k]]! |= 1 << j));
  const T = rows.t;
  const G = rows.g;
  const TO = rows.to;
  const R = rows.reason;
  const S = rows.stack;
  for (let i = i0; i < iEnd; i++) {
    const g = G[i]!;
    const to = TO[i]!;
    // Kinds to start (into their state, not tracked) and to close (tracked, out of their state):
    // most transitions touch one kind or none, so the per-kind loop runs only when needed.
    const mask = open[g]!;
    const same = kindsIn[to]!;
    const starts = same & ~mask;
    const closes = mask & ~same;
    // Only the kinds touched: the lowest set bit each round.
    for (let todo = starts | closes; todo !== 0; todo &= todo - 1) {
      const k = 31 - Math.clz32(todo & -todo);
      const bit = 1 << k;
      const slot = g * nk + k;
      if (starts & bit) {
        const m = masks[k]!;
        if (m === 0 || (cls[R[i]!]! & m) !== 0) {
          start[slot] = T.at(i);
          stk[slot] = S === null ? -1 : S[i]!;
          open[g] = open[g]! | bit;
        }
      } else if (closes & bit) {
        const s0 = start[slot]!;
        start[slot] = NaN;
        open[g] = open[g]! & ~bit;
        if (lo[g]! > hi[g]!) continue;
        const d = overlap(lo[g]!, hi[g]!, s0, T.at(i));
        if (d > 0) add(kinds[k]!, stk[slot]!, d, g, i, k);
      }
    }
  }
}

/** Go's `go tool trace -pprof=KIND` profile, optionally narrowed to a time range (model ns). */
export function blockingProfile(model: TraceModel, kind: BlockingKind, range?: TimeRange): BlockingProfile {
  return profileOfIntervals(model.stacks, (add) => walk(model, [kind], range, (_k, stack, d) => add(stack, d)));
}

/** The profile of the intervals `each` reports (stack, ns): per stack, their total ns and their count. */
export function profileOfIntervals(stacks: StackTable, each: (add: (stack: number, ns: number) => void) => void): BlockingProfile {
  const w = new Float64Array(stacks.stackCount + 1);
  const c = new Float64Array(stacks.stackCount + 1);
  each((stack, d) => {
    w[stack + 1]! += d;
    c[stack + 1]! += 1;
  });
  return compact(stacks, w, c);
}

/** CPU profile samples in the trace (weight = sample count), optionally in a time range. */
export function cpuSampleStacks(model: TraceModel, range?: TimeRange): BlockingProfile {
  const nS = model.stacks.stackCount;
  const w = new Float64Array(nS + 1);
  const cs = model.cpuSamples;
  for (let i = 0; i < cs.count; i++) {
    const t = cs.t[i]!;
    if (range && (t < range.startNs || t > range.endNs)) continue;
    w[cs.stack[i]! + 1]! += 1;
  }
  return compact(model.stacks, w, w);
}

function compact(stacks: StackTable, w: Float64Array, c: Float64Array): BlockingProfile {
  let n = 0;
  for (let i = 0; i < c.length; i++) if (c[i]! > 0) n++;
  const sampleStack = new Int32Array(n);
  const weight = new Float64Array(n);
  const count = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < c.length; i++) {
    if (c[i]! > 0) {
      sampleStack[j] = i - 1;
      weight[j] = w[i]!;
      count[j] = c[i]!;
      j++;
    }
  }
  return { stacks, sampleStack, weight, count };
}
