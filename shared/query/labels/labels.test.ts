/**
 * Labels of goroutine dumps, on the real dumps of testdata/go-labels (written at the same moment as
 * its goroutine.pb.gz, by the same program): Go 1.27's debug=1 `# labels:` lines and debug=2 header
 * labels read into pairs, shown per goroutine group and usable as pprof's -tagfocus / -tagignore —
 * the counts equal Go's `go tool pprof -top -tagfocus=…` of the protobuf goroutine profile (top.json).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGoroutineDump } from '../../ingest/goroutines/parse-goroutines.ts';
import { goroutineGroups } from '../dumps/goroutine-groups.ts';
import { mergeGoroutineGroups } from '../dumps/goroutine-groups-merge.ts';
import { parseLabelText, labelPairsText } from './label-text.ts';

const DIR = fileURLToPath(new URL('../stacks/testdata/go-labels/', import.meta.url));
const TOP = (JSON.parse(readFileSync(join(DIR, 'top.json'), 'utf8')) as { cases: { file: string; tagfocus?: string; tagignore?: string; tagroot?: string; rows: { function: string; cum: number }[] }[] }).cases;
const dump = (f: string) => parseGoroutineDump(new Uint8Array(readFileSync(join(DIR, f)))).model;

describe('label texts', () => {
  it('reads both of Go 1.27 forms, quoting and escapes included', () => {
    expect(parseLabelText('{"role":"waiter", "shard":"0", "team":"report \\"q\\""}')).toEqual([
      ['role', 'waiter'],
      ['shard', '0'],
      ['team', 'report "q"'],
    ]);
    expect(parseLabelText('{role: waiter, shard: 1, team: "report \\"q\\""}')).toEqual([
      ['role', 'waiter'],
      ['shard', '1'],
      ['team', 'report "q"'],
    ]);
    expect(parseLabelText('{"k":"a\\tb\\u00e9"}')).toEqual([['k', 'a\tbé']]);
    expect(parseLabelText('')).toEqual([]);
    expect(() => parseLabelText('{k v}')).toThrow(/no ':'/);
    expect(labelPairsText([['a', '1'], ['b', '2']])).toBe('a=1, b=2');
  });

  it('every label text of the real dumps reads (debug=1 and debug=2)', () => {
    for (const f of ['goroutine-debug1.txt', 'goroutine-debug2.txt']) {
      const m = dump(f);
      const teams = m.labels.filter(Boolean).map((t) => Object.fromEntries(parseLabelText(t)).team ?? null);
      expect(teams.filter((t) => t === 'report "q"').length, f).toBe(1);
    }
  });
});

describe('goroutine groups by label', () => {
  const waiterCum = (tagfocus: string) => TOP.find((c) => c.file === 'goroutine.pb.gz' && c.tagfocus === tagfocus && !c.tagignore)!.rows.find((r) => r.function === 'main.waiter')!.cum;

  it.each(['goroutine-debug1.txt', 'goroutine-debug2.txt'])('%s: a group lists its label sets; -tagfocus keeps what Go keeps', (f) => {
    const m = dump(f);
    const all = goroutineGroups([{ sourceId: 'd', model: m }]);
    const waiters = all.rows.find((r) => r.function === 'main.waiter.func1')!;
    expect(waiters.counts[0]).toBe(7);
    expect(waiters.labels).toEqual([
      { text: 'role=waiter, shard=0, team=ingest', count: 2 },
      { text: 'role=waiter', count: 1 },
      { text: 'role=waiter, shard=0, team=query', count: 1 },
      { text: 'role=waiter, shard=1, team=ingest', count: 1 },
      { text: 'role=waiter, shard=1, team=query', count: 1 },
      { text: 'role=waiter, shard=1, team=report "q"', count: 1 },
    ]);
    const ingest = goroutineGroups([{ sourceId: 'd', model: m }], { tagfocus: 'team=ingest' });
    expect(ingest.rows.map((r) => [r.function, r.counts[0]])).toEqual([['main.waiter.func1', waiterCum('team=ingest')]]);
    const notWaiters = goroutineGroups([{ sourceId: 'd', model: m }], { tagignore: 'role=waiter' });
    expect(notWaiters.rows.reduce((s, r) => s + r.counts[0]!, 0)).toBe(1);
    expect(() => goroutineGroups([{ sourceId: 'd', model: m }], { tagfocus: 'team=(' })).toThrow(/tagfocus/);
  });

  it('keeps label counts through a merge of dumps', () => {
    const parts = ['goroutine-debug2.txt', 'goroutine-debug2.txt'].map((f, i) => goroutineGroups([{ sourceId: `d${i}`, model: dump(f) }]));
    const merged = mergeGoroutineGroups(parts);
    const w = merged.rows.find((r) => r.function === 'main.waiter.func1')!;
    expect(w.labels[0]).toEqual({ text: 'role=waiter, shard=0, team=ingest', count: 4 });
  });
});
