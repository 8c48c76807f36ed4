/**
 * The figures `tracedeck inspect` prints for a Go execution trace (shared/query/trace/trace-summary.ts),
 * from the decoder's events without building the model and without storing them: each goroutine
 * transition goes through Go's blocking walk as it comes (walk-summary.ts), and a few counts. Every
 * rule that decides a figure is the model builder's (shared/ingest/gotrace/model-builder.ts) — base
 * time, last time, a goroutine row per id met in a transition, Go's goroutine-summary window, the
 * counts — and the walk is trace-blocking.ts's, so the figures equal summarizeTrace(parseTrace(file))
 * on any input (trace-figures.test.ts).
 *
 * A trace read in parts (parallel-figures.ts) joins per goroutine: each part's walk summary, and the
 * first transitions of a later part, whose times are only known once the part before it has ended.
 */
import { GO_STATUS_STATE, NO_PROC } from '../../shared/model/trace.ts';
import { reasonClasses } from '../../shared/query/trace/trace-blocking.ts';
import type { TraceCounts } from '../../shared/query/trace/trace-summary.ts';
import { endWarnings } from '../../shared/ingest/gotrace/model-builder.ts';
import type { GoState, ProcState, TraceEventSink, TraceHeaderInfo, TraceTime } from '../../shared/ingest/gotrace/events.ts';
import { FROM_ARG4, TO_STATUS, TRANSITION_ROWS, type DirectOut, type DirectSink } from '../../shared/ingest/gotrace/v2/decode.ts';
import type { Generation } from '../../shared/ingest/gotrace/v2/generation.ts';
import { ROWS_PER_CHUNK } from '../../shared/ingest/gotrace/v2/out-buf.ts';
import { Ev } from '../../shared/ingest/gotrace/v2/wire.ts';
import { FOREVER, summaryTotals, TransitionBatch, WalkSummary, type SummaryColumns } from './walk-summary.ts';

const GC_MARK = 'GC concurrent mark phase';
/** Goroutine ids below this find their row in an array. */
const DENSE_IDS = 1 << 24;
/**
 * A later part keeps its first transitions as they are, to be walked once the part before it has
 * ended: their times may then move (FirstTransitions). On real traces a handful move.
 */
export const KEPT_TRANSITIONS = 1 << 14;

/** What `inspect` prints of a trace: the model's counts (trace-summary.ts) and the reader's warnings. */
export type TraceFigures = TraceCounts & { warnings: string[] };

/** A part's counts and end (plain data: it crosses threads). */
export interface PartCounts {
  goMinor: number;
  /** Events the part's sink saw, the time of its first and its largest (NaN: none), as its decoder made them. */
  events: number;
  firstT: number;
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

/** A reason's class bits: the walk's (reasonClasses), and FOREVER for the summary window. */
function classOf(reason: string): number {
  return reasonClasses([reason])[0]! | (reason === 'forever' ? FOREVER : 0);
}

/**
 * A later part's first transitions, as its decoder gave them: time, event index in the part, goroutine
 * row, new state, and old state with reason class (plain data: they cross threads).
 */
export interface FirstTransitions {
  n: number;
  t: Float64Array;
  idx: Float64Array;
  g: Int32Array;
  to: Uint8Array;
  fromCls: Uint8Array;
  /** The first transition walked as it came (after these): its time and event index; null when none. */
  next: { t: number; idx: number } | null;
}

const { who: WHO, from: FROM, to: TO, reason: REASON } = TRANSITION_ROWS;

/** A row's byte in FirstTransitions: the reason class in bits 0–2, the state it leaves in bits 3–5. */
const FROM_SHIFT = 3;
const CLASS_BITS = 7;

/**
 * One part's figures (a TraceEventSink): counts, and each goroutine transition walked as it comes
 * (`walk`; times absolute, as the decoder gave them). A later part keeps its first transitions apart
 * (`first`).
 */
export class FiguresRows implements TraceEventSink, DirectSink, DirectOut {
  goMinor = 0;
  /** The first event's time (the builder's base) and the largest time seen. */
  firstT = NaN;
  maxT = NaN;
  events = 0;
  // Goroutine rows by id: row + 1 by small id, else a map (ids by row: walk's columns).
  private rowById = new Int32Array(1024);
  private readonly rowOf = new Map<number, number>();
  gN = 0;
  /** Goroutine transitions seen. */
  n = 0;
  readonly walk: WalkSummary;
  readonly first: FirstTransitions | null;
  private lastReason = '';
  private lastClass = 0;
  private readonly classes = new Map<string, number>();
  readonly procIds = new Set<number>();
  private readonly procSeen = new Uint8Array(4096);
  private classGen: Generation | null = null;
  /** Reason class + 1 by string id of classGen (0: not yet known). */
  private readonly classById = new Uint8Array(1 << 16);
  /** Scratch: a chunk's transitions, and their event indexes. */
  private readonly batch = new TransitionBatch(ROWS_PER_CHUNK);
  private readonly idxOf = new Float64Array(ROWS_PER_CHUNK);
  gcBegins = 0;
  cpuSamples = 0;
  bigProcs = 0;
  readonly warnings: string[] = [];
  partial = false;
  ended = false;
  lastGoodOffset = 0;

  constructor(
    /** A later part: its statuses met first are carried, and its first `keep` transitions kept apart. */
    later = false,
    keep = KEPT_TRANSITIONS,
  ) {
    this.walk = new WalkSummary(later);
    const k = later ? keep : 0;
    this.first = later
      ? { n: 0, t: new Float64Array(k), idx: new Float64Array(k), g: new Int32Array(k), to: new Uint8Array(k), fromCls: new Uint8Array(k), next: null }
      : null;
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
    const b = this.batch;
    b.r[0] = this.row(g);
    b.t[0] = t;
    b.from[0] = from;
    b.to[0] = to;
    b.cls[0] = cls;
    this.idxOf[0] = this.events - 1;
    this.walkBatch(1);
  }

  /**
   * Walks batch transitions [0, m) (their event indexes in idxOf); a later part's first ones are
   * kept apart instead (FirstTransitions).
   */
  private walkBatch(m: number): void {
    const b = this.batch;
    let i = 0;
    const first = this.first;
    if (first !== null && first.next === null) {
      const keep = first.t.length;
      for (; i < m && first.n < keep; i++) {
        const k = first.n++;
        first.t[k] = b.t[i]!;
        first.idx[k] = this.idxOf[i]!;
        first.g[k] = b.r[i]!;
        first.to[k] = b.to[i]!;
        first.fromCls[k] = b.cls[i]! | (b.from[i]! << FROM_SHIFT);
      }
      if (i < m) first.next = { t: b.t[i]!, idx: this.idxOf[i]! };
    }
    this.n += m;
    this.walk.walk(b, i, m);
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

  // The ordering writes here directly (decode.ts DirectSink): no rows are buffered.
  count = 0;
  lastTs = 0;
  gen: Generation | null = null;
  /** Transitions in `batch` not yet walked. */
  private pending = 0;

  directOut(): DirectOut {
    return this;
  }

  /** One ordered event: its time made to exceed the one before, its transition or count taken. */
  push(typ: number, t: number, g: number, p: number, _m: number, a0: number, _a1: number, a2: number, _a3: number, a4: number): void {
    // Small, so that the ordering's handlers take it in: the time (a double, boxed when passed to a
    // call) stays a field, and `take` gets small integers only.
    this.lastTs = t <= this.lastTs ? this.lastTs + 1 : t;
    this.take(typ, g, p, a0, a2, a4);
  }

  /** The event just pushed (at `lastTs`): its transition, or its count. */
  private take(typ: number, g: number, p: number, a0: number, a2: number, a4: number): void {
    const t = this.lastTs;
    // (The largest time is the last one pushed: flush keeps it.)
    const ev = this.events++;
    if (this.firstT !== this.firstT) this.firstT = t;
    const w = WHO[typ]!;
    if (w !== 0) {
      const fr = FROM[typ]!;
      const to = TO[typ]!;
      const cls = REASON[typ] === 1 ? this.reasonClass(a0, this.gen!) : 0;
      if (p >= NO_PROC) this.bigProcs++;
      const b = this.batch;
      const k = this.pending++;
      b.r[k] = this.row(w === 1 ? a0 : g);
      b.t[k] = t;
      b.from[k] = fr === FROM_ARG4 ? a4 : fr;
      b.to[k] = to === TO_STATUS ? GO_STATUS_STATE[a2]! : to;
      b.cls[k] = cls;
      this.idxOf[k] = ev;
      if (k + 1 === b.t.length) this.flush();
      return;
    }
    // Number literals: one indexed jump (see dispatchRows).
    switch (typ) {
      case 10 satisfies typeof Ev.ProcStart:
      case 12 satisfies typeof Ev.ProcSteal:
      case 13 satisfies typeof Ev.ProcStatus:
        this.proc(a0);
        break;
      case 11 satisfies typeof Ev.ProcStop:
        this.proc(p);
        break;
      case 29 satisfies typeof Ev.GCBegin:
        this.gcBegins++;
        break;
      case 7 satisfies typeof Ev.CPUSample:
        this.cpuSamples++;
        break;
    }
  }

  /** Walks the transitions taken since the last flush. */
  flush(): void {
    if (this.events > 0 && !(this.lastTs <= this.maxT)) this.maxT = this.lastTs;
    const m = this.pending;
    this.pending = 0;
    this.walkBatch(m);
  }

  /** The class bits of a reason string id of `gen` (cached by id: 0 = not yet known). */
  private reasonClass(id: number, gen: Generation): number {
    const cache = this.classById;
    // String ids are a generation's own.
    if (gen !== this.classGen) {
      this.classGen = gen;
      cache.fill(0);
    }
    if (id >= 0 && id < cache.length && (id | 0) === id) {
      const c = cache[id]!;
      if (c !== 0) return c - 1;
      const v = this.classOfReason(gen.string(id) ?? '');
      cache[id] = v + 1;
      return v;
    }
    return this.classOfReason(gen.string(id) ?? '');
  }

  private row(id: number): number {
    const dense = this.rowById;
    if (id >= 0 && id < dense.length && dense[id] !== 0) return dense[id]! - 1;
    let r = this.rowOf.get(id);
    if (r !== undefined) return r;
    r = this.gN++;
    this.walk.addRow(id);
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
      firstT: this.firstT,
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
}

/** The builder's end-of-trace warnings after the decoder's. */
export function figureWarnings(c: PartCounts): string[] {
  return [...c.warnings, ...endWarnings(c.warnings, c.partial, c.lastGoodOffset, c.bigProcs)];
}

/**
 * The figures of a trace read in one part (its counts and walk); null when its transitions came out of
 * time order (summaryTotals).
 */
export function onePartFigures(c: PartCounts, walk: SummaryColumns): TraceFigures | null {
  const base = c.firstT === c.firstT ? c.firstT : 0;
  const endNs = c.maxT === c.maxT ? Math.max(0, c.maxT - base) : 0;
  const totals = summaryTotals(walk);
  if (totals === null) return null;
  return {
    goMinor: c.goMinor,
    durationNs: endNs,
    goroutines: walk.n,
    gcCount: c.gcBegins,
    procs: c.procIds.length,
    cpuSamples: c.cpuSamples,
    partial: c.partial || !c.ended,
    warnings: figureWarnings(c),
    blockingNs: totals,
  };
}

/**
 * A later part's first transitions walked from a fresh state (rows as the part's: `ids`), with the
 * times one pass gives them: Go's reader makes every event's time exceed the one before, across the
 * whole trace, so with the part before ending at `lastTs`, the part's event i gets
 * max(t, lastTs + 1 + i) (a generation's first events often precede the last ones of the one before).
 */
export function walkFirstTransitions(first: FirstTransitions, ids: Float64Array, nIds: number, lastTs: number): SummaryColumns {
  const w = new WalkSummary(true, nIds);
  for (let r = 0; r < nIds; r++) w.addRow(ids[r]!);
  for (let i = 0; i < first.n; i++) {
    const floor = lastTs + 1 + first.idx[i]!;
    const t = first.t[i]! >= floor ? first.t[i]! : floor;
    const fc = first.fromCls[i]!;
    w.step(first.g[i]!, t, fc >> FROM_SHIFT, first.to[i]!, fc & CLASS_BITS);
  }
  return w.c;
}

/**
 * Whether the transitions the part walked as they came keep their times after a part ending at
 * `lastTs`: once an event's time is not moved none after it is (times rise by at least 1 per event),
 * so the first of them tells.
 */
export function walkedTimesHold(first: FirstTransitions, lastTs: number): boolean {
  return first.next === null || first.next.t >= lastTs + 1 + first.next.idx;
}
