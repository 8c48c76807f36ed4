/**
 * Goroutine dump model — owned by the goroutine-dump ingest (shared/ingest/goroutines).
 *
 * One text dump (`/debug/pprof/goroutine?debug=1` or `?debug=2`, a panic or SIGQUIT traceback)
 * becomes two struct-of-arrays tables over one shared StackTable:
 *
 *   goroutines (debug=2 only; empty for debug=1, which never lists single goroutines)
 *     id[i]  state[i]  waitMinutes[i]  flags[i]  stack[i]  creatorId[i]  createdByFrame[i]  labels[i]  group[i]
 *      50     ─► states[2] "select"  -1        0        ─► StackIndex (root first)  33   ─► FrameIndex   0  3
 *
 *   groups (debug=2: goroutines with the same state and stack; debug=1: the `N @ 0x…` records)
 *     state[g]  stack[g]  size[g]  maxWaitMinutes[g]  labels[g]
 *
 * States are the text Go prints inside the brackets before `, N minutes` / `, locked to thread`
 * (e.g. `chan receive (nil chan)`); debug=1 groups have no state and use NO_STATE.
 */
import type { StackTable } from './stacks.ts';

/** Index into GoroutineDumpModel.states. */
export type StateIndex = number;
/** Index into GoroutineDumpModel.labels (0 is always "no labels"). */
export type LabelsIndex = number;

/** Bits of GoroutineTable.flags. */
export const GoroutineFlag = {
  /** `, locked to thread` in the header. */
  lockedToThread: 1,
  /** `...additional frames elided...` / `...N frames elided...`: the stack is incomplete. */
  elided: 2,
  /** `goroutine running on other thread; stack unavailable`. */
  stackUnavailable: 4,
  /** `[originating from goroutine N]` ancestor tracebacks followed (GODEBUG=tracebackancestors). */
  hasAncestors: 8,
} as const;

/** Sentinel in waitMinutes columns: Go printed no `, N minutes` (it does so only from 1 minute on). */
export const NO_WAIT = -1;
/** Sentinel goroutine id: unknown (e.g. `created by F` from Go < 1.21 names no creator goroutine). */
export const NO_GOROUTINE = -1;

export interface GoroutineTable {
  readonly count: number;
  /** Goroutine ids (float64: ids are uint64 in Go and can pass 2^31). */
  readonly id: Float64Array;
  readonly state: Int32Array;
  /** `N minutes` from the header, or NO_WAIT. */
  readonly waitMinutes: Float64Array;
  /** GoroutineFlag bits. */
  readonly flags: Uint8Array;
  /** -1 when no frame was printed. */
  readonly stack: Int32Array;
  /** The `in goroutine N` of `created by`, or NO_GOROUTINE. */
  readonly creatorId: Float64Array;
  /** The `created by` function and call site as a frame, or -1 (goroutine 1, or none printed). */
  readonly createdByFrame: Int32Array;
  readonly labels: Int32Array;
  /** Index into the groups table. */
  readonly group: Int32Array;
}

export interface GoroutineGroupTable {
  readonly count: number;
  readonly state: Int32Array;
  readonly stack: Int32Array;
  /** Goroutines in the group (debug=1: the record's count). */
  readonly size: Float64Array;
  /** Longest `N minutes` among members, or NO_WAIT. */
  readonly maxWaitMinutes: Float64Array;
  /** debug=1: the record's `# labels:` line; debug=2: labels of the first member. */
  readonly labels: Int32Array;
}

export interface GoroutineDumpModel {
  stacks: StackTable;
  /** Which text format: 1 (counted records) or 2 (one block per goroutine, also panics/SIGQUIT). */
  debug: 1 | 2;
  /** debug=1: `total` of the header; debug=2: number of goroutine blocks kept. */
  total: number;
  /** Distinct state texts; NO_STATE_TEXT ('') stands for "unknown" (debug=1). */
  states: string[];
  /** Distinct label texts as printed (`{"k":"v"}`); index 0 is '' (none). */
  labels: string[];
  goroutines: GoroutineTable;
  /** Sorted by size, largest first (ties: first seen first). */
  groups: GoroutineGroupTable;
  /** Text before the first goroutine of a crash (`panic: …`, `fatal error: …`, `SIGQUIT: quit` …), or null. */
  panic: string | null;
}

export const NO_STATE_TEXT = '';

/** `N minutes` of a goroutine, or null when Go printed none. */
export function goroutineWaitMinutes(m: GoroutineDumpModel, i: number): number | null {
  const w = m.goroutines.waitMinutes[i]!;
  return w === NO_WAIT ? null : w;
}
