/**
 * The trace timeline's query contract (issue 14): lanes per P, per thread (M) and per goroutine, at the
 * resolution of the visible window, plus what a hover or click asks for. Computed in the engine that
 * holds the TraceModel (shared/query/trace/timeline/*.ts), drawn by renderer/src/components/trace-timeline.
 *
 * Times are source-relative ns (the model's time), like every SourceRange. Slices are columnar
 * (parallel arrays) because a window at pixel resolution holds tens of thousands of them.
 *
 * Changes since the first contract (trace-queries), all additive: LaneSlices.kindNs (optional: exact
 * ns per kind of the lane in the window, whatever the merging). The queries' QueryMap entries:
 * timelineOverview → { overview }, timelineWindow → { window }, timelineSliceDetail → { detail | null },
 * searchGoroutines → { matches }. A proc lane's id is the P id (-1: transitions without a P); a thread
 * lane's the M id (ids -1, -2, …: "syscall (thread unknown)" lanes, syscalls no event names a thread
 * for, e.g. one a Go ≤ 1.21 trace finds in progress at its start; added by timeline-speed, additive); slices shorter than resolutionNs are merged; a window never has more than 100,000
 * pixel columns (a smaller resolutionNs is raised to that).
 */
import type { SourceRange } from '../../stacks/stack-types.ts';

/** Which lane: a P, an OS thread (M), a goroutine (by goroutine id, not model row). */
export type LaneKind = 'proc' | 'thread' | 'goroutine';
export interface LaneRef {
  kind: LaneKind;
  id: number;
}

/**
 * What a slice is. Proc lane: 'running' (a goroutine ran on the P; `g` says which), 'syscall' (goroutine
 * `g` in a syscall still holding the P; added by timeline-speed), 'idle' gaps are not sent. Thread lane: 'running' (the M held a P and ran `g`), 'syscall' (in a syscall holding its P),
 * 'syscall-blocked' (in a syscall after its P was taken). Goroutine lane: its state.
 * GC lane (kind 'proc' id -1 is never used; GC is in `TimelineWindow.gc`): 'gc-mark', 'stw', 'assist', 'sweep'.
 */
export const SLICE_KINDS = [
  'running',
  'runnable',
  'waiting',
  'syscall',
  'syscall-blocked',
  'gc-mark',
  'stw',
  'assist',
  'sweep',
  'not-exist',
] as const;
export type SliceKind = (typeof SLICE_KINDS)[number];

/** Slices of one lane in the window; index i of every array is one slice. */
export interface LaneSlices {
  lane: LaneRef;
  start: number[];
  end: number[];
  /** Index into SLICE_KINDS. A merged (LOD) slice takes the kind that held most of its time. */
  kind: number[];
  /** Goroutine id shown by the slice (proc/thread lanes: the running goroutine; goroutine lane: itself); -1 none or mixed. */
  g: number[];
  /**
   * Index into TimelineWindow.labels: for running slices the goroutine's start function (or its innermost
   * user region, when the window asks `colorBy: 'region'`), for waiting slices the wait reason; -1 none.
   */
  label: number[];
  /** How many exact slices this one stands for: 1 = exact; > 1 = a level-of-detail summary narrower than a pixel. */
  merged: number[];
  /**
   * Exact ns per kind (SLICE_KINDS order) of the lane inside the window, whatever the merging: a
   * merged slice is drawn in its dominant kind, these say how the time really splits. (Added by
   * trace-queries; additive.)
   */
  kindNs?: number[];
  /**
   * Marks drawn over a goroutine lane's slices: its GC mark assists (kind 'assist', from the model's GC
   * event log), those closer than a pixel merged into one. Goroutine lanes only. (Added by
   * timeline-speed; additive.)
   */
  marks?: { start: number[]; end: number[]; kind: number[] };
}

export interface TimelineWindowArgs {
  range: SourceRange;
  /** ns per pixel of the drawing: slices shorter than this are merged into per-pixel summaries. */
  resolutionNs: number;
  /** The lanes to fill (the view asks only for the visible ones). */
  lanes: LaneRef[];
  colorBy?: 'goroutine' | 'region';
  /** Also return wake-up flows whose either end is in one of the asked goroutine lanes (or all in range when absent), at most this many. */
  flowLimit?: number;
}

/** A wake-up: goroutine `fromG` (on P `fromP`) made `toG` runnable at `t`; `toRunT` is when `toG` next ran (NaN never). */
export interface WakeFlow {
  t: number;
  fromG: number;
  toG: number;
  fromP: number;
  toRunT: number;
}

export interface TimelineWindow {
  range: SourceRange;
  resolutionNs: number;
  labels: string[];
  lanes: LaneSlices[];
  /**
   * Whole-process GC marks in the window (one lane), merged at the resolution: 'stw' over 'assist'
   * (some goroutine in a mark assist) over 'gc-mark' ('sweep' is not sent).
   */
  gc: LaneSlices;
  /** User regions of the asked goroutine lanes and user tasks overlapping the window, nested by depth. */
  spans: { kind: 'task' | 'region'; id: number; g: number; type: string; start: number; end: number; depth: number }[];
  /** Logs in the window (capped), as marks. */
  logs: { t: number; g: number; category: string; message: string }[];
  /** CPU samples per pixel column: t = column start, n = samples, g = goroutine of the first one. */
  cpuSamples: { t: number[]; n: number[]; p: number[] };
  /** Heap live bytes and goroutine count, one point per pixel at most. */
  heap: { t: number[]; v: number[] };
  goroutineCount: { t: number[]; v: number[] };
  flows: WakeFlow[];
  /** Flows left out by flowLimit. */
  flowsOmitted: number;
}

/** The lanes the trace has (for the lane list, search and the whole-trace minimap). */
export interface TimelineOverview {
  startNs: number;
  endNs: number;
  procs: { id: number; busyNs: number }[];
  threads: { id: number; busyNs: number }[];
  goroutineCount: number;
  hasTasks: boolean;
  hasCpuSamples: boolean;
}

export interface StackFrameRef {
  fn: string;
  file: string;
  line: number;
}

/** One goroutine event as the detail pane lists it. */
export interface GoroutineEventRow {
  t: number;
  from: string;
  to: string;
  reason: string;
  p: number;
  /** Goroutine id that caused it (the waker for an unblock), -1 none. */
  byG: number;
  /** Top frame of the event's stack ('' none). */
  where: string;
}

/** What a click on a slice opens. */
export interface SliceDetail {
  lane: LaneRef;
  g: number;
  /** The goroutine's start function. */
  fn: string;
  state: SliceKind;
  reason: string;
  start: number;
  end: number;
  p: number;
  /** The stack in effect at that moment: where it blocked / was preempted / entered the syscall, or its start stack. */
  stack: StackFrameRef[];
  /** Who made it runnable before this slice (the waker) and when; null when unknown or not woken. */
  wokenBy: { g: number; t: number; fn: string } | null;
  /** Goroutines this one woke during the slice. */
  woke: { g: number; t: number }[];
  /** The goroutine's events around the moment (up to `eventLimit`), and the total it has. */
  events: GoroutineEventRow[];
  eventsTotal: number;
}

export interface GoroutineMatch {
  id: number;
  fn: string;
  /** Time it ran in the trace (ns) and its time blocked (ns), to rank matches. */
  runningNs: number;
  blockedNs: number;
}

/** Go's /mmu flags (internal/trace UtilFlags). */
export interface MmuFlags {
  perProc?: boolean;
  stw?: boolean;
  background?: boolean;
  assist?: boolean;
  sweep?: boolean;
}

export interface MmuPoint {
  windowNs: number;
  /** Minimum mutator utilization over every window of that size, 0..1 (Go's MMUCurve.MMU). */
  mmu: number;
}

export interface MmuResult {
  flags: MmuFlags;
  range: SourceRange;
  /** The curve, logarithmic in window size as Go's /mmu page samples it. */
  curve: MmuPoint[];
  /** The worst windows for one size (Go's MMUCurve.Examples), when asked. */
  worst: { windowNs: number; windows: { start: number; mmu: number }[] } | null;
}
