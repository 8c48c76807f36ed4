/**
 * `tracedeck top FILE… [--sample-index TYPE] [--focus RE] [--ignore RE] [--hide RE] [--base OLD]
 * [--profile sync|net|syscall|sched|cpu] [--range START..END] [--json] [--out FILE.pb.gz]`
 *
 * pprof's top table, every function, from the same query code as the app's flame graph and top
 * table (stack-sources → stack-merge → top-table), so the figures are the app's. For a pprof file it
 * equals `go tool pprof -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 -sample_index=TYPE
 * -unit=<base unit> [filters] [-base OLD] FILE…` row for row (several files merge as pprof merges
 * them); for a trace, `--profile X` is `go tool trace -pprof=X TRACE` read the same way. `--out`
 * writes the shown profile (after merge, base and filters) as a gzipped pprof protobuf.
 *
 * Plain Node; never imports 'electron'.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ParsedSource } from '../shared/model/source.ts';
import type { WeightedStacks } from '../shared/query/stacks/weighted-stacks.ts';
import { keptSamples, keptStacks } from '../shared/query/stacks/call-tree-input.ts';
import { labelledStacksOf, pcZeroAsNoStack, stackProfileInfo, stacksWithLabelsOf, startLinesOf, weightedStacksOf } from '../shared/query/stacks/stack-sources.ts';
import { withLabels, type LabelOptions, type LabelTable } from '../shared/query/stacks/stack-labels.ts';
import type { SourceRange } from '../shared/query/stacks/stack-types.ts';
import { absoluteTotal, mergeWeightedStacks } from '../shared/query/stacks/stack-merge.ts';
import { encodePprof } from '../shared/query/stacks/stack-pprof.ts';
import { comparePprofFlat, topTable } from '../shared/query/stacks/top-table.ts';
import { blockingProfile, cpuSampleStacks } from '../shared/query/trace/trace-blocking.ts';
import { ingestInput, reasonOf } from './host/ingest-input.ts';

export const TOP_USAGE = `usage:
  tracedeck top FILE… [--sample-index TYPE] [--focus RE] [--ignore RE] [--hide RE] [--base OLD]
                [--tagfocus F] [--tagignore F] [--tagroot KEY[,KEY…]]
                [--profile sync|net|syscall|sched|cpu] [--range START..END] [--json] [--out FILE.pb.gz]
    pprof's top table, every function: equals \`go tool pprof -top\` with the same options (several
    FILEs merge; --base OLD subtracts OLD). A trace's --profile (default sync) is what
    \`go tool trace -pprof=X\` writes; --range clips it (seconds from the trace's start: 1.5, 300ms,
    or ISO times). --json prints {"file","sampleType":{"type","unit"},"total","rows":[{"function",
    "flat","cum"}]} in the sample type's own unit; --out writes the shown profile as pprof.`;

export class TopUsageError extends Error {}

export interface TopArgs {
  files: string[];
  sampleIndex?: string;
  focus?: string;
  ignore?: string;
  hide?: string;
  /** pprof's -tagfocus / -tagignore / -tagroot. */
  tagfocus?: string;
  tagignore?: string;
  tagroot?: string;
  base: string[];
  profile?: string;
  range?: [string, string];
  json: boolean;
  out?: string;
}

export function parseTopArgs(args: string[]): TopArgs {
  const a: TopArgs = { files: [], base: [], json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new TopUsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--json':
        a.json = true;
        break;
      case '--sample-index':
        a.sampleIndex = value();
        break;
      case '--focus':
        a.focus = value();
        break;
      case '--ignore':
        a.ignore = value();
        break;
      case '--hide':
        a.hide = value();
        break;
      case '--base':
        a.base.push(value());
        break;
      case '--tagfocus':
      case '--tagignore':
      case '--tagroot':
        a[flag.slice(2) as 'tagfocus' | 'tagignore' | 'tagroot'] = value();
        break;
      case '--profile': {
        const v = value();
        if (!['sync', 'net', 'syscall', 'sched', 'cpu'].includes(v)) throw new TopUsageError(`--profile must be sync, net, syscall, sched or cpu (got ${v})`);
        a.profile = v;
        break;
      }
      case '--range': {
        const v = value();
        const m = /^(.+?)\.\.(.+)$/.exec(v);
        if (!m) throw new TopUsageError(`--range must be START..END (got ${v})`);
        a.range = [m[1]!, m[2]!];
        break;
      }
      case '--out':
        a.out = value();
        if (!/\.pb\.gz$/i.test(a.out)) throw new TopUsageError('--out must end in .pb.gz');
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new TopUsageError(`unknown option ${arg}`);
        a.files.push(arg);
    }
  }
  if (a.files.length === 0) throw new TopUsageError('no FILE given');
  return a;
}

export interface TopRowJson {
  function: string;
  flat: number;
  cum: number;
}

export interface TopReport {
  file: string;
  sampleType: { type: string; unit: string };
  /** pprof's total: the sum of |value| over the (merged) samples, before focus / ignore / hide. */
  total: number;
  rows: TopRowJson[];
}

/** One file's profile as weighted stacks, with the sample type it is in. */
export interface Loaded {
  file: string;
  src: ParsedSource;
  /** Under the label options (stack-labels.ts). */
  ws: WeightedStacks;
  /** Each sample of ws's labels (null: the source's samples carry none), written by --out. */
  labels: LabelTable | null;
  /** The same with -tagroot only: pprof's total is taken before any filter. */
  unfiltered: WeightedStacks;
  sampleType: { type: string; unit: string };
}

const TIME_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A range bound: seconds (or a number with ns/us/ms/s/m/h) from the source's start, or an ISO time. */
export function parseRangeBound(v: string, src: ParsedSource): number {
  const m = /^\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*(ns|us|µs|ms|s|m|h)?\s*$/i.exec(v);
  if (m) return src.startNs + Number(m[1]) * TIME_UNITS[(m[2] ?? 's').toLowerCase()]!;
  const ms = Date.parse(v);
  if (Number.isNaN(ms) || !/\d{4}-\d\d-\d\d/.test(v)) throw new TopUsageError(`--range: cannot read "${v}" as seconds or an ISO time`);
  if (src.clock.originEpochNs === null) throw new TopUsageError(`--range: "${v}" is a wall-clock time but the file has no clock`);
  // Epoch ns exceed 2^53: subtract in bigint, then the (small) difference is exact enough.
  return Number(BigInt(ms) * 1_000_000n - BigInt(src.clock.originEpochNs));
}

async function load(file: string, a: TopArgs): Promise<Loaded> {
  const l = await loadPlain(file, a);
  // A pprof sample type's key is its name; a dump's its one profile; a trace's stacks carry no labels.
  const key = l.src.kind === 'pprof' ? l.sampleType.type : l.src.kind === 'goroutine-dump' ? stackProfileInfo(l.src, undefined).key : null;
  const labelled = (o: LabelOptions) => (key !== null ? labelledStacksOf(l.src, key, undefined, o) : withLabels(l.ws, null, o));
  // The shown stacks sample by sample with their labels (a debug=2 dump: goroutine by goroutine).
  const shown = key !== null ? stacksWithLabelsOf(l.src, key, undefined, a) : { input: labelled(a), labels: null };
  return { ...l, ws: shown.input, labels: shown.labels, unfiltered: labelled({ tagroot: a.tagroot }) };
}

async function loadPlain(file: string, a: TopArgs): Promise<Omit<Loaded, 'unfiltered' | 'labels'>> {
  let src: ParsedSource;
  try {
    src = (await ingestInput({ path: file })).source;
  } catch (e) {
    throw new Error(`${file}: ${reasonOf(e)}`);
  }
  const fail = (why: string): never => {
    throw new Error(`${file}: ${why}`);
  };
  switch (src.kind) {
    case 'pprof': {
      const types = src.model.sampleTypes;
      let t = src.model.defaultSampleType;
      if (a.sampleIndex !== undefined) {
        // pprof accepts a type name or its index.
        t = /^\d+$/.test(a.sampleIndex) ? Number(a.sampleIndex) : types.findIndex((x) => x.type === a.sampleIndex);
        if (!(t >= 0 && t < types.length)) fail(`no sample type ${a.sampleIndex} (this profile has ${types.map((x) => x.type).join(', ')})`);
      }
      if (types.length === 0) fail('the profile has no sample types');
      const { type, unit } = types[t]!;
      return { file, src, ws: { stacks: src.model.stacks, sampleStack: src.model.sampleStack, weight: src.model.sampleValues[t]! }, sampleType: { type, unit } };
    }
    case 'gotrace': {
      const key = a.profile ?? 'sync';
      let range: SourceRange | undefined;
      if (a.range) range = { startNs: parseRangeBound(a.range[0], src), endNs: parseRangeBound(a.range[1], src) };
      if (range && !(range.endNs > range.startNs)) fail(`--range ${a.range!.join('..')} is empty`);
      if (key === 'cpu') {
        if (a.sampleIndex !== undefined && a.sampleIndex !== 'samples') fail(`the trace's CPU samples have one sample type, samples`);
        return { file, src, ws: cpuSampleStacks(src.model, range), sampleType: { type: 'samples', unit: 'count' } };
      }
      // `go tool trace -pprof=X` writes contentions/count and delay/nanoseconds (the default).
      const si = a.sampleIndex ?? 'delay';
      if (si !== 'delay' && si !== 'contentions' && si !== '0' && si !== '1') fail(`no sample type ${si} (a trace's ${key} profile has contentions, delay)`);
      if (si === 'contentions' || si === '0') {
        const p = pcZeroAsNoStack(blockingProfile(src.model, key as 'sync' | 'net' | 'syscall' | 'sched', range));
        return { file, src, ws: { stacks: p.stacks, sampleStack: p.sampleStack, weight: p.count }, sampleType: { type: 'contentions', unit: 'count' } };
      }
      return { file, src, ws: weightedStacksOf(src, key, range), sampleType: { type: 'delay', unit: 'nanoseconds' } };
    }
    case 'goroutine-dump': {
      const p = stackProfileInfo(src, undefined);
      return { file, src, ws: weightedStacksOf(src, p.key), sampleType: { type: 'goroutine', unit: 'count' } };
    }
    case 'ss':
      return fail('an ss capture has no stacks');
  }
}

/** The top table `tracedeck top` prints, and (for --out) the profile it shows. */
export async function topReport(a: TopArgs): Promise<{ report: TopReport; shown: WeightedStacks; labels: LabelTable | null; loaded: Loaded[] }> {
  const loaded: Loaded[] = [];
  for (const f of a.files) loaded.push(await load(f, a));
  const bases: Loaded[] = [];
  for (const f of a.base) bases.push(await load(f, a));
  const sampleType = loaded[0]!.sampleType;
  for (const l of [...loaded, ...bases]) {
    if (l.sampleType.type !== sampleType.type || l.sampleType.unit !== sampleType.unit) {
      throw new Error(`${l.file}: sample type ${l.sampleType.type} (${l.sampleType.unit}) cannot merge with ${sampleType.type} (${sampleType.unit}) of ${loaded[0]!.file}`);
    }
  }
  // One file: its own stacks, as the app queries them. Several, or a base: merged as pprof merges.
  const merged = (pick: (l: Loaded) => WeightedStacks, labels?: (l: Loaded) => LabelTable | null): WeightedStacks & { labels?: LabelTable | null } =>
    loaded.length === 1 && bases.length === 0
      ? { ...pick(loaded[0]!), labels: labels?.(loaded[0]!) }
      : mergeWeightedStacks([
          ...loaded.map((l) => ({ input: pick(l), sign: 1 as const, labels: labels?.(l) })),
          ...bases.map((l) => ({ input: pick(l), sign: -1 as const, labels: labels?.(l) })),
        ]);
  // Samples merge by stack and labels (as pprof merges them), so --out keeps the labels.
  const { labels, ...shown } = merged(
    (l) => l.ws,
    (l) => l.labels,
  );
  const tagFiltered = !!(a.tagfocus || a.tagignore);
  const table = topTable(shown, { focus: a.focus, ignore: a.ignore, hide: a.hide });
  const report: TopReport = {
    file: a.files.join(' '),
    sampleType,
    total: Math.round(absoluteTotal(tagFiltered ? merged((l) => l.unfiltered) : shown)),
    // A function without a name (a tagroot frame of samples lacking the label) is named, and sorted, as pprof prints it.
    rows: table.rows
      .map((r) => (r.function === '' ? { ...r, function: '<unknown>' } : r))
      .sort(comparePprofFlat)
      .map((r) => ({ function: r.function, flat: Math.round(r.flat), cum: Math.round(r.cum) })),
  };
  return { report, shown, labels: labels ?? null, loaded };
}

/** The functions' start lines the files give (the first file's where several do). */
export function startLinesOfAll(loaded: readonly Loaded[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of loaded) for (const [k, v] of startLinesOf(l.src) ?? []) if (!out.has(k)) out.set(k, v);
  return out;
}

/** The shown profile (after merge, base and filters) as a pprof protobuf, not gzipped. */
export function shownProfile(a: TopArgs, shown: WeightedStacks, loaded: Loaded[], sampleType: TopReport['sampleType'], labels: LabelTable | null = null): Uint8Array {
  const filters = { focus: a.focus, ignore: a.ignore, hide: a.hide };
  // With labels, sample by sample (each keeps its own); without, one sample per stack.
  const kept = labels ? keptSamples(shown, filters) : keptStacks(shown, filters);
  const first = loaded[0]!.src;
  const one = loaded.length === 1 && a.base.length === 0;
  return encodePprof({
    ...kept,
    labels,
    startLines: startLinesOfAll(loaded),
    sampleType,
    // Only a time the source knows: an mtime guess stamped as time_nanos would read as exact.
    timeNanos: one && first.clock.quality !== 'estimated' ? first.clock.originEpochNs : null,
    // File names only: the bytes must not depend on where the inputs were.
    comments: [`tracedeck top ${[...a.files.map((f) => basename(f)), ...a.base.map((b) => `--base ${basename(b)}`)].join(' ')}`],
  });
}

/** Display units of a sample unit, smallest first: [suffix, size in the sample unit]. */
function displayUnits(unit: string): [string, number][] {
  const time: Record<string, number> = { nanoseconds: 1, microseconds: 1e3, milliseconds: 1e6, seconds: 1e9 };
  if (unit in time) {
    const f = time[unit]!;
    return ([['ns', 1], ['us', 1e3], ['ms', 1e6], ['s', 1e9]] as [string, number][]).filter(([, n]) => n >= f).map(([u, n]) => [u, n / f]);
  }
  if (unit === 'bytes') return ['B', 'kB', 'MB', 'GB', 'TB', 'PB'].map((u, k) => [u, 1024 ** k]);
  return [['', 1]];
}

/** The largest display unit in which |v| is at least 1 (pprof's "minimum" scaling). */
function unitFor(v: number, unit: string): [string, number] {
  const units = displayUnits(unit);
  let best = units[0]!;
  for (const u of units) if (Math.abs(v) >= u[1]) best = u;
  return best;
}

/** A value in a display unit, as pprof prints it: two decimals, ".00" dropped, 0 bare. */
function inUnit(v: number, [suffix, size]: [string, number]): string {
  const s = (v / size).toFixed(2).replace(/\.00$/, '');
  return s === '0' || s === '-0' ? '0' : s + suffix;
}

/** pprof's auto-scaled label of one value: 210.85s, 1.50kB, 1234. */
export function scaledValue(v: number, unit: string): string {
  return inUnit(v, unitFor(v, unit));
}

/**
 * The one unit pprof's text reports print every value in: that of the smallest row value, unless
 * the total is over 100 times bigger in another unit; then that of 100 × the smallest.
 */
function tableUnit(r: TopReport): [string, number] {
  let min = 0;
  for (const x of r.rows) {
    const v = Math.abs(x.flat) || Math.abs(x.cum);
    if (v > 0 && (min === 0 || v < min)) min = v;
  }
  const max = r.total;
  if (min === 0) min = max;
  const lo = unitFor(min, r.sampleType.unit);
  const hi = unitFor(max, r.sampleType.unit);
  return lo[0] !== hi[0] && min * 100 < max ? unitFor(100 * min, r.sampleType.unit) : lo;
}

/** pprof's percentage column (Go's "%5.2f%%", or "%5.2g%%" below 1%). */
function percentage(v: number, total: number): string {
  const r = total === 0 ? 0 : Math.abs(v / total) * 100;
  if (r >= 99.95 && r <= 100.05) return '  100%';
  if (r >= 1) return `${r.toFixed(2).padStart(5)}%`;
  // %.2g: two significant digits, exponent form below 1e-4 (4.7e-05).
  const g = r === 0 ? '0' : r < 1e-4 ? r.toExponential(1).replace(/\.0e/, 'e').replace(/e([-+])(\d)$/, 'e$10$2') : String(Number(r.toPrecision(2)));
  return `${g.padStart(5)}%`;
}

/** A plain table like `go tool pprof -top`. */
export function formatTopTable(r: TopReport, a: TopArgs): string {
  const tu = tableUnit(r);
  const fmt = (v: number) => inUnit(v, tu);
  const lines: string[] = [`File: ${r.file}`, `Type: ${r.sampleType.type}`];
  if (a.base.length) lines.push(`Base: ${a.base.join(' ')}`);
  const filters = (['focus', 'ignore', 'hide', 'tagfocus', 'tagignore', 'tagroot'] as const).filter((k) => a[k]).map((k) => `   ${k}=${a[k]}`);
  if (a.range) filters.push(`   range=${a.range.join('..')}`);
  if (filters.length) lines.push('Active filters:', ...filters);
  const shown = r.rows.reduce((s, x) => s + x.flat, 0);
  lines.push(`Showing nodes accounting for ${fmt(shown)}, ${percentage(shown, r.total).trim()} of ${fmt(r.total)} total`);
  // Go's "%10s %s %s %10s %s  %s" rows under its fixed header.
  lines.push('      flat  flat%   sum%        cum   cum%');
  let sum = 0;
  for (const x of r.rows) {
    sum += x.flat;
    lines.push(`${fmt(x.flat).padStart(10)} ${percentage(x.flat, r.total)} ${percentage(sum, r.total)} ${fmt(x.cum).padStart(10)} ${percentage(x.cum, r.total)}  ${x.function}`);
  }
  return lines.join('\n') + '\n';
}

export async function cmdTop(args: string[]): Promise<number> {
  let a: TopArgs;
  try {
    a = parseTopArgs(args);
  } catch (e) {
    console.error(`tracedeck top: ${(e as Error).message}\n${TOP_USAGE}`);
    return 2;
  }
  try {
    const { report, shown, labels, loaded } = await topReport(a);
    for (const l of loaded) {
      if (a.range && l.src.kind !== 'gotrace') console.error(`tracedeck top: ${l.file}: --range applies to traces only; the whole profile is shown`);
    }
    if (a.out) writeFileSync(a.out, gzipSync(shownProfile(a, shown, loaded, report.sampleType, labels)));
    process.stdout.write(a.json ? JSON.stringify(report, null, 2) + '\n' : formatTopTable(report, a));
    return 0;
  } catch (e) {
    console.error(`tracedeck top: ${e instanceof TopUsageError ? e.message : (e as Error).message}`);
    return e instanceof TopUsageError ? 2 : 1;
  }
}
