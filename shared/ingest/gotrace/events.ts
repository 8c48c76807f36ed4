/*
 * Contract changes (backward compatible, all additions are optional sink methods):
 *  - `rangeActive?` (v2 decoder): a range already in progress when a generation starts (Go's
 *    EventRangeActive, e.g. a GC mark phase that began before the trace did).
 *  - `warning?`: a non-fatal problem (e.g. a corrupt later generation that was dropped).
 *  - `goTransition`'s trailing `p` (the event's P) and `goroutineStartStack?` (old formats).
 *  - Timelines (issue 14): the event's thread `m` on `goTransition` and `procTransition` (and
 *    `stolen` for a ProcSteal), the event's P and goroutine on range events, and `label?` (Go's
 *    EventLabel: the "GC (dedicated)" … labels of mark workers).
 */
/**
 * The normalized Go trace event stream: what both decoders (v1 = go 1.11–1.21, v2 = go 1.22+) emit,
 * in Go's own global event order, and what the model builder and the blocking-profile computations
 * consume. It mirrors the vocabulary of Go's `internal/trace` Event API (state transitions, ranges,
 * metrics, stack samples, tasks/regions/logs, syncs), because Go's tools (cmd/trace's pprof.go) define
 * their figures over exactly that API, and old traces are converted into it the way Go converts them.
 *
 * Times are integer nanoseconds exactly as Go computes `Event.Time()` (ticks × (1e9 / ticksPerSec),
 * truncated), so differences and sums equal Go's to the nanosecond.
 *
 * Streaming (a sink of callbacks), never an array of event objects: a 100 MB trace holds ~20 M events.
 */
import type { StackIndex } from '../../model/stacks.ts';

// Goroutine and proc states are the model's (shared/model/trace.ts): transitions store them as they come.
import { GoState, ProcState } from '../../model/trace.ts';
export { GoState, ProcState };

/** Integer nanoseconds on the trace's own clock (Go's trace.Time). */
export type TraceTime = number;

/** No stack (Go's trace.NoStack). */
export const NO_STACK: StackIndex = -1;

/**
 * Where a range lives (Go's ResourceKind for range events). A decoder may hand the same (mutated)
 * scope object to successive calls to avoid an allocation per event: a sink copies what it keeps.
 */
export type RangeScope = { kind: 'global' } | { kind: 'proc'; id: number } | { kind: 'goroutine'; id: number };

export interface TraceHeaderInfo {
  /** Minor version from the header: 11 … 26. */
  goMinor: number;
  /** Ticks per second from the frequency event/batch. */
  ticksPerSec: number;
}

export interface TraceEventSink {
  /** Called once, before any event. */
  begin(info: TraceHeaderInfo): void;

  /**
   * A goroutine changes state. `eventStack` is the stack of the event itself (Go's `Event.Stack()`,
   * e.g. where a goroutine blocked, or where `go` was called for a creation); `resourceStack` is the
   * transition's own stack (Go's `StateTransition.Stack`, e.g. the new goroutine's start function).
   * `reason` is Go's reason string (e.g. "chan receive", "network", "sync", "select", "sleep",
   * "preempted"); "" when none. `g` of the event's executing goroutine is `byG` (-1 when none).
   * `p` is the P of the event's context (Go's `Event.Proc()`, -1 when none): Go's summary tells a
   * syscall with a P from one without by it. `m` is the event's thread (Go's `Event.Thread()`, -1
   * when none).
   */
  goTransition(
    t: TraceTime,
    g: number,
    from: GoState,
    to: GoState,
    reason: string,
    eventStack: StackIndex,
    resourceStack: StackIndex,
    byG: number,
    p?: number,
    m?: number,
  ): void;

  /**
   * Optional, old formats only: the start function (a one-frame stack) the trace records for a
   * goroutine that existed before it began. Go's converter drops it, so it names no goroutine in
   * Go's summary; views use it to group such goroutines, which have no other stack.
   */
  goroutineStartStack?(g: number, stack: StackIndex): void;

  /**
   * A P changes state. `m` is the event's thread (Go's `Event.Thread()`, -1 unknown; for a steal the
   * stealing thread); `stolen` is true for a ProcSteal (the P taken from a thread in a syscall).
   */
  procTransition(t: TraceTime, p: number, from: ProcState, to: ProcState, m?: number, stolen?: boolean): void;

  /**
   * Range begin/end, named as Go names them: "GC concurrent mark phase", "stop-the-world (<reason>)",
   * "GC incremental sweep", "GC mark assist". `p` and `g` are the event's P and executing goroutine
   * (Go's `Event.Proc()` / `Event.Goroutine()`, -1 none): Go's MMU counts a sweep or assist on `p`.
   */
  rangeBegin(t: TraceTime, name: string, scope: RangeScope, stack: StackIndex, p?: number, g?: number): void;
  rangeEnd(t: TraceTime, name: string, scope: RangeScope, stack: StackIndex, p?: number, g?: number): void;
  /** Optional: a range seen as already active at a generation start (Go's EventRangeActive). */
  rangeActive?(t: TraceTime, name: string, scope: RangeScope, p?: number, g?: number): void;

  /**
   * Optional: a goroutine label (Go's EventLabel; the runtime labels GC mark workers "GC (dedicated)",
   * "GC (fractional)", "GC (idle)"). `g` is the labelled goroutine (the event's), `p` the event's P.
   */
  label?(t: TraceTime, g: number, p: number, label: string): void;

  /** Metric sample: "/gc/heap/live:bytes", "/gc/heap/goal:bytes", "/sched/gomaxprocs:threads". */
  metric(t: TraceTime, name: string, value: number): void;

  /** A CPU profile sample (Go's EventStackSample). */
  stackSample(t: TraceTime, g: number, p: number, stack: StackIndex): void;

  taskBegin(t: TraceTime, id: number, parent: number, type: string, g: number, stack: StackIndex): void;
  taskEnd(t: TraceTime, id: number, g: number, stack: StackIndex): void;
  regionBegin(t: TraceTime, task: number, type: string, g: number, stack: StackIndex): void;
  regionEnd(t: TraceTime, task: number, type: string, g: number, stack: StackIndex): void;
  log(t: TraceTime, task: number, category: string, message: string, g: number, stack: StackIndex): void;

  /**
   * A generation boundary / sync point. `wallEpochNs` is the wall clock at `t` when the trace carries a
   * clock snapshot (go 1.25+), as a decimal string of Unix-epoch nanoseconds; otherwise undefined.
   */
  sync(t: TraceTime, wallEpochNs?: string): void;

  /** Optional: a non-fatal problem, with the byte offset where it was found. */
  warning?(message: string, offset: number): void;

  /** Called once after the last event; `partial` when the input was cut and only a whole prefix was read. */
  end(partial: boolean, lastGoodOffset: number): void;
}
