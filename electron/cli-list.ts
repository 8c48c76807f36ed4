/**
 * `tracedeck list FILE… REGEX [--source-path DIR[:DIR…]] [--trim-path P] [top's options] [--json]` and
 * `tracedeck peek FILE… REGEX [top's options] [--json]`: pprof's `-list` (flat / cum per source line,
 * the files read under the named folders and GOROOT only: electron/host/source-files.ts) and `-peek`
 * (callers and callees with their edge weights), from the same query code as the app. The profile is
 * what `tracedeck top` shows with the same options (merges, --base, filters, labels).
 *
 * Plain Node; never imports 'electron'.
 */
import { delimiter, resolve } from 'node:path';
import { peek } from '../shared/query/stacks/peek.ts';
import { sourceLines } from '../shared/query/stacks/source-lines.ts';
import { findGoroot, readListing } from './host/source-files.ts';
import { parseTopArgs, scaledValue, startLinesOfAll, topReport, TopUsageError, type TopArgs } from './cli-top.ts';

export const LIST_USAGE = `usage:
  tracedeck list FILE… REGEX [--source-path DIR[:DIR…]] [--trim-path PREFIX[:…]] [top's options] [--json]
    pprof's -list: per source line of the functions matching REGEX, flat and cum beside the line, the
    files looked up under the --source-path folders (default: the current folder; ';' between them on Windows) and GOROOT only.
  tracedeck peek FILE… REGEX [top's options] [--json]
    pprof's -peek: the callers and callees of the functions matching REGEX, with edge weights.`;

interface ListArgs {
  top: TopArgs;
  regex: string;
  sourcePath: string[];
  trimPath?: string;
}

function parseListArgs(args: string[], withSource: boolean): ListArgs {
  const rest: string[] = [];
  let sourcePath: string[] | undefined;
  let trimPath: string | undefined;
  // Where REGEX stands in `rest`: the last word that is neither an option nor an option's value
  // (every option of top's but --json takes one). By place, not by text: a value may equal REGEX.
  let regexAt = -1;
  let files = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new TopUsageError(`${flag} needs a value`);
      return v;
    };
    if (withSource && flag === '--source-path') sourcePath = value().split(delimiter).filter(Boolean).map((d) => resolve(d));
    else if (withSource && flag === '--trim-path') trimPath = value();
    else if (flag === '--out') throw new TopUsageError('--out is for tracedeck top');
    else if (a.startsWith('-')) {
      rest.push(a);
      if (a.startsWith('--') && inline === undefined && a !== '--json' && i + 1 < args.length) rest.push(args[++i]!);
    } else {
      if (regexAt >= 0) files++;
      regexAt = rest.length;
      rest.push(a);
    }
  }
  if (regexAt < 0 || files === 0) throw new TopUsageError('FILE and REGEX needed');
  const regex = rest.splice(regexAt, 1)[0]!;
  return { top: parseTopArgs(rest), regex, sourcePath: sourcePath ?? [process.cwd()], trimPath };
}

/** `tracedeck list` / `tracedeck peek`. */
export async function cmdList(cmd: 'list' | 'peek', args: string[]): Promise<number> {
  let a: ListArgs;
  try {
    a = parseListArgs(args, cmd === 'list');
  } catch (e) {
    console.error(`tracedeck ${cmd}: ${(e as Error).message}\n${LIST_USAGE}`);
    return 2;
  }
  try {
    const { report, shown, loaded } = await topReport(a.top);
    const unit = report.sampleType.unit;
    const v = (x: number) => scaledValue(x, unit);
    const filters = { focus: a.top.focus, ignore: a.top.ignore, hide: a.top.hide };
    if (cmd === 'peek') {
      const r = peek(shown, { ...filters, regex: a.regex, limit: 1000 });
      if (a.top.json) {
        process.stdout.write(JSON.stringify({ file: report.file, sampleType: report.sampleType, total: report.total, entries: r.entries }, null, 2) + '\n');
        return r.entries.length ? 0 : 1;
      }
      if (!r.entries.length) throw new Error(`no matches found for regexp: ${a.regex}`);
      const pct = (x: number, of: number) => (of === 0 ? '0%' : `${((100 * x) / of).toFixed(2)}%`);
      const out = [`Total: ${v(report.total)}`];
      for (const e of r.entries) {
        out.push('-'.repeat(58) + '+' + '-'.repeat(13));
        for (const c of e.callers) out.push(`${v(c.weight).padStart(50)} ${pct(c.weight, e.cum).padStart(7)} |   ${c.function}`);
        out.push(`${v(e.flat).padStart(10)} ${pct(e.flat, report.total).padStart(7)} ${v(e.cum).padStart(10)} ${pct(e.cum, report.total).padStart(7)}                | ${e.function}`);
        for (const c of e.callees) out.push(`${v(c.weight).padStart(50)} ${pct(c.weight, e.cum).padStart(7)} |   ${c.function}`);
      }
      process.stdout.write(out.join('\n') + '\n');
      return 0;
    }
    // Where each function starts (pprof's start_line): the first file that gives it.
    const lines = sourceLines(shown, { ...filters, regex: a.regex, limit: 1000, startLines: startLinesOfAll(loaded) });
    const listing = await readListing(
      { type: 'sourceLines', profile: { key: report.sampleType.type, label: report.sampleType.type, unit, default: true, rangeable: false, quantity: report.sampleType.type }, ...lines },
      { roots: a.sourcePath, trimPath: a.trimPath, goroot: await findGoroot() },
    );
    if (a.top.json) {
      process.stdout.write(JSON.stringify({ ...listing, file: report.file, sampleType: report.sampleType, total: report.total }, null, 2) + '\n');
      return listing.functions.length ? 0 : 1;
    }
    if (!listing.functions.length) throw new Error(`no matches found for regexp: ${a.regex}`);
    const out = [`Total: ${v(report.total)}`];
    for (const fn of listing.functions) {
      if (!fn.files.length) out.push(`No source information for ${fn.function}`);
      for (const f of fn.files) {
        out.push(`ROUTINE ======================== ${fn.function} in ${f.file}`);
        out.push(`${v(f.flat).padStart(10)} ${v(f.cum).padStart(10)} (flat, cum) ${report.total ? ((100 * f.cum) / report.total).toFixed(2) : '0'}% of Total`);
        if (f.error) out.push(` Error: ${f.error}`);
        for (const l of f.lines ?? []) out.push(`${(l.flat ? v(l.flat) : '.').padStart(10)} ${(l.cum ? v(l.cum) : '.').padStart(10)} ${String(l.line).padStart(6)}:${l.text}`);
      }
    }
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  } catch (e) {
    console.error(`tracedeck ${cmd}: ${(e as Error).message}`);
    return e instanceof TopUsageError ? 2 : 1;
  }
}
