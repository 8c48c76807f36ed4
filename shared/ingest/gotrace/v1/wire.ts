/**
 * The old (go 1.11 … 1.21) trace wire format: the event table and a record reader.
 *
 * A record is one byte `type | (argCount << 6)` followed by base-128 varints. An arg count of 3
 * on the wire means "length-prefixed": a byte length, then that many bytes of varints (UserLog
 * adds an inline string after them). Strings (`String`) are `[id, len, bytes]`; batch headers are
 * `[pid, ticks]`. Every other event starts with a tick delta from the previous event of its batch.
 */
import { IngestError } from '../../errors.ts';

export const Ev = {
  None: 0,
  Batch: 1,
  Frequency: 2,
  Stack: 3,
  Gomaxprocs: 4,
  ProcStart: 5,
  ProcStop: 6,
  GCStart: 7,
  GCDone: 8,
  STWStart: 9,
  STWDone: 10,
  GCSweepStart: 11,
  GCSweepDone: 12,
  GoCreate: 13,
  GoStart: 14,
  GoEnd: 15,
  GoStop: 16,
  GoSched: 17,
  GoPreempt: 18,
  GoSleep: 19,
  GoBlock: 20,
  GoUnblock: 21,
  GoBlockSend: 22,
  GoBlockRecv: 23,
  GoBlockSelect: 24,
  GoBlockSync: 25,
  GoBlockCond: 26,
  GoBlockNet: 27,
  GoSysCall: 28,
  GoSysExit: 29,
  GoSysBlock: 30,
  GoWaiting: 31,
  GoInSyscall: 32,
  HeapAlloc: 33,
  HeapGoal: 34,
  TimerGoroutine: 35,
  FutileWakeup: 36,
  String: 37,
  GoStartLocal: 38,
  GoUnblockLocal: 39,
  GoSysExitLocal: 40,
  GoStartLabel: 41,
  GoBlockGC: 42,
  GCMarkAssistStart: 43,
  GCMarkAssistDone: 44,
  UserTaskCreate: 45,
  UserTaskEnd: 46,
  UserRegion: 47,
  UserLog: 48,
  CPUSample: 49,
  Count: 50,
} as const;

/**
 * Per type: [name, first format version that has it, carries a stack id, its logical arguments as Go's
 * old-format table names them (after the tick delta; the stack id, when carried, comes last)].
 */
const DESC: readonly (readonly [string, number, boolean, readonly string[]])[] = [
  ['None', 5, false, []],
  ['Batch', 5, false, ['p', 'ticks']],
  ['Frequency', 5, false, ['freq']],
  ['Stack', 5, false, ['id', 'siz']],
  ['Gomaxprocs', 5, true, ['procs']],
  ['ProcStart', 5, false, ['thread']],
  ['ProcStop', 5, false, []],
  ['GCStart', 5, true, ['seq']],
  ['GCDone', 5, false, []],
  ['GCSTWStart', 5, false, ['kindid']],
  ['GCSTWDone', 5, false, []],
  ['GCSweepStart', 5, true, []],
  ['GCSweepDone', 5, false, ['swept', 'reclaimed']],
  ['GoCreate', 5, true, ['g', 'stack']],
  ['GoStart', 5, false, ['g', 'seq']],
  ['GoEnd', 5, false, []],
  ['GoStop', 5, true, []],
  ['GoSched', 5, true, []],
  ['GoPreempt', 5, true, []],
  ['GoSleep', 5, true, []],
  ['GoBlock', 5, true, []],
  ['GoUnblock', 5, true, ['g', 'seq']],
  ['GoBlockSend', 5, true, []],
  ['GoBlockRecv', 5, true, []],
  ['GoBlockSelect', 5, true, []],
  ['GoBlockSync', 5, true, []],
  ['GoBlockCond', 5, true, []],
  ['GoBlockNet', 5, true, []],
  ['GoSysCall', 5, true, []],
  ['GoSysExit', 5, false, ['g', 'seq', 'ts']],
  ['GoSysBlock', 5, false, []],
  ['GoWaiting', 5, false, ['g']],
  ['GoInSyscall', 5, false, ['g']],
  ['HeapAlloc', 5, false, ['mem']],
  ['HeapGoal', 5, false, ['mem']],
  ['TimerGoroutine', 5, false, ['g']],
  ['FutileWakeup', 5, false, []],
  ['String', 7, false, []],
  ['GoStartLocal', 7, false, ['g']],
  ['GoUnblockLocal', 7, true, ['g']],
  ['GoSysExitLocal', 7, false, ['g', 'ts']],
  ['GoStartLabel', 8, false, ['g', 'seq', 'labelid']],
  ['GoBlockGC', 8, true, []],
  ['GCMarkAssistStart', 9, true, []],
  ['GCMarkAssistDone', 9, false, []],
  ['UserTaskCreate', 11, true, ['taskid', 'pid', 'typeid']],
  ['UserTaskEnd', 11, true, ['taskid']],
  ['UserRegion', 11, true, ['taskid', 'mode', 'typeid']],
  ['UserLog', 11, true, ['id', 'keyid']],
  ['CPUSample', 19, true, ['ts', 'p', 'g']],
];

export function evName(t: number): string {
  return DESC[t]?.[0] ?? `type ${t}`;
}
export function evHasStack(t: number): boolean {
  return DESC[t]?.[2] ?? false;
}
export function evArgCount(t: number): number {
  return DESC[t]?.[3].length ?? 0;
}

/** Total raw argument count of a record of type t (timestamp and stack included). */
function rawArgNum(t: number): number {
  let n = evArgCount(t) + (evHasStack(t) ? 1 : 0);
  if (t !== Ev.Batch && t !== Ev.Frequency && t !== Ev.TimerGoroutine) n++;
  return n;
}

/** Thrown internally when a record runs past the end of the input (a cut, not corruption). */
export class Truncated extends Error {
  constructor(readonly offset: number) {
    super('truncated');
  }
}

export const HEADER_LEN = 16;

/** Minor version from `go 1.NN trace\0\0\0`, or an IngestError. */
export function readHeader(bytes: Uint8Array): number {
  if (bytes.length < HEADER_LEN) throw new IngestError('old trace format: input shorter than the 16-byte header', 0);
  let s = '';
  for (let i = 0; i < HEADER_LEN; i++) s += String.fromCharCode(bytes[i]!);
  const m = /^go 1\.(\d+) trace\0+$/.exec(s);
  if (!m) throw new IngestError('old trace format: not a Go execution trace header', 0);
  const v = Number(m[1]);
  if (v < 11 || v > 21) throw new IngestError(`old trace format: unsupported version go 1.${v}`, 0);
  return v;
}

const MAX_RAW_ARGS = 4096;
const utf8 = new TextDecoder();

/**
 * Reads records one at a time into its own fields (no object per record). Arguments are JS numbers:
 * exact below 2^53, which holds for everything but absolute tick counts — those are re-read as
 * BigInt with `bigArg` where exactness matters.
 */
export class RecordReader {
  pos = HEADER_LEN;
  /** Fields of the last record read. */
  start = 0;
  type = 0;
  nargs = 0;
  readonly args = new Float64Array(MAX_RAW_ARGS);
  /** Byte position of each raw argument (for exact BigInt re-reads). */
  private readonly argPos = new Float64Array(MAX_RAW_ARGS);
  /** String payload: EvString's text or UserLog's message. */
  str = '';
  /** String id for EvString. */
  strId = 0;

  constructor(
    readonly data: Uint8Array,
    readonly version: number,
  ) {}

  private varint(): number {
    const d = this.data;
    let p = this.pos;
    if (p >= d.length) throw new Truncated(this.start);
    let b = d[p++]!;
    if (b < 0x80) {
      this.pos = p;
      return b;
    }
    let v = b & 0x7f;
    let mul = 128;
    for (let i = 1; ; i++) {
      if (p >= d.length) throw new Truncated(this.start);
      b = d[p++]!;
      // Go's binary.Uvarint: at most 10 bytes, and the 10th may only hold the top bit.
      if (i === 9 && b > 1) throw new IngestError('malformed base-128 varint', this.start);
      v += (b & 0x7f) * mul;
      if (b < 0x80) break;
      if (i >= 9) throw new IngestError('malformed base-128 varint', this.start);
      mul *= 128;
    }
    this.pos = p;
    return v;
  }

  /** Raw argument i of the last record as an exact unsigned 64-bit value. */
  bigArg(i: number): bigint {
    const d = this.data;
    let p = this.argPos[i]!;
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = d[p++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7n;
    }
    return v & 0xffffffffffffffffn;
  }

  private pushArg(v: number, at: number): void {
    if (this.nargs >= MAX_RAW_ARGS) throw new IngestError('too many event arguments', this.start);
    this.argPos[this.nargs] = at;
    this.args[this.nargs++] = v;
  }

  /** Reads the next record; returns false at the end of the input. */
  next(): boolean {
    const d = this.data;
    if (this.pos >= d.length) return false;
    this.start = this.pos;
    const b = d[this.pos++]!;
    const t = b & 0x3f;
    const narg = (b >> 6) + 1;
    this.type = t;
    this.nargs = 0;
    const desc = DESC[t];
    if (t === Ev.None || t >= Ev.Count || desc === undefined || desc[1] > this.version) {
      throw new IngestError(`unknown event type ${t}`, this.start);
    }
    if (t === Ev.String) {
      const id = this.varint();
      const len = this.varint();
      if (id === 0) throw new IngestError('string has invalid id 0', this.start);
      if (len === 0) throw new IngestError('string has invalid length 0', this.start);
      if (len > 1e6) throw new IngestError(`string has too large length ${len}`, this.start);
      if (this.pos + len > d.length) throw new Truncated(this.start);
      this.strId = id;
      this.str = utf8.decode(d.subarray(this.pos, this.pos + len));
      this.pos += len;
      return true;
    }
    if (t === Ev.Batch) {
      if (narg !== 2) throw new IngestError(`EvBatch has wrong number of arguments: got ${narg}, want 2`, this.start);
      let at = this.pos;
      this.pushArg(this.varint(), at);
      at = this.pos;
      this.pushArg(this.varint(), at);
      return true;
    }
    if (narg <= 3) {
      for (let i = 0; i < narg; i++) {
        const at = this.pos;
        this.pushArg(this.varint(), at);
      }
    } else {
      const len = this.varint();
      if (len > 2048) {
        throw new IngestError(`event ${evName(t)}: length-prefixed arguments too big: ${len} bytes`, this.start);
      }
      const end = this.pos + len;
      if (end > d.length) throw new Truncated(this.start);
      // Varints inside the length prefix must end inside it: read against a bounded view.
      while (this.pos < end) {
        const at = this.pos;
        let v: number;
        try {
          v = this.varint();
        } catch (e) {
          if (e instanceof Truncated) throw new IngestError('malformed base-128 varint', this.start);
          throw e;
        }
        if (this.pos > end) throw new IngestError('malformed base-128 varint', this.start);
        this.pushArg(v, at);
      }
      if (t === Ev.UserLog) {
        const sl = this.varint();
        if (sl > 1e6) throw new IngestError(`string is too large (len=${sl})`, this.start);
        if (this.pos + sl > d.length) throw new Truncated(this.start);
        this.str = sl === 0 ? '' : utf8.decode(d.subarray(this.pos, this.pos + sl));
        this.pos += sl;
      }
    }
    if (t === Ev.Stack) {
      if (this.nargs < 2) throw new IngestError(`EvStack has wrong number of arguments: got ${this.nargs}`, this.start);
      const size = this.args[1]!;
      if (size > 1000) throw new IngestError(`EvStack has bad number of frames: ${size}`, this.start);
      if (this.nargs !== 2 + 4 * size) {
        throw new IngestError(`EvStack has wrong number of arguments: want ${2 + 4 * size}, got ${this.nargs}`, this.start);
      }
    } else {
      const want = rawArgNum(t);
      if (this.nargs !== want) {
        throw new IngestError(`${evName(t)} has wrong number of arguments: want ${want}, got ${this.nargs}`, this.start);
      }
    }
    return true;
  }

  /** Re-positions the reader (for decoding a record known to be whole). */
  seek(pos: number): void {
    this.pos = pos;
  }
}
