/**
 * A TraceEventSink that builds the TraceModel from either decoder's event stream. The big tables
 * (transitions, wakers, the GC event log, metrics) are reserved up front from the input's size: an
 * allocation is only address space until rows are written, so a generous reserve costs nothing and
 * the finished columns are views of it, never copies (a trace past the reserve grows by doubling).
 * Times take four bytes a row (shared/model/time-column.ts), goroutine rows and stacks two while they
 * fit (index-column.ts). Small tables grow by doubling (column.ts). Nothing is allocated per event
 * except when a new goroutine, string or task appears.
 * It also keeps Go's goroutine-summary StartTime/EndTime (internal/trace summary.go semantics),
 * which cmd/trace uses to clip blocking intervals.
 */
import { Column, ensureCapacity, reserveLength } from '../../model/column.ts';
import { indexColumnBuilder, stringIndexColumnBuilder, type NarrowColumnBuilder } from '../../model/index-column.ts';
import { StringInterner } from '../../model/interner.ts';
import type { StackTableBuilder } from '../../model/stacks.ts';
import { TimeColumnBuilder } from '../../model/time-column.ts';
import type { TraceModel } from '../../model/trace.ts';
import * as M from '../../model/trace.ts';
import type { GoState, ProcState, RangeScope, TraceEventSink, TraceHeaderInfo, TraceTime } from './events.ts';

// Module-local copies of the model's constants: tsx and test runners reach an imported binding through
// a getter call on every use, and goTransition reads several per event.
const { G_NOTEXIST: NOTEXIST, G_RUNNABLE: RUNNABLE, G_RUNNING: RUNNING, G_SYSCALL: SYSCALL, G_UNDETERMINED: UNDETERMINED, G_WAITING: WAITING, NO_PROC } = M;
const { GC_EV_ASSIST_ACTIVE, GC_EV_ASSIST_BEGIN, GC_EV_ASSIST_END, GC_EV_GOMAXPROCS, GC_EV_LABEL, GC_EV_LAST, GC_EV_STW_BEGIN, GC_EV_STW_END } = M;
const { GC_EV_SWEEP_ACTIVE, GC_EV_SWEEP_BEGIN, GC_EV_SWEEP_END, GC_EV_SYNC, GC_LABEL_DEDICATED, GC_LABEL_FRACTIONAL, GC_LABEL_IDLE, GC_LABEL_OTHER } = M;

const GC_MARK = 'GC concurrent mark phase';
/** Goroutine ids below this are indexed densely (at most 64 MB of index; Go's ids count up from 1). */
const DENSE_IDS = 1 << 24;
const GC_SWEEP = 'GC incremental sweep';
const GC_ASSIST = 'GC mark assist';
const GOMAXPROCS = '/sched/gomaxprocs:threads';
const GC_LABEL_VALUE: Record<string, number> = {
  'GC (dedicated)': GC_LABEL_DEDICATED,
  'GC (fractional)': GC_LABEL_FRACTIONAL,
  'GC (idle)': GC_LABEL_IDLE,
};


/**
 * The warnings a trace's reader adds at its end, after the decoder's: that the input was cut (even
 * when the decoder had nothing more specific to report), and P ids too big to store.
 */
export function endWarnings(decoderWarnings: readonly string[], partial: boolean, lastGoodOffset: number, bigProcs: number): string[] {
  const out: string[] = [];
  if (partial && decoderWarnings.length === 0) out.push(`the trace is cut short: only what precedes byte ${lastGoodOffset} was read`);
  if (bigProcs > 0) out.push(`${bigProcs} goroutine transition(s) name a P id of 65535 or more: stored as no P`);
  return out;
}

export class TraceModelBuilder implements TraceEventSink {
  goMinor = 0;
  ticksPerSec = 0;
  private base = NaN;
  private lastT = 0;
  wallAtZero: string | null = null;
  partial = false;
  lastGoodOffset = 0;
  warnings: string[] = [];
  private ended = false;

  private strings = new StringInterner(['']);
  /** The last reason interned, and its index. */
  private lastReason = '';
  private lastReasonIdx = 0;

  // goroutines
  /**
   * Goroutine id → row. Go hands out ids densely from 1, so ids below DENSE_IDS index a typed array
   * (row + 1; 0 = none) — a Map lookup per transition was the builder's largest cost; larger or odd
   * ids (never seen from Go's runtime) fall back to a Map.
   */
  private rowById: Int32Array = new Int32Array(1024);
  private gRow = new Map<number, number>();
  private gN = 0;
  private gId = new Column(Float64Array);
  private gCreate = new Column(Int32Array);
  private gStartStack = new Column(Int32Array);
  private gFirst = new Column(Float64Array);
  private gLast = new Column(Float64Array);
  private gEnd = new Column(Float64Array);
  private gRun = new Column(Float64Array);
  private gSumEnd = new Column(Float64Array);
  /** Start stacks announced (old formats) before the goroutine's first transition. */
  private pendingStart = new Map<number, number>();

  // transitions
  private tN = 0;
  private tT: TimeColumnBuilder;
  private tG: NarrowColumnBuilder<Int16Array, Int32Array>;
  private tFrom: Column<Uint8Array>;
  private tTo: Column<Uint8Array>;
  private tReason: NarrowColumnBuilder<Uint8Array, Uint16Array>;
  private tStack: NarrowColumnBuilder<Int16Array, Int32Array>;
  private tP: Column<Uint16Array>;
  /** Rows every plain transition column has room for (their reserves differ by element size). */
  private tCap = 0;
  /** Transitions whose P id did not fit the two-byte column (stored as NO_PROC). */
  private bigProcs = 0;
  // transitions into Runnable from Waiting/NotExist/Undetermined: index and the waker's row
  private wN = 0;
  private wAt: Column<Int32Array>;
  private wBy: NarrowColumnBuilder<Int16Array, Int32Array>;
  // transitions into Syscall: index, the event's P and thread
  private sN = 0;
  private sAt = new Column(Int32Array, 64);
  private sP = new Column(Int32Array, 64);
  private sM = new Column(Int32Array, 64);
  // transitions out of Syscall: index and the event's thread
  private xN = 0;
  private xAt = new Column(Int32Array, 64);
  private xM = new Column(Int32Array, 64);

  // procs
  private pN = 0;
  private pT = new Column(Float64Array);
  private pP = new Column(Int32Array);
  private pFrom = new Column(Uint8Array);
  private pTo = new Column(Uint8Array);
  private pM = new Column(Int32Array);
  private pStolen = new Column(Uint8Array);
  private procIds = new Set<number>();

  // the GC event log (what Go's MMU reads besides goroutine transitions)
  private eN = 0;
  private eT: TimeColumnBuilder;
  private eKind: Column<Uint8Array>;
  private eP: Column<Int16Array>;
  private eG: NarrowColumnBuilder<Int16Array, Int32Array>;
  private eV: NarrowColumnBuilder<Int16Array, Int32Array>;
  private eSeq: Column<Int32Array>;
  private eCap = 0;
  private syncs = 0;

  // ranges
  private gcN = 0;
  private gcStart = new Column(Float64Array, 64);
  private gcEnd = new Column(Float64Array, 64);
  private gcOpen = -1;
  private gcBegins = 0;
  private stwN = 0;
  private stwStart = new Column(Float64Array, 64);
  private stwEnd = new Column(Float64Array, 64);
  private stwKind = new Column(Int32Array, 64);
  private stwOpen = new Map<number, number>();

  // metrics
  /** Metric names (at most 256: the metric column is a byte). */
  private metricNames = new StringInterner();
  private mN = 0;
  private mT: TimeColumnBuilder;
  private mM: Column<Uint8Array>;
  private mV: Column<Float64Array>;
  private mCap = 0;

  // tasks, regions, logs
  private taskRow = new Map<number, number>();
  private kN = 0;
  private kId = new Column(Float64Array, 64);
  private kParent = new Column(Float64Array, 64);
  private kType = new Column(Int32Array, 64);
  private kStart = new Column(Float64Array, 64);
  private kEnd = new Column(Float64Array, 64);
  private kG = new Column(Float64Array, 64);
  private kStack = new Column(Int32Array, 64);
  private rN = 0;
  private rTask = new Column(Float64Array, 64);
  private rType = new Column(Int32Array, 64);
  private rG = new Column(Float64Array, 64);
  private rStart = new Column(Float64Array, 64);
  private rEnd = new Column(Float64Array, 64);
  private rStack = new Column(Int32Array, 64);
  private openRegions = new Map<number, number[]>();
  private lN = 0;
  private lT = new Column(Float64Array, 64);
  private lTask = new Column(Float64Array, 64);
  private lCat = new Column(Int32Array, 64);
  private lMsg = new Column(Int32Array, 64);
  private lG = new Column(Float64Array, 64);
  private lStack = new Column(Int32Array, 64);

  // CPU samples
  private cN = 0;
  private cT = new Column(Float64Array, 64);
  private cG = new Column(Float64Array, 64);
  private cP = new Column(Float64Array, 64);
  private cStack = new Column(Int32Array, 64);

  constructor(
    private readonly stackBuilder: StackTableBuilder,
    /** The input's size in bytes (0: unknown), which bounds the big tables' reserves. */
    inputBytes = 0,
    /** An old-format (go 1.11–1.21) trace: its events are smaller, so more rows come per byte. */
    oldFormat = false,
  ) {
    // Rows per input byte at most seen in real traces (a transition is at least ~5 bytes of a new-format
    // trace, ~3 of an old one): reserving for them costs address space only; past a reserve a table grows
    // by doubling, which copies. Reserves stay near the real need because some systems (Windows) charge
    // address space as memory.
    const density = oldFormat ? 5 / 3 : 1;
    const rows = (bytesPerRow: number) => Math.max(1024, Math.min(1 << 30, Math.ceil((inputBytes * density) / bytesPerRow)));
    const tr = rows(5);
    this.tT = new TimeColumnBuilder(tr);
    this.tG = indexColumnBuilder(tr);
    this.tFrom = new Column(Uint8Array, reserveLength(tr, 1));
    this.tTo = new Column(Uint8Array, reserveLength(tr, 1));
    this.tReason = stringIndexColumnBuilder(tr);
    this.tStack = indexColumnBuilder(tr);
    this.tP = new Column(Uint16Array, reserveLength(tr, 2));
    const wk = rows(12);
    this.wAt = new Column(Int32Array, reserveLength(wk, 4));
    this.wBy = indexColumnBuilder(wk);
    const ev = rows(24);
    this.eT = new TimeColumnBuilder(ev);
    this.eKind = new Column(Uint8Array, reserveLength(ev, 1));
    this.eP = new Column(Int16Array, reserveLength(ev, 2));
    this.eG = indexColumnBuilder(ev);
    this.eV = indexColumnBuilder(ev);
    this.eSeq = new Column(Int32Array, reserveLength(ev, 4));
    const mt = rows(40);
    this.mT = new TimeColumnBuilder(mt);
    this.mM = new Column(Uint8Array, reserveLength(mt, 1));
    this.mV = new Column(Float64Array, reserveLength(mt, 8));
  }

  /** Goroutine row of a goroutine id named by an event (-1: none, or never seen in a transition). */
  private rowOf(g: number): number {
    if (g >= 0 && g < this.rowById.length && (g | 0) === g) return this.rowById[g]! - 1;
    if (g < DENSE_IDS && (g | 0) === g) return -1;
    return this.gRow.get(g) ?? -1;
  }

  private gcEvent(t: number, kind: number, p: number, g: number, value: number): void {
    const i = this.eN++;
    if (i >= this.eCap) {
      this.eKind.ensure(i + 1);
      this.eP.ensure(i + 1);
      this.eSeq.ensure(i + 1);
      this.eCap = Math.min(this.eKind.a.length, this.eP.a.length, this.eSeq.a.length);
    }
    this.eT.push(t);
    this.eKind.a[i] = kind;
    this.eP.a[i] = p <= 0x7fff ? p : -1;
    this.eG.set(i, this.rowOf(g));
    this.eV.set(i, value);
    this.eSeq.a[i] = this.tN;
  }

  private rel(t: TraceTime): number {
    if (this.base !== this.base) this.base = t;
    const r = t - this.base;
    if (r > this.lastT) this.lastT = r;
    return r;
  }

  private str(s: string): number {
    return this.strings.intern(s);
  }

  private goroutine(id: number, t: number): number {
    let r = this.rowOf(id);
    if (r < 0) {
      r = this.gN++;
      if (r >= this.gId.a.length) {
        const n = r + 1;
        this.gId.ensure(n);
        this.gCreate.ensure(n);
        this.gStartStack.ensure(n);
        this.gFirst.ensure(n);
        this.gLast.ensure(n);
        this.gEnd.ensure(n);
        this.gRun.ensure(n);
        this.gSumEnd.ensure(n);
      }
      this.gId.a[r] = id;
      this.gCreate.a[r] = -1;
      this.gStartStack.a[r] = this.pendingStart.size > 0 ? (this.pendingStart.get(id) ?? -1) : -1;
      this.gFirst.a[r] = t;
      this.gEnd.a[r] = NaN;
      this.gRun.a[r] = NaN;
      this.gSumEnd.a[r] = NaN;
      if (id >= 0 && id < DENSE_IDS && (id | 0) === id) {
        if (id >= this.rowById.length) this.rowById = ensureCapacity(this.rowById, id + 1);
        this.rowById[id] = r + 1;
      } else {
        this.gRow.set(id, r);
      }
    }
    this.gLast.a[r] = t;
    return r;
  }


  begin(info: TraceHeaderInfo): void {
    this.goMinor = info.goMinor;
    this.ticksPerSec = info.ticksPerSec;
  }

  goTransition(tAbs: TraceTime, g: number, from: GoState, to: GoState, reason: string, eventStack: number, resourceStack: number, byG: number, p = -1, m = -1): void {
    const t = this.rel(tAbs);
    const row = this.goroutine(g, t);
    let reasonIdx = 0;
    if (reason === this.lastReason) reasonIdx = this.lastReasonIdx; // reasons come in runs: skip the Map
    else if (reason !== '') {
      reasonIdx = this.strings.intern(reason);
      if (reasonIdx > 0xffff) reasonIdx = 0xffff; // more than 65k distinct reasons: never in practice
      this.lastReason = reason;
      this.lastReasonIdx = reasonIdx;
    }
    const i = this.tN++;
    if (i >= this.tCap) {
      const n = i + 1;
      this.tFrom.ensure(n);
      this.tTo.ensure(n);
      this.tP.ensure(n);
      this.tCap = Math.min(this.tFrom.a.length, this.tTo.a.length, this.tP.a.length);
    }
    this.tT.push(t);
    this.tG.set(i, row);
    this.tFrom.a[i] = from;
    this.tTo.a[i] = to;
    this.tReason.set(i, reasonIdx);
    this.tStack.set(i, eventStack);
    if (p >= 0 && p < NO_PROC) this.tP.a[i] = p;
    else {
      this.tP.a[i] = NO_PROC;
      if (p >= NO_PROC) this.bigProcs++;
    }
    if (to === RUNNABLE && (from === WAITING || from === NOTEXIST || from === UNDETERMINED)) {
      const k = this.wN++;
      if (k >= this.wAt.a.length) this.wAt.ensure(k + 1);
      this.wAt.a[k] = i;
      this.wBy.set(k, this.rowOf(byG));
    }
    if (to === SYSCALL) {
      if (from !== SYSCALL) {
        const k = this.sN++;
        if (k >= this.sAt.a.length) {
          this.sAt.ensure(k + 1);
          this.sP.ensure(k + 1);
          this.sM.ensure(k + 1);
        }
        this.sAt.a[k] = i;
        this.sP.a[k] = p;
        this.sM.a[k] = m;
      }
    } else if (from === SYSCALL) {
      const k = this.xN++;
      if (k >= this.xAt.a.length) {
        this.xAt.ensure(k + 1);
        this.xM.ensure(k + 1);
      }
      this.xAt.a[k] = i;
      this.xM.a[k] = m;
    }

    if (from === NOTEXIST && to !== NOTEXIST) {
      this.gCreate.a[row] = eventStack;
      this.gStartStack.a[row] = resourceStack;
    }
    if (to === NOTEXIST) this.gEnd.a[row] = t;
    // Go's goroutine summary (internal/trace summary.go): only real changes count.
    if (from !== to) {
      if (from === UNDETERMINED || from === NOTEXIST) {
        this.gRun.a[row] = NaN;
        this.gSumEnd.a[row] = NaN;
      }
      if (to === RUNNING) {
        if (this.gRun.a[row] !== this.gRun.a[row]) this.gRun.a[row] = t;
      } else if (to === NOTEXIST || (to === WAITING && reason === 'forever')) {
        this.gSumEnd.a[row] = t;
      }
    }
  }

  goroutineStartStack(g: number, stack: number): void {
    // Rows are made by transitions only (the goroutine count is Go's): keep it for when one comes.
    const row = this.rowOf(g);
    if (row < 0) this.pendingStart.set(g, stack);
    else this.gStartStack.a[row] = stack;
  }

  procTransition(tAbs: TraceTime, p: number, from: ProcState, to: ProcState, m = -1, stolen = false): void {
    const t = this.rel(tAbs);
    const i = this.pN++;
    if (i >= this.pT.a.length) {
      this.pT.ensure(i + 1);
      this.pP.ensure(i + 1);
      this.pFrom.ensure(i + 1);
      this.pTo.ensure(i + 1);
      this.pM.ensure(i + 1);
      this.pStolen.ensure(i + 1);
    }
    this.pT.a[i] = t;
    this.pP.a[i] = p;
    this.pFrom.a[i] = from;
    this.pTo.a[i] = to;
    this.pM.a[i] = m;
    this.pStolen.a[i] = stolen ? 1 : 0;
    this.procIds.add(p);
  }

  private gcRow(start: number): number {
    const i = this.gcN++;
    if (i >= this.gcStart.a.length) {
      this.gcStart.ensure(i + 1);
      this.gcEnd.ensure(i + 1);
    }
    this.gcStart.a[i] = start;
    this.gcEnd.a[i] = NaN;
    return i;
  }

  /** The GC event log row of a range event, when Go's MMU reads that range. */
  private gcRange(t: number, name: string, scope: RangeScope, p: number, g: number, sweep: number, assist: number, stw: number): void {
    if (name === GC_SWEEP) this.gcEvent(t, sweep, p, g, scope.kind === 'proc' ? scope.id : -1);
    else if (name === GC_ASSIST) this.gcEvent(t, assist, p, g, scope.kind === 'goroutine' ? this.rowOf(scope.id) : -1);
    else if (stw !== 0 && name.startsWith('stop-the-world')) this.gcEvent(t, stw, p, g, name.includes('GC') ? 1 : 0);
  }

  rangeBegin(tAbs: TraceTime, name: string, scope: RangeScope, _stack: number, p = -1, g = -1): void {
    const t = this.rel(tAbs);
    this.gcRange(t, name, scope, p, g, GC_EV_SWEEP_BEGIN, GC_EV_ASSIST_BEGIN, GC_EV_STW_BEGIN);
    if (name === GC_MARK) {
      this.gcBegins++;
      this.gcOpen = this.gcRow(t);
    } else if (name.startsWith('stop-the-world')) {
      const i = this.stwN++;
      if (i >= this.stwStart.a.length) {
        this.stwStart.ensure(i + 1);
        this.stwEnd.ensure(i + 1);
        this.stwKind.ensure(i + 1);
      }
      this.stwStart.a[i] = t;
      this.stwEnd.a[i] = NaN;
      this.stwKind.a[i] = this.str(name);
      this.stwOpen.set(scope.kind === 'goroutine' ? scope.id : -1, i);
    }
  }

  rangeActive(tAbs: TraceTime, name: string, scope: RangeScope, p = -1, g = -1): void {
    const t = this.rel(tAbs);
    this.gcRange(t, name, scope, p, g, GC_EV_SWEEP_ACTIVE, GC_EV_ASSIST_ACTIVE, 0);
    if (name === GC_MARK && this.gcOpen < 0) this.gcOpen = this.gcRow(NaN);
  }

  rangeEnd(tAbs: TraceTime, name: string, scope: RangeScope, _stack: number, p = -1, g = -1): void {
    const t = this.rel(tAbs);
    this.gcRange(t, name, scope, p, g, GC_EV_SWEEP_END, GC_EV_ASSIST_END, GC_EV_STW_END);
    if (name === GC_MARK) {
      if (this.gcOpen >= 0) this.gcEnd.a[this.gcOpen] = t;
      else this.gcEnd.a[this.gcRow(NaN)] = t;
      this.gcOpen = -1;
    } else if (name.startsWith('stop-the-world')) {
      const key = scope.kind === 'goroutine' ? scope.id : -1;
      const i = this.stwOpen.get(key);
      if (i !== undefined) {
        this.stwEnd.a[i] = t;
        this.stwOpen.delete(key);
      }
    }
  }

  label(tAbs: TraceTime, g: number, p: number, label: string): void {
    const t = this.rel(tAbs);
    // Go's MMU reads the labels of GC mark workers only.
    if (label.startsWith('GC ')) this.gcEvent(t, GC_EV_LABEL, p, g, GC_LABEL_VALUE[label] ?? GC_LABEL_OTHER);
  }

  metric(tAbs: TraceTime, name: string, value: number): void {
    const t = this.rel(tAbs);
    if (name === GOMAXPROCS) this.gcEvent(t, GC_EV_GOMAXPROCS, -1, -1, value);
    let m = this.metricNames.find(name);
    if (m === undefined) {
      if (this.metricNames.size > 255) return;
      m = this.metricNames.intern(name);
    }
    const i = this.mN++;
    if (i >= this.mCap) {
      this.mM.ensure(i + 1);
      this.mV.ensure(i + 1);
      this.mCap = Math.min(this.mM.a.length, this.mV.a.length);
    }
    this.mT.push(t);
    this.mM.a[i] = m;
    this.mV.a[i] = value;
  }

  stackSample(tAbs: TraceTime, g: number, p: number, stack: number): void {
    const t = this.rel(tAbs);
    const i = this.cN++;
    if (i >= this.cT.a.length) {
      this.cT.ensure(i + 1);
      this.cG.ensure(i + 1);
      this.cP.ensure(i + 1);
      this.cStack.ensure(i + 1);
    }
    this.cT.a[i] = t;
    this.cG.a[i] = g;
    this.cP.a[i] = p;
    this.cStack.a[i] = stack;
  }

  private taskRowFor(id: number): number {
    let r = this.taskRow.get(id);
    if (r === undefined) {
      r = this.kN++;
      if (r >= this.kId.a.length) {
        for (const c of [this.kId, this.kParent, this.kStart, this.kEnd, this.kG]) c.ensure(r + 1);
        this.kType.ensure(r + 1);
        this.kStack.ensure(r + 1);
      }
      this.kId.a[r] = id;
      this.kParent.a[r] = -1;
      this.kType.a[r] = 0;
      this.kStart.a[r] = NaN;
      this.kEnd.a[r] = NaN;
      this.kG.a[r] = -1;
      this.kStack.a[r] = -1;
      this.taskRow.set(id, r);
    }
    return r;
  }

  taskBegin(tAbs: TraceTime, id: number, parent: number, type: string, g: number, stack: number): void {
    const t = this.rel(tAbs);
    const r = this.taskRowFor(id);
    this.kParent.a[r] = parent;
    this.kType.a[r] = this.str(type);
    this.kStart.a[r] = t;
    this.kG.a[r] = g;
    this.kStack.a[r] = stack;
  }

  taskEnd(tAbs: TraceTime, id: number, _g: number, _stack: number): void {
    const t = this.rel(tAbs);
    this.kEnd.a[this.taskRowFor(id)] = t;
  }

  regionBegin(tAbs: TraceTime, task: number, type: string, g: number, stack: number): void {
    const t = this.rel(tAbs);
    const i = this.rN++;
    if (i >= this.rTask.a.length) {
      for (const c of [this.rTask, this.rG, this.rStart, this.rEnd]) c.ensure(i + 1);
      this.rType.ensure(i + 1);
      this.rStack.ensure(i + 1);
    }
    this.rTask.a[i] = task;
    this.rType.a[i] = this.str(type);
    this.rG.a[i] = g;
    this.rStart.a[i] = t;
    this.rEnd.a[i] = NaN;
    this.rStack.a[i] = stack;
    let open = this.openRegions.get(g);
    if (open === undefined) {
      open = [];
      this.openRegions.set(g, open);
    }
    open.push(i);
  }

  regionEnd(tAbs: TraceTime, task: number, type: string, g: number, stack: number): void {
    const t = this.rel(tAbs);
    const open = this.openRegions.get(g);
    const ty = this.str(type);
    if (open !== undefined && open.length > 0 && this.rType.a[open[open.length - 1]!] === ty) {
      this.rEnd.a[open.pop()!] = t;
      return;
    }
    // A region that began before the trace: record it with an unknown start.
    const i = this.rN++;
    if (i >= this.rTask.a.length) {
      for (const c of [this.rTask, this.rG, this.rStart, this.rEnd]) c.ensure(i + 1);
      this.rType.ensure(i + 1);
      this.rStack.ensure(i + 1);
    }
    this.rTask.a[i] = task;
    this.rType.a[i] = ty;
    this.rG.a[i] = g;
    this.rStart.a[i] = NaN;
    this.rEnd.a[i] = t;
    this.rStack.a[i] = stack;
  }

  log(tAbs: TraceTime, task: number, category: string, message: string, g: number, stack: number): void {
    const t = this.rel(tAbs);
    const i = this.lN++;
    if (i >= this.lT.a.length) {
      for (const c of [this.lT, this.lTask, this.lG]) c.ensure(i + 1);
      this.lCat.ensure(i + 1);
      this.lMsg.ensure(i + 1);
      this.lStack.ensure(i + 1);
    }
    this.lT.a[i] = t;
    this.lTask.a[i] = task;
    this.lCat.a[i] = this.str(category);
    this.lMsg.a[i] = this.str(message);
    this.lG.a[i] = g;
    this.lStack.a[i] = stack;
  }

  sync(tAbs: TraceTime, wallEpochNs?: string): void {
    const t = this.rel(tAbs);
    this.gcEvent(t, GC_EV_SYNC, -1, -1, ++this.syncs);
    if (wallEpochNs !== undefined && this.wallAtZero === null) {
      this.wallAtZero = (BigInt(wallEpochNs) - BigInt(t)).toString();
    }
  }

  warning(message: string, offset: number): void {
    this.warnings.push(`${message} (at byte ${offset})`);
  }

  end(partial: boolean, lastGoodOffset: number): void {
    this.partial = partial;
    this.lastGoodOffset = lastGoodOffset;
    this.ended = true;
    this.warnings.push(...endWarnings(this.warnings, partial, lastGoodOffset, this.bigProcs));
  }

  /** The model, without figures (the caller computes them from the tables). */
  finish(): Omit<TraceModel, 'figures'> {
    const gcStart = this.gcStart.done(this.gcN);
    // Go's MMU ends every utilization series at its last event's time (the final sync): one row for it.
    if (this.eN === 0 || this.eKind.a[this.eN - 1] !== GC_EV_LAST) this.gcEvent(this.lastT, GC_EV_LAST, -1, -1, 0);
    return {
      stacks: this.stackBuilder.build(),
      goMinor: this.goMinor,
      ticksPerSec: this.ticksPerSec,
      clockBaseNs: this.base === this.base ? this.base : 0,
      wallAtZeroEpochNs: this.wallAtZero,
      startNs: 0,
      endNs: this.lastT,
      partial: this.partial || !this.ended,
      strings: this.strings.list,
      goroutines: {
        count: this.gN,
        id: this.gId.done(this.gN),
        createStack: this.gCreate.done(this.gN),
        startStack: this.gStartStack.done(this.gN),
        firstSeenNs: this.gFirst.done(this.gN),
        lastSeenNs: this.gLast.done(this.gN),
        endNs: this.gEnd.done(this.gN),
        firstRunNs: this.gRun.done(this.gN),
        summaryEndNs: this.gSumEnd.done(this.gN),
      },
      transitions: {
        count: this.tN,
        t: this.tT.done(),
        g: this.tG.done(this.tN),
        from: this.tFrom.done(this.tN),
        to: this.tTo.done(this.tN),
        reason: this.tReason.done(this.tN),
        stack: this.tStack.done(this.tN),
        p: this.tP.done(this.tN),
        wakers: { at: this.wAt.done(this.wN), by: this.wBy.done(this.wN) },
        syscallP: { at: this.sAt.trimmed(this.sN), p: this.sP.trimmed(this.sN), m: this.sM.trimmed(this.sN) },
        syscallExits: { at: this.xAt.trimmed(this.xN), m: this.xM.trimmed(this.xN) },
      },
      procs: {
        count: this.pN,
        t: this.pT.done(this.pN),
        p: this.pP.done(this.pN),
        from: this.pFrom.done(this.pN),
        to: this.pTo.done(this.pN),
        m: this.pM.done(this.pN),
        stolen: this.pStolen.done(this.pN),
      },
      gcEvents: {
        count: this.eN,
        t: this.eT.done(),
        kind: this.eKind.done(this.eN),
        p: this.eP.done(this.eN),
        g: this.eG.done(this.eN),
        value: this.eV.done(this.eN),
        seq: this.eSeq.done(this.eN),
      },
      gcCycles: { count: this.gcN, start: gcStart, end: this.gcEnd.done(this.gcN) },
      stw: { count: this.stwN, start: this.stwStart.done(this.stwN), end: this.stwEnd.done(this.stwN), kind: this.stwKind.done(this.stwN) },
      metrics: { names: this.metricNames.list, count: this.mN, t: this.mT.done(), metric: this.mM.done(this.mN), value: this.mV.done(this.mN) },
      tasks: {
        count: this.kN,
        id: this.kId.done(this.kN),
        parent: this.kParent.done(this.kN),
        type: this.kType.done(this.kN),
        start: this.kStart.done(this.kN),
        end: this.kEnd.done(this.kN),
        g: this.kG.done(this.kN),
        stack: this.kStack.done(this.kN),
      },
      regions: {
        count: this.rN,
        task: this.rTask.done(this.rN),
        type: this.rType.done(this.rN),
        g: this.rG.done(this.rN),
        start: this.rStart.done(this.rN),
        end: this.rEnd.done(this.rN),
        stack: this.rStack.done(this.rN),
      },
      logs: {
        count: this.lN,
        t: this.lT.done(this.lN),
        task: this.lTask.done(this.lN),
        category: this.lCat.done(this.lN),
        message: this.lMsg.done(this.lN),
        g: this.lG.done(this.lN),
        stack: this.lStack.done(this.lN),
      },
      cpuSamples: { count: this.cN, t: this.cT.done(this.cN), g: this.cG.done(this.cN), p: this.cP.done(this.cN), stack: this.cStack.done(this.cN) },
    };
  }

  /** Distinct P ids seen in proc transitions, and GC mark phases begun in the trace. */
  get procCount(): number {
    return this.procIds.size;
  }
  get gcBeginCount(): number {
    return this.gcBegins;
  }
}
