/**
 * Go execution trace model — built by the trace ingest (shared/ingest/gotrace), read by queries.
 *
 * Struct-of-arrays tables; every time is integer nanoseconds on the trace's own clock *relative to
 * `clockBaseNs`* (the trace's first sync point, model time 0), so differences equal Go's to the ns.
 *
 *   goroutines   one row per goroutine id       id, createStack, startStack, firstSeen, lastSeen,
 *                                               endNs (NaN = never ended), firstRunNs / summaryEndNs
 *                                               (Go's summary StartTime / EndTime; NaN = unset)
 *   transitions  one row per goroutine state     t, g (→ goroutines row), from, to (GoState),
 *                change, in Go's event order      reason (→ strings), stack (the event's stack),
 *                                               p (the event's P); sparse side tables: wakers,
 *                                               syscallP (entries), syscallExits, keyed by row index
 *   procs        one row per P state change      t, p, from, to (ProcState), m (thread), stolen
 *   gcEvents     what Go's MMU reads, in order   t, kind (GC_EV_*), p, g, value, seq (transitions
 *                                               emitted before it: interleaves with transitions)
 *   gcCycles     GC mark phases                 start (NaN = began before the trace), end (NaN = open)
 *   stw          stop-the-world ranges          start, end, kind (→ strings)
 *   metrics      metric samples                 t, metric (→ metricNames), value
 *   tasks / regions / logs / cpuSamples          user annotations and CPU profile samples
 *
 * The transition table alone is enough to recompute Go's blocking profiles for any time range
 * (see shared/query/trace/trace-blocking.ts). It holds Go's event stream as it is, including the status
 * every generation re-states (from === to): Go's profiles see those events; Go's per-goroutine
 * summary skips them (shared/query/trace/trace-goroutine-summary.ts), and so do the goroutine views.
 */
import type { StackIndex, StackTable } from './stacks.ts';
import type { EpochNsString, Nanoseconds } from './time.ts';
import type { TimeColumn } from './time-column.ts';

/**
 * Goroutine rows, stack indexes and the like in the big tables: Int16Array when every value fits
 * (most traces), else Int32Array — two bytes a row matter at 170 M rows. -1 means none in both.
 */
export type IndexColumn = Int16Array | Int32Array;

/** Goroutine states, as transitions store them (Go's trace.GoState numbering). */
export const G_UNDETERMINED = 0;
export const G_NOTEXIST = 1;
export const G_RUNNABLE = 2;
export const G_RUNNING = 3;
export const G_WAITING = 4;
export const G_SYSCALL = 5;
export const GoState = {
  Undetermined: G_UNDETERMINED,
  NotExist: G_NOTEXIST,
  Runnable: G_RUNNABLE,
  Running: G_RUNNING,
  Waiting: G_WAITING,
  Syscall: G_SYSCALL,
} as const;
export type GoState = (typeof GoState)[keyof typeof GoState];

/** Proc (P) states (Go's trace.ProcState numbering). */
export const P_UNDETERMINED = 0;
export const P_NOTEXIST = 1;
export const P_RUNNING = 2;
export const P_IDLE = 3;
export const ProcState = { Undetermined: P_UNDETERMINED, NotExist: P_NOTEXIST, Running: P_RUNNING, Idle: P_IDLE } as const;
export type ProcState = (typeof ProcState)[keyof typeof ProcState];

/** The new state for each goroutine status a v2 trace writes (GoStatus events: 0 bad, running, …). */
export const GO_STATUS_STATE: readonly number[] = [G_UNDETERMINED, G_RUNNABLE, G_RUNNING, G_SYSCALL, G_WAITING];
/** The new state for each proc status a v2 trace writes (ProcStatus events; 3/4 = in syscall/idle in syscall). */
export const PROC_STATUS_STATE: readonly number[] = [P_UNDETERMINED, P_RUNNING, P_IDLE, P_RUNNING, P_IDLE];

/** Index into TraceModel.goroutines (not the goroutine id). */
export type GoroutineRow = number;
/** Index into TraceModel.strings. */
export type TraceStringIndex = number;

export interface GoroutineTable {
  count: number;
  id: Float64Array;
  /** Stack of the `go` statement that created it (-1 unknown). */
  createStack: Int32Array;
  /** The new goroutine's own start stack as recorded at creation (-1 unknown). */
  startStack: Int32Array;
  firstSeenNs: Float64Array;
  lastSeenNs: Float64Array;
  /** When it exited (NaN: still alive at the end). */
  endNs: Float64Array;
  /** Go's summary StartTime: first transition to running (NaN: never ran in the trace). */
  firstRunNs: Float64Array;
  /** Go's summary EndTime: exit or a "forever" block (NaN: none). */
  summaryEndNs: Float64Array;
}

/** `GoTransitionTable.p` of a transition whose event had no P (Go's NoProc), or a P id ≥ 0xffff. */
export const NO_PROC = 0xffff;

/** Index into TraceModel.transitions. */
export type TransitionIndex = number;

export interface GoTransitionTable {
  count: number;
  /** Times in 4 bytes a row (read with `t.at(i)`). */
  t: TimeColumn;
  g: IndexColumn;
  from: Uint8Array;
  to: Uint8Array;
  /** Index into strings: Uint8Array while every reason's index fits a byte. */
  reason: Uint8Array | Uint16Array;
  stack: IndexColumn;
  /**
   * The P of each transition's event context (Go's `Event.Proc()`; for a goroutine starting to run,
   * the P it runs on), NO_PROC when none. Two bytes a row: this table can hold 170 M rows.
   */
  p: Uint16Array;
  /**
   * Who made a goroutine runnable: every transition into Runnable from Waiting (an unblock) or from
   * NotExist/Undetermined (a creation, or a goroutine first seen runnable), ascending `at`
   * (transition indexes). `by` = goroutine row of the event's executing goroutine (Go's
   * `Event.Goroutine()`), -1 when none (netpoll, timers, the runtime without a G).
   */
  wakers: { at: Int32Array; by: IndexColumn };
  /**
   * The transitions into Syscall (ascending indexes) with the P of each event (-1: none; Go's summary
   * tells syscall time from syscall block time by it) and its thread (M id, Go's `Event.Thread()`; -1
   * unknown).
   */
  syscallP: { at: Int32Array; p: Int32Array; m: Int32Array };
  /** The transitions out of Syscall (ascending indexes) with the thread of each event (-1 unknown). */
  syscallExits: { at: Int32Array; m: Int32Array };
}

export interface ProcTransitionTable {
  count: number;
  t: Float64Array;
  p: Int32Array;
  from: Uint8Array;
  to: Uint8Array;
  /** Thread (M id) of the event (Go's `Event.Thread()`): for a steal, the stealing thread. -1 unknown. */
  m: Int32Array;
  /** 1 when the transition is a ProcSteal: the P was taken from a thread in (or leaving) a syscall. */
  stolen: Uint8Array;
}

/*
 * GC event log kinds (GcEventTable.kind). `value` per kind:
 *   STW_BEGIN / STW_END         1 when Go counts it as a GC stop-the-world (name has "GC"), else 0
 *   SWEEP_BEGIN / END / ACTIVE  the P the sweep range is on (its scope)
 *   ASSIST_BEGIN / END / ACTIVE goroutine row of the range's scope (Go's `Range.Scope.Goroutine()`), -1 none
 *   LABEL                       1 "GC (dedicated)", 2 "GC (fractional)", 3 "GC (idle)", 0 other "GC ..." label
 *   GOMAXPROCS                  the new GOMAXPROCS (the /sched/gomaxprocs:threads metric)
 *   SYNC                        the sync number N as Go counts it (1 = the trace's first sync)
 *   LAST                        0; one row, at the time of Go's last event (where utilization series end)
 */
export const GC_EV_STW_BEGIN = 1;
export const GC_EV_STW_END = 2;
export const GC_EV_SWEEP_BEGIN = 3;
export const GC_EV_SWEEP_END = 4;
export const GC_EV_SWEEP_ACTIVE = 5;
export const GC_EV_ASSIST_BEGIN = 6;
export const GC_EV_ASSIST_END = 7;
export const GC_EV_ASSIST_ACTIVE = 8;
export const GC_EV_LABEL = 9;
export const GC_EV_GOMAXPROCS = 10;
export const GC_EV_SYNC = 11;
export const GC_EV_LAST = 12;

/** GC_EV_LABEL values. */
export const GC_LABEL_OTHER = 0;
export const GC_LABEL_DEDICATED = 1;
export const GC_LABEL_FRACTIONAL = 2;
export const GC_LABEL_IDLE = 3;

/**
 * Every event Go's `internal/trace.MutatorUtilizationV2` reads besides goroutine transitions, in Go's
 * event order: row i came after `seq[i]` goroutine transitions, so a consumer walking both tables
 * sees Go's exact sequence (transitions with index < seq[i] first).
 */
export interface GcEventTable {
  count: number;
  /** Times in 4 bytes a row (read with `t.at(i)`): millions of sweep rows on a busy trace. */
  t: TimeColumn;
  kind: Uint8Array;
  /** The event's P (Go's `Event.Proc()`), -1 none. */
  p: Int16Array;
  /** Goroutine row of the event's executing goroutine (Go's `Event.Goroutine()`), -1 none. */
  g: IndexColumn;
  /** Always an integer (P, goroutine row, label, GOMAXPROCS, sync number). */
  value: IndexColumn;
  seq: Int32Array;
}

export interface RangeTable {
  count: number;
  start: Float64Array;
  end: Float64Array;
}

export interface MetricTable {
  names: string[];
  count: number;
  /** Times in 4 bytes a row (read with `t.at(i)`): a sample per heap change, millions on a busy trace. */
  t: TimeColumn;
  metric: Uint8Array;
  value: Float64Array;
}

export interface TaskTable {
  count: number;
  id: Float64Array;
  parent: Float64Array;
  type: Int32Array;
  start: Float64Array;
  end: Float64Array;
  g: Float64Array;
  stack: Int32Array;
}

export interface RegionTable {
  count: number;
  task: Float64Array;
  type: Int32Array;
  g: Float64Array;
  start: Float64Array;
  end: Float64Array;
  stack: Int32Array;
}

export interface LogTable {
  count: number;
  t: Float64Array;
  task: Float64Array;
  category: Int32Array;
  message: Int32Array;
  g: Float64Array;
  stack: Int32Array;
}

export interface CpuSampleTable {
  count: number;
  t: Float64Array;
  g: Float64Array;
  p: Float64Array;
  stack: Int32Array;
}

/** Whole-trace figures computed once at parse time. */
export interface TraceFigures {
  goroutines: number;
  procs: number;
  gcCount: number;
  cpuSamples: number;
}

export interface TraceModel {
  stacks: StackTable;
  goMinor: number;
  ticksPerSec: number;
  /** Trace-clock ns of model time 0. */
  clockBaseNs: number;
  /** Wall clock at model time 0, from the trace's clock snapshots (go 1.25+), else null. */
  wallAtZeroEpochNs: EpochNsString | null;
  startNs: Nanoseconds;
  /** Time of Go's final sync event (just after the last event): where open intervals end. */
  endNs: Nanoseconds;
  partial: boolean;
  /** Reasons, range names, task/region types, log texts. Index 0 is "". */
  strings: string[];
  goroutines: GoroutineTable;
  transitions: GoTransitionTable;
  procs: ProcTransitionTable;
  gcEvents: GcEventTable;
  gcCycles: RangeTable;
  stw: RangeTable & { kind: Int32Array };
  metrics: MetricTable;
  tasks: TaskTable;
  regions: RegionTable;
  logs: LogTable;
  cpuSamples: CpuSampleTable;
  figures: TraceFigures;
}

/** Metric names that carry the live heap size (new and old trace formats). */
export const HEAP_LIVE_METRICS: readonly string[] = ['/memory/classes/heap/objects:bytes', '/gc/heap/live:bytes'];

export type { StackIndex };
