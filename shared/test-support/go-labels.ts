/**
 * The labelled Go profiles of shared/query/stacks/testdata/go-labels and Go's own figures of them
 * (top.json, list.json, peek.json, made by generate.mjs there): one place that names their folder and
 * the shape of each file's cases, for every test that compares with them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GO_LABELS_DIR = fileURLToPath(new URL('../query/stacks/testdata/go-labels/', import.meta.url));

/** A file of that folder as bytes. */
export const goLabelsFile = (name: string): Uint8Array => readFileSync(join(GO_LABELS_DIR, name));

/** The cases of one of Go's figure files there. */
export function goLabelsCases<T>(name: string): T[] {
  return (JSON.parse(readFileSync(join(GO_LABELS_DIR, name), 'utf8')) as { cases: T[] }).cases;
}

/** pprof's options each case was run with. */
interface GoRun {
  command: string;
  file: string;
  sampleIndex: string;
  tagfocus?: string;
  tagignore?: string;
  tagroot?: string;
  focus?: string;
  hide?: string;
  total: number;
}

/** top.json: `go tool pprof -top`. */
export interface GoTopCase extends GoRun {
  rows: { function: string; flat: number; cum: number }[];
}

/** list.json: `go tool pprof -list=REGEX`; `shown` is the first and last line Go prints. */
export interface GoListCase extends GoRun {
  regex: string;
  routines: { function: string; file: string; flat: number; cum: number; lines: { line: number; flat: number; cum: number }[]; shown: [number, number] }[];
}

/** peek.json: `go tool pprof -peek=REGEX`. */
export interface GoPeekCase extends GoRun {
  regex: string;
  entries: { function: string; flat: number; cum: number; callers: { function: string; weight: number }[]; callees: { function: string; weight: number }[] }[];
}
