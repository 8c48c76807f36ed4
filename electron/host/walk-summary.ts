/**
 * Go's blocking walk (shared/query/trace/trace-blocking.ts walkRows) and goroutine-summary windows,
 * kept per goroutine as transitions come, so that no transition needs to be stored: `inspect` reads
 * a trace's blocking totals without rows, and parts of a trace read at once join exactly.
 *
 * Why it is exact. The walk clips each closed interval [s, e] of a goroutine to its window [lo, hi]:
 * lo is the first run after the goroutine's last reset (or none: -Inf), hi its last end ("forever"
 * wait or exit) after that reset (or none: the trace end). A run closes every interval (running is
 * no kind's state), so an interval lies wholly before lo or wholly after it; and hi is an end
 * transition, so at most one interval per kind straddles it (it counts up to hi if it ever closes).
 * Hence, per (goroutine, kind), with
 * `cum` the running sum of closed intervals:
 *   total = (hi is an end ? cum after it + straddles at it : cum at the trace end)
 *         - (lo is a run ? cum after it : 0),          and 0 when lo > hi,
 * and the summary keeps exactly those snapshots: cum at the first run of the current epoch, cum and
 * straddles at its last end.
 *
 * A part walked from a fresh state ("not tracking", as a trace read from a generation start) joins
 * the part before it (`joinSummaries`): tracking open at the boundary would, in one pass, go on until
 * the goroutine's first transition out of the kind's state, where the fresh walk counted something
 * else (`firstClose`, `counted`); an end taken before that close straddled a different start.
 * Times are absolute ns: every figure here is a difference of two, or a comparison.
 */
import { G_NOTEXIST, G_RUNNABLE, G_RUNNING, G_SYSCALL, G_UNDETERMINED, G_WAITING } from '../../shared/model/trace.ts';
import { KIND_MASK, type BlockingKind } from '../../shared/query/trace/trace-blocking.ts';

export const KINDS: readonly BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];
const NK = 4;
const ALL = (1 << NK) - 1;
/** Per goroutine state: the kinds whose state it is (bit k: KINDS[k]). */
const KINDS_IN = new Uint8Array(256);
KINDS_IN[G_WAITING] = 0b0011;
KINDS_IN[G_SYSCALL] = 0b0100;
KINDS_IN[G_RUNNABLE] = 0b1000;
const MASKS = KINDS.map((k) => KIND_MASK[k]);
/** Reason class bits of a row (trace-figures.ts): 1 sync-tracked, 2 network, 4 "forever". */
export const FOREVER = 4;

export type BlockingTotals = Record<BlockingKind, number>;

/**
 * Goroutines one summary holds at most (~250 bytes each: about 1 GB). A crafted trace can name a new
 * goroutine every few bytes; past this the figures are left to the model, which an engine builds
 * within its own memory limit.
 */
export const MAX_GOROUTINE_ROWS = 1 << 22;

export class TooManyGoroutines extends Error {
  constructor() {
    super('too many goroutines for a walk summary');
  }
}

/** A summary's columns (plain typed arrays: it crosses threads). Per row r, and per slot r*4+k. */
export interface SummaryColumns {
  n: number;
  /**
   * The first and last transition times, and whether a time came before the one before it (a
   * damaged trace can do that): the summary's rules hold for transitions in time order only, so an
   * unordered summary's totals are not the walk's (the caller reads the trace another way).
   */
  firstT: number;
  lastT: number;
  unordered: boolean;
  ids: Float64Array;
  /** A reset (goroutine met first, created or undetermined) happened in the part. */
  reset: Uint8Array;
  /** First run and last end of the current epoch (NaN: none). */
  run: Float64Array;
  end: Float64Array;
  /**
   * Kinds tracked now; kinds whose state was left at least once; kinds not yet left at `end`; kinds
   * whose interval open at `end` is still open (it counts up to `end` once it closes: an interval
   * still open when the trace ends counts nothing).
   */
  openBits: Uint8Array;
  left: Uint8Array;
  endBeforeLeft: Uint8Array;
  straddles: Uint8Array;
  /** Per slot: closed intervals' sum; its value after `run`; after `end`, with closed straddles. */
  cum: Float64Array;
  cumAtRun: Float64Array;
  cumAtEnd: Float64Array;
  /** Per slot: start of the open interval; first leaving of the state and what was closed there; open start at `end`. */
  start: Float64Array;
  firstLeave: Float64Array;
  counted: Float64Array;
  startAtEnd: Float64Array;
}

function columns(cap: number): SummaryColumns {
  const slots = cap * NK;
  return {
    n: 0,
    firstT: NaN,
    lastT: NaN,
    unordered: false,
    ids: new Float64Array(cap),
    reset: new Uint8Array(cap),
    run: new Float64Array(cap).fill(NaN),
    end: new Float64Array(cap).fill(NaN),
    openBits: new Uint8Array(cap),
    left: new Uint8Array(cap),
    endBeforeLeft: new Uint8Array(cap),
    straddles: new Uint8Array(cap),
    cum: new Float64Array(slots),
    cumAtRun: new Float64Array(slots),
    cumAtEnd: new Float64Array(slots),
    start: new Float64Array(slots).fill(NaN),
    firstLeave: new Float64Array(slots).fill(NaN),
    counted: new Float64Array(slots),
    startAtEnd: new Float64Array(slots).fill(NaN),
  };
}

const ROW_COLUMNS = ['ids', 'reset', 'run', 'end', 'openBits', 'left', 'endBeforeLeft', 'straddles'] as const;
const SLOT_COLUMNS = ['cum', 'cumAtRun', 'cumAtEnd', 'start', 'firstLeave', 'counted', 'startAtEnd'] as const;

/** A copy of `c`'s rows with room for `cap` (at least c.n). */
function grown(c: SummaryColumns, cap: number): SummaryColumns {
  const g = columns(Math.max(cap, c.n));
  g.n = c.n;
  g.firstT = c.firstT;
  g.lastT = c.lastT;
  g.unordered = c.unordered;
  for (const key of ROW_COLUMNS) g[key].set(c[key].subarray(0, c.n));
  for (const key of SLOT_COLUMNS) g[key].set(c[key].subarray(0, c.n * NK));
  return g;
}

/** The walk of one part, from a fresh state, one transition at a time. */
export class WalkSummary {
  c: SummaryColumns;

  constructor(
    /** A later part: a status its decoder met first (old state undetermined) is carried, not a reset. */
    private readonly carried: boolean,
    cap = 1024,
    private readonly maxRows = MAX_GOROUTINE_ROWS,
  ) {
    this.c = columns(Math.max(1, cap));
  }

  /** Row for a new goroutine id (rows are the caller's, in order). */
  addRow(id: number): void {
    let c = this.c;
    if (c.n >= this.maxRows) throw new TooManyGoroutines();
    if (c.n >= c.ids.length) c = this.c = grown(c, c.ids.length * 2);
    c.ids[c.n++] = id;
  }

  /** One goroutine transition (row r, time t, from → to, reason class bits `cls`). */
  step(r: number, t: number, from: number, to: number, cls: number): void {
    const b = this.one;
    b.r[0] = r;
    b.t[0] = t;
    b.from[0] = from;
    b.to[0] = to;
    b.cls[0] = cls;
    this.walk(b, 0, 1);
  }

  private readonly one = new TransitionBatch(1);

  /**
   * Transitions [i0, i1) of a batch, in order (their rows already added). One loop over columns
   * held in locals: a trace has tens of millions of transitions.
   */
  walk(b: TransitionBatch, i0: number, i1: number): void {
    if (i1 <= i0) return;
    const c = this.c;
    const { r: R, t: T, from: FROM, to: TO, cls: CLS } = b;
    const { openBits, left, start, cum, counted, straddles, end, firstLeave, reset, run, cumAtRun, endBeforeLeft, cumAtEnd, startAtEnd } = c;
    const carried = this.carried;
    let lastT = c.lastT;
    if (c.firstT !== c.firstT) c.firstT = T[i0]!;
    for (let i = i0; i < i1; i++) {
      const r = R[i]!;
      const t = T[i]!;
      const to = TO[i]!;
      if (t < lastT) c.unordered = true;
      lastT = t;
      const same = KINDS_IN[to]!;
      const mask = openBits[r]!;
      const base = r * NK;
      // Kinds left for the first time (a part's boundary needs them): none once all have been.
      const lft = left[r]!;
      if (lft !== ALL) {
        const leaves = ~same & ~lft & ALL;
        if (leaves !== 0) {
          left[r] = lft | leaves;
          for (let todo = leaves; todo !== 0; todo &= todo - 1) {
            const k = 31 - Math.clz32(todo & -todo);
            firstLeave[base + k] = t;
            // What the walk closes there (set below when tracking).
            counted[base + k] = 0;
          }
        }
      }
      // Tracked kinds the goroutine leaves, then kinds of its new state to track.
      const closes = mask & ~same;
      if (closes !== 0) {
        for (let todo = closes; todo !== 0; todo &= todo - 1) {
          const k = 31 - Math.clz32(todo & -todo);
          const s = base + k;
          const st = start[s]!;
          const d = t - st;
          cum[s]! += d;
          start[s] = NaN;
          if ((lft & (1 << k)) === 0) counted[s] = d; // left here first
          if ((straddles[r]! & (1 << k)) !== 0) {
            cumAtEnd[s]! += end[r]! - st;
            straddles[r] = straddles[r]! & ~(1 << k);
          }
        }
      }
      const starts = same & ~mask;
      let opened = 0;
      if (starts !== 0) {
        const cls = CLS[i]!;
        for (let todo = starts; todo !== 0; todo &= todo - 1) {
          const k = 31 - Math.clz32(todo & -todo);
          const m = MASKS[k]!;
          if (m === 0 || (cls & m) !== 0) {
            start[base + k] = t;
            opened |= 1 << k;
          }
        }
      }
      if (closes !== 0 || opened !== 0) openBits[r] = (mask & ~closes) | opened;
      // The goroutine-summary window (model-builder.ts goTransition's rule).
      const from = FROM[i]!;
      if (from === to || (carried && from === G_UNDETERMINED)) continue;
      if (from === G_UNDETERMINED || from === G_NOTEXIST) {
        reset[r] = 1;
        run[r] = NaN;
        end[r] = NaN;
        straddles[r] = 0;
      }
      if (to === G_RUNNING) {
        if (run[r] !== run[r]) {
          run[r] = t;
          for (let k = 0; k < NK; k++) cumAtRun[base + k] = cum[base + k]!;
        }
      } else if (to === G_NOTEXIST || (to === G_WAITING && (CLS[i]! & FOREVER) !== 0)) {
        end[r] = t;
        endBeforeLeft[r] = ~left[r]! & ALL;
        straddles[r] = openBits[r]!;
        for (let k = 0; k < NK; k++) {
          cumAtEnd[base + k] = cum[base + k]!;
          startAtEnd[base + k] = start[base + k]!;
        }
      }
    }
    c.lastT = lastT;
  }
}

/** Goroutine transitions to walk, as columns (a scratch batch, filled and walked over and over). */
export class TransitionBatch {
  readonly r: Int32Array;
  readonly t: Float64Array;
  readonly from: Uint8Array;
  readonly to: Uint8Array;
  readonly cls: Uint8Array;
  constructor(cap: number) {
    this.r = new Int32Array(cap);
    this.t = new Float64Array(cap);
    this.from = new Uint8Array(cap);
    this.to = new Uint8Array(cap);
    this.cls = new Uint8Array(cap);
  }
}

/**
 * The summary of part A followed by part B, B walked from a fresh state at the boundary (rows matched
 * by goroutine id): what one walk over both would have kept.
 */
export function joinSummaries(a: SummaryColumns, b: SummaryColumns): SummaryColumns {
  const rowOfA = new Map<number, number>();
  for (let r = 0; r < a.n; r++) rowOfA.set(a.ids[r]!, r);
  const onlyB: number[] = [];
  const aRowOfB = new Int32Array(b.n);
  for (let r = 0; r < b.n; r++) {
    const ra = rowOfA.get(b.ids[r]!);
    aRowOfB[r] = ra ?? -1;
    if (ra === undefined) onlyB.push(r);
  }
  const out = grown(a, Math.max(1, a.n + onlyB.length));
  if (b.firstT === b.firstT) {
    if (a.lastT > b.firstT) out.unordered = true;
    if (out.firstT !== out.firstT) out.firstT = b.firstT;
    out.lastT = b.lastT;
  }
  if (b.unordered) out.unordered = true;
  // Goroutines only in B: theirs as they are (nothing open before).
  for (const rb of onlyB) {
    copyRow(out, out.n++, b, rb);
  }
  for (let rb = 0; rb < b.n; rb++) {
    const r = aRowOfB[rb]!;
    if (r >= 0) joinRow(out, r, b, rb);
  }
  return out;
}

function copyRow(out: SummaryColumns, r: number, b: SummaryColumns, rb: number): void {
  for (const key of ROW_COLUMNS) out[key][r] = b[key][rb]!;
  for (const key of SLOT_COLUMNS) out[key].set(b[key].subarray(rb * NK, rb * NK + NK), r * NK);
}

/** Row r of `out` holds A's summary; B's row rb follows it. */
function joinRow(out: SummaryColumns, r: number, b: SummaryColumns, rb: number): void {
  const aLeft = out.left[r]!;
  const bLeft = b.left[rb]!;
  const bEnd = b.end[rb]!;
  const hasBEnd = bEnd === bEnd;
  const resetInB = b.reset[rb] === 1;
  const runFromB = resetInB || out.run[r] !== out.run[r];
  const endFromB = resetInB || hasBEnd;
  let openBits = 0;
  let endBeforeLeft = endFromB ? 0 : out.endBeforeLeft[r]!;
  let straddles = endFromB ? b.straddles[rb]! : out.straddles[r]!;
  for (let k = 0; k < NK; k++) {
    const bit = 1 << k;
    const s = r * NK + k;
    const sb = rb * NK + k;
    const aCum = out.cum[s]!;
    const s0 = out.start[s]!; // tracking open at the boundary (NaN: none)
    const bLeaves = (bLeft & bit) !== 0;
    // One walk closes [s0, B's first leaving] there, where B's fresh walk counted `counted`.
    const atLeave = s0 === s0 && bLeaves ? b.firstLeave[sb]! - s0 - b.counted[sb]! : 0;
    out.cum[s] = aCum + b.cum[sb]! + atLeave;
    // A run leaves every kind's state: B's first leaving is at or before it.
    if (runFromB) out.cumAtRun[s] = aCum + b.cumAtRun[sb]! + atLeave;
    if (endFromB) {
      let v = aCum + b.cumAtEnd[sb]!;
      let st = b.startAtEnd[sb]!;
      if ((b.endBeforeLeft[rb]! & bit) === 0) v += atLeave;
      else if (s0 === s0) {
        // B's end came while the goroutine was still in the state since A: one walk's interval
        // open at it started at s0 and counts [s0, end] when it closes (at B's first leaving).
        st = s0;
        if (bLeaves) {
          const bs = b.startAtEnd[sb]!;
          v += bEnd - s0 - (bs === bs ? bEnd - bs : 0);
          straddles &= ~bit;
        } else straddles |= bit;
      }
      out.cumAtEnd[s] = v;
      out.startAtEnd[s] = st;
      if ((aLeft & bit) === 0 && (b.endBeforeLeft[rb]! & bit) !== 0) endBeforeLeft |= bit;
    } else if ((straddles & bit) !== 0 && bLeaves) {
      // A's end straddles the interval open at the boundary, which one walk closes in B.
      out.cumAtEnd[s]! += out.end[r]! - s0;
      straddles &= ~bit;
    }
    if ((aLeft & bit) === 0 && bLeaves) {
      out.firstLeave[s] = b.firstLeave[sb]!;
      out.counted[s] = s0 === s0 ? b.firstLeave[sb]! - s0 : b.counted[sb]!;
    }
    // After B's first leaving both walks agree; before it, one walk still tracks from s0.
    const open = bLeaves ? b.start[sb]! : s0 === s0 ? s0 : b.start[sb]!;
    out.start[s] = open;
    if (open === open) openBits |= bit;
  }
  if (runFromB) out.run[r] = b.run[rb]!;
  if (endFromB) out.end[r] = bEnd;
  if (resetInB) out.reset[r] = 1;
  out.openBits[r] = openBits;
  out.left[r] = aLeft | bLeft;
  out.endBeforeLeft[r] = endBeforeLeft;
  out.straddles[r] = straddles;
}

/** The blocking totals of a whole trace's summary (Go's `-pprof=KIND` totals); null when unordered. */
export function summaryTotals(c: SummaryColumns): BlockingTotals | null {
  if (c.unordered) return null;
  const sums = new Float64Array(NK);
  for (let r = 0; r < c.n; r++) {
    const run = c.run[r]!;
    const end = c.end[r]!;
    const hasRun = run === run;
    const hasEnd = end === end;
    if (hasRun && hasEnd && run > end) continue; // lo > hi: nothing counts
    for (let k = 0; k < NK; k++) {
      const s = r * NK + k;
      sums[k]! += (hasEnd ? c.cumAtEnd[s]! : c.cum[s]!) - (hasRun ? c.cumAtRun[s]! : 0);
    }
  }
  return { sync: sums[0]!, net: sums[1]!, syscall: sums[2]!, sched: sums[3]! };
}
