/**
 * Turns a generation's per-thread batches into Go's global event order, the way Go's
 * internal/trace reader does: a min-heap frontier of per-M cursors keyed by event time, and a model
 * of scheduler state (goroutines, Ps, Ms, GC, tasks, ranges) that only lets an event through once
 * the partial order its sequence numbers encode allows it. Accepted events go to an output buffer
 * (struct of arrays, no object per event) with times fixed up to be strictly increasing, as Go's
 * reader does on the way out; CPU samples are merged in by time.
 *
 * The state machine carries across generations (goroutines that exist, GC sequence, tasks).
 */
import { Ev, ARGC, MAX_ARGS, STACK_ARG, STACK2_ARG, STRING_ARG, STRING2_ARG, WireGo, WireProc, WireError, WireReader } from './wire.ts';
import type { Batch, Generation } from './generation.ts';
import { G_UNDETERMINED, GO_STATUS_STATE, P_IDLE, P_NOTEXIST, P_RUNNING, P_UNDETERMINED, PROC_STATUS_STATE } from '../../../model/trace.ts';

const NONE = -1;

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

/** Per-M cursor over that M's batches in a generation. */
class Cursor {
  m: number;
  batches: Batch[];
  idx = 0;
  pos = 0;
  lastTs = 0;
  typ = 0;
  time = 0;
  /** Offset of the current event (for errors). */
  at = 0;
  a = new Float64Array(MAX_ARGS);
  constructor(m: number, batches: Batch[]) {
    this.m = m;
    this.batches = batches;
    this.pos = batches.length > 0 ? batches[0]!.dataStart : 0;
  }
}

/** Output events: one row per event in Go's order. */
export class OutBuf {
  n = 0;
  typ = new Uint8Array(1 << 14);
  /** Stride 9: time, G, P, M, a0..a4. */
  f = new Float64Array(9 << 14);
  lastTs = 0;

  reset(): void {
    this.n = 0;
  }

  push(typ: number, t: number, g: number, p: number, m: number, a0: number, a1: number, a2: number, a3: number, a4: number): void {
    if (this.n === this.typ.length) this.grow();
    // Go's reader forces strictly increasing times on the events it returns.
    if (t <= this.lastTs) t = this.lastTs + 1;
    this.lastTs = t;
    const i = this.n++;
    this.typ[i] = typ;
    const f = this.f;
    const o = i * 9;
    f[o] = t;
    f[o + 1] = g;
    f[o + 2] = p;
    f[o + 3] = m;
    f[o + 4] = a0;
    f[o + 5] = a1;
    f[o + 6] = a2;
    f[o + 7] = a3;
    f[o + 8] = a4;
  }

  private grow(): void {
    const t = new Uint8Array(this.typ.length * 2);
    t.set(this.typ);
    this.typ = t;
    const f = new Float64Array(this.f.length * 2);
    f.set(this.f);
    this.f = f;
  }
}

export class Ordering {
  private gStates = new Map<number, GState>();
  private pStates = new Map<number, PState>();
  private mStates = new Map<number, MState>();
  private activeTasks = new Map<number, { name: string; parent: number }>();
  private gcSeq = 0;
  /** 0 undetermined, 1 not running, 2 running. */
  private gcState = 0;
  private initialGen = 0;
  /** Task-end names, per generation (TaskEnd events carry an index into this). */
  extraStrings: string[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    readonly out: OutBuf,
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

    const frontier: Cursor[] = [];
    for (const m of gen.batchMs) {
      const c = new Cursor(m, gen.batchesByM.get(m)!);
      if (this.nextEvent(c, gen)) heapInsert(frontier, c);
    }

    for (;;) {
      if (sNext < nS) {
        const i = sOrder[sNext]!;
        const t = sTime[i]!;
        if (frontier.length === 0 || t < frontier[0]!.time) {
          sNext++;
          const st = gen.stack(gen.cpuStack[i]!);
          out.push(Ev.CPUSample, t, gen.cpuG[i]!, gen.cpuP[i]!, gen.cpuM[i]!, st === undefined ? -1 : st, 0, 0, 0, 0);
          continue;
        }
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
    if (!this.advance(c, gen)) return false;
    if (this.nextEvent(c, gen)) heapUpdate(frontier, i);
    else heapRemove(frontier, i);
    return true;
  }

  /** Reads the cursor's next timed event; false when its batches are exhausted. */
  private nextEvent(c: Cursor, gen: Generation): boolean {
    const bs = c.batches;
    while (c.idx < bs.length && c.pos >= bs[c.idx]!.dataEnd) {
      c.idx++;
      c.lastTs = 0;
      if (c.idx < bs.length) c.pos = bs[c.idx]!.dataStart;
    }
    if (c.idx === bs.length) return false;
    const b = bs[c.idx]!;
    if (c.lastTs === 0) c.lastTs = gen.mul(b.time);
    const bytes = this.bytes;
    const at = c.pos;
    const typ = bytes[at]!;
    const argc = ARGC[typ]!;
    if (argc < 0) throw new WireError(`invalid event type ${typ} in an event batch`, at);
    const r = READER;
    r.buf = bytes;
    r.pos = at + 1;
    r.end = b.dataEnd;
    const dt = r.uvarint();
    const a = c.a;
    for (let k = 0; k < argc; k++) a[k] = r.uvarint();
    for (let k = argc; k < MAX_ARGS; k++) a[k] = 0;
    // Table ids must resolve in this generation (Go's validateTableIDs).
    let s = STACK_ARG[typ]!;
    if (s >= 0 && gen.stack(a[s]!) === undefined) throw new WireError(`invalid stack id ${a[s]} for event type ${typ}`, at);
    s = STACK2_ARG[typ]!;
    if (s >= 0 && gen.stack(a[s]!) === undefined) throw new WireError(`invalid stack id ${a[s]} for event type ${typ}`, at);
    s = STRING_ARG[typ]!;
    if (s >= 0 && gen.string(a[s]!) === undefined) throw new WireError(`invalid string id ${a[s]} for event type ${typ}`, at);
    s = STRING2_ARG[typ]!;
    if (s >= 0 && gen.string(a[s]!) === undefined) throw new WireError(`invalid string id ${a[s]} for event type ${typ}`, at);
    c.typ = typ;
    c.at = at;
    c.time = gen.mul(dt) + c.lastTs;
    c.lastTs = c.time;
    c.pos = r.pos;
    return true;
  }

  private gs(id: number): GState | undefined {
    return this.gStates.get(id);
  }

  /** Go's ordering.Advance: true when the event was accepted (and written to `out`). */
  private advance(c: Cursor, gen: Generation): boolean {
    const genNo = gen.gen;
    if (this.initialGen === 0) this.initialGen = genNo;
    const m = c.m;
    let ms: MState | undefined;
    let curG = NONE;
    let curP = NONE;
    let curM = m;
    if (m !== NONE) {
      ms = this.mStates.get(m);
      if (ms === undefined) {
        ms = { g: NONE, p: NONE };
        this.mStates.set(m, ms);
      }
      curG = ms.g;
      curP = ms.p;
    }
    let newG = curG;
    let newP = curP;
    const a = c.a;
    const t = c.time;
    const out = this.out;
    const typ = c.typ;
    const at = c.at;

    switch (typ) {
      case Ev.ProcStatus: {
        const pid = a[0]!;
        const status = a[1]!;
        if (status < 0 || status >= PROC_STATUS_STATE.length) fail(at, `invalid status for proc ${pid}: ${status}`);
        let old = PROC_STATUS_STATE[status]!;
        const s = this.pStates.get(pid);
        if (s !== undefined) {
          if (status === WireProc.SyscallAbandoned && s.status === WireProc.Syscall) {
            old = P_RUNNING;
            a[1] = WireProc.Syscall;
          } else if (status === WireProc.SyscallAbandoned && s.status === WireProc.SyscallAbandoned) {
            old = P_IDLE;
            a[1] = WireProc.SyscallAbandoned;
          } else if (s.status !== status) {
            fail(at, `inconsistent status for proc ${pid}: old ${s.status} vs. new ${status}`);
          }
          s.seqGen = genNo;
          s.seq = 0;
        } else {
          this.pStates.set(pid, { status, seqGen: genNo, seq: 0, ranges: null });
          old = genNo === this.initialGen ? P_UNDETERMINED : P_NOTEXIST;
        }
        if (status === WireProc.Running || status === WireProc.Syscall) newP = pid;
        let evG = curG;
        let evP = curP;
        if (status === WireProc.SyscallAbandoned && old === P_RUNNING) {
          // Emit it in the context of the M the P is bound to.
          let found = false;
          for (const [mid, st] of this.mStates) {
            if (st.p === pid) {
              curM = mid;
              evP = pid;
              evG = st.g;
              found = true;
            }
          }
          if (!found) fail(at, `failed to find sched context for proc ${pid} that's about to be stolen`);
        }
        out.push(typ, t, evG, evP, curM, a[0]!, a[1]!, old, 0, 0);
        break;
      }
      case Ev.ProcStart: {
        const pid = a[0]!;
        const s = this.pStates.get(pid);
        if (s === undefined || s.status !== WireProc.Idle || !(s.seqGen === genNo && a[1] === s.seq + 1) || curP !== NONE) return false;
        if (curM === NONE) fail(at, 'expected a thread but had none');
        s.status = WireProc.Running;
        s.seqGen = genNo;
        s.seq = a[1]!;
        newP = pid;
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, 0, 0, 0);
        break;
      }
      case Ev.ProcStop: {
        const s = this.pStates.get(curP);
        if (s === undefined) fail(at, `ProcStop for proc (${curP}) that doesn't exist`);
        if (s!.status !== WireProc.Running && s!.status !== WireProc.Syscall) fail(at, 'ProcStop for a proc that is not running or in a syscall');
        if (curM === NONE || curP === NONE) fail(at, 'ProcStop without a thread and proc');
        s!.status = WireProc.Idle;
        newP = NONE;
        out.push(typ, t, curG, curP, curM, 0, 0, 0, 0, 0);
        break;
      }
      case Ev.ProcSteal: {
        const pid = a[0]!;
        const s = this.pStates.get(pid);
        if (s === undefined || (s.status !== WireProc.Syscall && s.status !== WireProc.SyscallAbandoned) || !(s.seqGen === genNo && a[1] === s.seq + 1)) return false;
        if (curM === NONE) fail(at, 'expected a thread but had none');
        const oldStatus = s.status;
        s.status = WireProc.Idle;
        s.seqGen = genNo;
        s.seq = a[1]!;
        if (oldStatus !== WireProc.SyscallAbandoned) {
          const mid = a[2]!;
          if (mid === curM) {
            if (curP !== pid) fail(at, `tried to self-steal proc ${pid} (thread ${mid}), but got proc ${curP} instead`);
            newP = NONE;
          } else {
            const victim = this.mStates.get(mid);
            if (victim === undefined) fail(at, `stole proc from non-existent thread ${mid}`);
            if (victim!.p !== pid) fail(at, `tried to steal proc ${pid} from thread ${mid}, but got proc ${victim!.p} instead`);
            victim!.p = NONE;
          }
        }
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, a[2]!, oldStatus, 0);
        break;
      }
      case Ev.GoStatus:
      case Ev.GoStatusStack: {
        const gid = a[0]!;
        const mid = a[1]!;
        const status = a[2]!;
        if (status < 0 || status >= GO_STATUS_STATE.length) fail(at, `invalid status for goroutine ${gid}: ${status}`);
        let old = GO_STATUS_STATE[status]!;
        const s = this.gStates.get(gid);
        if (s !== undefined) {
          if (s.status !== status) fail(at, `inconsistent status for goroutine ${gid}: old ${s.status} vs. new ${status}`);
          s.seqGen = genNo;
          s.seq = 0;
        } else if (genNo === this.initialGen) {
          this.gStates.set(gid, { status, seqGen: genNo, seq: 0, regions: null, ranges: null });
          old = G_UNDETERMINED;
        } else {
          fail(at, `found goroutine status for new goroutine after the first generation: id=${gid} status=${status}`);
        }
        let evG = curG;
        if (status === WireGo.Running) {
          newG = gid;
        } else if (status === WireGo.Syscall) {
          if (mid === NONE) fail(at, `found goroutine ${gid} in syscall without a thread`);
          if (mid === curM) {
            if (genNo !== this.initialGen && curG !== gid) fail(at, `inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${curG}`);
            newG = gid;
          } else {
            const other = this.mStates.get(mid);
            if (other !== undefined) {
              if (other.g !== gid) fail(at, `inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${other.g}`);
              evG = other.g;
            } else {
              this.mStates.set(mid, { g: gid, p: NONE });
            }
            curM = mid;
          }
        }
        out.push(typ, t, evG, curP, curM, gid, mid, status, a[3]!, old);
        break;
      }
      case Ev.GoCreate:
      case Ev.GoCreateBlocked: {
        if (curM === NONE || curP === NONE) fail(at, 'goroutine creation without a thread and proc');
        const cur = this.gStates.get(curG);
        if (cur !== undefined && cur.status !== WireGo.Running) fail(at, 'GoCreate event for goroutine that is not running');
        const ng = a[0]!;
        if (this.gStates.has(ng)) fail(at, `tried to create goroutine (${ng}) that already exists`);
        const status = typ === Ev.GoCreateBlocked ? WireGo.Waiting : WireGo.Runnable;
        this.gStates.set(ng, { status, seqGen: genNo, seq: 0, regions: null, ranges: null });
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, a[2]!, 0, 0);
        break;
      }
      case Ev.GoDestroy:
      case Ev.GoStop:
      case Ev.GoBlock: {
        needUserG(curM, curP, curG, at);
        const s = this.gStates.get(curG);
        if (s === undefined) fail(at, `event ${typ} for goroutine (${curG}) that doesn't exist`);
        if (s!.status !== WireGo.Running) fail(at, `event ${typ} for goroutine that's not running`);
        if (typ === Ev.GoDestroy) this.gStates.delete(curG);
        else s!.status = typ === Ev.GoStop ? WireGo.Runnable : WireGo.Waiting;
        newG = NONE;
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, 0, 0, 0);
        break;
      }
      case Ev.GoStart: {
        const gid = a[0]!;
        const s = this.gStates.get(gid);
        if (s === undefined || s.status !== WireGo.Runnable || !(s.seqGen === genNo && a[1] === s.seq + 1)) return false;
        if (curM === NONE || curP === NONE || curG !== NONE) fail(at, 'GoStart needs a thread and proc and no running goroutine');
        s.status = WireGo.Running;
        s.seqGen = genNo;
        s.seq = a[1]!;
        newG = gid;
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, 0, 0, 0);
        break;
      }
      case Ev.GoUnblock: {
        const gid = a[0]!;
        const s = this.gStates.get(gid);
        if (s === undefined || s.status !== WireGo.Waiting || !(s.seqGen === genNo && a[1] === s.seq + 1)) return false;
        s.status = WireGo.Runnable;
        s.seqGen = genNo;
        s.seq = a[1]!;
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, a[2]!, 0, 0);
        break;
      }
      case Ev.GoSwitch:
      case Ev.GoSwitchDestroy: {
        needUserG(curM, curP, curG, at);
        const cur = this.gStates.get(curG);
        if (cur === undefined) fail(at, `event ${typ} for goroutine (${curG}) that doesn't exist`);
        if (cur!.status !== WireGo.Running) fail(at, `event ${typ} for goroutine that's not running`);
        const next = a[0]!;
        const ns = this.gStates.get(next);
        if (ns === undefined || ns.status !== WireGo.Waiting || !(ns.seqGen === genNo && a[1] === ns.seq + 1)) return false;
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, 0, 0, 0);
        if (typ === Ev.GoSwitch) {
          cur!.status = WireGo.Waiting;
          out.push(Ev.GoBlock, t, curG, curP, curM, 0, 0, 0, 0, 0);
        } else {
          this.gStates.delete(curG);
          out.push(Ev.GoDestroy, t, curG, curP, curM, 0, 0, 0, 0, 0);
        }
        ns.status = WireGo.Running;
        ns.seqGen = genNo;
        ns.seq = a[1]!;
        newG = next;
        out.push(Ev.GoStart, t, NONE, curP, curM, next, a[1]!, 0, 0, 0);
        break;
      }
      case Ev.GoSyscallBegin: {
        needUserG(curM, curP, curG, at);
        const s = this.gStates.get(curG);
        if (s === undefined) fail(at, `GoSyscallBegin for goroutine (${curG}) that doesn't exist`);
        if (s!.status !== WireGo.Running) fail(at, "GoSyscallBegin for goroutine that's not running");
        s!.status = WireGo.Syscall;
        const ps = this.pStates.get(curP);
        if (ps === undefined) fail(at, `uninitialized proc ${curP} found during GoSyscallBegin`);
        ps!.status = WireProc.Syscall;
        if (!(ps!.seqGen === genNo && a[0] === ps!.seq + 1)) fail(at, `failed to advance GoSyscallBegin: can't make sequence ${ps!.seq} -> ${a[0]}`);
        ps!.seqGen = genNo;
        ps!.seq = a[0]!;
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, 0, 0, 0);
        break;
      }
      case Ev.GoSyscallEnd: {
        needUserG(curM, curP, curG, at);
        const s = this.gStates.get(curG);
        if (s === undefined) fail(at, `GoSyscallEnd for goroutine (${curG}) that doesn't exist`);
        if (s!.status !== WireGo.Syscall) fail(at, "GoSyscallEnd for goroutine that's not in a syscall");
        s!.status = WireGo.Running;
        const ps = this.pStates.get(curP);
        if (ps === undefined) fail(at, `uninitialized proc ${curP} found during GoSyscallEnd`);
        if (ps!.status !== WireProc.Syscall) fail(at, `expected proc ${curP} in a syscall`);
        ps!.status = WireProc.Running;
        out.push(typ, t, curG, curP, curM, 0, 0, 0, 0, 0);
        break;
      }
      case Ev.GoSyscallEndBlocked: {
        if (curP !== NONE) {
          const ps = this.pStates.get(curP);
          if (ps === undefined) fail(at, `uninitialized proc ${curP} found during GoSyscallEndBlocked`);
          if (ps!.status === WireProc.Syscall) return false;
        }
        if (curM === NONE || curG === NONE) fail(at, 'GoSyscallEndBlocked needs a thread and a goroutine');
        const s = this.gStates.get(curG);
        if (s === undefined) fail(at, `GoSyscallEndBlocked for goroutine (${curG}) that doesn't exist`);
        if (s!.status !== WireGo.Syscall) fail(at, "GoSyscallEndBlocked for goroutine that's not in a syscall");
        newG = NONE;
        s!.status = WireGo.Runnable;
        out.push(typ, t, curG, curP, curM, 0, 0, 0, 0, 0);
        break;
      }
      case Ev.GoCreateSyscall: {
        if (curM === NONE || curG !== NONE) fail(at, 'GoCreateSyscall needs a thread and no goroutine');
        const ng = a[0]!;
        if (this.gStates.has(ng)) fail(at, `tried to create goroutine (${ng}) in syscall that already exists`);
        this.gStates.set(ng, { status: WireGo.Syscall, seqGen: genNo, seq: 0, regions: null, ranges: null });
        newG = ng;
        out.push(typ, t, curG, curP, curM, a[0]!, 0, 0, 0, 0);
        break;
      }
      case Ev.GoDestroySyscall: {
        if (curM === NONE || curG === NONE) fail(at, 'GoDestroySyscall needs a thread and a goroutine');
        const s = this.gStates.get(curG);
        if (s === undefined) fail(at, `GoDestroySyscall for goroutine (${curG}) that doesn't exist`);
        if (s!.status !== WireGo.Syscall) fail(at, "GoDestroySyscall for goroutine that's not in a syscall");
        this.gStates.delete(curG);
        newG = NONE;
        if (curP !== NONE) {
          const ps = this.pStates.get(curP);
          if (ps === undefined) fail(at, `found invalid proc ${curP} during GoDestroySyscall`);
          if (ps!.status !== WireProc.Syscall) fail(at, `proc ${curP} in unexpected state during GoDestroySyscall`);
          ps!.status = WireProc.SyscallAbandoned;
          newP = NONE;
          // Go queues a self-steal of the P ahead of the destroy.
          out.push(Ev.ProcSteal, t, curG, curP, curM, curP, 0, 0, WireProc.Syscall, 0);
        }
        out.push(typ, t, curG, curP, curM, 0, 0, 0, 0, 0);
        break;
      }
      case Ev.UserTaskBegin: {
        const id = a[0]!;
        if (this.activeTasks.has(id)) fail(at, `task ID conflict: ${id}`);
        let parent = a[1]!;
        if (parent === 0) parent = NONE; // 0 means no parent here
        a[1] = parent;
        const name = gen.string(a[2]!)!;
        this.activeTasks.set(id, { name, parent });
        needUserG(curM, curP, curG, at);
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, a[2]!, a[3]!, 0);
        break;
      }
      case Ev.UserTaskEnd: {
        const id = a[0]!;
        const ts = this.activeTasks.get(id);
        let parent = NONE;
        let nameIdx = -1;
        if (ts !== undefined) {
          parent = ts.parent;
          nameIdx = this.extraStrings.push(ts.name) - 1;
          this.activeTasks.delete(id);
        }
        needUserG(curM, curP, curG, at);
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, parent, nameIdx, 0);
        break;
      }
      case Ev.UserRegionBegin:
      case Ev.UserRegionEnd: {
        needUserG(curM, curP, curG, at);
        const key = `${a[0]}\u0000${gen.string(a[1]!)!}`;
        const s = this.gStates.get(curG);
        if (s === undefined) fail(at, `region event without known state for current goroutine ${curG}`);
        if (typ === Ev.UserRegionBegin) {
          (s!.regions ??= []).push(key);
        } else if (s!.regions !== null && s!.regions.length > 0) {
          if (s!.regions[s!.regions.length - 1] !== key) fail(at, `misuse of region in goroutine ${curG}`);
          s!.regions.pop();
        }
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, a[2]!, 0, 0);
        break;
      }
      case Ev.GCActive: {
        const seq = a[0]!;
        if (genNo === this.initialGen) {
          if (this.gcState !== 0) fail(at, "GCActive in the first generation isn't first GC event");
          this.gcSeq = seq;
          this.gcState = 2;
          out.push(typ, t, curG, curP, curM, seq, 0, 0, 0, 0);
          break;
        }
        if (seq !== this.gcSeq + 1) return false;
        if (this.gcState !== 2) fail(at, 'encountered GCActive while GC was not in progress');
        this.gcSeq = seq;
        needUserG(curM, curP, curG, at);
        out.push(typ, t, curG, curP, curM, seq, 0, 0, 0, 0);
        break;
      }
      case Ev.GCBegin: {
        const seq = a[0]!;
        if (this.gcState === 0) {
          this.gcSeq = seq;
          this.gcState = 2;
          out.push(typ, t, curG, curP, curM, seq, a[1]!, 0, 0, 0);
          break;
        }
        if (seq !== this.gcSeq + 1) return false;
        if (this.gcState === 2) fail(at, 'encountered GCBegin while GC was already in progress');
        this.gcSeq = seq;
        this.gcState = 2;
        needUserG(curM, curP, curG, at);
        out.push(typ, t, curG, curP, curM, seq, a[1]!, 0, 0, 0);
        break;
      }
      case Ev.GCEnd: {
        const seq = a[0]!;
        if (seq !== this.gcSeq + 1) return false;
        if (this.gcState === 1) fail(at, 'encountered GCEnd when GC was not in progress');
        if (this.gcState === 0) fail(at, 'encountered GCEnd when GC was in an undetermined state');
        this.gcSeq = seq;
        this.gcState = 1;
        needUserG(curM, curP, curG, at);
        out.push(typ, t, curG, curP, curM, seq, 0, 0, 0, 0);
        break;
      }
      case Ev.ProcsChange:
      case Ev.GoLabel:
      case Ev.UserLog: {
        needUserG(curM, curP, curG, at);
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, a[2]!, a[3]!, 0);
        break;
      }
      case Ev.HeapAlloc:
      case Ev.HeapGoal: {
        if (curM === NONE || curP === NONE) fail(at, 'heap metric without a thread and proc');
        out.push(typ, t, curG, curP, curM, a[0]!, 0, 0, 0, 0);
        break;
      }
      case Ev.GCSweepBegin: {
        if (curM === NONE || curP === NONE) fail(at, 'GCSweepBegin without a thread and proc');
        const ps = this.pStates.get(curP)!;
        beginRange(ps, Ev.GCSweepBegin * 4294967296, at);
        out.push(typ, t, curG, curP, curM, a[0]!, 0, 0, 0, 0);
        break;
      }
      case Ev.GCSweepActive: {
        const pid = a[0]!;
        const ps = this.pStates.get(pid);
        if (ps === undefined) fail(at, `encountered GCSweepActive for unknown proc ${pid}`);
        activeRange(ps!, Ev.GCSweepBegin * 4294967296, genNo === this.initialGen, at);
        out.push(typ, t, curG, curP, curM, pid, 0, 0, 0, 0);
        break;
      }
      case Ev.GCSweepEnd: {
        if (curM === NONE || curP === NONE) fail(at, 'GCSweepEnd without a thread and proc');
        endRange(this.pStates.get(curP)!, Ev.GCSweepBegin, at);
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, 0, 0, 0);
        break;
      }
      case Ev.STWBegin:
      case Ev.GCMarkAssistBegin: {
        needUserG(curM, curP, curG, at);
        const desc = typ === Ev.STWBegin ? a[0]! : 0;
        const s = this.gStates.get(curG);
        if (s === undefined) fail(at, `range event without known state for current goroutine ${curG}`);
        beginRange(s!, typ * 4294967296 + desc, at);
        out.push(typ, t, curG, curP, curM, a[0]!, a[1]!, 0, 0, 0);
        break;
      }
      case Ev.GCMarkAssistActive: {
        const gid = a[0]!;
        const s = this.gStates.get(gid);
        if (s === undefined) fail(at, `uninitialized goroutine ${gid} found during GCMarkAssistActive`);
        activeRange(s!, Ev.GCMarkAssistBegin * 4294967296, genNo === this.initialGen, at);
        out.push(typ, t, curG, curP, curM, gid, 0, 0, 0, 0);
        break;
      }
      case Ev.STWEnd:
      case Ev.GCMarkAssistEnd: {
        needUserG(curM, curP, curG, at);
        const s = this.gStates.get(curG);
        if (s === undefined) fail(at, `range event without known state for current goroutine ${curG}`);
        const desc = endRange(s!, typ === Ev.STWEnd ? Ev.STWBegin : Ev.GCMarkAssistBegin, at);
        out.push(typ, t, curG, curP, curM, typ === Ev.STWEnd ? desc : 0, 0, 0, 0, 0);
        break;
      }
      default: {
        if (typ >= 128) {
          // Experimental alloc/free events: validated for their context, then dropped.
          if (curM === NONE) fail(at, 'expected a thread but had none');
          break;
        }
        fail(at, `bad event type found while ordering: ${typ}`);
      }
    }
    if (ms !== undefined) {
      ms.p = newP;
      ms.g = newG;
    }
    return true;
  }
}

const READER = new WireReader(new Uint8Array(0));

function fail(at: number, msg: string): never {
  throw new WireError(msg, at);
}

/** Go's userGoReqs: a thread, a proc and a running goroutine. */
function needUserG(m: number, p: number, g: number, at: number): void {
  if (m === NONE) fail(at, 'expected a thread but had none');
  if (p === NONE) fail(at, 'expected a proc but had none');
  if (g === NONE) fail(at, 'expected a goroutine but had none');
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
      if (Math.floor(k / 4294967296) === beginTyp) {
        r[i] = r[r.length - 1]!;
        r.pop();
        return k % 4294967296;
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
