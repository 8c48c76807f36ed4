/**
 * Label filters and label roots against Go's own `go tool pprof -top -tagfocus/-tagignore/-tagroot`
 * on real labelled profiles (testdata/go-labels: made by its src/main.go with pprof.Do labels; Go's
 * figures in top.json, see generate.mjs there), plus the units pprof reads ranges in.
 */
import { describe, expect, it } from 'vitest';
import { ingestBytes } from '../../ingest/ingest.ts';
import { labelledStacksOf } from './stack-sources.ts';
import { comparePprofFlat, topTable } from './top-table.ts';
import { absoluteTotal } from './stack-merge.ts';
import { buildCallTree } from './call-tree.ts';
import { callTreeQuery } from './stack-sources.ts';
import { scaledLabel, scaleValue } from '../labels/pprof-units.ts';
import { compileTagFilter, labelTableFromPairs } from '../labels/label-filter.ts';
import { goLabelsCases, goLabelsFile, type GoTopCase } from '../../test-support/go-labels.ts';


const CASES = goLabelsCases<GoTopCase>('top.json');

const load = (f: string) => ingestBytes(goLabelsFile(f));

describe('label filters and roots equal go tool pprof', () => {
  it.each(CASES.map((c) => [c.command, c] as const))('%s', async (_, c) => {
    const src = await load(c.file);
    const ws = labelledStacksOf(src, c.sampleIndex, undefined, c);
    const rows = topTable(ws, { focus: c.focus })
      .rows.map((r) => ({ ...r, function: r.function === '' ? '<unknown>' : r.function }))
      .sort(comparePprofFlat)
      .map((r) => ({ function: r.function, flat: Math.round(r.flat), cum: Math.round(r.cum) }));
    expect(rows).toEqual(c.rows);
    // pprof's total is taken before the tag filters: the same stacks with tagroot alone.
    expect(absoluteTotal(labelledStacksOf(src, c.sampleIndex, undefined, { tagroot: c.tagroot }))).toBe(c.total);
  });

  it('draws tagroot frames as key:value at the top of the flame graph', async () => {
    const src = await load('cpu.pb.gz');
    const r = callTreeQuery(src, { type: 'callTree', profile: 'cpu', tagroot: 'worker,phase' });
    const roots = r.tree.root.children.map((n) => n.display ?? n.name).sort();
    expect(roots).toEqual(['worker:alpha', 'worker:beta']);
    const phases = r.tree.root.children[0]!.children.map((n) => n.display).sort();
    expect(phases).toEqual(['phase:(none)', 'phase:encode', 'phase:parse']);
    // The values are those of Go's -tagroot rows.
    const go = CASES.find((c) => c.tagroot === 'worker,phase' && c.file === 'cpu.pb.gz')!;
    const alpha = go.rows.find((x) => x.function === 'alpha')!;
    expect(r.tree.root.children.find((n) => n.name === 'alpha')!.value).toBe(alpha.cum);
  });

  it('is cached: the same options give the same weights (the call trees cache on them)', async () => {
    const src = await load('cpu.pb.gz');
    const a = labelledStacksOf(src, 'cpu', undefined, { tagfocus: 'worker=alpha' });
    expect(labelledStacksOf(src, 'cpu', undefined, { tagfocus: 'worker=alpha' })).toBe(a);
    expect(buildCallTree(a, {}).total).toBe(CASES.find((c) => c.tagfocus === 'worker=alpha')!.rows.reduce((s, r) => s + r.flat, 0));
  });

  it('names a bad regex', async () => {
    const src = await load('cpu.pb.gz');
    expect(() => labelledStacksOf(src, 'cpu', undefined, { tagfocus: 'worker=(' })).toThrow(/tagfocus/);
  });
});

describe('pprof units', () => {
  it('scales and labels as pprof does', () => {
    expect(scaleValue(16384, 'bytes', 'kb')).toEqual([16, 'kB']);
    expect(scaleValue(1536, 'bytes', 'minimum')).toEqual([1.5, 'kB']);
    expect(scaleValue(2_500_000, 'nanoseconds', 'ms')).toEqual([2.5, 'ms']);
    expect(scaleValue(7, 'widgets', 'widgets')).toEqual([7, 'widgets']);
    expect(scaledLabel(1024, '', '')).toBe('1024');
    expect(scaledLabel(1536, 'bytes', 'minimum')).toBe('1.50kB');
  });

  it('reads ranges with and without a key', () => {
    const t = labelTableFromPairs([[['team', 'ingest']], [['team', 'query']], []]);
    const f = compileTagFilter('tagfocus', 'team=ingest,query', new Map())!;
    expect([0, 1, 2].map((i) => f(t, i))).toEqual([true, true, false]);
    const all = compileTagFilter('tagfocus', 'team:in', new Map())!;
    expect([0, 1, 2].map((i) => all(t, i))).toEqual([true, false, false]);
  });
});

describe('label keys', () => {
  it('weighs keys and values as `go tool pprof -tags cpu.pb.gz` does', async () => {
    const { labelKeysQuery } = await import('./stack-sources.ts');
    const src = await load('cpu.pb.gz');
    const keys = labelKeysQuery(src, { type: 'labelKeys', profile: 'cpu' }).keys;
    // go tool pprof -tags: phase 2.09s of 2.25s (encode 1.49s, parse 600ms); worker 2.25s (beta 1.15s, alpha 1.10s).
    const phase = keys.find((k) => k.key === 'phase')!;
    expect(phase.weight).toBe(2.09e9);
    expect(phase.values).toEqual([
      { value: 'encode', weight: 1.49e9 },
      { value: 'parse', weight: 0.6e9 },
    ]);
    expect(keys.find((k) => k.key === 'worker')!.values).toEqual([
      { value: 'beta', weight: 1.15e9 },
      { value: 'alpha', weight: 1.1e9 },
    ]);
  });
});

describe('Save as pprof with labels', () => {
  it.each([{ tagfocus: 'worker=alpha' }, { tagroot: 'worker,phase' }])('%o: the saved profile lists what Go lists with the same options', async (o) => {
    const { shownPprof } = await import('./shown-pprof.ts');
    const { parsePprof } = await import('../../ingest/pprof/parse-pprof.ts');
    const src = await load('cpu.pb.gz');
    const saved = parsePprof(shownPprof(src, { profile: 'cpu', ...o }).bytes).model;
    const rows = topTable({ stacks: saved.stacks, sampleStack: saved.sampleStack, weight: saved.sampleValues[0]! })
      .rows.map((r) => ({ ...r, function: r.function === '' ? '<unknown>' : r.function }))
      .sort(comparePprofFlat)
      .map((r) => ({ function: r.function, flat: r.flat, cum: r.cum }));
    const go = CASES.find((c) => c.file === 'cpu.pb.gz' && c.tagfocus === o.tagfocus && c.tagroot === (o as { tagroot?: string }).tagroot && !c.tagignore && !c.focus)!;
    expect(rows).toEqual(go.rows);
  });
});
