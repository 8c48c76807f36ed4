/**
 * `tracedeck goroutines TRACE [--json]`: one row per goroutine of a Go execution trace with the
 * figures of Go's own goroutine summary (what `go tool trace`'s goroutine analysis shows; equal to
 * `go-trace-summary TRACE`): creation / start / end, execution, scheduler wait, syscall, syscall
 * block, block time per reason (spelled as Go spells it), total. Times are ns from the trace's first
 * event. Plain Node: reads the file, ingests it in-process, formats the query's rows.
 */
import { IngestError } from '../shared/ingest/errors.ts';
import { goroutineSummary, type GoroutineSummaryRow } from '../shared/query/trace/trace-goroutine-summary.ts';
import { ingestInput, reasonOf } from './host/ingest-input.ts';

export const GOROUTINES_USAGE = `  tracedeck goroutines TRACE [--json]              per-goroutine time of a Go execution trace (Go's goroutine summary)`;

export interface GoroutinesReport {
  file: string;
  goroutines: GoroutineSummaryRow[];
}

/** The report for one trace file; throws an IngestError naming the file's problem. */
export async function goroutinesReport(file: string): Promise<GoroutinesReport> {
  // A trace file is parsed as it is read (any size); other files are read whole and refused below.
  const { source } = await ingestInput({ path: file });
  if (source.kind !== 'gotrace') throw new IngestError(`not a Go execution trace (it reads as ${source.kind}, ${source.format})`);
  return { file, goroutines: goroutineSummary(source.model) };
}

/** ns → a short readable duration (the table's cells). */
function dur(ns: number): string {
  if (ns === 0) return '0';
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)}s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)}ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)}µs`;
  return `${ns}ns`;
}

/** The readable table: one line per goroutine, most total time first, block reasons spelled out. */
export function goroutinesTable(r: GoroutinesReport): string {
  const head = ['id', 'total', 'exec', 'sched wait', 'syscall', 'syscall block', 'blocked', 'name / block time by reason'];
  const rows = [...r.goroutines]
    .sort((a, b) => b.totalNs - a.totalNs || a.id - b.id)
    .map((g) => {
      const reasons = Object.entries(g.blockNsByReason)
        .filter(([, ns]) => ns > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([k, ns]) => `${k === '' ? '(reason unknown)' : k} ${dur(ns)}`);
      const blocked = Object.values(g.blockNsByReason).reduce((s, v) => s + v, 0);
      return [
        String(g.id),
        dur(g.totalNs),
        dur(g.execNs),
        dur(g.schedWaitNs),
        dur(g.syscallNs),
        dur(g.syscallBlockNs),
        dur(blocked),
        `${g.name || '(no stack seen)'}${reasons.length ? `  [${reasons.join(', ')}]` : ''}`,
      ];
    });
  const widths = head.slice(0, -1).map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((s, c) => (c < widths.length ? (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!)) : s)).join('  ');
  return [`${r.file}: ${r.goroutines.length} goroutines`, line(head), ...rows.map(line)].join('\n');
}

export async function cmdGoroutines(args: string[], usage: string): Promise<number> {
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json');
  const bad = files.find((f) => f.startsWith('-'));
  if (files.length !== 1 || bad !== undefined) {
    console.error(bad !== undefined ? `tracedeck goroutines: unknown option: ${bad}\n${usage}` : usage);
    return 2;
  }
  const file = files[0]!;
  let report: GoroutinesReport;
  try {
    report = await goroutinesReport(file);
  } catch (e) {
    console.error(`tracedeck goroutines: ${file}: ${reasonOf(e)}`);
    return 1;
  }
  process.stdout.write(json ? JSON.stringify(report) + '\n' : goroutinesTable(report) + '\n');
  return 0;
}
