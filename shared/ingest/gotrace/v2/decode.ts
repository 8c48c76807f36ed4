/**
 * Decoder for new-format Go execution traces (headers `go 1.22` … `go 1.26`; Go 1.27 still writes
 * 1.26). Streams one generation at a time: read its batches, order its events as Go does (order.ts),
 * and hand them to the sink a few MB at a time as they are ordered (out-buf.ts), never a whole
 * generation's worth at once.
 *
 * Damage policy: a file cut short keeps its whole generations and ends partial (a generation whose
 * batches are cut is never ordered). Corrupt data in the first generation is an IngestError (with the
 * byte offset). In a later generation, the earlier generations and the events ordered before the fault
 * are kept — what Go's reader returns before its error —, the source is partial and the sink gets a
 * warning naming the offset.
 */
import type { StackTableBuilder } from '../../../model/stacks.ts';
import { IngestError, throwIfAborted, type ParseOptions } from '../../errors.ts';
import type { RangeScope, TraceEventSink } from '../events.ts';
import type { ByteWindow } from '../../byte-source.ts';
import { Generation, readBatch } from './generation.ts';
import { Ordering } from './order.ts';
import { OutBuf, OUT_ARGS, OUT_HEAD, type OrderedOut, type OutChunk } from './out-buf.ts';
import * as W from './wire.ts';
import { WireError, WireReader } from './wire.ts';
import * as M from '../../../model/trace.ts';

// Module-local copies of imported constants: tsx and test runners reach an imported binding through a
// getter call on every use, and dispatch() reads several per event.
const { Ev, WireProc } = W;
const { G_NOTEXIST: NOTEXIST, G_RUNNABLE: RUNNABLE, G_RUNNING: RUNNING, G_SYSCALL: SYSCALL, G_WAITING: WAITING } = M;
const { GO_STATUS_STATE, P_IDLE, P_RUNNING, PROC_STATUS_STATE } = M;
const HEAD = OUT_HEAD;
const KEPT = OUT_ARGS;
/** TRANSITION_ROWS markers: the old state is argument 4; the new one GO_STATUS_STATE of argument 2. */
export const FROM_ARG4 = 254;
export const TO_STATUS = 254;

/** Header minor versions this decoder reads (go 1.24 wrote `go 1.23`, go 1.27 writes `go 1.26`). */
export const V2_VERSIONS: readonly number[] = [22, 23, 25, 26];

const HEADER = /^go 1\.(\d+) trace\0*$/;

/** Minor version from the 16-byte header, or null when the bytes don't start with one. */
export function traceHeaderMinor(bytes: Uint8Array): number | null {
  if (bytes.length < 16) return null;
  let s = '';
  for (let i = 0; i < 16; i++) s += String.fromCharCode(bytes[i]!);
  const m = HEADER.exec(s);
  return m ? Number(m[1]) : null;
}

const GC_MARK = 'GC concurrent mark phase';
const GC_SWEEP = 'GC incremental sweep';
const GC_ASSIST = 'GC mark assist';
const HEAP_LIVE = '/memory/classes/heap/objects:bytes';
const HEAP_GOAL = '/gc/heap/goal:bytes';
const GOMAXPROCS = '/sched/gomaxprocs:threads';

type Outcome =
  | { kind: 'gen'; gen: Generation; next: number; cutAfter?: boolean }
  | { kind: 'done' }
  | { kind: 'truncated' }
  | { kind: 'corrupt'; err: WireError };

/**
 * Decoding one part of a trace split at generation starts (parallel-figures.ts): the first part stops
 * before a given generation, a later part is read from a generation start with a fresh scheduler state.
 */
export interface DecodePart {
  /** File offset of a generation start: decoding stops before reading it (no final sync, no end). */
  stopAt?: number;
  /**
   * Called on stopping: the scheduler state there, the generations read, the last time, and the file
   * offset where it stopped (the first generation start at or after stopAt).
   */
  onStop?: (ord: Ordering, gens: number, lastTs: number, at: number) => void;
  /**
   * The input is the 16-byte header followed by the file from a generation start: `offsetShift` turns
   * its offsets into the file's, and `gensBefore` generations precede it (so a fault in its first
   * generation is a warning, as in one pass over the file).
   */
  continuation?: { offsetShift: number; gensBefore: number };
  /** Called with the scheduler state before the first event (to read it after the decode). */
  onOrdering?: (ord: Ordering) => void;
}

/**
 * Decodes the trace in `w` (its 16-byte header already read). Reads the input one generation at a
 * time through the window and drops each generation's bytes once it is handed over, so memory holds
 * one generation, never the file. Positions inside are the window's; offsets in errors, warnings
 * and `sink.end` are the file's.
 */
export function decodeTraceV2(w: ByteWindow, sink: TraceEventSink, stacks: StackTableBuilder, opts: ParseOptions, part: DecodePart = {}): void {
  const shift = part.continuation?.offsetShift ?? 0;
  const before = part.continuation?.gensBefore ?? 0;
  w.ensure(16);
  const goMinor = traceHeaderMinor(w.buf.subarray(0, Math.min(16, w.len)));
  if (goMinor === null) throw new IngestError('not a Go execution trace (bad header)', 0);
  if (!V2_VERSIONS.includes(goMinor)) throw new IngestError(`unsupported trace version go 1.${goMinor}`, 0);

  let pos = 16;
  // A sink that takes the ordered events straight from the ordering, or rows handed on in chunks.
  const direct = (sink as Partial<DirectSink>).directOut?.() ?? null;
  const buffered = direct === null ? new OutBuf() : null;
  const out: OrderedOut = direct ?? buffered!;
  const handOn = (gen: Generation) => {
    if (direct !== null) direct.flush();
    else {
      dispatch(buffered!, gen, sink);
      buffered!.reset();
    }
  };
  const ord = new Ordering(w.buf, out);
  part.onOrdering?.(ord);
  let begun = false;
  let partial = false;
  let lastGood = 16 + shift;
  let gens = 0;

  for (;;) {
    throwIfAborted(opts.signal);
    if (part.stopAt !== undefined && w.base + pos >= part.stopAt) {
      part.onStop?.(ord, gens, out.lastTs, w.base + pos);
      return; // no final sync and no end: the rest of the trace is decoded elsewhere
    }
    const startAt = pos;
    const o = readGeneration(w, pos, goMinor);
    if (o.kind === 'done') break;
    if (o.kind === 'truncated') {
      if (gens + before === 0) throw new IngestError('trace cut short before its first generation ended', w.base + w.len);
      partial = true;
      break;
    }
    let err: WireError | null = o.kind === 'corrupt' ? o.err : null;
    let gen: Generation | null = null;
    let next = pos;
    if (o.kind === 'gen') {
      gen = o.gen;
      next = o.next;
      try {
        gen.finish(stacks, goMinor);
        if (!begun) {
          sink.begin({ goMinor, ticksPerSec: gen.ticksPerSec });
          begun = true;
        }
        buffered?.reset();
        ord.bytes = w.buf; // the window may have grown while the generation was read
        // Events go to the sink in pieces as they are ordered: a corrupt generation keeps what came
        // before the fault, as Go's reader returns the events before its error.
        const g = gen;
        if (direct !== null) direct.gen = g;
        ord.onFull = buffered === null ? null : () => handOn(g);
        ord.run(gen, gen.mul(gen.minTs));
      } catch (e) {
        if (!(e instanceof WireError)) throw e;
        err = e;
      }
    }
    if (err !== null || gen === null) {
      const e = err ?? new WireError('unreadable generation', startAt);
      const offset = w.base + e.offset + shift;
      if (gens + before === 0) throw new IngestError(`corrupt trace: ${e.reason}`, offset);
      if (gen !== null) handOn(gen); // the ordered events before the fault
      sink.warning?.(`corrupt trace data (${e.reason}); kept the ${gens + before} generation(s) before it and the events ordered before the fault`, offset);
      partial = true;
      break;
    }
    handOn(gen);
    gens++;
    lastGood = w.base + gen.endOffset + shift;
    opts.onProgress?.(lastGood / (w.size + shift));
    if (o.kind === 'gen' && o.cutAfter === true) {
      partial = true;
      break;
    }
    // This generation's bytes are no longer needed (the next one starts at `next`).
    const base = w.base;
    w.discard(next);
    pos = next - (w.base - base);
  }
  if (gens + before === 0) throw new IngestError('trace holds no events after its header', 16);
  // Go's reader ends with a sync event just after the last event (its time exceeds the last
  // event's, as every time does the one before).
  out.lastTs += 1;
  sink.sync(out.lastTs);
  sink.end(partial, lastGood);
}

/**
 * Reads the next generation's batches from window position `pos` (Go's readGeneration /
 * readGenerationWithSpill); `next` is where the following generation starts.
 */
function readGeneration(w: ByteWindow, start: number, goMinor: number): Outcome {
  const gen = new Generation();
  gen.startOffset = start;
  let pos = start;
  let any = false;
  let save = pos;
  try {
    for (;;) {
      w.ensure(pos + 1);
      if (pos >= w.len) {
        if (goMinor >= 26 && any) return { kind: 'truncated' };
        break;
      }
      save = pos;
      const b = readBatch(w, pos);
      if (b.eog) {
        if (goMinor < 26) throw new WireError('unexpected end-of-generation marker', b.offset);
        if (!any) throw new WireError('empty generation', b.offset);
        pos = b.dataEnd;
        break;
      }
      if (b.gen <= 0) throw new WireError(`invalid generation number ${b.gen}`, b.offset);
      if (gen.gen === 0) gen.gen = b.gen;
      if (goMinor < 26 && b.gen === gen.gen + 1) break; // first batch of the next generation: read again next time
      if (b.gen !== gen.gen) {
        throw new WireError(goMinor >= 26 ? 'missing end-of-generation marker, or generations interleaved' : 'generations out of order', b.offset);
      }
      gen.addBatch(w.buf, b, goMinor);
      pos = b.dataEnd;
      any = true;
    }
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    if (e.offset >= w.len) {
      // Before go 1.26 a generation has no end marker: when the cut batch already names the next
      // generation, this one is whole (Go keeps it too).
      if (goMinor < 26 && any && nextGenAt(w, save) === gen.gen + 1) {
        gen.endOffset = save;
        return { kind: 'gen', gen, next: save, cutAfter: true };
      }
      return { kind: 'truncated' }; // some bytes were there, but not a whole batch
    }
    return { kind: 'corrupt', err: e };
  }
  if (!any) return { kind: 'done' };
  gen.endOffset = pos;
  return { kind: 'gen', gen, next: pos };
}

/** The generation number in the (possibly cut) batch header at `at`, or -1 when unreadable. */
function nextGenAt(w: ByteWindow, at: number): number {
  try {
    const r = new WireReader(w.buf);
    r.pos = at;
    r.end = w.len;
    const typ = r.byte();
    if (typ === Ev.ExperimentalBatch) r.byte();
    else if (typ !== Ev.EventBatch) return -1;
    return r.uvarint();
  } catch {
    return -1;
  }
}

const SCOPE_GLOBAL: RangeScope = { kind: 'global' };
const SCOPE_PROC = { kind: 'proc', id: 0 } as { kind: 'proc'; id: number };
const SCOPE_G = { kind: 'goroutine', id: 0 } as { kind: 'goroutine'; id: number };

function procScope(id: number): RangeScope {
  SCOPE_PROC.id = id;
  return SCOPE_PROC;
}
function gScope(id: number): RangeScope {
  SCOPE_G.id = id;
  return SCOPE_G;
}

/**
 * A sink that takes the ordered events as the ordering writes them (electron/host/trace-figures.ts),
 * with the goroutine transition of each from TRANSITION_ROWS, instead of a call per event: no rows
 * are buffered, and every push is one event the sink would have been called for. `gen` is set to
 * each generation before it is ordered, and `flush` is called where rows would have been handed on
 * (after each generation, and before a fault's warning).
 */
export interface DirectOut extends OrderedOut {
  gen: Generation | null;
  flush(): void;
}
export interface DirectSink {
  directOut(): DirectOut;
}

/**
 * Per event type, the goroutine transition dispatchRows hands on (decode.test.ts checks the two
 * agree for every type): whose (1: argument 0, 2: the event's goroutine, 0: none), from and to (a
 * model state; FROM_ARG4: the old state in argument 4; TO_STATUS: GO_STATUS_STATE of argument 2),
 * and whether argument 0 names the reason.
 */
export const TRANSITION_ROWS = (() => {
  const who = new Uint8Array(256);
  const from = new Uint8Array(256);
  const to = new Uint8Array(256);
  const reason = new Uint8Array(256);
  const set = (typ: number, w: number, f: number, t: number, r = 0) => {
    who[typ] = w;
    from[typ] = f;
    to[typ] = t;
    reason[typ] = r;
  };
  set(Ev.GoCreate, 1, NOTEXIST, RUNNABLE);
  set(Ev.GoCreateBlocked, 1, NOTEXIST, WAITING);
  set(Ev.GoCreateSyscall, 1, NOTEXIST, SYSCALL);
  set(Ev.GoStart, 1, RUNNABLE, RUNNING);
  set(Ev.GoDestroy, 2, RUNNING, NOTEXIST);
  set(Ev.GoDestroySyscall, 2, SYSCALL, NOTEXIST);
  set(Ev.GoStop, 2, RUNNING, RUNNABLE, 1);
  set(Ev.GoBlock, 2, RUNNING, WAITING, 1);
  set(Ev.GoUnblock, 1, WAITING, RUNNABLE);
  set(Ev.GoSwitch, 1, WAITING, RUNNABLE);
  set(Ev.GoSwitchDestroy, 1, WAITING, RUNNABLE);
  set(Ev.GoSyscallBegin, 2, RUNNING, SYSCALL);
  set(Ev.GoSyscallEnd, 2, SYSCALL, RUNNING);
  set(Ev.GoSyscallEndBlocked, 2, SYSCALL, RUNNABLE);
  set(Ev.GoStatus, 1, FROM_ARG4, TO_STATUS);
  set(Ev.GoStatusStack, 1, FROM_ARG4, TO_STATUS);
  return { who, from, to, reason };
})();

/** Hands a generation's ordered events to the sink. */
function dispatch(out: OutBuf, gen: Generation, sink: TraceEventSink): void {
  for (let c = 0; c < out.count; c++) dispatchRows(out.chunks[c]!, gen, sink);
}

const stackOf = (gen: Generation, id: number): number => gen.stack(id) ?? -1;
const stringOf = (gen: Generation, id: number): string => gen.string(id) ?? '';

/**
 * One chunk of rows (out-buf.ts) to the sink. Each case reads only the arguments the buffer keeps
 * for its type (OUT_ARGS). The case labels are number literals (each checked against its Ev name by
 * `satisfies`): V8 turns a switch over literals into one indexed jump, over property reads
 * (`case Ev.GoStart`) into a chain of compares, and this switch runs for every event. The
 * scheduler's events are handled here, all others in dispatchOther: a case first reached after V8
 * optimized this loop sends it back to slow code until it is optimized again, which a rare event
 * then costs only that small function.
 */
export function dispatchRows(chunk: OutChunk, gen: Generation, sink: TraceEventSink): void {
  const n = chunk.n;
  const typ = chunk.typ;
  const f = chunk.f;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const ty = typ[i]!;
    const t = f[o]!;
    const g = f[o + 1]!;
    const pp = f[o + 2]!;
    const m = f[o + 3]!;
    const a0 = f[o + 4]!;
    const a1 = f[o + 5]!;
    const a2 = f[o + 6]!;
    const a3 = f[o + 7]!;
    const a4 = f[o + 8]!;
    o += HEAD + KEPT[ty]!;
    switch (ty) {
      case 7 satisfies typeof Ev.CPUSample:
        sink.stackSample(t, g, pp, a0);
        break;
      case 10 satisfies typeof Ev.ProcStart:
        sink.procTransition(t, a0, P_IDLE, P_RUNNING, m);
        break;
      case 11 satisfies typeof Ev.ProcStop:
        sink.procTransition(t, pp, P_RUNNING, P_IDLE, m);
        break;
      case 12 satisfies typeof Ev.ProcSteal:
        sink.procTransition(t, a0, a3 === WireProc.SyscallAbandoned ? P_IDLE : P_RUNNING, P_IDLE, m, true);
        break;
      case 13 satisfies typeof Ev.ProcStatus:
        sink.procTransition(t, a0, a2 as 0, PROC_STATUS_STATE[a1]! as 0, m);
        break;
      case 14 satisfies typeof Ev.GoCreate:
        sink.goTransition(t, a0, NOTEXIST, RUNNABLE, '', stackOf(gen, a2), stackOf(gen, a1), g, pp, m);
        break;
      case 47 satisfies typeof Ev.GoCreateBlocked:
        sink.goTransition(t, a0, NOTEXIST, WAITING, '', stackOf(gen, a2), stackOf(gen, a1), g, pp, m);
        break;
      case 16 satisfies typeof Ev.GoStart:
        sink.goTransition(t, a0, RUNNABLE, RUNNING, '', -1, -1, g, pp, m);
        break;
      case 17 satisfies typeof Ev.GoDestroy:
        sink.goTransition(t, g, RUNNING, NOTEXIST, '', -1, -1, g, pp, m);
        break;
      case 19 satisfies typeof Ev.GoStop: {
        const s = stackOf(gen, a1);
        sink.goTransition(t, g, RUNNING, RUNNABLE, stringOf(gen, a0), s, s, g, pp, m);
        break;
      }
      case 20 satisfies typeof Ev.GoBlock: {
        const s = stackOf(gen, a1);
        sink.goTransition(t, g, RUNNING, WAITING, stringOf(gen, a0), s, s, g, pp, m);
        break;
      }
      case 21 satisfies typeof Ev.GoUnblock:
        sink.goTransition(t, a0, WAITING, RUNNABLE, '', stackOf(gen, a2), -1, g, pp, m);
        break;
      case 22 satisfies typeof Ev.GoSyscallBegin: {
        const s = stackOf(gen, a1);
        sink.goTransition(t, g, RUNNING, SYSCALL, '', s, s, g, pp, m);
        break;
      }
      case 23 satisfies typeof Ev.GoSyscallEnd:
        sink.goTransition(t, g, SYSCALL, RUNNING, '', -1, -1, g, pp, m);
        break;
      case 24 satisfies typeof Ev.GoSyscallEndBlocked:
        sink.goTransition(t, g, SYSCALL, RUNNABLE, '', -1, -1, g, pp, m);
        break;
      case 25 satisfies typeof Ev.GoStatus:
        sink.goTransition(t, a0, a4 as 0, GO_STATUS_STATE[a2]! as 0, '', -1, -1, g, pp, m);
        break;
      case 32 satisfies typeof Ev.GCSweepBegin:
        sink.rangeBegin(t, GC_SWEEP, procScope(pp), stackOf(gen, a0), pp, g);
        break;
      case 33 satisfies typeof Ev.GCSweepEnd:
        sink.rangeEnd(t, GC_SWEEP, procScope(pp), -1, pp, g);
        break;
      case 37 satisfies typeof Ev.HeapAlloc:
        sink.metric(t, HEAP_LIVE, a0);
        break;
      case 38 satisfies typeof Ev.HeapGoal:
        sink.metric(t, HEAP_GOAL, a0);
        break;
      default:
        dispatchOther(ty, t, g, pp, m, a0, a1, a2, a3, a4, gen, sink);
    }
  }
}

/** Every event type dispatchRows leaves, its row's fields read. */
// prettier-ignore
function dispatchOther(ty: number, t: number, g: number, pp: number, m: number, a0: number, a1: number, a2: number, a3: number, a4: number, gen: Generation, sink: TraceEventSink): void {
  switch (ty) {
    case 255 satisfies typeof Ev.SyncOut: {
      let wall: string | undefined;
      if (gen.hasClock) {
        const delta = t - gen.mul(gen.snapTicks);
        wall = (BigInt(gen.snapSec) * 1000000000n + BigInt(gen.snapNsec) + BigInt(delta)).toString();
      }
      sink.sync(t, wall);
      break;
    }
    case 9 satisfies typeof Ev.ProcsChange:
      sink.metric(t, GOMAXPROCS, a0);
      break;
    case 15 satisfies typeof Ev.GoCreateSyscall:
      sink.goTransition(t, a0, NOTEXIST, SYSCALL, '', -1, -1, g, pp, m);
      break;
    case 18 satisfies typeof Ev.GoDestroySyscall:
      sink.goTransition(t, g, SYSCALL, NOTEXIST, '', -1, -1, g, pp, m);
      break;
    case 45 satisfies typeof Ev.GoSwitch:
    case 46 satisfies typeof Ev.GoSwitchDestroy:
      sink.goTransition(t, a0, WAITING, RUNNABLE, '', -1, -1, g, pp, m);
      break;
    case 48 satisfies typeof Ev.GoStatusStack: {
      // Go's transition stack of a status is the event's own stack (what names the goroutine).
      const s = stackOf(gen, a3);
      sink.goTransition(t, a0, a4 as 0, GO_STATUS_STATE[a2]! as 0, '', s, s, g, pp, m);
      break;
    }
    case 26 satisfies typeof Ev.STWBegin:
      sink.rangeBegin(t, `stop-the-world (${stringOf(gen, a0)})`, gScope(g), stackOf(gen, a1), pp, g);
      break;
    case 27 satisfies typeof Ev.STWEnd:
      sink.rangeEnd(t, `stop-the-world (${stringOf(gen, a0)})`, gScope(g), -1, pp, g);
      break;
    case 28 satisfies typeof Ev.GCActive:
      sink.rangeActive?.(t, GC_MARK, SCOPE_GLOBAL, pp, g);
      break;
    case 29 satisfies typeof Ev.GCBegin:
      sink.rangeBegin(t, GC_MARK, SCOPE_GLOBAL, stackOf(gen, a1), pp, g);
      break;
    case 30 satisfies typeof Ev.GCEnd:
      sink.rangeEnd(t, GC_MARK, SCOPE_GLOBAL, -1, pp, g);
      break;
    case 31 satisfies typeof Ev.GCSweepActive:
      sink.rangeActive?.(t, GC_SWEEP, procScope(a0), pp, g);
      break;
    case 34 satisfies typeof Ev.GCMarkAssistActive:
      sink.rangeActive?.(t, GC_ASSIST, gScope(a0), pp, g);
      break;
    case 35 satisfies typeof Ev.GCMarkAssistBegin:
      sink.rangeBegin(t, GC_ASSIST, gScope(g), stackOf(gen, a0), pp, g);
      break;
    case 36 satisfies typeof Ev.GCMarkAssistEnd:
      sink.rangeEnd(t, GC_ASSIST, gScope(g), -1, pp, g);
      break;
    case 40 satisfies typeof Ev.UserTaskBegin:
      sink.taskBegin(t, a0, a1, stringOf(gen, a2), g, stackOf(gen, a3));
      break;
    case 41 satisfies typeof Ev.UserTaskEnd:
      sink.taskEnd(t, a0, g, stackOf(gen, a1));
      break;
    case 42 satisfies typeof Ev.UserRegionBegin:
      sink.regionBegin(t, a0, stringOf(gen, a1), g, stackOf(gen, a2));
      break;
    case 43 satisfies typeof Ev.UserRegionEnd:
      sink.regionEnd(t, a0, stringOf(gen, a1), g, stackOf(gen, a2));
      break;
    case 44 satisfies typeof Ev.UserLog:
      sink.log(t, a0, stringOf(gen, a1), stringOf(gen, a2), g, stackOf(gen, a3));
      break;
    case 39 satisfies typeof Ev.GoLabel:
      sink.label?.(t, g, pp, stringOf(gen, a0));
      break;
    default:
      break; // experimental events: not part of the model
  }
}
