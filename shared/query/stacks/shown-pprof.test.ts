/**
 * "Save as pprof": the shown profile's bytes read back (with our own parser) give the figures Go
 * prints — for a trace's blocking profiles, `go tool trace -pprof=KIND` | `go tool pprof -top`
 * (shared/query/stacks/testdata/go-top/traces.json, made by generate.mjs there) — and, for a range or a
 * filtered view, the rows the top table shows for it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ParsedSource } from '../../model/source.ts';
import { parsePprof } from '../../ingest/pprof/parse-pprof.ts';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { readFixture } from '../../test-support/fixtures.ts';
import { epochAdd } from '../../model/time.ts';
import { runQuery } from '../run-query.ts';
import { exportStacks } from './stack-sources.ts';
import { validateQueryArgs } from '../query-schemas.ts';
import { topTable } from './top-table.ts';
import type { ShownPprofArgs } from './stack-types.ts';

interface GoCase {
  id: string;
  trace: string;
  trace_kind: string;
  sampleIndex?: string;
  focus?: string;
  total: number;
  rows: { function: string; flat: number; cum: number }[];
}
const goCases = <T>(name: string) => (JSON.parse(readFileSync(fileURLToPath(new URL(`./testdata/go-top/${name}`, import.meta.url)), 'utf8')) as { cases: T[] }).cases;
const TRACES = goCases<GoCase>('traces.json');
interface GoBaseCase {
  id: string;
  files: string[];
  base?: string;
  sampleIndex?: string;
  focus?: string;
  total: number;
  rows: { function: string; flat: number; cum: number }[];
}
const BASES = goCases<GoBaseCase>('series.json').filter((c) => c.base && c.files.length === 1);

const parsed = new Map<string, ParsedSource>();
const source = (rel: string): ParsedSource => {
  let s = parsed.get(rel);
  if (!s) parsed.set(rel, (s = rel.endsWith('.gz') ? parsePprof(new Uint8Array(gunzipSync(readFixture(rel)))) : parseTrace(readFixture(rel), {})));
  return s;
};

/** Saves the shown profile and reads it back: its sample type, top rows (as pprof -top) and header. */
function saveAndRead(src: ParsedSource, q: ShownPprofArgs) {
  const r = runQuery(src, { type: 'shownPprof', ...q });
  const back = parsePprof(r.bytes).model;
  const t = back.defaultSampleType;
  const table = topTable({ stacks: back.stacks, sampleStack: back.sampleStack, weight: back.sampleValues[t]! });
  return { r, back, sampleType: back.sampleTypes[t]!, total: table.total, rows: table.rows.map((x) => ({ function: x.function, flat: x.flat, cum: x.cum })) };
}

describe('shownPprof: the flame graph\'s profile as pprof bytes', () => {
  const cases = TRACES.filter((c) => !c.sampleIndex && ['conn-leak-go1.27', 'cpu-pool-go1.22'].some((s) => c.trace.includes(s)));
  it.each(cases.map((c) => [c.id, c] as const))('%s: reads back with the figures of go tool trace -pprof | go tool pprof -top', (_id, c) => {
    const got = saveAndRead(source(c.trace), { profile: c.trace_kind, focus: c.focus });
    expect(got.sampleType).toEqual({ type: 'delay', unit: 'nanoseconds' });
    // A focused view keeps only the focused samples: its total is what pprof -top shows of c.total.
    if (c.focus) expect(got.total).toBe(c.rows.reduce((s, r) => s + r.flat, 0));
    else expect(got.total).toBe(c.total);
    expect(got.rows).toEqual(c.rows);
  });

  it('a brushed range of a trace: the range\'s top rows, stamped with the range\'s start and length', () => {
    const rel = 'scenarios/conn-leak-go1.27/trace.out';
    const src = source(rel);
    const range = { startNs: src.startNs + (src.endNs - src.startNs) * 0.25, endNs: src.startNs + (src.endNs - src.startNs) * 0.6 };
    const shown = runQuery(src, { type: 'topTable', profile: 'sync', range, limit: 100_000 });
    const got = saveAndRead(src, { profile: 'sync', range });
    // A range clips blocking intervals, so its weights are fractional ns; pprof values are integers:
    // each saved sample is rounded once, so a row may differ from the view by half a ns per sample.
    const slack = got.back.sampleStack.length / 2;
    expect(got.rows.map((r) => r.function).sort()).toEqual(shown.table.rows.map((r) => r.function).sort());
    const want = new Map(shown.table.rows.map((r) => [r.function, r]));
    for (const r of got.rows) {
      expect(Math.abs(r.flat - want.get(r.function)!.flat), r.function).toBeLessThanOrEqual(slack);
      expect(Math.abs(r.cum - want.get(r.function)!.cum), r.function).toBeLessThanOrEqual(slack);
    }
    expect(Math.abs(got.total - shown.table.total)).toBeLessThanOrEqual(slack);
    expect(got.rows.length).toBeGreaterThan(3);
    const whole = saveAndRead(src, { profile: 'sync' });
    expect(got.total).toBeLessThan(whole.total);
    expect(got.back.timeNanos).toBe(epochAdd(src.clock.originEpochNs!, range.startNs));
    expect(got.back.durationNanos).toBe(Math.round(range.endNs - range.startNs));
  });

  it('a filtered pprof view: the top table under the same focus / hide, with its sample type', () => {
    const src = source('scenarios/conn-leak-go1.27/block.pb.gz');
    const q = { profile: 'delay', focus: 'net/http', hide: 'runtime\\.' };
    const shown = runQuery(src, { type: 'topTable', ...q, limit: 100_000 });
    const got = saveAndRead(src, q);
    expect(got.sampleType).toEqual({ type: 'delay', unit: 'nanoseconds' });
    expect(got.rows).toEqual(shown.table.rows.map((x) => ({ function: x.function, flat: x.flat, cum: x.cum })));
    expect(got.rows.some((r) => r.function.startsWith('runtime.'))).toBe(false);
    expect(got.total).toBe(shown.table.total);
    expect(got.total).toBeGreaterThan(0);
  });

  it.each(BASES.map((c) => [c.id, c] as const))('%s: a diff saved reads back as go tool pprof -top -base prints it', (_id, c) => {
    const cur = source(c.files[0]!);
    const base = source(c.base!);
    const profile = c.sampleIndex;
    const r = runQuery(cur, { type: 'shownPprofDiff', profile, focus: c.focus, base: exportStacks(base, profile) });
    const back = parsePprof(r.bytes).model;
    const t = back.defaultSampleType;
    const table = topTable({ stacks: back.stacks, sampleStack: back.sampleStack, weight: back.sampleValues[t]! });
    expect(table.rows.map((x) => ({ function: x.function, flat: x.flat, cum: x.cum }))).toEqual(c.rows);
    if (!c.focus) expect(table.rows.reduce((s, x) => s + x.flat, 0)).toBe(c.rows.reduce((s, x) => s + x.flat, 0));
  });

  it('its page schema takes what the flame panel sends and nothing else', () => {
    expect(validateQueryArgs('shownPprof', { type: 'shownPprof', profile: 'sync', range: { startNs: 0, endNs: 5 }, focus: 'x', ignore: 'y', hide: 'z' })).toBeNull();
    expect(validateQueryArgs('shownPprof', { type: 'shownPprof', inverted: true })).toMatch(/unknown field inverted/);
    expect(validateQueryArgs('shownPprof', { type: 'shownPprof', focus: 'x'.repeat(5000) })).toMatch(/focus/);
    // The diff's base is exported by the host from another engine, never sent by the page.
    expect(validateQueryArgs('shownPprofDiff', { type: 'shownPprofDiff' })).toMatch(/built by the host/);
  });
});
