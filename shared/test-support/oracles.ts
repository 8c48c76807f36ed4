/**
 * Test-only: the traces Go's oracles cover and the outputs committed for them under ./oracles/<tool>
 * (mmu, timeline, trace-events, go-trace-summary, trace-pprof; each folder's README says the command).
 * An output is named `<trace name>.<n>.json[.gz]`: several per trace when Go's own order varied run to run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { FIXTURES, listFixtures } from './fixtures.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Traces generated for the oracle tests (committed next to this file). */
export const OWN_TRACES = join(here, 'traces');

export interface OracleTrace {
  /** The trace's name in the oracle outputs: its path with '/' → '_' (`traces_` + file for our own). */
  name: string;
  path: string;
}

/** The folder of one oracle's outputs (oracles/<tool>). */
export function oracleDir(oracle: string): string {
  return join(here, 'oracles', oracle);
}

/** Every trace the oracles cover: the scenario and third-party fixture traces, and shared/test-support/traces. */
export function oracleTraces(): OracleTrace[] {
  const fx = listFixtures()
    .filter((f) => /^scenarios\/[^/]+\/trace\.out$/.test(f) || /^third-party\/golang-go-trace\/.*_good$/.test(f))
    .map((f) => ({ name: f.replaceAll('/', '_'), path: join(FIXTURES, f) }));
  return [...fx, ...tracesIn(OWN_TRACES, 'traces_')];
}

/** The .trace.gz files of a folder, named `prefix` + file name. */
export function tracesIn(dir: string, prefix: string): OracleTrace[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.trace.gz'))
    .map((f) => ({ name: `${prefix}${f}`, path: join(dir, f) }));
}

/** A trace file's bytes, gunzipped when its name ends in .gz. */
export function readTrace(path: string): Uint8Array {
  const b = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(b) : b;
}

/** One committed oracle output (JSON, gzipped when the name ends in .gz). */
export function readOracle<T>(oracle: string, file: string): T {
  const b = readFileSync(join(oracleDir(oracle), file));
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(b) : b).toString('utf8')) as T;
}

/** Every output an oracle committed for a trace, in file-name order (empty when there is none). */
export function oracleOutputs<T>(oracle: string, name: string): T[] {
  return readdirSync(oracleDir(oracle))
    .filter((f) => f.startsWith(`${name}.`) && (f.endsWith('.json') || f.endsWith('.json.gz')))
    .sort()
    .map((f) => readOracle<T>(oracle, f));
}
