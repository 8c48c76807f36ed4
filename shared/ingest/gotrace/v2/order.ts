/**
 * Turns a generation's per-thread batches into Go's global event order, the way Go's
 * internal/trace reader does: a min-heap frontier of per-M cursors keyed by event time, and a model
 * of scheduler state (goroutines, Ps, Ms, GC, tasks, ranges) that only lets an event through once
 * the partial order its sequence numbers encode allows it. Accepted events go to an output buffer
 * (out-buf.ts: packed rows, no object per event) with times fixed up to be strictly increasing, as
 * Go's reader does on the way out; CPU samples are merged in by time.
 *
 * The state machine carries across generations (goroutines that exist, GC sequence, tasks). As in
 * Go's order.go, each event type has a small handler (the HANDLERS table) that states what the event
 * needs of its thread's context (named prerequisites: USER_GO, THREAD_AND_PROC, …), whether it can
 * happen yet (sequence numbers), and how it changes the state.
 */
import * as W from './wire.ts';
import { WireError, WireReader } from './wire.ts';
import type { Batch, Generation } from './generation.ts';
import type { OrderedOut } from './out-buf.ts';

/** Chunks of `out` (512 KiB each) Ordering fills before it hands them on (Ordering.onFull). */
export const OUT_FLUSH_CHUNKS = 8;
import * as M from '../../../model/trace.ts';

// Module-local copies of the imported tables and constants read for every event (as in decode.ts:
// an imported binding can cost a getter call per use under tsx and test runners).
const { Ev, ARGC, MAX_ARGS, STACK_ARG, STACK2_ARG, STRING_ARG, STRING2_ARG, WireGo, WireProc } = W;
const { G_UNDETERMINED, GO_STATUS_STATE, P_IDLE, P_NOTEXIST, P_RUNNING, P_UNDETERMINED, PROC_STATUS_STATE } = M;

const NONE = -1;
/** GC state (Go's gcState). */
const GC_UNDETERMINED = 0;
const GC_NOT_RUNNING = 1;
const GC_RUNNING = 2;
/** In-flight range key: begin event type × RANGE_KEY + description string id. */
const RANGE_KEY = 4294967296;

interface GState {
  status: number;
  seqGen: number;
  seq: number;
  /** Active user regions, "task\u0000name" keys (only checked for proper nesting). */
  regions: string[] | null;
  /** In-flight special ranges: begin event type * 2^32 + description string id. */
  ranges: number[] | null;
}
interface PState {
  status: number;
  seqGen: number;
  seq: number;
  ranges: number[] | null;
}
interface MState {
  g: number;
  p: number;
}

/** Ids below this are looked up in an array; larger ones (rare) in a Map. */
const DENSE_IDS = 1 << 20;

/**
 * State per goroutine / proc id: a plain array for the small dense ids a runtime hands out (an
 * indexed load instead of a hash lookup, several per event), a Map beyond.
 */
class IdTable<T> {
  private readonly dense: (T | undefined)[] = [];
  private readonly sparse = new Map<number, T>();
  get(id: number): T | undefined {
    return id >= 0 && id < DENSE_IDS ? this.dense[id] : this.sparse.get(id);
  }
  has(id: number): boolean {
    return this.get(id) !== undefined;
  }
  set(id: number, v: T): void {
    if (id >= 0 && id < DENSE_IDS) {
      // Fill up to id first: the array stays packed (fast elements) rather than holey past its end.
      while (this.dense.length < id) this.dense.push(undefined);
      this.dense[id] = v;
    } else this.sparse.set(id, v);
  }
  delete(id: number): void {
    if (id >= 0 && id < DENSE_IDS) {
      if (id < this.dense.length) this.dense[id] = undefined;
    } else this.sparse.delete(id);
  }
  /** Every id held, with its value. */
  *entries(): IterableIterator<[number, T]> {
    for (let id = 0; id < this.dense.length; id++) {
      const v = this.dense[id];
      if (v !== undefined) yield [id, v];
    }
    yield* this.sparse;
  }
}

/** Per-M cursor over that M's batches in a generation. */
class Cursor {
  m: number;
  batches: Batch[];
  /** The batch being read (-1 before the first) and its data range [pos, end). */
  idx = -1;
  pos = 0;
  end = 0;
  lastTs = 0;
  typ = 0;
  time = 0;
  /** Offset of the current event (for errors). */
  at = 0;
  /** The current event's arguments; past its own count they hold stale values (see out-buf.ts OUT_ARGS). */
  a = new Float64Array(MAX_ARGS);
  /** This M's scheduling state, once looked up (entries of Ordering.mStates are never removed). */
  ms: MState | undefined = undefined;
  constructor(m: number, batches: Batch[]) {
    this.m = m;
    this.batches = batches;
  }
}

export class Ordering {
  // Scheduler state the handlers below read and change (Go's ordering fields).
  readonly gStates = new IdTable<GState>();
  readonly pStates = new IdTable<PState>();
  readonly mStates = new Map<number, MState>();
  readonly activeTasks = new Map<number, { name: string; parent: number }>();
  gcSeq = 0;
  gcState = GC_UNDETERMINED;
  initialGen = 0;
  private readonly step = new Step();
  /**
   * When set (a trace read from a later generation on: parallel-figures.ts), the wire status of each
   * goroutine and P met first in a status event, by id: what the part before must have ended with.
   */
  firstStatuses: { goroutines: Map<number, number>; procs: Map<number, number> } | null = null;
  /** Task-end names, per generation (TaskEnd events carry an index into this). */
  extraStrings: string[] = [];
  /**
   * Called when `out` fills OUT_FLUSH_CHUNKS chunks mid-generation (about 4 MB): the caller hands
   * them on and resets `out`, so a generation of millions of events never sits whole in `out`.
   */
  onFull: (() => void) | null = null;

  constructor(
    /** The bytes the generation's batches point into (the reader's window: reset per generation). */
    public bytes: Uint8Array,
    readonly out: OrderedOut,
  ) {}

  /**
   * Orders one generation into `out` (after a leading sync event). Throws WireError when the
   * generation is inconsistent.
   */
  run(gen: Generation, syncTime: number): void {
    const out = this.out;
    this.extraStrings = [];
    out.push(Ev.SyncOut, syncTime, NONE, NONE, NONE, 0, 0, 0, 0, 0);

    // CPU samples, by time (stable, so equal times keep file order).
    const nS = gen.cpuTicks.length;
    const sTime = new Float64Array(nS);
    for (let i = 0; i < nS; i++) sTime[i] = gen.mul(gen.cpuTicks[i]!);
    const sOrder = Array.from({ length: nS }, (_, i) => i).sort((x, y) => sTime[x]! - sTime[y]! || x - y);
    let sNext = 0;
    let sNextTime = nS > 0 ? sTime[sOrder[0]!]! : 0; // time of sample sOrder[sNext]

    const frontier: Cursor[] = [];
    for (const m of gen.batchMs) {
      const c = new Cursor(m, gen.batchesByM.get(m)!);
      if (this.nextEvent(c, gen)) heapInsert(frontier, c);
    }
    // The generation of the first event ordered (Go's initialGen), and this one's, for every step.
    if (this.initialGen === 0 && frontier.length > 0) this.initialGen = gen.gen;
    this.step.gen = gen;
    this.step.genNo = gen.gen;

    for (;;) {
      if (out.count >= OUT_FLUSH_CHUNKS && this.onFull !== null) this.onFull();
      if (sNext < nS && (frontier.length === 0 || sNextTime < frontier[0]!.time)) {
        const i = sOrder[sNext++]!;
        const st = gen.stack(gen.cpuStack[i]!);
        out.push(Ev.CPUSample, sNextTime, gen.cpuG[i]!, gen.cpuP[i]!, gen.cpuM[i]!, st === undefined ? -1 : st, 0, 0, 0, 0);
        if (sNext < nS) sNextTime = sTime[sOrder[sNext]!]!;
        continue;
      }
      if (frontier.length === 0) break;
      if (this.tryAdvance(frontier, 0, gen)) continue;
      // Rare path: sort the frontier by time (a sorted array is still a heap) and try the others.
      sortFrontier(frontier);
      let ok = false;
      for (let i = 1; i < frontier.length; i++) {
        if (this.tryAdvance(frontier, i, gen)) {
          ok = true;
          break;
        }
      }
      if (!ok) {
        const c = frontier[0]!;
        throw new WireError(`broken trace: no event can advance in generation ${gen.gen} (next: type ${c.typ} on M ${c.m})`, c.at);
      }
    }
  }

  private tryAdvance(frontier: Cursor[], i: number, gen: Generation): boolean {
    const c = frontier[i]!;
    if (!this.advance(c)) return false;
    if (this.nextEvent(c, gen)) heapUpdate(frontier, i);
    else heapRemove(frontier, i);
    return true;
  }

  /** Reads the cursor's next timed event; false when its batches are exhausted. */
  private nextEvent(c: Cursor, gen: Generation): boolean {
    if (c.pos >= c.end && !nextBatch(c, gen)) return false;
    const bytes = this.bytes;
    const end = c.end;
    const at = c.pos;
    const typ = bytes[at]!;
    const argc = ARGC[typ]!;
    if (argc < 0) throw new WireError(`invalid event type ${typ} in an event batch`, at);
    // dt and the arguments. Arguments past argc are left as they were: no handler hands them on
    // (out-buf.ts OUT_ARGS).
    let p = readVarint(bytes, at + 1, end, DT, 0);
    const a = c.a;
    for (let k = 0; k < argc; k++) p = readVarint(bytes, p, end, a, k);
    // Table ids must resolve in this generation (Go's validateTableIDs).
    if (HAS_IDS[typ] !== 0) checkIds(typ, a, gen, at);
    c.typ = typ;
    c.at = at;
    c.time = gen.mul(DT[0]!) + c.lastTs;
    c.lastTs = c.time;
    c.pos = p;
    return true;
  }

  /** Go's ordering.Advance: true when the event was accepted (and written to `out`). */
  private advance(c: Cursor): boolean {
    const s = this.step;
    s.typ = c.typ;
    s.t = c.time;
    s.at = c.at;
    s.a = c.a;
    s.curG = NONE;
    s.curP = NONE;
    s.curM = c.m;
    let ms: MState | undefined;
    if (c.m !== NONE) {
      ms = c.ms;
      if (ms === undefined) {
        ms = this.mStates.get(c.m);
        if (ms === undefined) {
          ms = { g: NONE, p: NONE };
          this.mStates.set(c.m, ms);
        }
        c.ms = ms;
      }
      s.curG = ms.g;
      s.curP = ms.p;
    }
    s.newG = s.curG;
    s.newP = s.curP;
    const handle = HANDLERS[s.typ];
    if (handle === undefined) fail(s.at, `bad event type found while ordering: ${s.typ}`);
    if (!handle(this, s)) return false;
    // The thread's new context (Go's newCtx).
    if (ms !== undefined) {
      ms.p = s.newP;
      ms.g = s.newG;
    }
    return true;
  }
}

/**
 * The event being ordered and its scheduling context — Go's curCtx (what the thread had) and newCtx
 * (what it has after the event). One instance, reused for every event.
 */
class Step {
  gen!: Generation;
  genNo = 0;
  typ = 0;
  t = 0;
  /** Offset of the event (for errors). */
  at = 0;
  a: Float64Array = new Float64Array(MAX_ARGS);
  curG = NONE;
  curP = NONE;
  /** The thread the event is emitted on (a status may name another one). */
  curM = NONE;
  newG = NONE;
  newP = NONE;
}

/**
 * One event type's ordering rule: false when the event cannot happen yet (its sequence number is
 * ahead of the resource's), true once accepted and written out; throws on an impossible event.
 */
type Handler = (o: Ordering, s: Step) => boolean;

// ---- Prerequisites on the event's context (Go's schedReqs) ----

const ANY = 0;
const MUST = 1;
const MUST_NOT = 2;
interface Needs {
  m: number;
  p: number;
  g: number;
}
/** A thread, a proc and a running goroutine (Go's userGoReqs). */
const USER_GO: Needs = { m: MUST, p: MUST, g: MUST };
const THREAD_AND_PROC: Needs = { m: MUST, p: MUST, g: ANY };
const THREAD: Needs = { m: MUST, p: ANY, g: ANY };
const THREAD_AND_GOROUTINE: Needs = { m: MUST, p: ANY, g: MUST };
const THREAD_ONLY: Needs = { m: MUST, p: ANY, g: MUST_NOT };
const THREAD_PROC_NO_GOROUTINE: Needs = { m: MUST, p: MUST, g: MUST_NOT };

function need(s: Step, n: Needs): void {
  check(s.curM, n.m, 'thread', s.at);
  check(s.curP, n.p, 'proc', s.at);
  check(s.curG, n.g, 'goroutine', s.at);
}
function check(have: number, want: number, what: string, at: number): void {
  if (want === MUST && have === NONE) fail(at, `expected a ${what} but had none`);
  if (want === MUST_NOT && have !== NONE) fail(at, `expected no ${what} but had ${what} ${have}`);
}
/** A sequence number that follows the resource's last one in this generation. */
function nextSeq(st: { seqGen: number; seq: number }, s: Step, seq: number): boolean {
  return st.seqGen === s.genNo && seq === st.seq + 1;
}

// ---- Procs ----

const advanceProcStatus: Handler = (o, s) => {
  const a = s.a;
  const pid = a[0]!;
  const status = a[1]!;
  if (status < 0 || status >= PROC_STATUS_STATE.length) fail(s.at, `invalid status for proc ${pid}: ${status}`);
  let old = PROC_STATUS_STATE[status]!;
  const ps = o.pStates.get(pid);
  if (ps !== undefined) {
    if (status === WireProc.SyscallAbandoned && ps.status === WireProc.Syscall) {
      old = P_RUNNING;
      a[1] = WireProc.Syscall;
    } else if (status === WireProc.SyscallAbandoned && ps.status === WireProc.SyscallAbandoned) {
      old = P_IDLE;
      a[1] = WireProc.SyscallAbandoned;
    } else if (ps.status !== status) {
      fail(s.at, `inconsistent status for proc ${pid}: old ${ps.status} vs. new ${status}`);
    }
    ps.seqGen = s.genNo;
    ps.seq = 0;
  } else {
    o.pStates.set(pid, { status, seqGen: s.genNo, seq: 0, ranges: null });
    o.firstStatuses?.procs.set(pid, status);
    old = s.genNo === o.initialGen ? P_UNDETERMINED : P_NOTEXIST;
  }
  if (status === WireProc.Running || status === WireProc.Syscall) s.newP = pid;
  let evG = s.curG;
  let evP = s.curP;
  if (status === WireProc.SyscallAbandoned && old === P_RUNNING) {
    // Emit it in the context of the M the P is bound to.
    let found = false;
    for (const [mid, st] of o.mStates) {
      if (st.p === pid) {
        s.curM = mid;
        evP = pid;
        evG = st.g;
        found = true;
      }
    }
    if (!found) fail(s.at, `failed to find sched context for proc ${pid} that's about to be stolen`);
  }
  o.out.push(s.typ, s.t, evG, evP, s.curM, a[0]!, a[1]!, old, 0, 0);
  return true;
};

const advanceProcStart: Handler = (o, s) => {
  const a = s.a;
  const pid = a[0]!;
  const ps = o.pStates.get(pid);
  if (ps === undefined || ps.status !== WireProc.Idle || !nextSeq(ps, s, a[1]!) || s.curP !== NONE) return false;
  need(s, THREAD);
  ps.status = WireProc.Running;
  ps.seqGen = s.genNo;
  ps.seq = a[1]!;
  s.newP = pid;
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, a[0]!, a[1]!, 0, 0, 0);
  return true;
};

const advanceProcStop: Handler = (o, s) => {
  const ps = o.pStates.get(s.curP);
  if (ps === undefined) fail(s.at, `ProcStop for proc (${s.curP}) that doesn't exist`);
  if (ps.status !== WireProc.Running && ps.status !== WireProc.Syscall) fail(s.at, 'ProcStop for a proc that is not running or in a syscall');
  need(s, THREAD_AND_PROC);
  ps.status = WireProc.Idle;
  s.newP = NONE;
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, 0, 0, 0, 0, 0);
  return true;
};

const advanceProcSteal: Handler = (o, s) => {
  const a = s.a;
  const pid = a[0]!;
  const ps = o.pStates.get(pid);
  if (ps === undefined || (ps.status !== WireProc.Syscall && ps.status !== WireProc.SyscallAbandoned) || !nextSeq(ps, s, a[1]!)) return false;
  need(s, THREAD);
  const oldStatus = ps.status;
  ps.status = WireProc.Idle;
  ps.seqGen = s.genNo;
  ps.seq = a[1]!;
  if (oldStatus !== WireProc.SyscallAbandoned) {
    const mid = a[2]!;
    if (mid === s.curM) {
      if (s.curP !== pid) fail(s.at, `tried to self-steal proc ${pid} (thread ${mid}), but got proc ${s.curP} instead`);
      s.newP = NONE;
    } else {
      const victim = o.mStates.get(mid);
      if (victim === undefined) fail(s.at, `stole proc from non-existent thread ${mid}`);
      if (victim.p !== pid) fail(s.at, `tried to steal proc ${pid} from thread ${mid}, but got proc ${victim.p} instead`);
      victim.p = NONE;
    }
  }
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, a[0]!, a[1]!, a[2]!, oldStatus, 0);
  return true;
};

// ---- Goroutines ----

const advanceGoStatus: Handler = (o, s) => {
  const a = s.a;
  const gid = a[0]!;
  const mid = a[1]!;
  const status = a[2]!;
  if (status < 0 || status >= GO_STATUS_STATE.length) fail(s.at, `invalid status for goroutine ${gid}: ${status}`);
  let old = GO_STATUS_STATE[status]!;
  const gs = o.gStates.get(gid);
  if (gs !== undefined) {
    if (gs.status !== status) fail(s.at, `inconsistent status for goroutine ${gid}: old ${gs.status} vs. new ${status}`);
    gs.seqGen = s.genNo;
    gs.seq = 0;
  } else if (s.genNo === o.initialGen) {
    o.gStates.set(gid, { status, seqGen: s.genNo, seq: 0, regions: null, ranges: null });
    o.firstStatuses?.goroutines.set(gid, status);
    old = G_UNDETERMINED;
  } else {
    fail(s.at, `found goroutine status for new goroutine after the first generation: id=${gid} status=${status}`);
  }
  let evG = s.curG;
  if (status === WireGo.Running) {
    s.newG = gid;
  } else if (status === WireGo.Syscall) {
    if (mid === NONE) fail(s.at, `found goroutine ${gid} in syscall without a thread`);
    if (mid === s.curM) {
      if (s.genNo !== o.initialGen && s.curG !== gid) fail(s.at, `inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${s.curG}`);
      s.newG = gid;
    } else {
      const other = o.mStates.get(mid);
      if (other !== undefined) {
        if (other.g !== gid) fail(s.at, `inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${other.g}`);
        evG = other.g;
      } else {
        o.mStates.set(mid, { g: gid, p: NONE });
      }
      s.curM = mid;
    }
  }
  o.out.push(s.typ, s.t, evG, s.curP, s.curM, gid, mid, status, s.typ === Ev.GoStatusStack ? a[3]! : 0, old);
  return true;
};

const advanceGoCreate: Handler = (o, s) => {
  const a = s.a;
  need(s, THREAD_AND_PROC);
  const cur = o.gStates.get(s.curG);
  if (cur !== undefined && cur.status !== WireGo.Running) fail(s.at, 'GoCreate event for goroutine that is not running');
  const ng = a[0]!;
  if (o.gStates.has(ng)) fail(s.at, `tried to create goroutine (${ng}) that already exists`);
  const status = s.typ === Ev.GoCreateBlocked ? WireGo.Waiting : WireGo.Runnable;
  o.gStates.set(ng, { status, seqGen: s.genNo, seq: 0, regions: null, ranges: null });
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, a[0]!, a[1]!, a[2]!, 0, 0);
  return true;
};

/** GoDestroy, GoStop, GoBlock: the running goroutine stops executing. */
const advanceGoStopExec: Handler = (o, s) => {
  need(s, USER_GO);
  const gs = o.gStates.get(s.curG);
  if (gs === undefined) fail(s.at, `event ${s.typ} for goroutine (${s.curG}) that doesn't exist`);
  if (gs.status !== WireGo.Running) fail(s.at, `event ${s.typ} for goroutine that's not running`);
  if (s.typ === Ev.GoDestroy) o.gStates.delete(s.curG);
  else gs.status = s.typ === Ev.GoStop ? WireGo.Runnable : WireGo.Waiting;
  s.newG = NONE;
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, s.a[0]!, s.a[1]!, 0, 0, 0);
  return true;
};

const advanceGoStart: Handler = (o, s) => {
  const a = s.a;
  const gid = a[0]!;
  const gs = o.gStates.get(gid);
  if (gs === undefined || gs.status !== WireGo.Runnable || !nextSeq(gs, s, a[1]!)) return false;
  need(s, THREAD_PROC_NO_GOROUTINE);
  gs.status = WireGo.Running;
  gs.seqGen = s.genNo;
  gs.seq = a[1]!;
  s.newG = gid;
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, a[0]!, a[1]!, 0, 0, 0);
  return true;
};

const advanceGoUnblock: Handler = (o, s) => {
  const a = s.a;
  const gs = o.gStates.get(a[0]!);
  if (gs === undefined || gs.status !== WireGo.Waiting || !nextSeq(gs, s, a[1]!)) return false;
  gs.status = WireGo.Runnable;
  gs.seqGen = s.genNo;
  gs.seq = a[1]!;
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, a[0]!, a[1]!, a[2]!, 0, 0);
  return true;
};

/** GoSwitch, GoSwitchDestroy: unblock the next goroutine, block (or destroy) this one, start the next. */
const advanceGoSwitch: Handler = (o, s) => {
  const a = s.a;
  need(s, USER_GO);
  const cur = o.gStates.get(s.curG);
  if (cur === undefined) fail(s.at, `event ${s.typ} for goroutine (${s.curG}) that doesn't exist`);
  if (cur.status !== WireGo.Running) fail(s.at, `event ${s.typ} for goroutine that's not running`);
  const next = a[0]!;
  const ns = o.gStates.get(next);
  if (ns === undefined || ns.status !== WireGo.Waiting || !nextSeq(ns, s, a[1]!)) return false;
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, a[0]!, a[1]!, 0, 0, 0);
  if (s.typ === Ev.GoSwitch) {
    cur.status = WireGo.Waiting;
    o.out.push(Ev.GoBlock, s.t, s.curG, s.curP, s.curM, 0, 0, 0, 0, 0);
  } else {
    o.gStates.delete(s.curG);
    o.out.push(Ev.GoDestroy, s.t, s.curG, s.curP, s.curM, 0, 0, 0, 0, 0);
  }
  ns.status = WireGo.Running;
  ns.seqGen = s.genNo;
  ns.seq = a[1]!;
  s.newG = next;
  o.out.push(Ev.GoStart, s.t, NONE, s.curP, s.curM, next, a[1]!, 0, 0, 0);
  return true;
};

const advanceGoSyscallBegin: Handler = (o, s) => {
  const a = s.a;
  need(s, USER_GO);
  const gs = o.gStates.get(s.curG);
  if (gs === undefined) fail(s.at, `GoSyscallBegin for goroutine (${s.curG}) that doesn't exist`);
  if (gs.status !== WireGo.Running) fail(s.at, "GoSyscallBegin for goroutine that's not running");
  gs.status = WireGo.Syscall;
  const ps = o.pStates.get(s.curP);
  if (ps === undefined) fail(s.at, `uninitialized proc ${s.curP} found during GoSyscallBegin`);
  ps.status = WireProc.Syscall;
  if (!nextSeq(ps, s, a[0]!)) fail(s.at, `failed to advance GoSyscallBegin: can't make sequence ${ps.seq} -> ${a[0]}`);
  ps.seqGen = s.genNo;
  ps.seq = a[0]!;
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, a[0]!, a[1]!, 0, 0, 0);
  return true;
};

const advanceGoSyscallEnd: Handler = (o, s) => {
  need(s, USER_GO);
  const gs = o.gStates.get(s.curG);
  if (gs === undefined) fail(s.at, `GoSyscallEnd for goroutine (${s.curG}) that doesn't exist`);
  if (gs.status !== WireGo.Syscall) fail(s.at, "GoSyscallEnd for goroutine that's not in a syscall");
  gs.status = WireGo.Running;
  const ps = o.pStates.get(s.curP);
  if (ps === undefined) fail(s.at, `uninitialized proc ${s.curP} found during GoSyscallEnd`);
  if (ps.status !== WireProc.Syscall) fail(s.at, `expected proc ${s.curP} in a syscall`);
  ps.status = WireProc.Running;
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, 0, 0, 0, 0, 0);
  return true;
};

const advanceGoSyscallEndBlocked: Handler = (o, s) => {
  if (s.curP !== NONE) {
    const ps = o.pStates.get(s.curP);
    if (ps === undefined) fail(s.at, `uninitialized proc ${s.curP} found during GoSyscallEndBlocked`);
    // Its P must first be stolen (the ProcSteal comes on another thread).
    if (ps.status === WireProc.Syscall) return false;
  }
  need(s, THREAD_AND_GOROUTINE);
  const gs = o.gStates.get(s.curG);
  if (gs === undefined) fail(s.at, `GoSyscallEndBlocked for goroutine (${s.curG}) that doesn't exist`);
  if (gs.status !== WireGo.Syscall) fail(s.at, "GoSyscallEndBlocked for goroutine that's not in a syscall");
  s.newG = NONE;
  gs.status = WireGo.Runnable;
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, 0, 0, 0, 0, 0);
  return true;
};

const advanceGoCreateSyscall: Handler = (o, s) => {
  need(s, THREAD_ONLY);
  const ng = s.a[0]!;
  if (o.gStates.has(ng)) fail(s.at, `tried to create goroutine (${ng}) in syscall that already exists`);
  o.gStates.set(ng, { status: WireGo.Syscall, seqGen: s.genNo, seq: 0, regions: null, ranges: null });
  s.newG = ng;
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, ng, 0, 0, 0, 0);
  return true;
};

const advanceGoDestroySyscall: Handler = (o, s) => {
  need(s, THREAD_AND_GOROUTINE);
  const gs = o.gStates.get(s.curG);
  if (gs === undefined) fail(s.at, `GoDestroySyscall for goroutine (${s.curG}) that doesn't exist`);
  if (gs.status !== WireGo.Syscall) fail(s.at, "GoDestroySyscall for goroutine that's not in a syscall");
  o.gStates.delete(s.curG);
  s.newG = NONE;
  if (s.curP !== NONE) {
    const ps = o.pStates.get(s.curP);
    if (ps === undefined) fail(s.at, `found invalid proc ${s.curP} during GoDestroySyscall`);
    if (ps.status !== WireProc.Syscall) fail(s.at, `proc ${s.curP} in unexpected state during GoDestroySyscall`);
    ps.status = WireProc.SyscallAbandoned;
    s.newP = NONE;
    // Go queues a self-steal of the P ahead of the destroy.
    o.out.push(Ev.ProcSteal, s.t, s.curG, s.curP, s.curM, s.curP, 0, 0, WireProc.Syscall, 0);
  }
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, 0, 0, 0, 0, 0);
  return true;
};

// ---- Annotations ----

const advanceUserTaskBegin: Handler = (o, s) => {
  const a = s.a;
  const id = a[0]!;
  if (o.activeTasks.has(id)) fail(s.at, `task ID conflict: ${id}`);
  if (a[1] === 0) a[1] = NONE; // 0 means no parent here
  o.activeTasks.set(id, { name: s.gen.string(a[2]!)!, parent: a[1]! });
  need(s, USER_GO);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, a[0]!, a[1]!, a[2]!, a[3]!, 0);
  return true;
};

const advanceUserTaskEnd: Handler = (o, s) => {
  const a = s.a;
  const id = a[0]!;
  const task = o.activeTasks.get(id);
  let parent = NONE;
  let nameIdx = -1;
  if (task !== undefined) {
    parent = task.parent;
    nameIdx = o.extraStrings.push(task.name) - 1;
    o.activeTasks.delete(id);
  }
  need(s, USER_GO);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, a[0]!, a[1]!, parent, nameIdx, 0);
  return true;
};

/** UserRegionBegin / UserRegionEnd: regions nest per goroutine. */
const advanceUserRegion: Handler = (o, s) => {
  const a = s.a;
  need(s, USER_GO);
  const key = `${a[0]}\u0000${s.gen.string(a[1]!)!}`;
  const gs = o.gStates.get(s.curG);
  if (gs === undefined) fail(s.at, `region event without known state for current goroutine ${s.curG}`);
  if (s.typ === Ev.UserRegionBegin) {
    (gs.regions ??= []).push(key);
  } else if (gs.regions !== null && gs.regions.length > 0) {
    if (gs.regions[gs.regions.length - 1] !== key) fail(s.at, `misuse of region in goroutine ${s.curG}`);
    gs.regions.pop();
  }
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, a[0]!, a[1]!, a[2]!, 0, 0);
  return true;
};

/** ProcsChange, GoLabel, UserLog: need a running goroutine, change no state. */
const advanceAnnotation: Handler = (o, s) => {
  const a = s.a;
  need(s, USER_GO);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, a[0]!, a[1]!, a[2]!, a[3]!, 0);
  return true;
};

// ---- GC ----

const advanceGCActive: Handler = (o, s) => {
  const seq = s.a[0]!;
  if (s.genNo === o.initialGen) {
    if (o.gcState !== GC_UNDETERMINED) fail(s.at, "GCActive in the first generation isn't first GC event");
    o.gcSeq = seq;
    o.gcState = GC_RUNNING;
    o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, seq, 0, 0, 0, 0);
    return true;
  }
  if (seq !== o.gcSeq + 1) return false;
  if (o.gcState !== GC_RUNNING) fail(s.at, 'encountered GCActive while GC was not in progress');
  o.gcSeq = seq;
  need(s, USER_GO);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, seq, 0, 0, 0, 0);
  return true;
};

const advanceGCBegin: Handler = (o, s) => {
  const seq = s.a[0]!;
  if (o.gcState === GC_UNDETERMINED) {
    o.gcSeq = seq;
    o.gcState = GC_RUNNING;
    o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, seq, s.a[1]!, 0, 0, 0);
    return true;
  }
  if (seq !== o.gcSeq + 1) return false;
  if (o.gcState === GC_RUNNING) fail(s.at, 'encountered GCBegin while GC was already in progress');
  o.gcSeq = seq;
  o.gcState = GC_RUNNING;
  need(s, USER_GO);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, seq, s.a[1]!, 0, 0, 0);
  return true;
};

const advanceGCEnd: Handler = (o, s) => {
  const seq = s.a[0]!;
  if (seq !== o.gcSeq + 1) return false;
  if (o.gcState === GC_NOT_RUNNING) fail(s.at, 'encountered GCEnd when GC was not in progress');
  if (o.gcState === GC_UNDETERMINED) fail(s.at, 'encountered GCEnd when GC was in an undetermined state');
  o.gcSeq = seq;
  o.gcState = GC_NOT_RUNNING;
  need(s, USER_GO);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, seq, 0, 0, 0, 0);
  return true;
};

const advanceHeapMetric: Handler = (o, s) => {
  need(s, THREAD_AND_PROC);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, s.a[0]!, 0, 0, 0, 0);
  return true;
};

const advanceGCSweepBegin: Handler = (o, s) => {
  need(s, THREAD_AND_PROC);
  beginRange(o.pStates.get(s.curP)!, Ev.GCSweepBegin * RANGE_KEY, s.at);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, s.a[0]!, 0, 0, 0, 0);
  return true;
};

const advanceGCSweepActive: Handler = (o, s) => {
  const pid = s.a[0]!;
  const ps = o.pStates.get(pid);
  if (ps === undefined) fail(s.at, `encountered GCSweepActive for unknown proc ${pid}`);
  activeRange(ps, Ev.GCSweepBegin * RANGE_KEY, s.genNo === o.initialGen, s.at);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, pid, 0, 0, 0, 0);
  return true;
};

const advanceGCSweepEnd: Handler = (o, s) => {
  need(s, THREAD_AND_PROC);
  endRange(o.pStates.get(s.curP)!, Ev.GCSweepBegin, s.at);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, s.a[0]!, s.a[1]!, 0, 0, 0);
  return true;
};

// ---- Goroutine ranges (STW, GC mark assist) ----

const advanceGoRangeBegin: Handler = (o, s) => {
  need(s, USER_GO);
  const desc = s.typ === Ev.STWBegin ? s.a[0]! : 0;
  const gs = o.gStates.get(s.curG);
  if (gs === undefined) fail(s.at, `range event without known state for current goroutine ${s.curG}`);
  beginRange(gs, s.typ * RANGE_KEY + desc, s.at);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, s.a[0]!, s.a[1]!, 0, 0, 0);
  return true;
};

const advanceGoRangeActive: Handler = (o, s) => {
  const gid = s.a[0]!;
  const gs = o.gStates.get(gid);
  if (gs === undefined) fail(s.at, `uninitialized goroutine ${gid} found during GCMarkAssistActive`);
  activeRange(gs, Ev.GCMarkAssistBegin * RANGE_KEY, s.genNo === o.initialGen, s.at);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, gid, 0, 0, 0, 0);
  return true;
};

const advanceGoRangeEnd: Handler = (o, s) => {
  need(s, USER_GO);
  const gs = o.gStates.get(s.curG);
  if (gs === undefined) fail(s.at, `range event without known state for current goroutine ${s.curG}`);
  const stw = s.typ === Ev.STWEnd;
  const desc = endRange(gs, stw ? Ev.STWBegin : Ev.GCMarkAssistBegin, s.at);
  o.out.push(s.typ, s.t, s.curG, s.curP, s.curM, stw ? desc : 0, 0, 0, 0, 0);
  return true;
};

/** Experimental alloc/free events: checked for their context, then dropped. */
const advanceExperimental: Handler = (_o, s) => {
  need(s, THREAD);
  return true;
};

/** Event type → its handler (Go's orderingDispatch); types without one are malformed. */
const HANDLERS: (Handler | undefined)[] = [];
HANDLERS[Ev.ProcsChange] = advanceAnnotation;
HANDLERS[Ev.ProcStart] = advanceProcStart;
HANDLERS[Ev.ProcStop] = advanceProcStop;
HANDLERS[Ev.ProcSteal] = advanceProcSteal;
HANDLERS[Ev.ProcStatus] = advanceProcStatus;
HANDLERS[Ev.GoCreate] = advanceGoCreate;
HANDLERS[Ev.GoCreateBlocked] = advanceGoCreate;
HANDLERS[Ev.GoCreateSyscall] = advanceGoCreateSyscall;
HANDLERS[Ev.GoStart] = advanceGoStart;
HANDLERS[Ev.GoDestroy] = advanceGoStopExec;
HANDLERS[Ev.GoStop] = advanceGoStopExec;
HANDLERS[Ev.GoBlock] = advanceGoStopExec;
HANDLERS[Ev.GoDestroySyscall] = advanceGoDestroySyscall;
HANDLERS[Ev.GoUnblock] = advanceGoUnblock;
HANDLERS[Ev.GoSyscallBegin] = advanceGoSyscallBegin;
HANDLERS[Ev.GoSyscallEnd] = advanceGoSyscallEnd;
HANDLERS[Ev.GoSyscallEndBlocked] = advanceGoSyscallEndBlocked;
HANDLERS[Ev.GoStatus] = advanceGoStatus;
HANDLERS[Ev.GoStatusStack] = advanceGoStatus;
HANDLERS[Ev.GoSwitch] = advanceGoSwitch;
HANDLERS[Ev.GoSwitchDestroy] = advanceGoSwitch;
HANDLERS[Ev.STWBegin] = advanceGoRangeBegin;
HANDLERS[Ev.STWEnd] = advanceGoRangeEnd;
HANDLERS[Ev.GCActive] = advanceGCActive;
HANDLERS[Ev.GCBegin] = advanceGCBegin;
HANDLERS[Ev.GCEnd] = advanceGCEnd;
HANDLERS[Ev.GCSweepActive] = advanceGCSweepActive;
HANDLERS[Ev.GCSweepBegin] = advanceGCSweepBegin;
HANDLERS[Ev.GCSweepEnd] = advanceGCSweepEnd;
HANDLERS[Ev.GCMarkAssistActive] = advanceGoRangeActive;
HANDLERS[Ev.GCMarkAssistBegin] = advanceGoRangeBegin;
HANDLERS[Ev.GCMarkAssistEnd] = advanceGoRangeEnd;
HANDLERS[Ev.HeapAlloc] = advanceHeapMetric;
HANDLERS[Ev.HeapGoal] = advanceHeapMetric;
HANDLERS[Ev.GoLabel] = advanceAnnotation;
HANDLERS[Ev.UserTaskBegin] = advanceUserTaskBegin;
HANDLERS[Ev.UserTaskEnd] = advanceUserTaskEnd;
HANDLERS[Ev.UserRegionBegin] = advanceUserRegion;
HANDLERS[Ev.UserRegionEnd] = advanceUserRegion;
HANDLERS[Ev.UserLog] = advanceAnnotation;
for (let t = 128; t < 256; t++) HANDLERS[t] = advanceExperimental;

const READER = new WireReader(new Uint8Array(0));

/** The event being read's timestamp delta (a scratch slot for readVarint). */
const DT = new Float64Array(1);

/**
 * Decodes the varint at `p` (before `end`) into out[k]; returns the position after it. Runs for
 * every argument of every event, so the common lengths (ids, sequence numbers and time deltas are
 * mostly under 2^21: one to three bytes) are decoded here in integer arithmetic; longer ones, and
 * any error (cut short, over-long), by WireReader.
 */
function readVarint(bytes: Uint8Array, p: number, end: number, out: Float64Array, k: number): number {
  if (p + 2 < end) {
    const b0 = bytes[p]!;
    if (b0 < 0x80) {
      out[k] = b0;
      return p + 1;
    }
    const b1 = bytes[p + 1]!;
    if (b1 < 0x80) {
      out[k] = (b0 & 0x7f) | (b1 << 7);
      return p + 2;
    }
    const b2 = bytes[p + 2]!;
    if (b2 < 0x80) {
      out[k] = (b0 & 0x7f) | ((b1 & 0x7f) << 7) | (b2 << 14);
      return p + 3;
    }
  }
  const r = READER;
  r.buf = bytes;
  r.pos = p;
  r.end = end;
  out[k] = r.uvarint();
  return r.pos;
}

/** Moves the cursor to its next batch with data; false when there is none. */
function nextBatch(c: Cursor, gen: Generation): boolean {
  const bs = c.batches;
  while (++c.idx < bs.length) {
    const b = bs[c.idx]!;
    c.pos = b.dataStart;
    c.end = b.dataEnd;
    c.lastTs = gen.mul(b.time);
    if (c.pos < c.end) return true;
  }
  return false;
}

/** Event types that name a stack or a string (1), which must resolve in the generation. */
const HAS_IDS = new Uint8Array(256);
for (let t = 0; t < 256; t++) HAS_IDS[t] = STACK_ARG[t]! >= 0 || STACK2_ARG[t]! >= 0 || STRING_ARG[t]! >= 0 || STRING2_ARG[t]! >= 0 ? 1 : 0;

function checkIds(typ: number, a: Float64Array, gen: Generation, at: number): void {
  let s = STACK_ARG[typ]!;
  if (s >= 0 && gen.stack(a[s]!) === undefined) throw new WireError(`invalid stack id ${a[s]} for event type ${typ}`, at);
  s = STACK2_ARG[typ]!;
  if (s >= 0 && gen.stack(a[s]!) === undefined) throw new WireError(`invalid stack id ${a[s]} for event type ${typ}`, at);
  s = STRING_ARG[typ]!;
  if (s >= 0 && gen.string(a[s]!) === undefined) throw new WireError(`invalid string id ${a[s]} for event type ${typ}`, at);
  s = STRING2_ARG[typ]!;
  if (s >= 0 && gen.string(a[s]!) === undefined) throw new WireError(`invalid string id ${a[s]} for event type ${typ}`, at);
}

function fail(at: number, msg: string): never {
  throw new WireError(msg, at);
}

function beginRange(s: { ranges: number[] | null }, key: number, at: number): void {
  const r = (s.ranges ??= []);
  if (r.includes(key)) fail(at, 'range already in flight');
  r.push(key);
}

function activeRange(s: { ranges: number[] | null }, key: number, initial: boolean, at: number): void {
  const r = (s.ranges ??= []);
  if (initial) {
    if (r.includes(key)) fail(at, 'found named active range already in first gen');
    r.push(key);
  } else if (!r.includes(key)) {
    fail(at, 'resource is missing active range');
  }
}

/** Ends the in-flight range begun by `beginTyp`; returns its description (string id). */
function endRange(s: { ranges: number[] | null } | undefined, beginTyp: number, at: number): number {
  const r = s?.ranges;
  if (r) {
    for (let i = 0; i < r.length; i++) {
      const k = r[i]!;
      if (Math.floor(k / RANGE_KEY) === beginTyp) {
        r[i] = r[r.length - 1]!;
        r.pop();
        return k % RANGE_KEY;
      }
    }
  }
  return fail(at, 'tried to end a range that is not in flight');
}

// Min-heap of cursors by event time, with exactly Go's sift rules so ties resolve the same way.
function heapInsert(h: Cursor[], c: Cursor): void {
  h.push(c);
  siftUp(h, h.length - 1);
}
function heapUpdate(h: Cursor[], i: number): void {
  if (siftUp(h, i) !== i) return;
  siftDown(h, i);
}
function heapRemove(h: Cursor[], i: number): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    const x = h[p]!;
    h[p] = h[i]!;
    h[i] = x;
    i = p;
  }
  const last = h.length - 1;
  h[0] = h[last]!;
  h.pop();
  siftDown(h, 0);
}
function siftUp(h: Cursor[], i: number): number {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!(h[p]!.time > h[i]!.time)) break;
    const x = h[p]!;
    h[p] = h[i]!;
    h[i] = x;
    i = p;
  }
  return i;
}
function siftDown(h: Cursor[], i: number): void {
  const n = h.length;
  for (;;) {
    let m = i;
    let mt = i < n ? h[i]!.time : Infinity;
    const l = 2 * i + 1;
    const r = l + 1;
    if (l < n && h[l]!.time < mt) {
      mt = h[l]!.time;
      m = l;
    }
    if (r < n && h[r]!.time < mt) m = r;
    if (m === i) return;
    const x = h[i]!;
    h[i] = h[m]!;
    h[m] = x;
    i = m;
  }
}
/** Stable sort by time (Go sorts small frontiers by insertion sort, which is stable). */
function sortFrontier(h: Cursor[]): void {
  for (let i = 1; i < h.length; i++) {
    for (let j = i; j > 0 && h[j]!.time < h[j - 1]!.time; j--) {
      const x = h[j]!;
      h[j] = h[j - 1]!;
      h[j - 1] = x;
    }
  }
}
