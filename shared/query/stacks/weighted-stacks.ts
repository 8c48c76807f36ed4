/** The input every stack query takes (pprof samples, trace blocking events, goroutine dumps) and the
 * filters that apply to it; its own module so that the call tree and its filter cache share it
 * without importing each other. */
import type { StackTable } from '../../model/stacks.ts';

/** Any stacks with a weight per sample. The table must list a prefix before its extensions (as
 * StackTableBuilder and the pprof parser do): per-stack passes run in index order. */
export interface WeightedStacks {
  stacks: StackTable;
  /** Stack of each sample (-1 = no frames). */
  sampleStack: Int32Array;
  /** Weight of each sample (same length as sampleStack). */
  weight: Float64Array | number[];
}

/** Sample filters, matched against function, file and module (pprof mapping) names, as pprof matches them. */
export interface StackFilterOptions {
  /** Keep only samples with a frame matching this regex. */
  focus?: string;
  /** Drop samples with a frame matching this regex. */
  ignore?: string;
  /** Remove matching frames from stacks; their weight goes to their caller. */
  hide?: string;
  /** Report the weight of samples with a (visible) frame matching this regex as `matched`. */
  search?: string;
}
