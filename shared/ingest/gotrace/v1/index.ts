/**
 * Pass 1 over an old-format trace: find every batch (per-P chunk of events), and read the tables that
 * the events refer to — strings, stacks, the tick frequency, timer goroutines — plus the CPU samples,
 * which belong to no P's event order. Events themselves are only counted here.
 */
import { IngestError, throwIfAborted, type ParseOptions } from '../../errors.ts';
import { Ev, RecordReader, Truncated } from './wire.ts';

// Module-local alias: bundlers/test runners reach imported bindings through getters, too slow per event.
const E = Ev;

const U64_MAX = (1n << 64n) - 1n;

export interface TraceIndex {
  version: number;
  /** Batches in file order: start offset of the header, end offset (next header or end of data). */
  batchStart: number[];
  batchEnd: number[];
  batchPid: number[];
  /** Batch header ticks relative to `refTicks` (the first batch header's ticks). */
  batchRelTicks: number[];
  refTicks: bigint;
  /** Timestamped events counted in the kept batches (an upper bound of what the merge emits). */
  eventCount: number;
  ticksPerSec: number;
  strings: Map<number, string>;
  /** Stack id → its start in `stackPcs` (PCs leaf first); `stackLen`: its length (0: an empty stack). */
  stacks: Map<number, number>;
  stackLen: Map<number, number>;
  stackPcs: number[];
  /** PC → index of its frame (first definition wins, as in Go). */
  pcFrame: Map<number, number>;
  frameFn: number[];
  frameFile: number[];
  frameLine: number[];
  timerGoids: Set<number>;
  /** CPU samples, in file order: relative ticks, record offset, goroutine. */
  sampleTicks: number[];
  sampleOff: number[];
  sampleG: number[];
  /** Input cut: offset of the first byte not used (start of the dropped batch), else -1. */
  cutAt: number;
}

export function indexTrace(bytes: Uint8Array, version: number, opts: ParseOptions, progressShare: number): TraceIndex {
  const r = new RecordReader(bytes, version);
  const ix: TraceIndex = {
    version,
    batchStart: [],
    batchEnd: [],
    batchPid: [],
    batchRelTicks: [],
    refTicks: 0n,
    eventCount: 0,
    ticksPerSec: 0,
    strings: new Map(),
    stacks: new Map(),
    stackLen: new Map(),
    stackPcs: [],
    pcFrame: new Map(),
    frameFn: [],
    frameFile: [],
    frameLine: [],
    timerGoids: new Set(),
    sampleTicks: [],
    sampleOff: [],
    sampleG: [],
    cutAt: -1,
  };
  let curBatch = -1;
  let countAtBatchStart = 0;
  let records = 0;
  const n = bytes.length;
  try {
    while (r.next()) {
      const t = r.type;
      if ((++records & 0xffff) === 0) {
        throwIfAborted(opts.signal);
        opts.onProgress?.((r.pos / n) * progressShare);
      }
      if (t === E.String) {
        if (ix.strings.has(r.strId)) throw new IngestError(`string has duplicate id ${r.strId}`, r.start);
        ix.strings.set(r.strId, r.str);
        continue;
      }
      if (t === E.Batch) {
        const pidBig = r.bigArg(0);
        if (pidBig !== U64_MAX && pidBig > 0x7fffffffn) {
          throw new IngestError(`processor ID ${pidBig} is larger than maximum of ${0x7fffffff}`, r.start);
        }
        const pid = pidBig === U64_MAX ? -1 : Number(pidBig);
        const ticks = r.bigArg(1);
        if (curBatch < 0) ix.refTicks = ticks;
        if (curBatch >= 0) ix.batchEnd[curBatch] = r.start;
        curBatch = ix.batchStart.length;
        ix.batchStart.push(r.start);
        ix.batchEnd.push(n);
        ix.batchPid.push(pid);
        ix.batchRelTicks.push(Number(ticks - ix.refTicks));
        countAtBatchStart = ix.eventCount;
        continue;
      }
      if (curBatch < 0) {
        throw new IngestError(`read event ${t} before the first batch header`, r.start);
      }
      switch (t) {
        case E.Frequency: {
          const f = r.args[0]!;
          // Go reads it as int64: zero or "negative" frequencies mean skewed clocks.
          if (f <= 0 || f >= 2 ** 63) throw new IngestError('time stamps out of order (bad tick frequency)', r.start);
          ix.ticksPerSec = f;
          break;
        }
        case E.Stack: {
          const id = r.args[0]! >>> 0;
          const size = r.args[1]!;
          // An empty stack is known too (stackLen 0): only ids the table never defines are missing.
          if (id !== 0 && size === 0) ix.stackLen.set(id, 0);
          if (id !== 0 && size > 0) {
            const start = ix.stackPcs.length;
            for (let i = 0; i < size; i++) {
              const pc = r.args[2 + i * 4]!;
              ix.stackPcs.push(pc);
              if (!ix.pcFrame.has(pc)) {
                ix.pcFrame.set(pc, ix.frameFn.length);
                ix.frameFn.push(r.args[3 + i * 4]!);
                ix.frameFile.push(r.args[4 + i * 4]!);
                ix.frameLine.push(r.args[5 + i * 4]!);
              }
            }
            ix.stacks.set(id, start);
            ix.stackLen.set(id, size);
          }
          break;
        }
        case E.TimerGoroutine:
          ix.timerGoids.add(r.args[0]!);
          break;
        case E.CPUSample: {
          // [ts, real ts, p, g, stack]: the real (signal-handler) time orders the sample.
          ix.sampleTicks.push(Number(r.bigArg(1) - ix.refTicks));
          ix.sampleOff.push(r.start);
          ix.sampleG.push(r.args[3]!);
          break;
        }
        default:
          ix.eventCount++;
      }
    }
  } catch (e) {
    if (!(e instanceof Truncated)) throw e;
    // A cut inside a batch drops that whole batch; a cut inside a batch header drops nothing more.
    const headerCut = bytes[e.offset] !== undefined && (bytes[e.offset]! & 0x3f) === E.Batch;
    dropFrom(ix, headerCut ? -1 : curBatch, e.offset, countAtBatchStart);
    return ix;
  }
  // Every old trace ends with its frequency record: without one the input was cut on a record
  // boundary, and the last batch may be incomplete.
  if (ix.ticksPerSec === 0 && curBatch >= 0) dropFrom(ix, curBatch, n, countAtBatchStart);
  return ix;
}

/** Marks the input as cut at `cutRecord`, dropping batch `batch` (when >= 0, the last one) entirely. */
function dropFrom(ix: TraceIndex, batch: number, cutRecord: number, countAtBatchStart: number): void {
  let cut = cutRecord;
  if (batch >= 0) {
    cut = ix.batchStart[batch]!;
    ix.batchStart.pop();
    ix.batchEnd.pop();
    ix.batchPid.pop();
    ix.batchRelTicks.pop();
    ix.eventCount = countAtBatchStart;
  } else if (ix.batchEnd.length > 0) {
    ix.batchEnd[ix.batchEnd.length - 1] = cutRecord;
  }
  // Samples read from the dropped part are dropped with it.
  while (ix.sampleOff.length > 0 && ix.sampleOff[ix.sampleOff.length - 1]! >= cut) {
    ix.sampleOff.pop();
    ix.sampleTicks.pop();
    ix.sampleG.pop();
  }
  ix.cutAt = cut;
}
