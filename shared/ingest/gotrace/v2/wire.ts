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
 * (-1 = none). Experimental (128+) types are parsed for their size and then dropped. Derived from
 * the named argument lists below, so they read like Go's event table.
 */
export const ARGC = new Int8Array(256).fill(-1);
export const STACK_ARG = new Int8Array(256).fill(-1);
export const STACK2_ARG = new Int8Array(256).fill(-1);
export const STRING_ARG = new Int8Array(256).fill(-1);
export const STRING2_ARG = new Int8Array(256).fill(-1);

/**
 * One timed event's arguments after `dt`, named as Go's tracev2 table names them: `stack` is the
 * event's own stack, `new_stack` the created goroutine's, and every `*_string` argument is a string
 * id (in order: the first is STRING_ARG, the second STRING2_ARG).
 */
function spec(t: number, args: readonly string[]): void {
  const strings = args.flatMap((a, i) => (a.endsWith('_string') ? [i] : []));
  ARGC[t] = args.length;
  STACK_ARG[t] = args.indexOf('stack');
  STACK2_ARG[t] = args.indexOf('new_stack');
  STRING_ARG[t] = strings[0] ?? -1;
  STRING2_ARG[t] = strings[1] ?? -1;
}
spec(Ev.ProcsChange, ['procs_value', 'stack']);
spec(Ev.ProcStart, ['p', 'p_seq']);
spec(Ev.ProcStop, []);
spec(Ev.ProcSteal, ['p', 'p_seq', 'm']);
spec(Ev.ProcStatus, ['p', 'pstatus']);
spec(Ev.GoCreate, ['new_g', 'new_stack', 'stack']);
spec(Ev.GoCreateSyscall, ['new_g']);
spec(Ev.GoStart, ['g', 'g_seq']);
spec(Ev.GoDestroy, []);
spec(Ev.GoDestroySyscall, []);
spec(Ev.GoStop, ['reason_string', 'stack']);
spec(Ev.GoBlock, ['reason_string', 'stack']);
spec(Ev.GoUnblock, ['g', 'g_seq', 'stack']);
spec(Ev.GoSyscallBegin, ['p_seq', 'stack']);
spec(Ev.GoSyscallEnd, []);
spec(Ev.GoSyscallEndBlocked, []);
spec(Ev.GoStatus, ['g', 'm', 'gstatus']);
spec(Ev.STWBegin, ['kind_string', 'stack']);
spec(Ev.STWEnd, []);
spec(Ev.GCActive, ['gc_seq']);
spec(Ev.GCBegin, ['gc_seq', 'stack']);
spec(Ev.GCEnd, ['gc_seq']);
spec(Ev.GCSweepActive, ['p']);
spec(Ev.GCSweepBegin, ['stack']);
spec(Ev.GCSweepEnd, ['swept_value', 'reclaimed_value']);
spec(Ev.GCMarkAssistActive, ['g']);
spec(Ev.GCMarkAssistBegin, ['stack']);
spec(Ev.GCMarkAssistEnd, []);
spec(Ev.HeapAlloc, ['heapalloc_value']);
spec(Ev.HeapGoal, ['heapgoal_value']);
spec(Ev.GoLabel, ['label_string']);
spec(Ev.UserTaskBegin, ['task', 'parent_task', 'name_string', 'stack']);
spec(Ev.UserTaskEnd, ['task', 'stack']);
spec(Ev.UserRegionBegin, ['task', 'name_string', 'stack']);
spec(Ev.UserRegionEnd, ['task', 'name_string', 'stack']);
spec(Ev.UserLog, ['task', 'key_string', 'value_string', 'stack']);
spec(Ev.GoSwitch, ['g', 'g_seq']);
spec(Ev.GoSwitchDestroy, ['g', 'g_seq']);
spec(Ev.GoCreateBlocked, ['new_g', 'new_stack', 'stack']);
spec(Ev.GoStatusStack, ['g', 'm', 'gstatus', 'stack']);
spec(Ev.ClockSnapshot, ['mono', 'sec', 'nsec']);
// Experimental alloc/free events (go 1.23+, only with GOEXPERIMENT=allocfreetrace): sized, then dropped.
const EXPERIMENTAL_ARGS: readonly (readonly string[])[] = [
  ['id', 'npages_value', 'kindclass'], // Span
  ['id', 'npages_value', 'kindclass'], // SpanAlloc
  ['id'], // SpanFree
  ['id', 'type'], // HeapObject
  ['id', 'type'], // HeapObjectAlloc
  ['id'], // HeapObjectFree
  ['id', 'order'], // GoroutineStack
  ['id', 'order'], // GoroutineStackAlloc
  ['id'], // GoroutineStackFree
];
EXPERIMENTAL_ARGS.forEach((args, i) => spec(128 + i, args));

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
