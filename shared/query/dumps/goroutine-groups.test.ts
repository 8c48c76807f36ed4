import { describe, it, expect } from 'vitest';
import {
  goroutineDumpWeightedStacks,
  goroutineGroupKey,
  goroutineGroups,
  keyFunctions,
  normalizeWaitReason,
} from './goroutine-groups.ts';
import { parseGoroutineDump } from '../../ingest/goroutines/parse-goroutines.ts';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { frameFuncName } from '../../model/stacks.ts';

const load = (f: string) => ({ sourceId: f, model: parseGoroutineDump(readFixture(f), {}).model });
const text = (f: string) => new TextDecoder().decode(readFixture(f));
const CONN19 = 'scenarios/conn-leak-go1.19/goroutine-debug2.txt';
const CONN27 = 'scenarios/conn-leak-go1.27/goroutine-debug2.txt';

/** Naive count: `goroutine N [state]:` blocks whose first frame line calls `func(`. */
function naiveCount(s: string, state: string, func: string): number {
  const re = new RegExp(`^goroutine \\d+ \\[${state}\\]:\\n${func.replace(/[().*]/g, '\\$&')}\\(`, 'gm');
  return [...s.matchAll(re)].length;
}

describe('goroutineGroups', () => {
  it('finds the persistConn readLoop/writeLoop leak growing between go1.19 and go1.27 dumps', () => {
    const res = goroutineGroups([load(CONN19), load(CONN27)]);
    expect(res.withState).toBe(true);
    const want = {
      write: [naiveCount(text(CONN19), 'select', 'net/http.(*persistConn).writeLoop'), naiveCount(text(CONN27), 'select', 'net/http.(*persistConn).writeLoop')],
      read: [naiveCount(text(CONN19), 'select', 'net/http.(*persistConn).readLoop'), naiveCount(text(CONN27), 'select', 'net/http.(*persistConn).readLoop')],
    };
    // The README's figures for these runs (goroutine.pb.gz of the same moment).
    expect(want).toEqual({ write: [37, 71], read: [35, 69] });
    const [first, second] = res.rows;
    expect(first).toMatchObject({
      key: 'select|net/http.(*persistConn).writeLoop',
      state: 'select',
      rawStates: ['select'],
      counts: want.write,
      growth: 34,
      maxWaitMinutes: null,
      function: 'net/http.(*persistConn).writeLoop',
    });
    expect(second).toMatchObject({ key: 'select|net/http.(*persistConn).readLoop', counts: want.read, growth: 34 });
    expect(first!.frames).toEqual([{ function: 'net/http.(*persistConn).writeLoop', file: 'net/http/transport.go', line: 2392 }]);
    expect(first!.stackRef?.sourceId).toBe(CONN19);
    // Rows cover every goroutine of both dumps, and are sorted by growth.
    const sum = (d: number) => res.rows.reduce((a, r) => a + r.counts[d]!, 0);
    expect([sum(0), sum(1)]).toEqual([82, 150]);
    for (let i = 1; i < res.rows.length; i++) expect(res.rows[i]!.growth).toBeLessThanOrEqual(res.rows[i - 1]!.growth);
    expect(goroutineGroups([load(CONN19), load(CONN27)], { limit: 2 }).rows.map((r) => r.key)).toEqual([first!.key, second!.key]);
  });

  it('matches debug=1 and debug=2 dumps of the same moment by stack alone', () => {
    const res = goroutineGroups([load('scenarios/conn-leak-go1.19/goroutine-debug1.txt'), load(CONN19)]);
    expect(res.withState).toBe(false); // debug=1 has no states
    const row = (fn: string) => res.rows.find((r) => r.key === `|${fn}`)?.counts;
    expect(row('net/http.(*persistConn).writeLoop')).toEqual([37, 37]);
    expect(row('net/http.(*persistConn).readLoop')).toEqual([35, 35]);
    // debug=1 shows runtime.main under main.main; debug=2 hides it: the key drops it.
    expect(row('time.Sleep;main.main')).toEqual([1, 1]);
  });

  it('orders a single dump by count', () => {
    const res = goroutineGroups([load('scenarios/lock-contention-go1.27/goroutine-debug2.txt')]);
    expect(res.rows[0]).toMatchObject({ state: 'chan send', counts: [528], function: 'main.handler.func1.2' });
    expect(res.rows[1]).toMatchObject({ state: 'IO wait', function: 'internal/poll.runtime_pollWait' });
    // sync.Mutex.Lock and sync.WaitGroup.Wait share the trace's reason `sync`; their stacks tell them apart.
    const sync = res.rows.filter((r) => r.state === 'sync');
    expect(sync.flatMap((r) => r.rawStates).sort()).toEqual(['sync.Mutex.Lock', 'sync.WaitGroup.Wait']);
    expect(sync.reduce((a, r) => a + r.counts[0]!, 0)).toBe(38);
    for (let i = 1; i < res.rows.length; i++) expect(res.rows[i]!.counts[0]!).toBeLessThanOrEqual(res.rows[i - 1]!.counts[0]!);
  });

  it('keeps the longest wait and sums groups that share a key', () => {
    const dump = (blocks: string[]) => ({
      sourceId: String(blocks.length),
      model: parseGoroutineDump(new TextEncoder().encode(blocks.join('\n\n') + '\n'), {}).model,
    });
    const g = (id: number, header: string, line: number) =>
      `goroutine ${id} [${header}]:\nmain.worker()\n\t/src/w.go:${line} +0x1\ncreated by main.main in goroutine 1\n\t/src/m.go:3 +0x2`;
    const a = dump([g(2, 'chan receive, 3 minutes', 10), g(3, 'chan receive (nil chan)', 11)]);
    const b = dump([g(2, 'chan receive, 7 minutes', 10), g(3, 'chan receive, 2 minutes', 12), g(4, 'chan receive', 10)]);
    const res = goroutineGroups([a, b]);
    expect(res.rows).toHaveLength(1); // lines and nil-chan differ, function names and reason do not
    expect(res.rows[0]).toMatchObject({
      key: 'chan receive|main.worker',
      counts: [2, 3],
      growth: 1,
      maxWaitMinutes: 7,
      rawStates: ['chan receive', 'chan receive (nil chan)'],
    });
  });

  it('normalises wait reasons and runtime frames so dumps and traces share keys', () => {
    expect(normalizeWaitReason('chan receive (nil chan)')).toBe('chan receive');
    expect(normalizeWaitReason('select (scan)')).toBe('select');
    expect(normalizeWaitReason('network')).toBe('IO wait');
    expect(normalizeWaitReason('sync.(*Cond).Wait')).toBe('sync.Cond.Wait');
    expect(normalizeWaitReason('GC assist wait')).toBe('GC assist wait');
    // A trace stack shows the runtime leaf frames and goexit; a dump does not.
    const trace = ['runtime.gopark', 'runtime.selectgo', 'net/http.(*persistConn).readLoop', 'runtime.goexit'];
    expect(keyFunctions(trace)).toEqual(['net/http.(*persistConn).readLoop']);
    expect(goroutineGroupKey('select', trace)).toBe('select|net/http.(*persistConn).readLoop');
    // Exported runtime functions inside the stack stay; all-runtime stacks keep their frames.
    expect(keyFunctions(['main.f', 'runtime.Gosched', 'main.g'])).toEqual(['main.f', 'runtime.Gosched', 'main.g']);
    expect(keyFunctions(['runtime.gopark', 'runtime.bgsweep'])).toEqual(['runtime.gopark', 'runtime.bgsweep']);
  });
});

describe('goroutineDumpWeightedStacks', () => {
  for (const [file, want] of fixturesOfKind('goroutine-dump')) {
    it(`${file}: one entry per group with a stack, weights add up to the goroutines`, () => {
      const m = load(file).model;
      const ws = goroutineDumpWeightedStacks(m);
      expect(ws.stacks).toBe(m.stacks);
      let noStack = 0;
      for (let g = 0; g < m.groups.count; g++) if (m.groups.stack[g]! < 0) noStack += m.groups.size[g]!;
      expect(ws.weight.reduce((a, b) => a + b, 0) + noStack).toBe(want.goroutines);
      expect(ws.sampleStack.length).toBe(ws.weight.length);
      for (const s of ws.sampleStack) expect(s).toBeGreaterThanOrEqual(0);
    });
  }

  it('weights the conn-leak writeLoop stack by its 37 goroutines', () => {
    const m = load(CONN19).model;
    const ws = goroutineDumpWeightedStacks(m);
    const leaf = (i: number) => frameFuncName(m.stacks, m.stacks.stackFrame[ws.sampleStack[i]!]!);
    expect([leaf(0), ws.weight[0]]).toEqual(['net/http.(*persistConn).writeLoop', 37]);
    expect([leaf(1), ws.weight[1]]).toEqual(['net/http.(*persistConn).readLoop', 35]);
  });
});
