/**
 * Pass 3: walk the merged old events in order, check them as Go's old parser does (postProcessTrace),
 * and convert each into the normalized stream exactly as Go's v1→v2 converter does (tracev1.go):
 * which transition, which reason string, which stacks, and the same nanosecond times — including
 * Go's rule that no two converted events share a timestamp (a later one is pushed to last + 1 ns).
 */
import type { StackIndex, StackTableBuilder } from '../../../model/stacks.ts';
import { IngestError, throwIfAborted, type ParseOptions } from '../../errors.ts';
import { GoState, NO_STACK, ProcState, type RangeScope, type TraceEventSink } from '../events.ts';
import type { TraceIndex } from './index.ts';
import type { MergedEvents } from './order.ts';
import { Ev, evHasStack, evName, RecordReader } from './wire.ts';

// Module-local alias: bundlers/test runners reach imported bindings through getters, too slow per event.
const E = Ev;
const GS = GoState;
const PS = ProcState;
const NOSTK = NO_STACK;
const hasStack = evHasStack;

const GLOBAL: RangeScope = { kind: 'global' };
const NO_G = -1;
/**
 * The P of an event on one of the pseudo-Ps Go's old parser moves some events to (1000001 …: timer
 * unblocks, network unblocks, syscall exits, GC starts): that id names no P, so we emit none; their
 * thread is unknown, as in Go (no thread runs a pseudo-P).
 */
const NO_P = -1;
const NO_M = -1;
const NO_TASK = -1;

const BLOCK_REASON: Record<number, string> = {
  [E.GoStop]: 'forever',
  [E.GoSleep]: 'sleep',
  [E.GoBlock]: '',
  [E.GoBlockSend]: 'chan send',
  [E.GoBlockRecv]: 'chan receive',
  [E.GoBlockSelect]: 'select',
  [E.GoBlockSync]: 'sync',
  [E.GoBlockCond]: 'sync.(*Cond).Wait',
  [E.GoBlockNet]: 'network',
  [E.GoBlockGC]: 'GC mark assist wait for work',
};

const STW_REASONS = [
  '',
  'GC mark termination',
  'GC sweep termination',
  'write heap dump',
  'goroutine profile',
  'goroutine profile cleanup',
  'all goroutine stack trace',
  'read mem stats',
  'AllThreadsSyscall',
  'GOMAXPROCS',
  'start trace',
  'stop trace',
  'CountPagesInUse (test)',
  'ReadMetricsSlow (test)',
  'ReadMemStatsSlow (test)',
  'PageCachePagesLeaked (test)',
  'ResetDebugLog (test)',
];

function stwReason(version: number, kind: number): string {
  if (version < 21) return kind === 0 || kind === 1 ? STW_REASONS[kind + 1]! : '';
  if (version === 21) return STW_REASONS[kind] ?? '';
  return '';
}

/** Metric names as Go's Event.Metric() gives them for these wire events. */
export const METRIC_GOMAXPROCS = '/sched/gomaxprocs:threads';
export const METRIC_HEAP_ALLOC = '/memory/classes/heap/objects:bytes';
export const METRIC_HEAP_GOAL = '/gc/heap/goal:bytes';

// Validation states (Go's postProcessTrace).
const vDead = 0;
const vRunnable = 1;
const vRunning = 2;
const vWaiting = 3;

interface GDesc {
  state: number;
  /** Type of the last event that made it runnable/waiting (only GoBlockNet matters). */
  evType: number;
  markAssist: boolean;
}
interface PDesc {
  running: boolean;
  g: number;
  sweep: boolean;
}

/** For each GoSysCall, whether the next event of the same goroutine is GoSysBlock (Go looks ahead). */
function blockedSyscalls(bytes: Uint8Array, m: MergedEvents): Uint8Array {
  const out = new Uint8Array(m.n);
  const nextType = new Map<number, number>();
  for (let i = m.n - 1; i >= 0; i--) {
    const t = bytes[m.off[i]!]! & 0x3f;
    const g = m.g[i]!;
    if (t === E.GoSysCall && nextType.get(g) === E.GoSysBlock) out[i] = 1;
    nextType.set(g, t);
  }
  return out;
}

export interface ConvertResult {
  /** Events of Go's converted stream, as `go tool trace -d=parsed` counts them (labels and syncs included). */
  converted: number;
  /** Index of the first event not emitted (n when all were). */
  stoppedAt: number;
  stopOffset: number;
  /** Events whose stack id the stack table does not define (a table cut short), and the first one's offset. */
  missingStacks: number;
  missingStackAt: number;
}

export function convertEvents(
  bytes: Uint8Array,
  ix: TraceIndex,
  m: MergedEvents,
  sink: TraceEventSink,
  stacks: StackTableBuilder,
  opts: ParseOptions,
  lenient: boolean,
  progressFrom: number,
  progressTo: number,
): ConvertResult {
  const n = m.n;
  const version = ix.version;
  const r = new RecordReader(bytes, version);
  const blocked = blockedSyscalls(bytes, m);
  const minTicks = n > 0 ? m.ticks[0]! : 0;
  const nsPerTick = 1e9 / ix.ticksPerSec;
  const toNs = (ticks: number) => Math.trunc((ticks - minTicks) * nsPerTick);

  // --- stacks ---
  const stackCache = new Map<number, StackIndex>();
  const frameCache = new Map<number, number>();
  const str = (id: number) => ix.strings.get(id) ?? '';
  const stackOf = (id: number): StackIndex => {
    if (id === 0) return NOSTK;
    const hit = stackCache.get(id);
    if (hit !== undefined) return hit;
    const start = ix.stacks.get(id);
    let s = NOSTK;
    // One frame at PC 0 is no stack to Go's tools (cmd/trace keys profile stacks by their PCs).
    if (start !== undefined && !(ix.stackLen.get(id) === 1 && ix.stackPcs[start] === 0)) {
      const len = ix.stackLen.get(id)!;
      // Stored leaf first; interned root first.
      for (let k = start + len - 1; k >= start; k--) {
        const pc = ix.stackPcs[k]!;
        let fr = frameCache.get(pc);
        if (fr === undefined) {
          const fi = ix.pcFrame.get(pc)!;
          fr = stacks.internFrame({ func: str(ix.frameFn[fi]!), file: str(ix.frameFile[fi]!), line: ix.frameLine[fi]! });
          frameCache.set(pc, fr);
        }
        s = stacks.internStackStep(s, fr);
      }
    }
    stackCache.set(id, s);
    return s;
  };

  // --- P of an event: the pid of the batch holding its record ---
  const bStart = ix.batchStart;
  const pidAt = (offset: number): number => {
    let lo = 0;
    let hi = bStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bStart[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return ix.batchPid[lo] ?? -1;
  };

  // --- validation state ---
  const gs = new Map<number, GDesc>();
  const ps = new Map<number, PDesc>();
  const vTasks = new Set<number>();
  const activeRegions = new Map<number, number[]>(); // g -> [task, name, task, name, ...]
  let inGC = false;
  let inSTW = false;
  /** Thread of each running P, from ProcStart to ProcStop (Go's converter's procMs). */
  const procMs = new Map<number, number>();
  gs.set(0, { state: vRunning, evType: 0, markAssist: false });
  const gdesc = (g: number): GDesc => {
    let d = gs.get(g);
    if (d === undefined) gs.set(g, (d = { state: vDead, evType: 0, markAssist: false }));
    return d;
  };
  const pdesc = (p: number): PDesc => {
    let d = ps.get(p);
    if (d === undefined) ps.set(p, (d = { running: false, g: 0, sweep: false }));
    return d;
  };

  // --- converter state ---
  let preInit = true;
  const createdPreInit = new Map<number, true>();
  const seenProcs = new Set<number>();
  let lastNs = -1;
  let lastStw = '';
  let converted = 0;
  let missingStacks = 0;
  let missingStackAt = -1;
  const missing = (offset: number) => {
    if (missingStacks++ === 0) missingStackAt = offset;
  };
  const bump = (t: number): number => {
    converted++;
    if (t <= lastNs) t = lastNs + 1;
    lastNs = t;
    return t;
  };

  // The current event, for validate() (kept outside the loop so that nothing is allocated per event).
  let G = 0;
  let P = 0;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let ts = 0;
  const checkRunning = (t: number, p: PDesc, g: GDesc, allowG0: boolean): string | null => {
    if (g.state === vRunning && p.g === G && (allowG0 || G !== 0)) return null;
    const at = ` (time ${ts})`;
    if (g.state !== vRunning) return `g ${G} is not running while ${evName(t)}${at}`;
    if (p.g !== G) return `p ${P} is not running g ${G} while ${evName(t)}${at}`;
    if (!allowG0 && G === 0) return `g 0 did ${evName(t)}${at}`;
    return null;
  };
  const validate = (t: number): string | null => {
    switch (t) {
      case E.ProcStart: {
        const p = pdesc(P);
        if (p.running) return `p ${P} is running before start`;
        p.running = true;
        return null;
      }
      case E.ProcStop: {
        const p = pdesc(P);
        if (!p.running) return `p ${P} is not running before stop`;
        if (p.g !== 0) return `p ${P} is running a goroutine ${p.g} during stop`;
        p.running = false;
        return null;
      }
      case E.GCStart:
        if (inGC) return `previous GC is not ended before a new one`;
        inGC = true;
        return null;
      case E.GCDone:
        if (!inGC) return `bogus GC end`;
        inGC = false;
        return null;
      case E.STWStart:
        if (inSTW) return `previous STW is not ended before a new one`;
        inSTW = true;
        return null;
      case E.STWDone:
        if (!inSTW) return `bogus STW end`;
        inSTW = false;
        return null;
      case E.GCSweepStart: {
        const p = pdesc(P);
        if (p.sweep) return `previous sweeping is not ended before a new one`;
        p.sweep = true;
        return null;
      }
      case E.GCSweepDone: {
        const p = pdesc(P);
        if (!p.sweep) return `bogus sweeping end`;
        p.sweep = false;
        return null;
      }
      case E.GCMarkAssistStart: {
        const g = gdesc(G);
        if (g.markAssist) return `previous mark assist is not ended before a new one`;
        g.markAssist = true;
        return null;
      }
      case E.GCMarkAssistDone:
        // May have begun before tracing started.
        gdesc(G).markAssist = false;
        return null;
      case E.GoWaiting:
      case E.GoInSyscall: {
        const g = gdesc(G);
        if (g.state !== vRunnable) return `g ${G} is not runnable before ${evName(t)}`;
        g.state = vWaiting;
        g.evType = t;
        return null;
      }
      case E.GoCreate: {
        const e = checkRunning(t, pdesc(P), gdesc(G), true);
        if (e !== null) return e;
        if (gs.has(a0)) return `g ${a0} already exists`;
        gs.set(a0, { state: vRunnable, evType: t, markAssist: false });
        return null;
      }
      case E.GoStart:
      case E.GoStartLabel: {
        const g = gdesc(G);
        const p = pdesc(P);
        if (g.state !== vRunnable) return `g ${G} is not runnable before start`;
        if (p.g !== 0) return `p ${P} is already running g ${p.g} while start g ${G}`;
        g.state = vRunning;
        g.evType = 0;
        p.g = G;
        return null;
      }
      case E.GoEnd:
      case E.GoStop: {
        const g = gdesc(G);
        const p = pdesc(P);
        const e = checkRunning(t, p, g, false);
        if (e !== null) return e;
        g.state = vDead;
        p.g = 0;
        if (t === E.GoEnd) activeRegions.delete(G);
        return null;
      }
      case E.GoSched:
      case E.GoPreempt: {
        const g = gdesc(G);
        const p = pdesc(P);
        const e = checkRunning(t, p, g, false);
        if (e !== null) return e;
        g.state = vRunnable;
        g.evType = t;
        p.g = 0;
        return null;
      }
      case E.GoUnblock: {
        const g = gdesc(G);
        const p = pdesc(P);
        if (g.state !== vRunning) return `g ${G} is not running while unpark`;
        const timerP = ix.timerGoids.has(G);
        if (!timerP && p.g !== G) return `p ${P} is not running g ${G} while unpark`;
        const g1 = gdesc(a0);
        if (g1.state !== vWaiting) return `g ${a0} is not waiting before unpark`;
        g1.state = vRunnable;
        g1.evType = t;
        return null;
      }
      case E.GoSysCall: {
        const g = gdesc(G);
        const e = checkRunning(t, pdesc(P), g, false);
        if (e !== null) return e;
        g.evType = t;
        return null;
      }
      case E.GoSysBlock: {
        const g = gdesc(G);
        const p = pdesc(P);
        const e = checkRunning(t, p, g, false);
        if (e !== null) return e;
        g.state = vWaiting;
        p.g = 0;
        return null;
      }
      case E.GoSysExit: {
        const g = gdesc(G);
        if (g.state !== vWaiting) return `g ${G} is not waiting during syscall exit`;
        g.state = vRunnable;
        g.evType = t;
        return null;
      }
      case E.GoSleep:
      case E.GoBlock:
      case E.GoBlockSend:
      case E.GoBlockRecv:
      case E.GoBlockSelect:
      case E.GoBlockSync:
      case E.GoBlockCond:
      case E.GoBlockNet:
      case E.GoBlockGC: {
        const g = gdesc(G);
        const p = pdesc(P);
        const e = checkRunning(t, p, g, false);
        if (e !== null) return e;
        g.state = vWaiting;
        g.evType = t;
        p.g = 0;
        return null;
      }
      case E.UserTaskCreate:
        if (vTasks.has(a0)) return `task id conflicts (id:${a0})`;
        vTasks.add(a0);
        return null;
      case E.UserTaskEnd:
        vTasks.delete(a0);
        return null;
      case E.UserRegion: {
        let regions = activeRegions.get(G);
        if (a1 === 0) {
          if (regions === undefined) activeRegions.set(G, (regions = []));
          regions.push(a0, a2);
        } else if (a1 === 1) {
          if (regions !== undefined && regions.length > 0) {
            const k = regions.length;
            if (regions[k - 2] !== a0 || regions[k - 1] !== a2) {
              return `misuse of region in goroutine ${G}: end does not match the innermost active region`;
            }
            regions.length = k - 2;
            if (k === 2) activeRegions.delete(G);
          }
        } else {
          return `invalid user region mode: ${a1}`;
        }
        return null;
      }
    }
    return null;
  };

  // Scopes are handed out mutated in place (the sink contract allows it; no allocation per range).
  const procScope = { kind: 'proc' as const, id: 0 };
  const goScope = { kind: 'goroutine' as const, id: 0 };
  const onProc = (p: number): RangeScope => ((procScope.id = p), procScope);
  const onG = (g: number): RangeScope => ((goScope.id = g), goScope);

  const span = progressTo - progressFrom;
  if (n > 0) {
    sink.sync(toNs(m.ticks[0]!) - 1);
    converted++;
  }

  let i = 0;
  let fail: IngestError | null = null;
  let firstInconsistency: IngestError | null = null;
  for (; i < n; i++) {
    if ((i & 0xffff) === 0xffff) {
      throwIfAborted(opts.signal);
      opts.onProgress?.(progressFrom + (span * i) / n);
    }
    const offset = m.off[i]!;
    r.seek(offset);
    r.next();
    const raw = r.type;
    ts = toNs(m.ticks[i]!);
    G = m.g[i]!;
    const gctx = G === 0 ? NO_G : G;

    if (raw === E.CPUSample) {
      // [ts, real ts, p, g, stack]; P is an int32 (-1 when the sample had none).
      const p = Number(BigInt.asIntN(32, r.bigArg(2)));
      const stk = r.args[4]! >>> 0;
      if (stk !== 0 && !ix.stackLen.has(stk)) missing(offset);
      sink.stackSample(bump(ts), gctx, p, ix.stackLen.has(stk) ? stackOf(stk) : NOSTK);
      continue;
    }

    // Local variants were only for ordering; from here on they are their plain selves.
    const t =
      raw === E.GoStartLocal
        ? E.GoStart
        : raw === E.GoUnblockLocal
          ? E.GoUnblock
          : raw === E.GoSysExitLocal
            ? E.GoSysExit
            : raw;
    P = pidAt(offset);
    a0 = r.nargs > 1 ? r.args[1]! : 0;
    a1 = r.nargs > 2 ? r.args[2]! : 0;
    a2 = r.nargs > 3 ? r.args[3]! : 0;
    // The event's P and thread as Go's Event.Proc()/Thread() give them (pseudo-Ps: see PSEUDO_P).
    let pseudo = false;
    if (t === E.GoUnblock) pseudo = ix.timerGoids.has(G) || gs.get(a0)?.evType === E.GoBlockNet;
    else if (t === E.GoSysExit || t === E.GCStart) pseudo = true;
    if (t === E.ProcStart) procMs.set(P, a0);
    const evP = pseudo ? NO_P : P;
    const evM = pseudo || P === -1 ? NO_M : (procMs.get(P) ?? NO_M);
    if (t === E.ProcStop) procMs.delete(P);
    const stkId = r.args[r.nargs - 1]! >>> 0;
    const hasStk = hasStack(raw);
    if (hasStk && stkId !== 0 && !ix.stackLen.has(stkId)) missing(offset);
    // Unknown or empty stacks are dropped (Go zeroes such stack ids).
    const stk = hasStk && ix.stackLen.has(stkId) ? stackOf(stkId) : NOSTK;

    // ---- validation (postProcessTrace) ----
    const err = validate(t);
    if (err !== null) {
      // A cut input is converted best-effort: the first inconsistency is reported, not fatal.
      if (!lenient) {
        fail = new IngestError(err, offset);
        break;
      }
      if (firstInconsistency === null) firstInconsistency = new IngestError(err, offset);
    }

    // ---- conversion (tracev1.go) ----
    switch (t) {
      case E.Gomaxprocs:
        if (preInit) {
          // End of the trace's initial state dump: goroutines created before it that were seen
          // neither running nor waiting are runnable.
          preInit = false;
          for (const gid of createdPreInit.keys()) {
            sink.goTransition(bump(ts), gid, GS.Undetermined, GS.Runnable, '', NOSTK, NOSTK, NO_G, NO_P, NO_M);
          }
          createdPreInit.clear();
        } else {
          sink.metric(bump(ts), METRIC_GOMAXPROCS, a0);
        }
        break;
      case E.ProcStart:
        if (seenProcs.has(P)) sink.procTransition(bump(ts), P, PS.Idle, PS.Running, evM);
        else {
          seenProcs.add(P);
          sink.procTransition(bump(ts), P, PS.Undetermined, PS.Running, evM);
        }
        break;
      case E.ProcStop:
        if (seenProcs.has(P)) sink.procTransition(bump(ts), P, PS.Running, PS.Idle, evM);
        else {
          seenProcs.add(P);
          sink.procTransition(bump(ts), P, PS.Undetermined, PS.Idle, evM);
        }
        break;
      case E.GCStart:
        sink.rangeBegin(bump(ts), 'GC concurrent mark phase', GLOBAL, stk, evP, gctx);
        break;
      case E.GCDone:
        sink.rangeEnd(bump(ts), 'GC concurrent mark phase', GLOBAL, NOSTK, evP, gctx);
        break;
      case E.STWStart:
        lastStw = stwReason(version, a0);
        sink.rangeBegin(bump(ts), `stop-the-world (${lastStw})`, onG(gctx), NOSTK, evP, gctx);
        break;
      case E.STWDone:
        sink.rangeEnd(bump(ts), `stop-the-world (${lastStw})`, onG(gctx), NOSTK, evP, gctx);
        break;
      case E.GCSweepStart:
        sink.rangeBegin(bump(ts), 'GC incremental sweep', onProc(P), stk, evP, gctx);
        break;
      case E.GCSweepDone:
        sink.rangeEnd(bump(ts), 'GC incremental sweep', onProc(P), NOSTK, evP, gctx);
        break;
      case E.GoCreate:
        if (preInit) {
          createdPreInit.set(a0, true);
          // Go drops this record's stack (the goroutine's start function); we keep it for grouping.
          const start = stackOfId(a1);
          if (start !== NOSTK) sink.goroutineStartStack?.(a0, start);
          break;
        }
        sink.goTransition(bump(ts), a0, GS.NotExist, GS.Runnable, '', stk, stackOfId(a1), gctx, evP, evM);
        break;
      case E.GoStart:
        if (preInit) {
          sink.goTransition(bump(ts), a0, GS.Undetermined, GS.Running, '', NOSTK, NOSTK, gctx, evP, evM);
          createdPreInit.delete(a0);
        } else {
          sink.goTransition(bump(ts), a0, GS.Runnable, GS.Running, '', NOSTK, NOSTK, gctx, evP, evM);
        }
        break;
      case E.GoStartLabel: {
        // A start plus a label event at the same time (the label takes a timestamp too). Go builds
        // both with the P's thread looked up directly: 0 when the P has none.
        const m0 = procMs.get(P) ?? 0;
        sink.goTransition(bump(ts), a0, GS.Runnable, GS.Running, '', NOSTK, NOSTK, G, P, m0);
        const tl = bump(ts);
        sink.label?.(tl, G, P, str(a2));
        break;
      }
      case E.GoEnd:
        sink.goTransition(bump(ts), gctx, GS.Running, GS.NotExist, '', NOSTK, NOSTK, gctx, evP, evM);
        break;
      case E.GoSched:
        sink.goTransition(bump(ts), gctx, GS.Running, GS.Runnable, 'runtime.Gosched', stk, stk, gctx, evP, evM);
        break;
      case E.GoPreempt:
        sink.goTransition(bump(ts), gctx, GS.Running, GS.Runnable, 'preempted', stk, stk, gctx, evP, evM);
        break;
      case E.GoStop:
      case E.GoSleep:
      case E.GoBlock:
      case E.GoBlockSend:
      case E.GoBlockRecv:
      case E.GoBlockSelect:
      case E.GoBlockSync:
      case E.GoBlockCond:
      case E.GoBlockNet:
      case E.GoBlockGC:
        sink.goTransition(bump(ts), gctx, GS.Running, GS.Waiting, BLOCK_REASON[t]!, stk, stk, gctx, evP, evM);
        break;
      case E.GoUnblock:
        sink.goTransition(bump(ts), a0, GS.Waiting, GS.Runnable, '', stk, NOSTK, gctx, evP, evM);
        break;
      case E.GoSysCall:
        if (blocked[i] === 1) {
          sink.goTransition(bump(ts), gctx, GS.Running, GS.Syscall, '', stk, stk, gctx, evP, evM);
        } else {
          // An instantaneous syscall becomes a 1 ns begin/end pair (Go keeps a raw 0 as the goroutine
          // here, and looks the thread up directly: 0 when the P has none).
          const m0 = procMs.get(P) ?? 0;
          sink.goTransition(bump(ts), G, GS.Running, GS.Syscall, '', stk, stk, G, P, m0);
          sink.goTransition(bump(ts + 1), G, GS.Syscall, GS.Running, '', NOSTK, NOSTK, G, P, m0);
        }
        break;
      case E.GoSysExit:
        sink.goTransition(bump(ts), gctx, GS.Syscall, GS.Runnable, '', NOSTK, NOSTK, gctx, evP, evM);
        break;
      case E.GoSysBlock:
        break;
      case E.GoWaiting:
        sink.goTransition(bump(ts), a0, GS.Undetermined, GS.Waiting, '', NOSTK, NOSTK, gctx, evP, evM);
        createdPreInit.delete(a0);
        break;
      case E.GoInSyscall:
        sink.goTransition(bump(ts), a0, GS.Undetermined, GS.Syscall, '', NOSTK, NOSTK, gctx, evP, evM);
        createdPreInit.delete(a0);
        break;
      case E.HeapAlloc:
        sink.metric(bump(ts), METRIC_HEAP_ALLOC, a0);
        break;
      case E.HeapGoal:
        sink.metric(bump(ts), METRIC_HEAP_GOAL, a0);
        break;
      case E.GCMarkAssistStart:
        sink.rangeBegin(bump(ts), 'GC mark assist', onG(gctx), stk, evP, gctx);
        break;
      case E.GCMarkAssistDone:
        sink.rangeEnd(bump(ts), 'GC mark assist', onG(gctx), NOSTK, evP, gctx);
        break;
      case E.UserTaskCreate: {
        sink.taskBegin(bump(ts), a0, a1 === 0 ? NO_TASK : a1, str(a2), gctx, stk);
        break;
      }
      case E.UserTaskEnd:
        sink.taskEnd(bump(ts), a0, gctx, stk);
        break;
      case E.UserRegion:
        if (a1 === 0) sink.regionBegin(bump(ts), a0, str(a2), gctx, stk);
        else if (a1 === 1) sink.regionEnd(bump(ts), a0, str(a2), gctx, stk);
        else bump(ts);
        break;
      case E.UserLog:
        sink.log(bump(ts), a0, str(a1), r.str, gctx, stk);
        break;
      default:
        fail = new IngestError(`unexpected event type ${evName(t)}`, offset);
    }
    if (fail !== null) break;
  }

  function stackOfId(id: number): StackIndex {
    const k = id >>> 0;
    if (k !== 0 && !ix.stackLen.has(k)) missing(m.off[i] ?? 0);
    return ix.stackLen.has(k) ? stackOf(k) : NOSTK;
  }

  if (fail !== null && !lenient) throw fail;
  sink.sync(lastNs + 1);
  converted++;
  if (firstInconsistency !== null) {
    sink.warning?.(`inconsistent events after the cut: ${firstInconsistency.reason}`, firstInconsistency.offset ?? 0);
  }
  if (fail !== null) return { converted, stoppedAt: i, stopOffset: fail.offset ?? 0, missingStacks, missingStackAt };
  return { converted, stoppedAt: n, stopOffset: -1, missingStacks, missingStackAt };
}
