/**
 * The types of stack-profile queries (stack-sources.ts, shown-pprof.ts) that query-types.ts names
 * in its query and result unions: their own module, so that the query modules may use those unions
 * without the unions importing them back.
 */
import type { StackTable } from '../../model/stacks.ts';

/** A range in SOURCE-relative ns (the source's own clock). */
export interface SourceRange {
  startNs: number;
  endNs: number;
}

export interface StackProfileInfo {
  /** Stable key for queries (pprof: the sample type name; traces: sync/net/syscall/sched/cpu). */
  key: string;
  label: string;
  /** pprof unit: `nanoseconds`, `bytes`, `count` … (what format.ts formatValue understands). */
  unit: string;
  /** The profile to show first (pprof: the default sample type). */
  default: boolean;
  /** True when a time range narrows it (trace-derived profiles). */
  rangeable: boolean;
  /**
   * What the values measure, across source kinds: `cpu` (a CPU profile's time, a trace's CPU samples),
   * `delay` (block/mutex delay, a trace's blocking), `goroutines` (a goroutine profile or dump), else
   * the sample type's name. Two profiles diff only when quantity and unit agree: goroutine counts
   * minus CPU samples means nothing, though both once counted.
   */
  quantity: string;
}

/**
 * A profile reduced to what a diff compares — function and file per frame, one entry per distinct
 * path with its summed weight — so it can travel to another source's engine (structured clone).
 */
export interface ExportedStacks {
  unit: string;
  stacks: StackTable;
  sampleStack: Int32Array;
  weight: Float64Array;
}

/**
 * The stacks a stack view shows: a profile, a range, pprof's -focus / -ignore / -hide and -tagfocus /
 * -tagignore / -tagroot. Every stack query takes these (query-schemas.ts: shownStacksArgs); the
 * "Save as pprof" query (shown-pprof.ts) takes just these.
 */
export interface ShownStacksArgs {
  /** StackProfileInfo.key; the source's default profile when absent. */
  profile?: string;
  /** Source-relative ns; narrows trace-derived profiles. */
  range?: SourceRange;
  focus?: string;
  ignore?: string;
  hide?: string;
  /** pprof's -tagfocus / -tagignore / -tagroot (stacks/stack-labels.ts). */
  tagfocus?: string;
  tagignore?: string;
  tagroot?: string;
}

/** Arguments of the "Save as pprof" query (shown-pprof.ts). */
export type ShownPprofArgs = ShownStacksArgs;

export interface ShownPprof {
  type: 'shownPprof';
  profile: StackProfileInfo;
  /** perftools.profiles.Profile, not gzipped. */
  bytes: Uint8Array;
}
