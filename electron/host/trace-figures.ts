/**
 * The figures `tracedeck inspect` prints for a Go execution trace (shared/query/trace/trace-summary.ts),
 * from the decoder's events without building the model: one light row per goroutine transition and a
 * few counts. Every rule that decides a figure is the model builder's (shared/ingest/gotrace/
 * model-builder.ts) — base time, last time, a goroutine row per id met in a transition, Go's
 * goroutine-summary window, the counts — and the blocking totals come from the same walk
 * (trace-blocking.ts walkRows), so the figures equal summarizeTrace(parseTrace(file)) on any input
 * (trace-figures.test.ts).
 *
 * The rows of a trace read in parts (parallel-figures.ts) stay in the thread that read them: each part
 * records its own rows (`FiguresRows`), and what crosses between parts is per goroutine (windows,
 * tracking at the boundary), never per transition.
 */
import { G_NOTEXIST, G_RUNNING, G_UNDETERMINED, G_WAITING, GO_STATUS_STATE, NO_PROC } from '../../shared/model/trace.ts';
import { allocateReserve, ensureCapacity, reserveLength } from '../../shared/model/column.ts';
import { goroutineWindowsOf, KIND_STATE, overlap, reasonClasses, walkRows, type BlockingKind } from '../../shared/query/trace/trace-blocking.ts';
import type { TraceCounts } from '../../shared/query/trace/trace-summary.ts';
import { endWarnings } from '../../shared/ingest/gotrace/model-builder.ts';
import type { GoState, ProcState, TraceEventSink, TraceHeaderInfo, TraceTime } from '../../shared/ingest/gotrace/events.ts';
import { FROM_ARG4, TO_STATUS, TRANSITION_ROWS, type RowsSink } from '../../shared/ingest/gotrace/v2/decode.ts';
import type { Generation } from '../../shared/ingest/gotrace/v2/generation.ts';
import { OUT_ARGS, OUT_HEAD, type OutChunk } from '../../shared/ingest/gotrace/v2/out-buf.ts';
import { Ev } from '../../shared/ingest/gotrace/v2/wire.ts';

const GC_MARK = 'GC concurrent mark phase';
/** Goroutine ids below this find their row in an array. */
const DENSE_IDS = 1 << 24;
/** Reason class bits: 1 a sync-tracked reason, 2 "network" (trace-blocking.ts reasonClasses), 4 "forever". */
const FOREVER = 4;
/** A row's byte: the reason class in bits 0–2, the state it leaves in bits 3–5. */
const FROM_SHIFT = 3;
/** reasonClasses' table over row bytes: the sync and network bits of each. */
const CLASS_OF_CLASS = Uint8Array.from({ length: 64 }, (_, i) => i & 3);
export const KINDS: readonly BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];

export type BlockingTotals = Record<BlockingKind, number>;

/** What `inspect` prints of a trace: the model's counts (trace-summary.ts) and the reader's warnings. */
export type TraceFigures = TraceCounts & { warnings: string[] };

/** A part's counts and end (plain data: it crosses threads). */
export interface PartCounts {
  goMinor: number;
  /** Events the part's sink saw, and the time of its last (NaN: none), as its decoder made them. */
  events: number;
  maxT: number;
  procIds: number[];
  gcBegins: number;
  cpuSamples: number;
  bigProcs: number;
  warnings: string[];
  ended: boolean;
  partial: boolean;
  lastGoodOffset: number;
}

/**
 * A part's goroutine windows per its own rows: whether a reset (a goroutine met first, created or
 * undetermined) happened in it, its first run after the last reset and its last end ("forever" wait
 * or exit) after it, NaN when none (the builder's rule, model-builder.ts goTransition).
 */
export interface PartWindows {
  ids: Float64Array;
  reset: Uint8Array;
  run: Float64Array;
  end: Float64Array;
}

/** A reason's class bits: the walk's (reasonClasses), and FOREVER for the summary window. */
function classOf(reason: string): number {
  return reasonClasses([reason])[0]! | (reason === 'forever' ? FOREVER : 0);
}

/** Times in a Float64Array, read as the walk reads a TimeColumn. */
class PlainTimes {
  constructor(private readonly a: Float64Array) {}
  at(i: number): number {
    return this.a[i]!;
  }
}

/**
 * Records one part's rows (a TraceEventSink). Times are kept as the decoder gave them (absolute);
 * `toRel` makes them the builder's (minus the trace's first event time) once that is known.
 */
export class FiguresRows implements TraceEventSink, RowsSink {
  goMinor = 0;
  /** The first event's time (the builder's base) and the largest time seen. */
  firstT = NaN;
  maxT = NaN;
  events = 0;
  // Goroutine rows by id: row + 1 by small id, else a map; ids by row.
  private rowById = new Int32Array(1024);
  private readonly rowOf = new Map<number, number>();
  ids = new Float64Array(1024);
  gN = 0;
  // Per transition: time, its event's index (a later part's times are corrected by it; a part is
  // under 4 GiB, so under 2^32 events), row, to, and from with the reason class.
  n = 0;
  t: Float64Array;
  idx: Uint32Array | null;
  g: Int32Array;
  to: Uint8Array;
  cls: Uint8Array;
  private lastReason = '';
  private lastClass = 0;
  private readonly classes = new Map<string, number>();
  readonly procIds = new Set<number>();
  private readonly procSeen = new Uint8Array(4096);
  private classGen: Generation | null = null;
  private readonly classById = new Map<number, number>();
  gcBegins = 0;
  cpuSamples = 0;
  bigProcs = 0;
  readonly warnings: string[] = [];
  partial = false;
  ended = false;
  lastGoodOffset = 0;

  constructor(
    inputBytes = 0,
    /** A later part: keeps each transition's event index. */
    later = false,
  ) {
    // Reserved for the most transitions a byte of trace holds (about one per 5 bytes), as the model
    // builder reserves: address space until touched, and a smaller start when it is refused.
    const rows = Math.max(1024, Math.min(1 << 28, Math.ceil(inputBytes / 5)));
    this.t = allocateReserve(Float64Array, reserveLength(rows, 8));
    this.idx = later ? allocateReserve(Uint32Array, reserveLength(rows, 4)) : null;
    this.g = allocateReserve(Int32Array, reserveLength(rows, 4));
    this.to = allocateReserve(Uint8Array, reserveLength(rows, 1));
    this.cls = allocateReserve(Uint8Array, reserveLength(rows, 1));
  }

  time(t: TraceTime): void {
    this.events++;
    if (this.firstT !== this.firstT) this.firstT = t;
    if (!(t <= this.maxT)) this.maxT = t;
  }

  begin(info: TraceHeaderInfo): void {
    this.goMinor = info.goMinor;
  }

  goTransition(t: TraceTime, g: number, from: GoState, to: GoState, reason: string, _eventStack: number, _resourceStack: number, _byG: number, p = -1): void {
    this.time(t);
    if (reason !== this.lastReason) {
      this.lastReason = reason;
      this.lastClass = this.classOfReason(reason);
    }
    this.record(t, g, from, to, this.lastClass, p);
  }

  private classOfReason(reason: string): number {
    let c = this.classes.get(reason);
    if (c === undefined) {
      c = classOf(reason);
      if (this.classes.size < 4096) this.classes.set(reason, c);
    }
    return c;
  }

  private record(t: number, g: number, from: number, to: number, cls: number, p: number): void {
    if (p >= NO_PROC) this.bigProcs++;
    const i = this.n++;
    if (i >= this.t.length) this.grow(i + 1);
    this.t[i] = t;
    if (this.idx !== null) this.idx[i] = this.events - 1;
    this.g[i] = this.row(g);
    this.to[i] = to;
    this.cls[i] = cls | (from << FROM_SHIFT);
  }

  /** A P id seen (small ids in an array: ProcStart/ProcStop come millions of times). */
  private proc(p: number): void {
    if (p >= 0 && p < this.procSeen.length && (p | 0) === p) {
      if (this.procSeen[p] === 0) {
        this.procSeen[p] = 1;
        this.procIds.add(p);
      }
    } else this.procIds.add(p);
  }

  /**
   * The decoder's ordered rows, read here (decode.ts RowsSink) rather than as a call per event: the
   * transition of each row from TRANSITION_ROWS, and the counts. Equal to the calls dispatchRows
   * makes (this sink's other methods), without a boxed time per call.
   */
  takeRows(chunk: OutChunk, gen: Generation): void {
    const n = chunk.n;
    const typ = chunk.typ;
    const f = chunk.f;
    const { who, from: FROM, to: TO, reason: REASON } = TRANSITION_ROWS;
    // Reason classes by this generation's string id.
    if (gen !== this.classGen) {
      this.classGen = gen;
      this.classById.clear();
    }
    let o = 0;
    for (let r = 0; r < n; r++) {
      const ty = typ[r]!;
      const t = f[o]!;
      this.time(t);
      const w = who[ty]!;
      if (w !== 0) {
        const g = w === 1 ? f[o + 4]! : f[o + 1]!;
        const fr = FROM[ty]!;
        const to = TO[ty]!;
        let cls = 0;
        if (REASON[ty] === 1) {
          const id = f[o + 4]!;
          let c = this.classById.get(id);
          if (c === undefined) {
            c = this.classOfReason(gen.string(id) ?? '');
            this.classById.set(id, c);
          }
          cls = c;
        }
        this.record(t, g, fr === FROM_ARG4 ? f[o + 8]! : fr, to === TO_STATUS ? GO_STATUS_STATE[f[o + 6]!]! : to, cls, f[o + 2]!);
      } else {
        // Number literals: one indexed jump (see dispatchRows).
        switch (ty) {
          case 10 satisfies typeof Ev.ProcStart:
          case 12 satisfies typeof Ev.ProcSteal:
          case 13 satisfies typeof Ev.ProcStatus:
            this.proc(f[o + 4]!);
            break;
          case 11 satisfies typeof Ev.ProcStop:
            this.proc(f[o + 2]!);
            break;
          case 29 satisfies typeof Ev.GCBegin:
            this.gcBegins++;
            break;
          case 7 satisfies typeof Ev.CPUSample:
            this.cpuSamples++;
            break;
        }
      }
      o += OUT_HEAD + OUT_ARGS[ty]!;
    }
  }

  private grow(n: number): void {
    this.t = ensureCapacity(this.t, n);
    if (this.idx !== null) this.idx = ensureCapacity(this.idx, n);
    this.g = ensureCapacity(this.g, n);
    this.to = ensureCapacity(this.to, n);
    this.cls = ensureCapacity(this.cls, n);
  }

  private row(id: number): number {
    const dense = this.rowById;
    if (id >= 0 && id < dense.length && dense[id] !== 0) return dense[id]! - 1;
    let r = this.rowOf.get(id);
    if (r !== undefined) return r;
    r = this.gN++;
    this.ids = ensureCapacity(this.ids, r + 1);
    this.ids[r] = id;
    if (id >= 0 && id < DENSE_IDS && (id | 0) === id) {
      if (id >= dense.length) {
        this.rowById = new Int32Array(Math.min(DENSE_IDS, Math.max(id + 1, dense.length * 2)));
        this.rowById.set(dense);
      }
      this.rowById[id] = r + 1;
    } else this.rowOf.set(id, r);
    return r;
  }

  procTransition(t: TraceTime, p: number, _from: ProcState, _to: ProcState): void {
    this.time(t);
    this.proc(p);
  }
  rangeBegin(t: TraceTime, name: string): void {
    this.time(t);
    if (name === GC_MARK) this.gcBegins++;
  }
  rangeEnd(t: TraceTime): void {
    this.time(t);
  }
  rangeActive(t: TraceTime): void {
    this.time(t);
  }
  label(t: TraceTime): void {
    this.time(t);
  }
  metric(t: TraceTime): void {
    this.time(t);
  }
  stackSample(t: TraceTime): void {
    this.time(t);
    this.cpuSamples++;
  }
  taskBegin(t: TraceTime): void {
    this.time(t);
  }
  taskEnd(t: TraceTime): void {
    this.time(t);
  }
  regionBegin(t: TraceTime): void {
    this.time(t);
  }
  regionEnd(t: TraceTime): void {
    this.time(t);
  }
  log(t: TraceTime): void {
    this.time(t);
  }
  sync(t: TraceTime): void {
    this.time(t);
  }
  warning(message: string, offset: number): void {
    this.warnings.push(`${message} (at byte ${offset})`);
  }
  end(partial: boolean, lastGoodOffset: number): void {
    this.partial = partial;
    this.lastGoodOffset = lastGoodOffset;
    this.ended = true;
  }

  counts(): PartCounts {
    return {
      goMinor: this.goMinor,
      events: this.events,
      maxT: this.maxT,
      procIds: [...this.procIds],
      gcBegins: this.gcBegins,
      cpuSamples: this.cpuSamples,
      bigProcs: this.bigProcs,
      warnings: this.warnings.slice(),
      ended: this.ended,
      partial: this.partial,
      lastGoodOffset: this.lastGoodOffset,
    };
  }

  /**
   * Makes the times the builder's: a later part's event i gets max(t, lastTs + 1 + i) (Go's reader
   * makes every event's time exceed the one before, across the whole trace: with the previous part's
   * last time `lastTs` before them, the first events of the part may move; once one has not moved
   * none after it does), then minus `base`, the trace's first event time.
   */
  toRel(base: number, lastTs: number | null): void {
    const t = this.t;
    const n = this.n;
    let i = 0;
    if (lastTs !== null && this.idx !== null) {
      const idx = this.idx;
      for (; i < n; i++) {
        const floor = lastTs + 1 + idx[i]!;
        if (t[i]! >= floor) break;
        t[i] = floor - base;
      }
    }
    for (; i < n; i++) t[i] = t[i]! - base;
  }

  /**
   * The part's goroutine windows (over rel times). With `carried`, a status met first by a later
   * part's decoder (old state undetermined) is what one pass sees: a goroutine already known, old
   * state = new, no reset.
   */
  windows(carried: boolean): PartWindows {
    const nG = this.gN;
    const reset = new Uint8Array(nG);
    const run = new Float64Array(nG).fill(NaN);
    const end = new Float64Array(nG).fill(NaN);
    const { t, g, to: TO, cls } = this;
    for (let i = 0; i < this.n; i++) {
      const to = TO[i]!;
      let from = cls[i]! >> FROM_SHIFT;
      if (carried && from === G_UNDETERMINED) from = to;
      if (from === to) continue;
      const r = g[i]!;
      if (from === G_UNDETERMINED || from === G_NOTEXIST) {
        reset[r] = 1;
        run[r] = NaN;
        end[r] = NaN;
      }
      if (to === G_RUNNING) {
        if (run[r] !== run[r]) run[r] = t[i]!;
      } else if (to === G_NOTEXIST || (to === G_WAITING && (cls[i]! & FOREVER) !== 0)) {
        end[r] = t[i]!;
      }
    }
    return { ids: this.ids.slice(0, nG), reset, run, end };
  }

  /**
   * Walks the part's rows from no tracking, with each goroutine's final window [lo, hi] (by row).
   * For a later part, per (goroutine, kind), where tracking from before the part would end — the
   * goroutine's first transition out of the kind's state — and what the walk counted there: one pass
   * would count [start before, that time] instead.
   */
  walk(lo: Float64Array, hi: Float64Array, later: boolean): { totals: BlockingTotals; end: BoundaryState; firstClose: FirstCloses | null } {
    const nG = this.gN;
    const nk = KINDS.length;
    const totals = { sync: 0, net: 0, syscall: 0, sched: 0 };
    const state = { start: new Float64Array(nG * nk).fill(NaN), stk: new Int32Array(nG * nk), open: new Uint8Array(nG) };
    let closeAt: Int32Array | null = null;
    let counted: Float64Array | null = null;
    if (later) {
      closeAt = new Int32Array(nG * nk).fill(-1);
      counted = new Float64Array(nG * nk);
      const states = KINDS.map((k) => KIND_STATE[k]);
      const all = (1 << nk) - 1;
      const done = new Uint8Array(nG);
      for (let i = 0; i < this.n; i++) {
        const r = this.g[i]!;
        if (done[r] === all) continue;
        const to = this.to[i]!;
        for (let k = 0; k < nk; k++) {
          if ((done[r]! & (1 << k)) === 0 && to !== states[k]) {
            closeAt[r * nk + k] = i;
            done[r]! |= 1 << k;
          }
        }
      }
    }
    const rows = { t: new PlainTimes(this.t), g: this.g, to: this.to, reason: this.cls, stack: null };
    const sums = new Float64Array(nk);
    walkRows(rows, CLASS_OF_CLASS, KINDS, lo, hi, 0, this.n, state, (_kind, _s, d, g, i, k) => {
      sums[k]! += d;
      if (closeAt !== null && closeAt[g * nk + k] === i) counted![g * nk + k] = d;
    });
    KINDS.forEach((kind, k) => (totals[kind] = sums[k]!));
    let firstClose: FirstCloses | null = null;
    if (closeAt !== null) {
      const at = new Float64Array(nG * nk).fill(NaN);
      for (let s = 0; s < at.length; s++) if (closeAt[s]! >= 0) at[s] = this.t[closeAt[s]!]!;
      firstClose = { ids: this.ids.slice(0, nG), at, counted: counted! };
    }
    const open = new Float64Array(nG * nk).fill(NaN);
    for (let r = 0; r < nG; r++) for (let k = 0; k < nk; k++) if (state.open[r]! & (1 << k)) open[r * nk + k] = state.start[r * nk + k]!;
    return { totals, end: { ids: this.ids.slice(0, nG), start: open }, firstClose };
  }
}

/** Per (goroutine, kind), by row of `ids`: the start of tracking still open at the part's end (NaN: none). */
export interface BoundaryState {
  ids: Float64Array;
  start: Float64Array;
}

/** Per (goroutine, kind) of a later part: its first transition out of the kind's state (NaN: none), and what its walk counted there. */
export interface FirstCloses {
  ids: Float64Array;
  at: Float64Array;
  counted: Float64Array;
}

/** The builder's end-of-trace warnings after the decoder's. */
export function figureWarnings(c: PartCounts): string[] {
  return [...c.warnings, ...endWarnings(c.warnings, c.partial, c.lastGoodOffset, c.bigProcs)];
}

/** The figures of a trace read in one part. */
export function onePartFigures(rows: FiguresRows): TraceFigures {
  const base = rows.firstT === rows.firstT ? rows.firstT : 0;
  rows.toRel(base, null);
  const w = rows.windows(false);
  const endNs = rows.maxT === rows.maxT ? Math.max(0, rows.maxT - base) : 0;
  const { lo, hi } = goroutineWindowsOf(w.run, w.end, endNs);
  const { totals } = rows.walk(lo, hi, false);
  const c = rows.counts();
  return {
    goMinor: c.goMinor,
    durationNs: endNs,
    goroutines: rows.gN,
    gcCount: c.gcBegins,
    procs: c.procIds.length,
    cpuSamples: c.cpuSamples,
    partial: c.partial || !c.ended,
    warnings: figureWarnings(c),
    blockingNs: totals,
  };
}

/** Tracking open at the first part's end, closed in the later part: what one pass counts there instead. */
export function boundaryCorrection(end: BoundaryState, firstClose: FirstCloses, lo: (id: number) => number, hi: (id: number) => number): BlockingTotals {
  const nk = KINDS.length;
  const out = { sync: 0, net: 0, syscall: 0, sched: 0 };
  const laterRow = new Map<number, number>();
  firstClose.ids.forEach((id, r) => laterRow.set(id, r));
  for (let r = 0; r < end.ids.length; r++) {
    const id = end.ids[r]!;
    const lr = laterRow.get(id);
    if (lr === undefined) continue;
    for (let k = 0; k < nk; k++) {
      const s0 = end.start[r * nk + k]!;
      if (s0 !== s0) continue;
      const tc = firstClose.at[lr * nk + k]!;
      if (tc !== tc) continue; // still open at the end of the trace: not counted either way
      const l = lo(id);
      const h = hi(id);
      const d = l > h ? 0 : overlap(l, h, s0, tc);
      out[KINDS[k]!] += (d > 0 ? d : 0) - firstClose.counted[lr * nk + k]!;
    }
  }
  return out;
}
