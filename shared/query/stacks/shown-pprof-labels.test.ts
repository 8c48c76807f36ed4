/**
 * Labels through "Save as pprof" and through diffs, against Go's own figures on real labelled profiles
 * (testdata/go-labels, made by its src/main.go; figures by generate.mjs there):
 *
 * - a saved profile keeps its samples' labels: read back, `-tagfocus` / `-tagignore` / `-tagroot` give
 *   top.json's rows (Go's of the original), and tagroot's frames are saved as frames;
 * - a diff applies the label options to the base as well (diff.json: `go tool pprof -top
 *   -diff_base=cpu-base.pb.gz -tagfocus=… cpu.pb.gz`, cpu-base.pb.gz being a second run of the program).
 */
import { describe, expect, it } from 'vitest';
import type { ParsedSource } from '../../model/source.ts';
import { ingestBytes } from '../../ingest/ingest.ts';
import { runQuery } from '../run-query.ts';
import { exportStacks, labelledStacksOf } from './stack-sources.ts';
import { comparePprofFlat, topTable } from './top-table.ts';
import { absoluteTotal } from './stack-merge.ts';
import type { WeightedStacks } from './weighted-stacks.ts';
import type { ShownPprofArgs } from './stack-types.ts';
import { goLabelsCases, goLabelsFile, type GoListCase, type GoTopCase } from '../../test-support/go-labels.ts';

type Row = { function: string; flat: number; cum: number };
interface GoDiffCase {
  command: string;
  tagfocus?: string;
  tagignore?: string;
  tagroot?: string;
  rows: Row[];
  baseShown: number;
}
const TOP = goLabelsCases<GoTopCase>('top.json');
const DIFFS = goLabelsCases<GoDiffCase>('diff.json');
const load = (f: string) => ingestBytes(goLabelsFile(f));

/** Rows as `go tool pprof -top` prints them (a tagroot frame without a value is "<unknown>"). */
function pprofRows(ws: WeightedStacks, focus?: string): Row[] {
  return topTable(ws, { focus })
    .rows.map((r) => ({ ...r, function: r.function === '' ? '<unknown>' : r.function }))
    .sort(comparePprofFlat)
    .map((r) => ({ function: r.function, flat: Math.round(r.flat), cum: Math.round(r.cum) }));
}

const saved = async (src: ParsedSource, q: ShownPprofArgs) => ingestBytes(runQuery(src, { type: 'shownPprof', ...q }).bytes);

describe('Save as pprof keeps the samples\' labels', () => {
  it.each(TOP.map((c) => [c.command, c] as const))('read back, %s gives Go\'s figures of the original', async (_, c) => {
    const back = await saved(await load(c.file), { profile: c.sampleIndex });
    expect(back.kind).toBe('pprof');
    expect(pprofRows(labelledStacksOf(back, c.sampleIndex, undefined, c), c.focus)).toEqual(c.rows);
    expect(absoluteTotal(labelledStacksOf(back, c.sampleIndex, undefined, { tagroot: c.tagroot }))).toBe(c.total);
  });

  it("keeps each function's start_line: the saved file's source lines start where Go's -list of the original does", async () => {
    const lists = goLabelsCases<GoListCase>('list.json');
    for (const c of lists) {
      const back = await saved(await load(c.file), { profile: c.sampleIndex });
      const r = runQuery(back, { type: 'sourceLines', profile: c.sampleIndex, regex: c.regex, tagfocus: c.tagfocus });
      const starts = r.functions.flatMap((fn) => fn.files.map((f) => [fn.function, f.startLine]));
      expect(starts).toEqual(c.routines.map((x) => [x.function, x.shown[0]]));
    }
  });

  it('a view grouped by a label is saved with its label frames, and the labels still on the samples', async () => {
    const src = await load('cpu.pb.gz');
    const back = await saved(src, { profile: 'cpu', tagroot: 'worker' });
    const go = TOP.find((c) => c.file === 'cpu.pb.gz' && c.tagroot === 'worker' && !c.focus)!;
    // The frames are in the stacks: the plain top table of the file is Go's -tagroot=worker.
    expect(pprofRows(labelledStacksOf(back, 'cpu', undefined, {}))).toEqual(go.rows);
    const keys = (s: ParsedSource) => runQuery(s, { type: 'labelKeys', profile: 'cpu' }).keys;
    expect(keys(back)).toEqual(keys(src));
    expect(keys(back).map((k) => k.key).sort()).toEqual(['phase', 'tenant', 'worker']);
  });

  it('a label-filtered view keeps only its samples, with their labels', async () => {
    const back = await saved(await load('cpu.pb.gz'), { profile: 'cpu', tagfocus: 'worker=alpha' });
    const go = TOP.find((c) => c.file === 'cpu.pb.gz' && c.tagfocus === 'worker=alpha' && !c.tagignore)!;
    expect(pprofRows(labelledStacksOf(back, 'cpu', undefined, {}))).toEqual(go.rows);
    const worker = runQuery(back, { type: 'labelKeys', profile: 'cpu' }).keys.find((k) => k.key === 'worker')!;
    expect(worker.values.map((v) => v.value)).toEqual(['alpha']);
  });

  it('a Go 1.27 goroutine dump: each goroutine saved with its labels (those of the same goroutines\' profile)', async () => {
    const dump = await load('goroutine-debug2.txt');
    const back = await saved(dump, {});
    const go = TOP.find((c) => c.file === 'goroutine.pb.gz' && c.tagfocus === 'team=ingest')!;
    const ingest = labelledStacksOf(back, 'goroutine', undefined, { tagfocus: 'team=ingest' });
    expect(topTable(ingest).total).toBe(go.rows.reduce((s, r) => s + r.flat, 0));
    const keys = (s: ParsedSource, profile: string) => runQuery(s, { type: 'labelKeys', profile }).keys;
    expect(keys(back, 'goroutine')).toEqual(keys(await load('goroutine.pb.gz'), 'goroutine'));
  });
});

describe('a diff applies the label options to its base (pprof -diff_base with -tagfocus)', () => {
  it.each(DIFFS.map((c) => [c.command, c] as const))('%s', async (_, c) => {
    const cur = await load('cpu.pb.gz');
    const base = await load('cpu-base.pb.gz');
    const opts = { tagfocus: c.tagfocus, tagignore: c.tagignore, tagroot: c.tagroot };
    const exported = runQuery(base, { type: 'exportStacks', profile: 'cpu', ...opts }).stacks;
    // The flame graph's diff: the base's total is what Go shows of the base under the same options.
    const tree = runQuery(cur, { type: 'callTreeDiff', profile: 'cpu', ...opts, base: exported });
    const t = tree.tree as { baseTotal: number; root: { delta?: number } };
    expect(t.baseTotal).toBe(c.baseShown);
    expect(t.root.delta).toBe(c.rows.reduce((s, r) => s + r.flat, 0));
    // The saved diff reads back with Go's rows.
    const back = await ingestBytes(runQuery(cur, { type: 'shownPprofDiff', profile: 'cpu', ...opts, base: exported }).bytes);
    expect(pprofRows(labelledStacksOf(back, 'cpu', undefined, {}))).toEqual(c.rows);
  });

  it('exportStacks without options keeps every base sample (the options are what narrows it)', async () => {
    const base = await load('cpu-base.pb.gz');
    const all = exportStacks(base, 'cpu');
    const alpha = exportStacks(base, 'cpu', undefined, { tagfocus: 'worker=alpha' });
    const sum = (w: ArrayLike<number>) => Array.from(w).reduce((s, x) => s + x, 0);
    expect(sum(alpha.weight)).toBe(DIFFS.find((c) => c.tagfocus === 'worker=alpha')!.baseShown);
    expect(sum(all.weight)).toBe(DIFFS.find((c) => !c.tagfocus && !c.tagignore && !c.tagroot)!.baseShown);
  });
});
