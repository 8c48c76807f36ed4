/**
 * `tracedeck top` against Go's own figures, committed in shared/query/stacks/testdata/go-top/ (generate.mjs
 * there says how they were made; these tests do not need Go): every row of `go tool pprof -top` — per
 * function flat and cum, in pprof's order — and its total, for single profiles, filters, `-base`
 * deltas, merges and traces' blocking profiles.
 */
import { afterAll, describe, it, expect, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturePath } from '../shared/test-support/fixtures.ts';
import { parsePprof } from '../shared/ingest/pprof/parse-pprof.ts';
import { topTable } from '../shared/query/stacks/top-table.ts';
import { goGenericShort } from '../shared/query/stacks/stack-names.ts';
import { cmdTop, formatTopTable, parseTopArgs, scaledValue, shownProfile, topReport, type TopArgs, type TopRowJson } from './cli-top.ts';

const GO_TOP = fileURLToPath(new URL('../shared/query/stacks/testdata/go-top/', import.meta.url));

interface GoCase {
  id: string;
  command: string;
  files?: string[];
  base?: string;
  trace?: string;
  trace_kind?: string;
  sampleIndex?: string;
  focus?: string;
  ignore?: string;
  hide?: string;
  sampleType: { type: string; unit: string };
  total: number;
  rows: TopRowJson[];
}

function goCases(name: string): GoCase[] {
  return (JSON.parse(readFileSync(join(GO_TOP, name), 'utf8')) as { cases: GoCase[] }).cases;
}

/** A fixture, or `@go-real/…`: the profiles made for these tests (shared/query/stacks/testdata/go-real). */
function pathOf(rel: string): string {
  return rel.startsWith('@go-real/') ? join(GO_TOP, '../go-real', rel.slice('@go-real/'.length)) : fixturePath(rel);
}

function argsOf(c: GoCase): TopArgs {
  return {
    files: c.trace ? [pathOf(c.trace)] : c.files!.map(pathOf),
    base: c.base ? [pathOf(c.base)] : [],
    profile: c.trace_kind,
    sampleIndex: c.sampleIndex,
    focus: c.focus,
    ignore: c.ignore,
    hide: c.hide,
    json: true,
  };
}

async function expectGoTop(c: GoCase): Promise<void> {
  const { report } = await topReport(argsOf(c));
  expect(report.sampleType).toEqual(c.sampleType);
  expect(report.total).toBe(c.total);
  expect(report.rows).toEqual(c.rows);
}

describe('tracedeck top equals go tool pprof -top, row for row', () => {
  for (const group of ['profiles', 'filters', 'series', 'traces', 'generated']) {
    describe(group, () => {
      for (const c of goCases(`${group}.json`)) it(c.id, () => expectGoTop(c), 30_000);
    });
  }
});

describe('Go debug=1 text profiles: the same stacks and values as the protobuf written at the same moment', () => {
  // Go names generic functions `F[...]` in text (the protobuf: `F[go.shape.int]`), so Go's rows are
  // folded by that name first (here the shapes of one function never share a stack: sums are exact).
  const fold = (rows: TopRowJson[]): TopRowJson[] => {
    const by = new Map<string, TopRowJson>();
    for (const r of rows) {
      const name = goGenericShort(r.function);
      const e = by.get(name) ?? { function: name, flat: 0, cum: 0 };
      e.flat += r.flat;
      e.cum += r.cum;
      by.set(name, e);
    }
    const abs = Math.abs;
    return [...by.values()].sort((a, b) => abs(b.flat) - abs(a.flat) || (a.function < b.function ? -1 : a.function > b.function ? 1 : 0) || abs(b.cum) - abs(a.cum));
  };
  const generated = goCases('generated.json');
  for (const [text, id] of [
    ['heap-debug1.txt.gz', 'generics heap inuse_space'],
    ['heap-debug1.txt.gz', 'generics heap alloc_space'],
    ['heap-debug1.txt.gz', 'generics heap alloc_objects'],
    ['block-debug1.txt.gz', 'block'],
    ['block-debug1.txt.gz', 'block contentions'],
    ['mutex-debug1.txt.gz', 'mutex'],
  ] as const) {
    it(`${text}: ${id}`, async () => {
      const c = generated.find((x) => x.id === id)!;
      const { report } = await topReport({ ...argsOf(c), files: [pathOf(`@go-real/${text}`)] });
      expect(report.total).toBe(c.total);
      expect(report.rows).toEqual(fold(c.rows));
    });
  }
});

/** The profile's bytes with time_nanos cleared: the committed files predate the rule that only a known clock is written. */
function withoutTime(bytes: Uint8Array): Buffer {
  const p = Profile.decode(bytes);
  p.timeNanos = 0;
  return Buffer.from(p.encode());
}

describe('tracedeck top --out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracedeck-top-'));
  // Labelled profiles: --out keeps the samples' labels, so Go's -tagfocus / -tagignore / -tagroot of the
  // written file equal Go's of the original (testdata/go-labels/saved-top.json vs top.json, generate.mjs there).
  const LABELS = fileURLToPath(new URL('../shared/query/stacks/testdata/go-labels/', import.meta.url));
  const labelCases = (name: string) => (JSON.parse(readFileSync(join(LABELS, name), 'utf8')) as { cases: (GoCase & { file: string; sampleIndex: string; original?: string })[] }).cases;
  const savedCases = labelCases('saved-top.json');
  const originalCases = labelCases('top.json');
  for (const out of [...new Set(savedCases.map((c) => c.file))]) {
    it(`${out}: --out writes the labels; Go's tag figures of it are those of the original`, async () => {
      const c0 = savedCases.find((c) => c.file === out)!;
      const a = parseTopArgs([join(LABELS, c0.original!), '--sample-index', c0.sampleIndex, '--out', join(dir, 'labelled.pb.gz')]);
      const { report, shown, labels, loaded } = await topReport(a);
      expect(labels).not.toBeNull();
      const committed = gunzipSync(readFileSync(join(LABELS, out)));
      expect(Buffer.from(shownProfile(a, shown, loaded, report.sampleType, labels)).equals(committed)).toBe(true);
      for (const c of savedCases.filter((x) => x.file === out)) {
        const orig = originalCases.find((x) => x.command === c.command.replace(out, c.original!))!;
        expect(c.rows, c.command).toEqual(orig.rows);
        expect(c.total).toBe(orig.total);
      }
      // Functions keep their start_line: Go's -list of the written file spans the lines of the original's.
      const lists = (name: string) => (JSON.parse(readFileSync(join(LABELS, name), 'utf8')) as { cases: { command: string; file: string; routines: unknown[] }[] }).cases;
      for (const c of lists('saved-list.json').filter((x) => x.file === out)) {
        expect(c.routines, c.command).toEqual(lists('list.json').find((x) => x.command === c.command.replace(out, (c as unknown as { original: string }).original))!.routines);
      }
    });
  }

  const roundtrip = goCases('roundtrip.json') as (GoCase & { out: string; trace?: string; topArgs?: string[] })[];
  for (const c of roundtrip.filter((x) => x.topArgs)) {
    it(`${c.out}: a filtered delta written by --out reads back in go tool pprof with tracedeck's rows`, async () => {
      const a = parseTopArgs([...c.topArgs!.map((x) => (/\.pb\.gz$/.test(x) ? fixturePath(x) : x)), '--out', join(dir, c.out)]);
      const { report, shown, loaded } = await topReport(a);
      const committed = gunzipSync(readFileSync(join(GO_TOP, c.out)));
      expect(Buffer.from(shownProfile(a, shown, loaded, report.sampleType)).equals(committed)).toBe(true);
      expect(c.rows).toEqual(report.rows);
      expect(report.rows.length).toBeGreaterThan(3);
    });
  }
  for (const c of roundtrip.filter((x) => x.trace) as (GoCase & { out: string; trace: string })[]) {
    it(`${c.out}: today's --out is the file Go's figures were taken from, and they equal go tool trace -pprof=sync`, async () => {
      // Go read the committed file back (c.rows); our encoder still writes exactly that profile...
      const a = parseTopArgs([fixturePath(c.trace), '--profile', 'sync', '--out', join(dir, c.out)]);
      const { report, shown, loaded } = await topReport(a);
      const committed = gunzipSync(readFileSync(join(GO_TOP, c.out)));
      expect(withoutTime(shownProfile(a, shown, loaded, report.sampleType)).equals(withoutTime(committed))).toBe(true);
      // ...and our table of the trace is what Go prints for `go tool trace -pprof=sync` of it, and
      // for the committed file read back (c.rows).
      const direct = goCases('traces.json').find((x) => x.trace === c.trace && x.trace_kind === 'sync' && !x.focus && !x.sampleIndex)!;
      expect(report.rows).toEqual(direct.rows);
      expect(report.total).toBe(direct.total);
      expect(report.rows).toEqual(c.rows);
      // Our own reader agrees too.
      const back = topTable({ ...weighted(parsePprof(committed).model) });
      expect(back.rows.map((r) => ({ function: r.function, flat: r.flat, cum: r.cum }))).toEqual(direct.rows);
    });
  }

  it('writes the filtered, merged profile: reading it back gives the same per-function values', async () => {
    const a = parseTopArgs([
      fixturePath('profile-series/go1.26/block-5.pb.gz'),
      '--base',
      fixturePath('profile-series/go1.26/block-0.pb.gz'),
      '--hide',
      '^runtime\\.',
      '--focus',
      'main',
      '--out',
      join(dir, 'x.pb.gz'),
    ]);
    // Through the command itself (its table goes to stdout, kept out of the test output).
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await cmdTop(argsToList(a))).toBe(0);
      expect(String(out.mock.calls[0]?.[0])).toContain('Base: ');
    } finally {
      out.mockRestore();
    }
    const { report } = await topReport(a);
    const back = parsePprof(gunzipSync(readFileSync(join(dir, 'x.pb.gz')))).model;
    expect(back.sampleTypes).toEqual([{ type: 'delay', unit: 'nanoseconds' }]);
    const rows = topTable(weighted(back)).rows.map((r) => ({ function: r.function, flat: r.flat, cum: r.cum }));
    expect(rows).toEqual(report.rows);
    expect(rows.some((r) => r.function.startsWith('runtime.'))).toBe(false);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));
});

function weighted(m: ReturnType<typeof parsePprof>['model']) {
  return { stacks: m.stacks, sampleStack: m.sampleStack, weight: m.sampleValues[m.defaultSampleType]! };
}

function argsToList(a: TopArgs): string[] {
  const out = [...a.files];
  for (const b of a.base) out.push('--base', b);
  for (const k of ['focus', 'ignore', 'hide', 'out'] as const) if (a[k]) out.push(`--${k}`, a[k]!);
  return out;
}

describe('tracedeck top arguments and output', () => {
  it('refuses what it cannot do, naming why', () => {
    expect(() => parseTopArgs([])).toThrow(/no FILE/);
    expect(() => parseTopArgs(['a', '--profile', 'gc'])).toThrow(/--profile must be/);
    expect(() => parseTopArgs(['a', '--out', 'x.pb'])).toThrow(/\.pb\.gz/);
    expect(() => parseTopArgs(['a', '--frobnicate'])).toThrow(/unknown option --frobnicate/);
  });

  it('names the sample types a profile has when asked for another', async () => {
    const a = parseTopArgs([fixturePath('scenarios/conn-leak-go1.27/block.pb.gz'), '--sample-index', 'cpu']);
    await expect(topReport(a)).rejects.toThrow(/no sample type cpu \(this profile has contentions, delay\)/);
  });

  it('refuses to merge profiles of different sample types', async () => {
    const a = parseTopArgs([fixturePath('scenarios/conn-leak-go1.27/block.pb.gz'), fixturePath('scenarios/conn-leak-go1.27/goroutine.pb.gz')]);
    await expect(topReport(a)).rejects.toThrow(/cannot merge/);
  });

  it('--range clips a trace profile: two halves add up to the whole, per function', async () => {
    const t = fixturePath('scenarios/conn-leak-go1.27/trace.out');
    const whole = (await topReport(parseTopArgs([t, '--profile', 'sync']))).report;
    const a = (await topReport(parseTopArgs([t, '--profile', 'sync', '--range', '0..2.5']))).report;
    const b = (await topReport(parseTopArgs([t, '--profile', 'sync', '--range', '2500ms..1h']))).report;
    expect(a.total + b.total).toBe(whole.total);
    expect(a.total).toBeGreaterThan(0);
    expect(b.total).toBeGreaterThan(0);
    const cum = (r: typeof a, f: string) => r.rows.find((x) => x.function === f)?.cum ?? 0;
    for (const row of whole.rows) expect(cum(a, row.function) + cum(b, row.function), row.function).toBe(row.cum);
  });

  it("prints the plain table pprof prints (the same units, columns and rows, less pprof's (inline) marks)", async () => {
    const a = parseTopArgs([fixturePath('scenarios/conn-leak-go1.27/block.pb.gz')]);
    const text = formatTopTable((await topReport(a)).report, a);
    expect(text).toContain('Type: delay');
    const from = (t: string) => t.slice(t.indexOf('Showing nodes'));
    const go = readFileSync(join(GO_TOP, 'conn-leak-go1.27.block.top.txt'), 'utf8').replace(/ \((?:partial-)?inline\)$/gm, '');
    expect(from(text)).toBe(from(go));
    expect(scaledValue(1536, 'bytes')).toBe('1.50kB');
    expect(scaledValue(0, 'nanoseconds')).toBe('0');
    expect(scaledValue(42, 'count')).toBe('42');
  });
});
