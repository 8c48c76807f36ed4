/**
 * Wire vocabulary of the new (generational) Go trace format, go 1.22 … 1.26 headers: event type
 * numbers and, per type, how many varint arguments follow and which of them name stacks or strings.
 * Learned from Go's internal/trace/tracev2 tables; the numbering is fixed by the format.
 */

export const Ev = {
  None: 0,
  EventBatch: 1,
  Stacks: 2,
  Stack: 3,
  Strings: 4,
  String: 5,
  CPUSamples: 6,
  CPUSample: 7,
  Frequency: 8,
  ProcsChange: 9,
  ProcStart: 10,
  ProcStop: 11,
  ProcSteal: 12,
  ProcStatus: 13,
  GoCreate: 14,
  GoCreateSyscall: 15,
  GoStart: 16,
  GoDestroy: 17,
  GoDestroySyscall: 18,
  GoStop: 19,
  GoBlock: 20,
  GoUnblock: 21,
  GoSyscallBegin: 22,
  GoSyscallEnd: 23,
  GoSyscallEndBlocked: 24,
  GoStatus: 25,
  STWBegin: 26,
  STWEnd: 27,
  GCActive: 28,
  GCBegin: 29,
  GCEnd: 30,
  GCSweepActive: 31,
  GCSweepBegin: 32,
  GCSweepEnd: 33,
  GCMarkAssistActive: 34,
  GCMarkAssistBegin: 35,
  GCMarkAssistEnd: 36,
  HeapAlloc: 37,
  HeapGoal: 38,
  GoLabel: 39,
  UserTaskBegin: 40,
  UserTaskEnd: 41,
  UserRegionBegin: 42,
  UserRegionEnd: 43,
  UserLog: 44,
  GoSwitch: 45,
  GoSwitchDestroy: 46,
  GoCreateBlocked: 47,
  GoStatusStack: 48,
  ExperimentalBatch: 49,
  Sync: 50,
  ClockSnapshot: 51,
  EndOfGeneration: 52,
  /** Internal: the sync event the reader emits at each generation start and at the end. */
  SyncOut: 255,
} as const;

/** Goroutine status on the wire (GoStatus events). */
export const WireGo = { Bad: 0, Runnable: 1, Running: 2, Syscall: 3, Waiting: 4 } as const;
/** Proc status on the wire (ProcStatus events). */
export const WireProc = { Bad: 0, Running: 1, Idle: 2, Syscall: 3, SyscallAbandoned: 4 } as const;

export const MAX_BATCH_SIZE = 64 << 10;
export const MAX_FRAMES_PER_STACK = 128;
export const MAX_STRING_SIZE = 1 << 10;
/** Most arguments a timed event carries after its timestamp delta. */
export const MAX_ARGS = 5;

/**
 * Per event type: number of arguments after the timestamp delta (-1 = not a timed event), and the
 * argument index (timestamp stripped) of its main stack, of a second stack, and of up to two strings
 * (-1 = none). Experimental (128+) types are parsed for their size and then dropped.
 */
export const ARGC = new Int8Array(256).fill(-1);
export const STACK_ARG = new Int8Array(256).fill(-1);
export const STACK2_ARG = new Int8Array(256).fill(-1);
export const STRING_ARG = new Int8Array(256).fill(-1);
export const STRING2_ARG = new Int8Array(256).fill(-1);

function spec(t: number, argc: number, stack = -1, stack2 = -1, str = -1, str2 = -1): void {
  ARGC[t] = argc;
  STACK_ARG[t] = stack;
  STACK2_ARG[t] = stack2;
  STRING_ARG[t] = str;
  STRING2_ARG[t] = str2;
}
spec(Ev.ProcsChange, 2, 1);
spec(Ev.ProcStart, 2);
spec(Ev.ProcStop, 0);
spec(Ev.ProcSteal, 3);
spec(Ev.ProcStatus, 2);
spec(Ev.GoCreate, 3, 2, 1);
spec(Ev.GoCreateSyscall, 1);
spec(Ev.GoStart, 2);
spec(Ev.GoDestroy, 0);
spec(Ev.GoDestroySyscall, 0);
spec(Ev.GoStop, 2, 1, -1, 0);
spec(Ev.GoBlock, 2, 1, -1, 0);
spec(Ev.GoUnblock, 3, 2);
spec(Ev.GoSyscallBegin, 2, 1);
spec(Ev.GoSyscallEnd, 0);
spec(Ev.GoSyscallEndBlocked, 0);
spec(Ev.GoStatus, 3);
spec(Ev.STWBegin, 2, 1, -1, 0);
spec(Ev.STWEnd, 0);
spec(Ev.GCActive, 1);
spec(Ev.GCBegin, 2, 1);
spec(Ev.GCEnd, 1);
spec(Ev.GCSweepActive, 1);
spec(Ev.GCSweepBegin, 1, 0);
spec(Ev.GCSweepEnd, 2);
spec(Ev.GCMarkAssistActive, 1);
spec(Ev.GCMarkAssistBegin, 1, 0);
spec(Ev.GCMarkAssistEnd, 0);
spec(Ev.HeapAlloc, 1);
spec(Ev.HeapGoal, 1);
spec(Ev.GoLabel, 1, -1, -1, 0);
spec(Ev.UserTaskBegin, 4, 3, -1, 2);
spec(Ev.UserTaskEnd, 2, 1);
spec(Ev.UserRegionBegin, 3, 2, -1, 1);
spec(Ev.UserRegionEnd, 3, 2, -1, 1);
spec(Ev.UserLog, 4, 3, -1, 1, 2);
spec(Ev.GoSwitch, 2);
spec(Ev.GoSwitchDestroy, 2);
spec(Ev.GoCreateBlocked, 3, 2, 1);
spec(Ev.GoStatusStack, 4, 3);
spec(Ev.ClockSnapshot, 3);
// Experimental alloc/free events (go 1.23+, only with GOEXPERIMENT=allocfreetrace).
spec(128, 3);
spec(129, 3);
spec(130, 1);
spec(131, 2);
spec(132, 2);
spec(133, 1);
spec(134, 2);
spec(135, 2);
spec(136, 1);

/** 2^63: varints at or above it (Go's ^uint64(0) "none" sentinels) decode as -1. */
const TWO63 = 9223372036854775808;

/**
 * A cursor over a byte range. Varints decode to float64 numbers (exact below 2^53, which covers
 * every id, tick and size a runtime writes); a value ≥ 2^63 decodes as -1, Go's "none" sentinel.
 * Reading past `end` or an over-long varint throws a WireError carrying the offset.
 */
export class WireReader {
  buf: Uint8Array;
  pos = 0;
  end = 0;
  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.end = buf.length;
  }

  byte(): number {
    if (this.pos >= this.end) throw new WireError('unexpected end of data', this.pos);
    return this.buf[this.pos++]!;
  }

  uvarint(): number {
    const b = this.buf;
    let p = this.pos;
    const end = this.end;
    if (p >= end) throw new WireError('unexpected end of data in varint', p);
    let c = b[p++]!;
    if (c < 0x80) {
      this.pos = p;
      return c;
    }
    let v = c & 0x7f;
    let mul = 128;
    for (let i = 1; i < 10; i++) {
      if (p >= end) throw new WireError('unexpected end of data in varint', p);
      c = b[p++]!;
      v += (c & 0x7f) * mul;
      if (c < 0x80) {
        this.pos = p;
        return v >= TWO63 ? -1 : v;
      }
      mul *= 128;
    }
    throw new WireError('malformed varint', this.pos);
  }
}

/** A structural error found while reading, with its byte offset. */
export class WireError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}
