/**
 * Test-only: Go's MMU references (oracles/mmu, made by td-trace-mmu-oracle) and the traces they cover.
 * Times in them are Go's trace-clock ns.
 */
import { join } from 'node:path';
import { oracleDir, oracleOutputs, oracleTraces, tracesIn, type OracleTrace } from './oracles.ts';

export { readTrace } from './oracles.ts';

/** Traces made for the MMU tests (oracles/mmu/gcheavy): the collector always busy, GOMAXPROCS changing. */
const GC_HEAVY = join(oracleDir('mmu'), 'gcheavy');

export const GO_DEFAULT_FLAGS = 'stw|background|assist|sweep';
export const GO_PER_PROC_FLAGS = 'stw|background|assist|sweep|perProc';
export const GO_PAGE_FLAGS = 'stw|background|assist';

export interface GoMmuResult {
  flags: string;
  series: { points: number; first: number; last: number; integral: number; zeros: number; minUtil: number; firstUtil: number }[];
  xMin: number;
  xMax: number;
  /** [window ns, MMU] at the /mmu page's plotted window sizes. */
  curve: [number, number][];
  /** MMUCurve.Examples(window, 10): start time (Go's clock) and mean utilization. */
  worst: { window: number; windows: { time: number; util: number }[] }[];
  /** Every series as [time, util] points. */
  util?: [number, number][][];
}

export interface GoMmuOutput {
  firstEventNs: number;
  lastEventNs: number;
  events: number;
  results: GoMmuResult[];
}

/** Every trace the references cover: scenario and third-party fixtures, shared/test-support/traces, gcheavy. */
export function mmuTraces(): OracleTrace[] {
  return [...oracleTraces(), ...tracesIn(GC_HEAVY, 'gcheavy_')];
}

/** The oracle's outputs for a trace (several when Go's own event order varied run to run). */
export function goMmu(name: string): GoMmuOutput[] {
  return oracleOutputs<GoMmuOutput>('mmu', name);
}
