/**
 * Pass 2: merge the per-P batches into one global order, as Go's old-trace parser does. Events within
 * a batch are in order; across Ps an event is only eligible once the goroutine state it needs (by
 * sequence number) has been reached, and among eligible heads the earliest tick wins. The result is
 * three compact columns (ticks, record offset, goroutine) — 16 bytes per event, no event objects.
 * Then GoSysExit events take their real exit time and the order is stably re-sorted by time.
 */
import { IngestError, throwIfAborted, type ParseOptions } from '../../errors.ts';
import type { TraceIndex } from './index.ts';
import { Ev, RecordReader } from './wire.ts';

// Module-local alias: bundlers/test runners reach imported bindings through getters, too slow per event.
const E = Ev;

export interface MergedEvents {
  n: number;
  /** Ticks relative to the index's refTicks. */
  ticks: Float64Array;
  /** Byte offset of the event's record. */
  off: Uint32Array;
  /** Goroutine the event happened on (or is about, for GoSysExit/GoWaiting/GoInSyscall). */
  g: Uint32Array;
  /** True when, on a cut input, events had to be taken out of dependency order (from `stuckAt`). */
  stuck: boolean;
  stuckAt: number;
  /** How many events were taken out of dependency order. */
  forced: number;
}

// Goroutine ordering states (Go's gStatus) and sequence sentinels.
const gDead = 0;
const gRunnable = 1;
const gRunning = 2;
const gWaiting = 3;
const NOSEQ = -1;
const SEQINC = -2;
const UNORDERED = -1;
const GARBAGE = -2; // the GC sequence lives under this key

/** One cursor per P (plus one for CPU samples); its head event lives in its fields. */
interface Cursor {
  pid: number;
  batches: number[];
  bi: number;
  pos: number;
  end: number;
  lastTicks: number;
  lastG: number;
  done: boolean;
  has: boolean;
  /** Head event. */
  type: number;
  ticks: number;
  off: number;
  g: number;
  a0: number;
  a1: number;
  /** For the CPU-sample cursor: index of the next sample in sorted order. */
  samples: number[] | null;
}

/** Transition of the head event: key of the goroutine (or UNORDERED/GARBAGE), init and next state. */
let trG = 0;
let trInitSeq = 0;
let trInitStatus = 0;
let trNextSeq = 0;
let trNextStatus = 0;

/** Sets the head event's transition: goroutine key, the sequence/state it needs, the one it leaves. */
function transition(g: number, initSeq: number, initStatus: number, nextSeq: number, nextStatus: number): void {
  trG = g;
  trInitSeq = initSeq;
  trInitStatus = initStatus;
  trNextSeq = nextSeq;
  trNextStatus = nextStatus;
}

function stateTransition(c: Cursor): void {
  switch (c.type) {
    case E.GoCreate:
      return transition(c.a0, 0, gDead, 1, gRunnable);
    case E.GoWaiting:
    case E.GoInSyscall:
      return transition(c.g, 1, gRunnable, 2, gWaiting);
    case E.GoStart:
    case E.GoStartLabel:
      return transition(c.g, c.a1, gRunnable, c.a1 + 1, gRunning);
    case E.GoStartLocal:
      return transition(c.g, NOSEQ, gRunnable, SEQINC, gRunning);
    case E.GoBlock:
    case E.GoBlockSend:
    case E.GoBlockRecv:
    case E.GoBlockSelect:
    case E.GoBlockSync:
    case E.GoBlockCond:
    case E.GoBlockNet:
    case E.GoSleep:
    case E.GoSysBlock:
    case E.GoBlockGC:
      return transition(c.g, NOSEQ, gRunning, NOSEQ, gWaiting);
    case E.GoSched:
    case E.GoPreempt:
      return transition(c.g, NOSEQ, gRunning, NOSEQ, gRunnable);
    case E.GoUnblock:
    case E.GoSysExit:
      return transition(c.a0, c.a1, gWaiting, c.a1 + 1, gRunnable);
    case E.GoUnblockLocal:
    case E.GoSysExitLocal:
      return transition(c.a0, NOSEQ, gWaiting, SEQINC, gRunnable);
    case E.GCStart:
      return transition(GARBAGE, c.a0, gDead, c.a0 + 1, gDead);
    default:
      trG = UNORDERED;
  }
}

function keyOf(g: number): number {
  // Goroutine ids are >= 0; the GC sequence uses a key of its own.
  return g;
}

/** Loads the next event of a P cursor into its head; false when the P has no more events. */
function advance(c: Cursor, r: RecordReader, ix: TraceIndex): boolean {
  if (c.samples !== null) {
    if (c.bi >= c.samples.length) return false;
    const s = c.samples[c.bi++]!;
    c.type = E.CPUSample;
    c.ticks = ix.sampleTicks[s]!;
    c.off = ix.sampleOff[s]!;
    c.g = ix.sampleG[s]!;
    c.a0 = 0;
    c.a1 = 0;
    c.has = true;
    return true;
  }
  for (;;) {
    if (c.pos < 0) {
      if (c.bi >= c.batches.length) return false;
      const b = c.batches[c.bi++]!;
      c.end = ix.batchEnd[b]!;
      c.lastTicks = ix.batchRelTicks[b]!;
      r.seek(ix.batchStart[b]!);
      r.next(); // the header
      c.pos = r.pos;
    }
    if (c.pos >= c.end) {
      c.pos = -1;
      continue;
    }
    r.seek(c.pos);
    r.next();
    c.pos = r.pos;
    const t = r.type;
    if (t === E.String || t === E.Stack || t === E.Frequency || t === E.TimerGoroutine || t === E.CPUSample) {
      continue;
    }
    const ticks = c.lastTicks + r.args[0]!;
    c.lastTicks = ticks;
    c.type = t;
    c.ticks = ticks;
    c.off = r.start;
    c.g = c.lastG;
    c.a0 = r.nargs > 1 ? r.args[1]! : 0;
    c.a1 = r.nargs > 2 ? r.args[2]! : 0;
    switch (t) {
      case E.GoStart:
      case E.GoStartLocal:
      case E.GoStartLabel:
        c.lastG = c.a0;
        c.g = c.a0;
        break;
      case E.GoEnd:
      case E.GoStop:
      case E.GoSched:
      case E.GoPreempt:
      case E.GoSleep:
      case E.GoBlock:
      case E.GoBlockSend:
      case E.GoBlockRecv:
      case E.GoBlockSelect:
      case E.GoBlockSync:
      case E.GoBlockCond:
      case E.GoBlockNet:
      case E.GoSysBlock:
      case E.GoBlockGC:
        c.lastG = 0;
        break;
      case E.GoSysExit:
      case E.GoWaiting:
      case E.GoInSyscall:
        c.g = c.a0;
        break;
    }
    c.has = true;
    return true;
  }
}

export function mergeBatches(
  bytes: Uint8Array,
  ix: TraceIndex,
  opts: ParseOptions,
  progressFrom: number,
  progressTo: number,
): MergedEvents {
  const r = new RecordReader(bytes, ix.version);
  const total = ix.eventCount + ix.sampleOff.length;
  const ticks = new Float64Array(total);
  const off = new Uint32Array(total);
  const gcol = new Uint32Array(total);

  // Cursors in order of each P's first batch (Go iterates a map here, so any order is Go's order).
  const byPid = new Map<number, number[]>();
  for (let b = 0; b < ix.batchStart.length; b++) {
    const pid = ix.batchPid[b]!;
    let l = byPid.get(pid);
    if (l === undefined) byPid.set(pid, (l = []));
    l.push(b);
  }
  const mk = (pid: number, batches: number[], samples: number[] | null): Cursor => ({
    pid,
    batches,
    bi: 0,
    pos: -1,
    end: 0,
    lastTicks: 0,
    lastG: 0,
    done: false,
    has: false,
    type: 0,
    ticks: 0,
    off: 0,
    g: 0,
    a0: 0,
    a1: 0,
    samples,
  });
  const cursors: Cursor[] = [];
  for (const [pid, batches] of byPid) cursors.push(mk(pid, batches, null));
  // CPU samples sorted by their signal-handler time (stable on ties).
  const order = ix.sampleOff.map((_, i) => i);
  order.sort((a, b) => ix.sampleTicks[a]! - ix.sampleTicks[b]! || a - b);
  cursors.push(mk(-3, [], order));

  const gSeq = new Map<number, number>();
  const gStatus = new Map<number, number>();
  const ready = (): boolean => {
    if (trG === UNORDERED) return true;
    const k = keyOf(trG);
    const seq = gSeq.get(k) ?? 0;
    const st = gStatus.get(k) ?? gDead;
    return (trInitSeq === NOSEQ || trInitSeq === seq) && trInitStatus === st;
  };

  // Min-heap of cursor indices keyed by head ticks.
  const heap: number[] = [];
  const less = (i: number, j: number) => cursors[heap[i]!]!.ticks < cursors[heap[j]!]!.ticks;
  const push = (c: number) => {
    heap.push(c);
    let j = heap.length - 1;
    while (j > 0) {
      const i = (j - 1) >> 1;
      if (!less(j, i)) break;
      [heap[i], heap[j]] = [heap[j]!, heap[i]!];
      j = i;
    }
  };
  const pop = (): number => {
    const n = heap.length - 1;
    [heap[0], heap[n]] = [heap[n]!, heap[0]!];
    let i = 0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      if (j1 + 1 < n && less(j1 + 1, j1)) j = j1 + 1;
      if (!less(j, i)) break;
      [heap[i], heap[j]] = [heap[j]!, heap[i]!];
      i = j;
    }
    return heap.pop()!;
  };

  const available: number[] = cursors.map((_, i) => i);
  let count = 0;
  let stuck = false;
  let stuckAt = -1;
  let forced = 0;
  const span = progressTo - progressFrom;
  for (;;) {
    for (let i = 0; i < available.length; i++) {
      const c = cursors[available[i]!]!;
      if (!c.has) {
        if (!advance(c, r, ix)) {
          c.done = true;
          available[i] = available[available.length - 1]!;
          available.pop();
          i--;
          continue;
        }
      }
      stateTransition(c);
      if (!ready()) continue;
      push(available[i]!);
      available[i] = available[available.length - 1]!;
      available.pop();
      i--;
    }
    if (heap.length === 0) {
      const blocked = cursors.find((c) => !c.done);
      if (blocked === undefined) break;
      if (ix.cutAt < 0) throw new IngestError('no consistent ordering of events possible', blocked.off);
      // A cut input lacks whole P buffers (old traces write one buffer per P at the end), so
      // dependencies go unmet: take the earliest waiting head anyway, and say so.
      let best = -1;
      for (let i = 0; i < available.length; i++) {
        const c = cursors[available[i]!]!;
        if (c.has && (best < 0 || c.ticks < cursors[available[best]!]!.ticks)) best = i;
      }
      if (best < 0) break;
      if (!stuck) stuckAt = cursors[available[best]!]!.off;
      stuck = true;
      forced++;
      push(available[best]!);
      available[best] = available[available.length - 1]!;
      available.pop();
    }
    const ci = pop();
    const c = cursors[ci]!;
    stateTransition(c);
    if (count >= total) throw new IngestError('event count mismatch while merging batches', c.off);
    if (c.g > 0xffffffff || !Number.isInteger(c.g)) throw new IngestError(`goroutine id ${c.g} out of range`, c.off);
    ticks[count] = c.ticks;
    off[count] = c.off;
    gcol[count] = c.g;
    count++;
    if (trG !== UNORDERED) {
      const k = keyOf(trG);
      const seq = gSeq.get(k) ?? 0;
      const st = gStatus.get(k) ?? gDead;
      if (!((trInitSeq === NOSEQ || trInitSeq === seq) && trInitStatus === st) && !stuck) {
        throw new IngestError('encountered impossible goroutine state transition', c.off);
      }
      gSeq.set(k, trNextSeq === NOSEQ ? seq : trNextSeq === SEQINC ? seq + 1 : trNextSeq);
      gStatus.set(k, trNextStatus);
    }
    c.has = false;
    available.push(ci);
    if ((count & 0xffff) === 0) {
      throwIfAborted(opts.signal);
      opts.onProgress?.(progressFrom + (span * count) / Math.max(1, total));
    }
  }
  return { n: count, ticks, off, g: gcol, stuck, stuckAt, forced };
}

/**
 * Go checks that the merged order is sorted by time, then moves each GoSysExit to its real exit
 * time (recorded when the syscall returned, before the event was written) and re-sorts stably.
 */
export function applySyscallExitTimes(bytes: Uint8Array, ix: TraceIndex, m: MergedEvents): void {
  const { n, ticks, off, g } = m;
  // On a cut input (lenient), inconsistencies are repaired rather than fatal.
  const lenient = ix.cutAt >= 0;
  let unsorted = false;
  for (let i = 1; i < n; i++) {
    if (ticks[i]! < ticks[i - 1]!) {
      if (!lenient) throw new IngestError('time stamps out of order', off[i]);
      unsorted = true;
      break;
    }
  }
  const r = new RecordReader(bytes, ix.version);
  const lastSysBlock = new Map<number, number>();
  const moved: number[] = [];
  let later = false;
  for (let i = 0; i < n; i++) {
    const t = bytes[off[i]!]! & 0x3f;
    if (t === E.GoSysBlock || t === E.GoInSyscall) {
      lastSysBlock.set(g[i]!, ticks[i]!);
    } else if (t === E.GoSysExit) {
      // [dt, g, seq, real ticks]; a zero real time means "not recorded".
      r.seek(off[i]!);
      r.next();
      const real = r.bigArg(3);
      if (real === 0n) continue;
      const block = lastSysBlock.get(g[i]!);
      const rel = Number(real - ix.refTicks);
      if (block === undefined || rel < block) {
        if (lenient) continue;
        if (block === undefined) throw new IngestError('stray syscall exit', off[i]);
        throw new IngestError('time stamps out of order (syscall exit before block)', off[i]);
      }
      if (rel < ticks[i]!) moved.push(i);
      else if (rel > ticks[i]!) later = true;
      ticks[i] = rel;
    }
  }
  stableResort(m, moved, later || unsorted);
}

/** Stable sort by ticks when only `moved` entries (ascending) are out of place. */
function stableResort(m: MergedEvents, moved: number[], later: boolean): void {
  const { n, ticks, off, g } = m;
  // Real exit times are a little earlier than emission: insertion is cheap. Bound the work so
  // that a hostile input cannot make it quadratic; past the bound (or when an event moves later,
  // which real traces never do), sort everything.
  let budget = later ? -1 : 64 * n + 1_000_000;
  for (const i of later ? [] : moved) {
    const t = ticks[i]!;
    let j = i;
    while (j > 0 && ticks[j - 1]! > t) j--;
    if (j === i) continue;
    budget -= i - j;
    if (budget < 0) break;
    const o = off[i]!;
    const gg = g[i]!;
    ticks.copyWithin(j + 1, j, i);
    off.copyWithin(j + 1, j, i);
    g.copyWithin(j + 1, j, i);
    ticks[j] = t;
    off[j] = o;
    g[j] = gg;
  }
  if (budget >= 0) return;
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  perm.sort((a, b) => ticks[a]! - ticks[b]! || a - b);
  const t2 = new Float64Array(n);
  const o2 = new Uint32Array(n);
  const g2 = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const p = perm[i]!;
    t2[i] = ticks[p]!;
    o2[i] = off[p]!;
    g2[i] = g[p]!;
  }
  ticks.set(t2.subarray(0, n));
  off.set(o2.subarray(0, n));
  g.set(g2.subarray(0, n));
}
