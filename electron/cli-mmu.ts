/**
 * `tracedeck mmu TRACE [--flags LIST] [--window DURATION] [--json]`: minimum mutator utilization of a
 * Go execution trace, equal to `go tool trace`'s /mmu page (Go's internal/trace MMU): the curve at the
 * window sizes Go plots and, with --window, the ten worst windows of that size. Flags as the page's
 * checkboxes: stw, background, assist, sweep, perProc (the page's "per-goroutine" view); default the
 * page's initial stw,background,assist. Plain Node: reads the file, ingests it in-process.
 */
import { IngestError } from '../shared/ingest/errors.ts';
import { ingestBytes } from '../shared/ingest/ingest.ts';
import { MMU_FLAG_NAMES, GO_PAGE_DEFAULT_FLAGS, mmuQuery } from '../shared/query/trace/mmu/mmu-query.ts';
import type { MmuFlags, MmuResult } from '../shared/query/trace/timeline/timeline-types.ts';
import { readInput, reasonOf } from './host/ingest-input.ts';

export const MMU_USAGE = `  tracedeck mmu TRACE [--flags stw,background,assist,sweep[,perProc]] [--window 1ms] [--json]
                                                  minimum mutator utilization (Go's /mmu), worst windows of --window`;

export interface MmuReport extends MmuResult {
  file: string;
}

/** "stw,assist" → flags; throws naming an unknown one. */
export function parseMmuFlags(list: string): MmuFlags {
  const flags: MmuFlags = {};
  for (const name of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(MMU_FLAG_NAMES as readonly string[]).includes(name)) throw new Error(`unknown MMU flag "${name}" (known: ${MMU_FLAG_NAMES.join(', ')})`);
    flags[name as (typeof MMU_FLAG_NAMES)[number]] = true;
  }
  return flags;
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 };

/** Longest window asked: the bridge's own bound for the mmu query (about 11.6 days). */
const MAX_WINDOW_NS = 1e15;

/** "1ms", "250µs", "2.5s", "1500" (ns) → whole ns, 1 ns .. MAX_WINDOW_NS; throws on anything else. */
export function parseDurationNs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)?$/.exec(text.trim());
  const ns = m ? Math.round(Number(m[1]) * UNITS[m[2] ?? 'ns']!) : NaN;
  if (!(ns >= 1)) throw new Error(`not a duration: "${text}" (e.g. 1ms, 250us, 2s, or ns)`);
  // A run of digits reads as Infinity; the report could not name such a window.
  if (!(ns <= MAX_WINDOW_NS)) throw new Error(`window "${text}" is longer than ${MAX_WINDOW_NS / 864e11} days`);
  return ns;
}

/** The report for one trace file; throws an IngestError naming the file's problem. */
export async function mmuReport(file: string, flags: MmuFlags, windowNs?: number): Promise<MmuReport> {
  const { bytes, mtimeMs } = await readInput({ path: file });
  const source = await ingestBytes(bytes, { mtimeMs });
  if (source.kind !== 'gotrace') throw new IngestError(`not a Go execution trace (it reads as ${source.kind}, ${source.format})`);
  return { file, ...mmuQuery(source.model, { flags, ...(windowNs !== undefined ? { worstFor: windowNs } : {}) }) };
}

/** ns → a short readable duration, as Go's page labels windows. */
export function niceDuration(ns: number): string {
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${+(ns / 1e3).toPrecision(4)}µs`;
  if (ns < 1e9) return `${+(ns / 1e6).toPrecision(4)}ms`;
  return `${+(ns / 1e9).toPrecision(4)}s`;
}

/** The readable report: every 11th plotted window (the whole curve is in --json) and the worst windows. */
export function mmuTable(r: MmuReport): string {
  const flags = MMU_FLAG_NAMES.filter((n) => r.flags[n]).join(',') || '(none)';
  const out = [`${r.file}: minimum mutator utilization, flags ${flags}`];
  if (r.curve.length === 0) {
    out.push('no utilization data: the trace never states GOMAXPROCS');
    return out.join('\n');
  }
  out.push(`${'window'.padStart(10)}  MMU`);
  r.curve.forEach((p, i) => {
    if (i % 11 === 0 || i === r.curve.length - 1) out.push(`${niceDuration(p.windowNs).padStart(10)}  ${(p.mmu * 100).toFixed(2)}%`);
  });
  if (r.worst) {
    out.push(`lowest mutator utilization in ${niceDuration(r.worst.windowNs)} windows:`);
    for (const w of r.worst.windows) out.push(`  ${(w.mmu * 100).toFixed(2).padStart(6)}%  at ${niceDuration(w.start)} from the trace start`);
  }
  return out.join('\n');
}

export async function cmdMmu(args: string[], usage: string): Promise<number> {
  let json = false;
  let flags: MmuFlags = { ...GO_PAGE_DEFAULT_FLAGS };
  let windowNs: number | undefined;
  const files: string[] = [];
  try {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      // --flags X and --flags=X alike, as the other commands take their options.
      const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
      const [a, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
      if (a === '--json' && inline === undefined) json = true;
      else if (a === '--flags' || a === '--window') {
        const value = inline ?? args[++i];
        if (value === undefined) throw new Error(`${a} needs a value`);
        if (a === '--flags') flags = parseMmuFlags(value);
        else windowNs = parseDurationNs(value);
      } else if (a.startsWith('-')) throw new Error(`unknown option: ${arg}`);
      else files.push(arg);
    }
    if (files.length !== 1) throw new Error('one trace file expected');
  } catch (e) {
    console.error(`tracedeck mmu: ${(e as Error).message}\n${usage}`);
    return 2;
  }
  const file = files[0]!;
  let report: MmuReport;
  try {
    report = await mmuReport(file, flags, windowNs);
  } catch (e) {
    console.error(`tracedeck mmu: ${file}: ${reasonOf(e)}`);
    return 1;
  }
  process.stdout.write(json ? JSON.stringify(report) + '\n' : mmuTable(report) + '\n');
  return 0;
}
