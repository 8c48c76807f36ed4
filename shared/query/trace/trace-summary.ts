/**
 * The figures `tracedeck inspect --json` prints for a Go execution trace (definitions in
 * shared/fixtures/README.md, "Reference figures").
 */
import type { TraceModel } from '../../model/trace.ts';
import { blockingTotals } from './trace-blocking.ts';

/** Whole-trace blocking totals, computed once per model (one pass over the transitions). */
const totalsCache = new WeakMap<TraceModel, TraceSummaryFigures['blockingNs']>();

export interface TraceSummaryFigures {
  format: string;
  goVersion: string;
  durationNs: number;
  /** Distinct goroutine ids in goroutine state transitions. */
  goroutines: number;
  /** GC mark phases that begin in the trace. */
  gcCount: number;
  /** Distinct P ids in proc state transitions. */
  procs: number;
  cpuSamples: number;
  partial: boolean;
  /** Sum of each `go tool trace -pprof=KIND` profile's delay, ns. */
  blockingNs: { sync: number; net: number; syscall: number; sched: number };
}

export function summarizeTrace(src: { format: string; partial: boolean; model: TraceModel }): TraceSummaryFigures {
  const m = src.model;
  const f = m.figures;
  let blockingNs = totalsCache.get(m);
  if (blockingNs === undefined) {
    blockingNs = blockingTotals(m, ['sync', 'net', 'syscall', 'sched']);
    totalsCache.set(m, blockingNs);
  }
  return traceSummaryFigures(src.format, {
    goMinor: m.goMinor,
    durationNs: m.endNs - m.startNs,
    goroutines: f.goroutines,
    gcCount: f.gcCount,
    procs: f.procs,
    cpuSamples: f.cpuSamples,
    partial: src.partial,
    blockingNs,
  });
}

/** The counts behind the figures (a model's, or `inspect`'s read without one: electron/host/trace-figures.ts). */
export type TraceCounts = Omit<TraceSummaryFigures, 'format' | 'goVersion'> & { goMinor: number };

/** The figures, keys in the order `inspect` prints them. */
export function traceSummaryFigures(format: string, c: TraceCounts): TraceSummaryFigures {
  return {
    format,
    goVersion: `go1.${c.goMinor}`,
    durationNs: c.durationNs,
    goroutines: c.goroutines,
    gcCount: c.gcCount,
    procs: c.procs,
    cpuSamples: c.cpuSamples,
    partial: c.partial,
    blockingNs: { ...c.blockingNs },
  };
}
