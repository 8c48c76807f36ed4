/**
 * Flat and cum per source line of the functions matching a regex (pprof's `-list REGEX`), before any
 * file is read: the engine knows the profile, the host knows the user's source roots
 * (electron/host/source-files.ts reads the lines and puts these figures beside them).
 *
 * As pprof's line-level graph counts them: a node per (function, file, line), cum once per sample
 * however often that line recurs on the stack, flat to the sample's leaf (its innermost visible frame,
 * inlined frames being frames of their own). Functions in name order, files per function in name order.
 */
import type { StackFilterOptions, WeightedStacks } from './weighted-stacks.ts';
import { cachedPrep, compile } from './call-tree-input.ts';
import type { ShownStacksArgs, StackProfileInfo } from './stack-types.ts';

export interface LineFigures {
  line: number;
  flat: number;
  cum: number;
}

export interface FunctionFile {
  /** The file as the profile names it (untrusted: the host resolves it under the user's roots only). */
  file: string;
  /** Sums over the function's lines in this file (pprof's ROUTINE header). */
  flat: number;
  cum: number;
  /** Lines with samples, ascending. */
  lines: LineFigures[];
  /** The function's first line in this file (pprof's Function.start_line), when the profile gives it: `list` starts there. */
  startLine?: number;
}

export interface FunctionLines {
  function: string;
  /** Files the function's samples are in; empty when the profile has no file names ("No source information"). */
  files: FunctionFile[];
}

export interface SourceLinesArgs extends ShownStacksArgs {
  /** Functions whose name this matches (unanchored, as pprof's -list). */
  regex: string;
  /** At most this many functions (name order); default 20. */
  limit?: number;
}

export interface SourceLinesResult {
  type: 'sourceLines';
  profile: StackProfileInfo;
  /** Total weight after filters (pprof's "Total:"). */
  total: number;
  functions: FunctionLines[];
  /** More functions matched than `limit`. */
  truncated: boolean;
}

/** The key of a function's start line in `startLines`: its name and file. */
export const startLineKey = (func: string, file: string): string => `${func}\0${file}`;

export function sourceLines(
  input: WeightedStacks,
  opts: StackFilterOptions & { regex: string; limit?: number; startLines?: ReadonlyMap<string, number> },
): { total: number; functions: FunctionLines[]; truncated: boolean } {
  const rx = compile(opts.regex, 'list');
  if (!rx) throw new Error('list needs a function regex');
  const { p } = cachedPrep(input, { focus: opts.focus, ignore: opts.ignore, hide: opts.hide });
  const t = p.t;
  const { nameOf, names } = p.fn;
  const nameMatch = new Int8Array(names.names.length).fill(-1);
  const matches = (id: number) => {
    let m = nameMatch[id]!;
    if (m < 0) m = nameMatch[id] = rx.test(names.names[id]!) ? 1 : 0;
    return m === 1;
  };
  // (name id, file string, line) → [flat, cum]
  const figures = new Map<string, { id: number; file: number; line: number; flat: number; cum: number }>();
  const seen = new Set<string>();
  const { slotStack } = p.slots;
  const frame = t.stackFrame;
  const prefix = t.stackPrefix;
  const at = (f: number) => {
    const key = `${nameOf[f]!}|${t.frameFile[f]!}|${t.frameLine[f]!}`;
    let e = figures.get(key);
    if (!e) figures.set(key, (e = { id: nameOf[f]!, file: t.frameFile[f]!, line: t.frameLine[f]!, flat: 0, cum: 0 }));
    return { key, e };
  };
  for (let j = 0; j < p.W.length; j++) {
    const w = p.W[j]!;
    if (w === 0) continue;
    seen.clear();
    let leaf = true;
    for (let x = slotStack[j]!; x >= 0; x = prefix[x]!) {
      const f = frame[x]!;
      if (p.hidden && p.hidden[f]) continue;
      if (matches(nameOf[f]!)) {
        const { key, e } = at(f);
        if (leaf) e.flat += w;
        if (!seen.has(key)) {
          seen.add(key);
          e.cum += w;
        }
      }
      leaf = false;
    }
  }
  const byFunction = new Map<number, Map<number, LineFigures[]>>();
  for (const e of figures.values()) {
    let files = byFunction.get(e.id);
    if (!files) byFunction.set(e.id, (files = new Map()));
    let lines = files.get(e.file);
    if (!lines) files.set(e.file, (lines = []));
    lines.push({ line: e.line, flat: e.flat, cum: e.cum });
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const ids = [...byFunction.keys()].sort((a, b) => cmp(names.names[a]!, names.names[b]!));
  const limit = opts.limit ?? 20;
  const functions = ids.slice(0, limit).map((id): FunctionLines => {
    const files = [...byFunction.get(id)!]
      .map(([file, lines]) => ({ file: t.strings[file] ?? '', lines: lines.sort((a, b) => a.line - b.line) }))
      .filter((f) => f.file !== '')
      .sort((a, b) => cmp(a.file, b.file))
      .map((f): FunctionFile => {
        const startLine = opts.startLines?.get(startLineKey(names.names[id]!, f.file));
        return { ...f, flat: f.lines.reduce((s, l) => s + l.flat, 0), cum: f.lines.reduce((s, l) => s + l.cum, 0), ...(startLine ? { startLine } : {}) };
      });
    return { function: names.names[id]!, files };
  });
  return { total: p.total, functions, truncated: ids.length > limit };
}

/** What the host makes of a SourceLinesResult with the files' lines (electron/host/source-files.ts): the bridge's `sourceListing`. */
export interface ListedLine {
  line: number;
  text: string;
  flat: number;
  cum: number;
}

export interface ListedFile {
  /** The file as the profile names it. */
  file: string;
  flat: number;
  cum: number;
  /** Where it was found: the root and the path below it. */
  found?: { root: string; path: string };
  /** Lines around those with samples; absent when the file was not found (see `error`). */
  lines?: ListedLine[];
  /** Why there are no lines: "not found under …", "larger than …". */
  error?: string;
  /** Figures of sampled lines past the file's end or past the lines shown (a stale checkout). */
  unshown?: number;
}

export interface SourceListing {
  total: number;
  unit: string;
  functions: { function: string; files: ListedFile[] }[];
  truncated: boolean;
  /** The folders searched (real paths), GOROOT's src last, so the UI can say where it looked. */
  searched: string[];
}

