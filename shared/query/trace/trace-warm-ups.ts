/**
 * The whole-trace walks every view of a trace needs, as idle steps for the engine to run once after a
 * trace is ready (engine-worker.ts), each cached per model by the query that owns it: the transition
 * index, the goroutine groups of the whole trace (the blocking view's first answer) and the whole
 * trace's blocking totals (every brush's "what changed" baseline). Queries never depend on them: a
 * query arriving first computes (and caches) what it needs itself, and the step then finds it done.
 */
import type { TraceModel } from '../../model/trace.ts';
import { traceWholeTotals } from '../what-changed.ts';
import { traceGoroutineGroups } from './trace-goroutine-groups.ts';
import { transitionIndex } from './transition-index.ts';

export function traceWarmUps(m: TraceModel): (() => void)[] {
  return [() => void transitionIndex(m), () => void traceGoroutineGroups(m), () => void traceWholeTotals(m)];
}
