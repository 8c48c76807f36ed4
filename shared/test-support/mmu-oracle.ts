/**
 * Test-only: Go's MMU references (oracles/mmu, made by td-trace-mmu-oracle) and the traces they cover.
 * Times in them are Go's trace-clock ns.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { FIXTURES, listFixtures } from './fixtures.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const ORACLES = join(here, 'oracles/mmu');
const TRACES = join(here, 'traces');
/** Traces made for the MMU tests (oracles/mmu/gcheavy): the collector always busy, GOMAXPROCS changing. */
const GC_HEAVY = join(ORACLES, 'gcheavy');

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
export function mmuTraces(): { name: string; path: string }[] {
  const fx = listFixtures()
    .filter((f) => /^scenarios\/[^/]+\/trace\.out$/.test(f) || /^third-party\/golang-go-trace\/.*_good$/.test(f))
    .map((f) => ({ name: f.replaceAll('/', '_'), path: join(FIXTURES, f) }));
  const own = readdirSync(TRACES)
    .filter((f) => f.endsWith('.trace.gz'))
    .map((f) => ({ name: `traces_${f}`, path: join(TRACES, f) }));
  const gc = readdirSync(GC_HEAVY)
    .filter((f) => f.endsWith('.trace.gz'))
    .map((f) => ({ name: `gcheavy_${f}`, path: join(GC_HEAVY, f) }));
  return [...fx, ...own, ...gc];
}

/** The oracle's outputs for a trace (several when Go's own event order varied run to run). */
export function goMmu(name: string): GoMmuOutput[] {
  return readdirSync(ORACLES)
    .filter((f) => f.startsWith(`${name}.`) && f.endsWith('.json.gz'))
    .sort()
    .map((f) => JSON.parse(gunzipSync(readFileSync(join(ORACLES, f))).toString('utf8')) as GoMmuOutput);
}

export function readTrace(path: string): Uint8Array {
  const b = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(b) : b;
}
