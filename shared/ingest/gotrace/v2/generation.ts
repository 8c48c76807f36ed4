/**
 * One generation of a new-format trace: its batches found by their size fields (no copying: batches
 * are byte ranges of the reader's window, which holds the whole generation while it is ordered), its string and stack tables (stacks interned into the session's
 * StackTableBuilder), its CPU samples, its clock (frequency, clock snapshot) and its event batches
 * grouped per thread (M) in order of first appearance — the order Go's reader builds its frontier in.
 */
import type { StackTableBuilder, FrameIndex, StackIndex } from '../../../model/stacks.ts';
import type { ByteWindow } from '../../byte-source.ts';
import { Ev, MAX_BATCH_SIZE, MAX_FRAMES_PER_STACK, MAX_STRING_SIZE, WireError, WireReader } from './wire.ts';

export interface Batch {
  /** Offset of the batch header (for error messages). */
  offset: number;
  gen: number;
  m: number;
  /** Base timestamp in ticks. */
  time: number;
  dataStart: number;
  dataEnd: number;
  /** Experiment id, 0 = none. */
  exp: number;
  /** A lone EndOfGeneration byte (go 1.26+). */
  eog: boolean;
}

/** Longest batch header: kind, experiment, then four varints of at most 10 bytes. */
const MAX_BATCH_HEADER = 2 + 4 * 10;

/**
 * Reads one batch at window position `pos`, reading more of the input as it needs; throws
 * WireError (positions are the window's). Truncation is reported with an offset ≥ w.len (the input
 * ended).
 */
export function readBatch(w: ByteWindow, pos: number): Batch {
  w.ensure(pos + MAX_BATCH_HEADER);
  const r = new WireReader(w.buf);
  r.pos = pos;
  r.end = w.len;
  const offset = pos;
  const typ = r.byte();
  if (typ === Ev.EndOfGeneration) {
    return { offset, gen: 0, m: -1, time: 0, dataStart: r.pos, dataEnd: r.pos, exp: 0, eog: true };
  }
  if (typ !== Ev.EventBatch && typ !== Ev.ExperimentalBatch) {
    throw new WireError(`expected a batch, found byte ${typ}`, offset);
  }
  const exp = typ === Ev.ExperimentalBatch ? r.byte() : 0;
  const gen = r.uvarint();
  const m = r.uvarint();
  const time = r.uvarint();
  const size = r.uvarint();
  if (size < 0 || size > MAX_BATCH_SIZE) throw new WireError(`invalid batch size ${size}`, offset);
  const dataStart = r.pos;
  const dataEnd = dataStart + size;
  w.ensure(dataEnd);
  if (dataEnd > w.len) throw new WireError('batch cut short', w.len);
  return { offset, gen, m, time, dataStart, dataEnd, exp, eog: false };
}

export class Generation {
  gen = 0;
  /** Offsets of the generation in the input. */
  startOffset = 0;
  endOffset = 0;
  /** Nanoseconds per tick (Go's `frequency`). 0 until the frequency event is seen. */
  freq = 0;
  ticksPerSec = 0;
  /** Smallest batch timestamp, in ticks (0 = none yet). */
  minTs = 0;
  hasClock = false;
  snapTicks = 0;
  snapSec = 0;
  snapNsec = 0;

  /** Go string id → string. */
  strings = new Map<number, string>();
  /** Go stack id → interned StackIndex. */
  stackIds = new Map<number, StackIndex>();

  batchMs: number[] = [];
  batchesByM = new Map<number, Batch[]>();

  cpuTicks: number[] = [];
  cpuM: number[] = [];
  cpuP: number[] = [];
  cpuG: number[] = [];
  cpuStack: number[] = [];

  /** Raw stacks until the generation is complete: Go stack id → PCs, leaf first. */
  private rawStacks: [number, number[]][] = [];
  /** First frame seen per PC: [funcStringId, fileStringId, line]. */
  private pcFrames = new Map<number, [number, number, number]>();
  private stackBatchOffsets: number[] = [];

  /** Go's `frequency.mul`: ticks → ns, float product truncated. */
  mul(ticks: number): number {
    return Math.trunc(ticks * this.freq);
  }

  /** Dense views of the tables, built by finish() when ids are compact. */
  private stackDense = new Int32Array(0);
  private stringDense: (string | undefined)[] = [];

  string(id: number): string | undefined {
    if (id === 0) return '';
    if (id < this.stringDense.length) return this.stringDense[id];
    return this.strings.get(id);
  }

  addBatch(bytes: Uint8Array, b: Batch, goMinor: number): void {
    if (this.minTs === 0 || b.time < this.minTs) this.minTs = b.time;
    const first = b.dataEnd > b.dataStart ? bytes[b.dataStart]! : -1;
    if (b.exp !== 0) return; // experimental data: not part of the event stream
    if (first === Ev.Strings) this.readStrings(bytes, b);
    else if (first === Ev.Stacks) this.readStacks(bytes, b);
    else if (first === Ev.CPUSamples) this.readCPUSamples(bytes, b);
    else if ((first === Ev.Frequency && goMinor < 25) || (first === Ev.Sync && goMinor >= 25)) this.readSync(bytes, b, goMinor);
    else {
      let list = this.batchesByM.get(b.m);
      if (list === undefined) {
        list = [];
        this.batchesByM.set(b.m, list);
        this.batchMs.push(b.m);
      }
      list.push(b);
    }
  }

  private reader(bytes: Uint8Array, b: Batch): WireReader {
    const r = new WireReader(bytes);
    r.pos = b.dataStart + 1; // past the batch kind byte
    r.end = b.dataEnd;
    return r;
  }

  private readStrings(bytes: Uint8Array, b: Batch): void {
    const r = this.reader(bytes, b);
    const dec = new TextDecoder('utf-8');
    while (r.pos < r.end) {
      const at = r.pos;
      if (r.byte() !== Ev.String) throw new WireError('expected a string entry', at);
      const id = r.uvarint();
      const len = r.uvarint();
      if (len < 0 || len > MAX_STRING_SIZE) throw new WireError(`invalid string size ${len}`, at);
      if (r.pos + len > r.end) throw new WireError('string runs past its batch', at);
      const s = dec.decode(bytes.subarray(r.pos, r.pos + len));
      r.pos += len;
      if (id === 0 || this.strings.has(id)) throw new WireError(`duplicate string id ${id}`, at);
      this.strings.set(id, s);
    }
  }

  private readStacks(bytes: Uint8Array, b: Batch): void {
    const r = this.reader(bytes, b);
    this.stackBatchOffsets.push(b.offset);
    while (r.pos < r.end) {
      const at = r.pos;
      if (r.byte() !== Ev.Stack) throw new WireError('expected a stack entry', at);
      const id = r.uvarint();
      const n = r.uvarint();
      if (n < 0 || n > MAX_FRAMES_PER_STACK) throw new WireError(`invalid stack size ${n}`, at);
      const pcs: number[] = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        const pc = r.uvarint();
        const fn = r.uvarint();
        const file = r.uvarint();
        const line = r.uvarint();
        pcs[i] = pc;
        if (!this.pcFrames.has(pc)) this.pcFrames.set(pc, [fn, file, line]);
      }
      this.rawStacks.push([id, pcs]);
    }
  }

  private readCPUSamples(bytes: Uint8Array, b: Batch): void {
    const r = this.reader(bytes, b);
    while (r.pos < r.end) {
      const at = r.pos;
      if (r.byte() !== Ev.CPUSample) throw new WireError('expected a CPU sample', at);
      this.cpuTicks.push(r.uvarint());
      this.cpuM.push(r.uvarint());
      this.cpuP.push(r.uvarint());
      const g = r.uvarint();
      this.cpuG.push(g === 0 ? -1 : g);
      this.cpuStack.push(r.uvarint());
    }
  }

  private readSync(bytes: Uint8Array, b: Batch, goMinor: number): void {
    const r = new WireReader(bytes);
    r.pos = goMinor >= 25 ? b.dataStart + 1 : b.dataStart;
    r.end = b.dataEnd;
    let last = b.time;
    while (r.pos < r.end) {
      const at = r.pos;
      const t = r.byte();
      if (t === Ev.Frequency) {
        if (this.freq !== 0) throw new WireError('found multiple frequency events', at);
        const f = r.uvarint();
        if (!(f > 0)) throw new WireError(`invalid frequency ${f}`, at);
        this.ticksPerSec = f;
        this.freq = 1.0 / (f / 1e9);
      } else if (t === Ev.ClockSnapshot && goMinor >= 25) {
        if (this.hasClock) throw new WireError('found multiple clock snapshot events', at);
        this.hasClock = true;
        last += r.uvarint();
        this.snapTicks = last;
        r.uvarint(); // monotonic clock: not needed
        this.snapSec = r.uvarint();
        this.snapNsec = r.uvarint();
      } else {
        throw new WireError(`expected a frequency or clock snapshot event, got ${t}`, at);
      }
    }
  }

  /**
   * Called once all batches are in: checks the clock, interns the stacks (PCs resolved through the
   * first frame seen for each PC, as Go does) and converts CPU sample ticks to ns.
   */
  finish(builder: StackTableBuilder, goMinor: number): void {
    if (this.freq === 0) throw new WireError('no frequency event found', this.startOffset);
    if (goMinor >= 25 && !this.hasClock) throw new WireError('no clock snapshot event found', this.startOffset);
    const frameOf = new Map<number, FrameIndex>();
    const path: FrameIndex[] = [];
    const where = this.stackBatchOffsets[0] ?? this.startOffset;
    for (const [id, pcs] of this.rawStacks) {
      path.length = 0;
      for (let i = pcs.length - 1; i >= 0; i--) {
        const pc = pcs[i]!;
        let fi = frameOf.get(pc);
        if (fi === undefined) {
          const f = this.pcFrames.get(pc)!;
          const fn = this.string(f[0]);
          const file = this.string(f[1]);
          if (fn === undefined) throw new WireError(`invalid func string id ${f[0]} in stack ${id}`, where);
          if (file === undefined) throw new WireError(`invalid file string id ${f[1]} in stack ${id}`, where);
          fi = builder.internFrame({ func: fn, file, line: f[2] });
          frameOf.set(pc, fi);
        }
        path.push(fi);
      }
      if (id === 0 || this.stackIds.has(id)) throw new WireError(`duplicate stack id ${id}`, where);
      // One frame at PC 0 is no stack to Go's tools (cmd/trace keys stacks by their PCs, and those
      // of an empty stack are zeros too): keep it as none, so the profiles merge them as Go does.
      this.stackIds.set(id, pcs.length === 1 && pcs[0] === 0 ? -1 : builder.internStack(path));
    }
    this.rawStacks = [];
    this.pcFrames.clear();
    let maxId = 0;
    for (const id of this.stackIds.keys()) if (id > maxId) maxId = id;
    if (maxId < 4 * this.stackIds.size + 4096) {
      this.stackDense = new Int32Array(maxId + 1).fill(-2);
      for (const [id, s] of this.stackIds) this.stackDense[id] = s;
      this.stackIds.clear();
    }
    maxId = 0;
    for (const id of this.strings.keys()) if (id > maxId) maxId = id;
    if (maxId < 4 * this.strings.size + 4096) {
      this.stringDense = new Array<string | undefined>(maxId + 1).fill(undefined);
      for (const [id, s] of this.strings) this.stringDense[id] = s;
      this.strings.clear();
    }
  }

  /** Stack id → StackIndex; 0 → -1 (no stack); undefined when the id is unknown. */
  stack(id: number): StackIndex | undefined {
    if (id === 0) return -1;
    if (id < this.stackDense.length) {
      const s = this.stackDense[id]!;
      return s === -2 ? undefined : s;
    }
    return this.stackIds.get(id);
  }
}
