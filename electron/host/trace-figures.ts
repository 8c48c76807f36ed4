/**
 * The figures `inspect` prints for a Go execution trace (shared/query/trace/trace-summary.ts), from
 * the decoder's events without building the model: only what the figures read is kept, one light row
 * per goroutine transition. Every rule that decides a figure is the model builder's
 * (model-builder.ts) — the same base time, last time, goroutine rows, Go's goroutine-summary window
 * and counts — and the blocking totals come from the same walk (trace-blocking.ts walkRows), so the
 * figures equal summarizeTrace(parseTrace(file)) on any input; trace-figures.test.ts checks this.
 *
 * A trace split into parts at generation starts (parallel-figures.ts) is read by one sink per part:
 * a later part's sink (`continuation`) records goroutine ids, and the first part's sink appends it
 * after checking that the later part started from the state the first part ended in.
 */
import { G_NOTEXIST, G_RUNNING, G_UNDETERMINED, G_WAITING, NO_PROC } from '../../shared/model/trace.ts';
import { goroutineWindowsOf, walkRows, type BlockingKind } from '../../shared/query/trace/trace-blocking.ts';
import type { GoState, ProcState, RangeScope, TraceEventSink, TraceHeaderInfo, TraceTime } from '../../shared/ingest/gotrace/events.ts';

const GC_MARK = 'GC concurrent mark phase';
/** Goroutine ids below this find their row in an array. */
const DENSE_IDS = 1 << 24;
/** Reason class bits: 1 a sync-tracked reason, 2 "network" (trace-blocking.ts reasonClasses), 4 "forever". */
const FOREVER = 4;
/** reasonClasses' table over class bits: a row stores its class, so the class of class c is c. */
const CLASS_OF_CLASS = Uint8Array.from({ length: 8 }, (_, i) => i & 3);

export interface TraceFigures {
  goMinor: number;
  durationNs: number;
  goroutines: number;
  gcCount: number;
  procs: number;
  cpuSamples: number;
  partial: boolean;
  warnings: string[];
  blockingNs: Record<BlockingKind, number>;
}

/** What a later part's sink hands to the first part's (plain data and typed arrays: it crosses threads). */
export interface FiguresPart {
  /**
   * Per transition: absolute time, its event's index among the part's events, goroutine id, from, to,
   * reason class. Times are as the part's own decoder made them strictly increasing from 0; with the
   * first part's last time L before it, event i's time is max(t, L + 1 + i) (appendPart).
   */
  t: Float64Array;
  idx: Float64Array;
  g: Float64Array;
  from: Uint8Array;
  to: Uint8Array;
  cls: Uint8Array;
  count: number;
  /** The part's events, and the absolute time of its last (NaN: none). */
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
  /** [id, wire status] of each goroutine and P the part's decoder met first (set by parallel-figures.ts). */
  carriedGoroutines: [number, number][];
  carriedProcs: [number, number][];
}

function classOf(reason: string): number {
  let c = 0;
  if (reason.includes('chan') || reason.includes('sync') || reason.includes('select')) c |= 1;
  if (reason === 'network') c |= 2;
  if (reason === 'forever') c |= FOREVER;
  return c;
}

/** Times in a Float64Array, read as the walk reads a TimeColumn. */
class PlainTimes {
  constructor(private readonly a: Float64Array) {}
  at(i: number): number {
    return this.a[i]!;
  }
}

/** Growable typed column (doubling; reserved from the input size like the builder's tables). */
class Grow<T extends Float64Array | Uint8Array | Int32Array> {
  constructor(
    public a: T,
    private readonly make: (n: number) => T,
  ) {}
  grow(n: number): void {
    const b = this.make(Math.max(n, this.a.length * 2));
    b.set(this.a);
    this.a = b;
  }
}

export class TraceFiguresSink implements TraceEventSink {
  goMinor = 0;
  private base = NaN;
  private lastT = 0;
  private events = 0;
  private maxAbs = NaN;
  // Goroutine rows, by id (the builder's: a row per id met in a transition): row + 1 by small id, else a map.
  private rowById = new Int32Array(1024);
  private readonly rowOf = new Map<number, number>();
  private gN = 0;
  private gRun = new Grow(new Float64Array(1024), (n) => new Float64Array(n));
  private gSumEnd = new Grow(new Float64Array(1024), (n) => new Float64Array(n));
  // Transitions (first part: times relative to the base, rows; a continuation: absolute times, ids).
  private tN = 0;
  private tT: Grow<Float64Array> | null;
  private tAbs: Grow<Float64Array> | null;
  private tIdx: Grow<Float64Array> | null;
  private tG: Grow<Float64Array>;
  private tFrom: Grow<Uint8Array>;
  private tTo: Grow<Uint8Array>;
  private tCls: Grow<Uint8Array>;
  private lastReason = '';
  private lastClass = 0;
  private readonly classes = new Map<string, number>();
  private readonly procIds = new Set<number>();
  private gcBegins = 0;
  private cpuSamples = 0;
  private bigProcs = 0;
  readonly warnings: string[] = [];
  private partial = false;
  private ended = false;
  private lastGoodOffset = 0;

  constructor(
    inputBytes = 0,
    /** A later part: keeps absolute times and goroutine ids for the first part's sink to append. */
    private readonly continuation = false,
  ) {
    const rows = Math.max(1024, Math.min(1 << 28, Math.ceil(inputBytes / 5)));
    this.tT = continuation ? null : new Grow(new Float64Array(rows), (n) => new Float64Array(n));
    this.tAbs = continuation ? new Grow(new Float64Array(rows), (n) => new Float64Array(n)) : null;
    this.tIdx = continuation ? new Grow(new Float64Array(rows), (n) => new Float64Array(n)) : null;
    this.tG = new Grow(new Float64Array(rows), (n) => new Float64Array(n));
    this.tFrom = new Grow(new Uint8Array(rows), (n) => new Uint8Array(n));
    this.tTo = new Grow(new Uint8Array(rows), (n) => new Uint8Array(n));
    this.tCls = new Grow(new Uint8Array(rows), (n) => new Uint8Array(n));
  }

  private rel(t: TraceTime): number {
    this.events++;
    if (!(t <= this.maxAbs)) this.maxAbs = t;
    if (this.base !== this.base) this.base = t;
    const r = t - this.base;
    if (r > this.lastT) this.lastT = r;
    return r;
  }

  begin(info: TraceHeaderInfo): void {
    this.goMinor = info.goMinor;
  }

  goTransition(tAbs: TraceTime, g: number, from: GoState, to: GoState, reason: string, _eventStack: number, _resourceStack: number, _byG: number, p = -1): void {
    const t = this.rel(tAbs);
    if (reason !== this.lastReason) {
      this.lastReason = reason;
      let c = this.classes.get(reason);
      if (c === undefined) {
        c = classOf(reason);
        if (this.classes.size < 4096) this.classes.set(reason, c);
      }
      this.lastClass = c;
    }
    if (p >= NO_PROC) this.bigProcs++;
    this.append(t, tAbs, g, from, to, this.lastClass);
  }

  private append(t: number, tAbs: number, g: number, from: number, to: number, cls: number): void {
    const i = this.tN++;
    if (i >= this.tG.a.length) {
      this.tG.grow(i + 1);
      this.tFrom.grow(i + 1);
      this.tTo.grow(i + 1);
      this.tCls.grow(i + 1);
      if (this.tAbs !== null) this.tAbs.grow(i + 1);
      if (this.tT !== null) this.tT.grow(i + 1);
      if (this.tIdx !== null) this.tIdx.grow(i + 1);
    }
    this.tFrom.a[i] = from;
    this.tTo.a[i] = to;
    this.tCls.a[i] = cls;
    if (this.continuation) {
      this.tAbs!.a[i] = tAbs;
      this.tIdx!.a[i] = this.events - 1;
      this.tG.a[i] = g;
      return;
    }
    this.tT!.a[i] = t;
    const row = this.row(g);
    this.tG.a[i] = row;
    // Go's goroutine summary window (the builder's rule): only real changes count.
    if (from !== to) {
      if (from === G_UNDETERMINED || from === G_NOTEXIST) {
        this.gRun.a[row] = NaN;
        this.gSumEnd.a[row] = NaN;
      }
      if (to === G_RUNNING) {
        if (this.gRun.a[row] !== this.gRun.a[row]) this.gRun.a[row] = t;
      } else if (to === G_NOTEXIST || (to === G_WAITING && (cls & FOREVER) !== 0)) {
        this.gSumEnd.a[row] = t;
      }
    }
  }

  private row(id: number): number {
    const dense = this.rowById;
    if (id >= 0 && id < dense.length && dense[id] !== 0) return dense[id]! - 1;
    let r = this.rowOf.get(id);
    if (r === undefined) {
      r = this.gN++;
      if (r >= this.gRun.a.length) {
        this.gRun.grow(r + 1);
        this.gSumEnd.grow(r + 1);
      }
      this.gRun.a[r] = NaN;
      this.gSumEnd.a[r] = NaN;
      if (id >= 0 && id < DENSE_IDS && (id | 0) === id) {
        if (id >= this.rowById.length) {
          const b = new Int32Array(Math.min(DENSE_IDS, Math.max(id + 1, this.rowById.length * 2)));
          b.set(this.rowById);
          this.rowById = b;
        }
        this.rowById[id] = r + 1;
      } else this.rowOf.set(id, r);
    }
    return r;
  }

  procTransition(tAbs: TraceTime, p: number, _from: ProcState, _to: ProcState): void {
    this.rel(tAbs);
    this.procIds.add(p);
  }
  rangeBegin(tAbs: TraceTime, name: string): void {
    this.rel(tAbs);
    if (name === GC_MARK) this.gcBegins++;
  }
  rangeEnd(tAbs: TraceTime): void {
    this.rel(tAbs);
  }
  rangeActive(tAbs: TraceTime, _name: string, _scope: RangeScope): void {
    this.rel(tAbs);
  }
  label(tAbs: TraceTime): void {
    this.rel(tAbs);
  }
  metric(tAbs: TraceTime): void {
    this.rel(tAbs);
  }
  stackSample(tAbs: TraceTime): void {
    this.rel(tAbs);
    this.cpuSamples++;
  }
  taskBegin(tAbs: TraceTime): void {
    this.rel(tAbs);
  }
  taskEnd(tAbs: TraceTime): void {
    this.rel(tAbs);
  }
  regionBegin(tAbs: TraceTime): void {
    this.rel(tAbs);
  }
  regionEnd(tAbs: TraceTime): void {
    this.rel(tAbs);
  }
  log(tAbs: TraceTime): void {
    this.rel(tAbs);
  }
  sync(tAbs: TraceTime): void {
    this.rel(tAbs);
  }
  warning(message: string, offset: number): void {
    this.warnings.push(`${message} (at byte ${offset})`);
  }
  end(partial: boolean, lastGoodOffset: number): void {
    this.partial = partial;
    this.lastGoodOffset = lastGoodOffset;
    this.ended = true;
  }

  /** A continuation's rows and counts, to hand to the first part's sink. */
  part(): FiguresPart {
    const n = this.tN;
    return {
      t: this.tAbs!.a.slice(0, n),
      idx: this.tIdx!.a.slice(0, n),
      g: this.tG.a.slice(0, n),
      from: this.tFrom.a.slice(0, n),
      to: this.tTo.a.slice(0, n),
      cls: this.tCls.a.slice(0, n),
      count: n,
      events: this.events,
      maxT: this.maxAbs,
      procIds: [...this.procIds],
      gcBegins: this.gcBegins,
      cpuSamples: this.cpuSamples,
      bigProcs: this.bigProcs,
      warnings: this.warnings.slice(),
      ended: this.ended,
      partial: this.partial,
      lastGoodOffset: this.lastGoodOffset,
      carriedGoroutines: [],
      carriedProcs: [],
    };
  }

  /**
   * Appends a later part, as if its events had come to this sink after `lastTs` (the last event
   * time before the part): statuses the part's decoder met first are, in one pass, statuses of
   * goroutines already known (old state = new), which the caller checked (parallel-figures.ts).
   */
  appendPart(p: FiguresPart, lastTs: number): void {
    const from0 = lastTs + 1;
    for (let i = 0; i < p.count; i++) {
      const to = p.to[i]!;
      const from = p.from[i] === G_UNDETERMINED ? to : p.from[i]!;
      let tAbs = p.t[i]!;
      const floor = from0 + p.idx[i]!;
      if (tAbs < floor) tAbs = floor;
      this.append(this.rel(tAbs), tAbs, p.g[i]!, from, to, p.cls[i]!);
    }
    if (p.events > 0) this.rel(Math.max(p.maxT, lastTs + p.events));
    for (const id of p.procIds) this.procIds.add(id);
    this.gcBegins += p.gcBegins;
    this.cpuSamples += p.cpuSamples;
    this.bigProcs += p.bigProcs;
    this.warnings.push(...p.warnings);
    if (p.ended) this.end(p.partial, p.lastGoodOffset);
  }

  /** The figures, with the builder's end-of-trace warnings. */
  figures(kinds: readonly BlockingKind[] = ['sync', 'net', 'syscall', 'sched']): TraceFigures {
    const warnings = this.warnings.slice();
    if (this.partial && warnings.length === 0) warnings.push(`the trace is cut short: only what precedes byte ${this.lastGoodOffset} was read`);
    if (this.bigProcs > 0) warnings.push(`${this.bigProcs} goroutine transition(s) name a P id of 65535 or more: stored as no P`);
    const nG = this.gN;
    const nk = kinds.length;
    const blockingNs = { sync: 0, net: 0, syscall: 0, sched: 0 };
    const { lo, hi } = goroutineWindowsOf(this.gRun.a.subarray(0, nG), this.gSumEnd.a.subarray(0, nG), this.lastT);
    const rows = { t: new PlainTimes(this.tT!.a), g: this.tG.a, to: this.tTo.a, reason: this.tCls.a, stack: null };
    const state = { start: new Float64Array(nG * nk).fill(NaN), stk: new Int32Array(nG * nk), open: new Uint8Array(nG) };
    walkRows(rows, CLASS_OF_CLASS, kinds, lo, hi, 0, this.tN, state, (k, _s, d) => {
      blockingNs[k] += d;
    });
    return {
      goMinor: this.goMinor,
      durationNs: this.lastT,
      goroutines: nG,
      gcCount: this.gcBegins,
      procs: this.procIds.size,
      cpuSamples: this.cpuSamples,
      partial: this.partial || !this.ended,
      warnings,
      blockingNs,
    };
  }
}
