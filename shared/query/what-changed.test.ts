import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { expectedFigures, fixturesOfKind, readFixture } from '../test-support/fixtures.ts';
import { parseSocketText } from '../ingest/ss/parse-ss.ts';
import { parseTrace } from '../ingest/gotrace/parse-trace.ts';
import { parseGoroutineDump } from '../ingest/goroutines/parse-goroutines.ts';
import type { ParsedSource } from '../model/source.ts';
import { blockingTotals } from './trace/trace-blocking.ts';
import { traceGoroutineGroups } from './trace/trace-goroutine-groups.ts';
import { mergeWhatChanged, restOf, scoreRow, whatChangedPart, type ChangeRow, type WcRange } from './what-changed.ts';
import { fuzzTimeout } from '../test-support/fuzz.ts';

const CONN = 'scenarios/conn-leak-go1.27/';
const STORM = 'scenarios/timewait-storm-go1.27/';

/** Snapshots of a capture read straight from its text: epoch ns and the count per state (a regex per line). */
function snapshotsFromText(rel: string): { epoch: bigint; counts: Map<string, number> }[] {
  const text = gunzipSync(readFixture(rel)).toString('utf8');
  const out: { epoch: bigint; counts: Map<string, number> }[] = [];
  for (const line of text.split('\n')) {
    const h = /^### ss-snapshot (\d+) /.exec(line);
    if (h) {
      out.push({ epoch: BigInt(h[1]!), counts: new Map() });
      continue;
    }
    const s = /^([A-Z][A-Z0-9-]+)\s+\d+\s+\d+\s/.exec(line);
    if (s && out.length) {
      const c = out[out.length - 1]!.counts;
      c.set(s[1]!, (c.get(s[1]!) ?? 0) + 1);
    }
  }
  return out;
}

const ssOf = (rel: string) => parseSocketText(gunzipSync(readFixture(rel)));
const rel = (src: ParsedSource, epoch: bigint) => Number(epoch - BigInt(src.clock.originEpochNs!));
const find = (rows: ChangeRow[], category: string, key: string) => rows.find((r) => r.category === category && r.key === key);

describe('what changed: sockets (ss captures)', () => {
  const ss = ssOf(`${CONN}ss-capture.txt.gz`);
  const trace = parseTrace(readFixture(`${CONN}trace.out`), {});
  // A = the span of the execution trace (where ESTAB climbs), on the capture's own clock.
  const shift = rel(ss, BigInt(trace.clock.originEpochNs!));
  const a: WcRange = { startNs: shift + trace.startNs, endNs: shift + trace.endNs };
  const b = restOf({ startNs: ss.startNs, endNs: ss.endNs }, a);
  const part = whatChangedPart(ss, 'ss', a, b);
  const text = snapshotsFromText(`${CONN}ss-capture.txt.gz`);
  const inA = text.filter((s) => rel(ss, s.epoch) >= a.startNs && rel(ss, s.epoch) <= a.endNs);
  const inB = text.filter((s) => !inA.includes(s));

  it('mean / first / last per state are the per-snapshot counts of the capture text', () => {
    expect(inA.length).toBeGreaterThan(3);
    for (const state of ['ESTAB', 'TIME-WAIT']) {
      const va = inA.map((s) => s.counts.get(state) ?? 0);
      const vb = inB.map((s) => s.counts.get(state) ?? 0);
      const row = find(part.rows, 'socket-state', state)!;
      expect(row.a!.first).toBe(va[0]);
      expect(row.a!.last).toBe(va[va.length - 1]);
      expect(row.a!.samples).toBe(va.length);
      expect(row.a!.mean).toBeCloseTo(va.reduce((x, y) => x + y, 0) / va.length, 9);
      expect(row.b!.mean).toBeCloseTo(vb.reduce((x, y) => x + y, 0) / vb.length, 9);
      expect(row.growth).toBe(va[va.length - 1]! - va[0]!);
    }
  });

  it('ESTAB is the top socket mover of the conn-leak trace window: it climbs inside it', () => {
    const m = mergeWhatChanged([part]);
    const states = m.categories.find((c) => c.category === 'socket-state')!.rows;
    expect(states[0]!.key).toBe('ESTAB');
    expect(states[0]!.growth).toBeGreaterThan(20);
  });

  it('over the whole capture, first/last equal the expected.json first and last snapshots', () => {
    for (const [file, e] of fixturesOfKind('ss')) {
      if (!file.endsWith('ss-capture.txt.gz')) continue;
      const src = ssOf(file);
      const p = whatChangedPart(src, 's', { startNs: src.startNs, endNs: src.endNs }, []);
      const first = e.first as Record<string, number>;
      const last = e.last as Record<string, number>;
      for (const st of new Set([...Object.keys(first), ...Object.keys(last)])) {
        const r = find(p.rows, 'socket-state', st)!;
        expect(r.a!.first, `${file} ${st}`).toBe(first[st] ?? 0);
        expect(r.a!.last, `${file} ${st}`).toBe(last[st] ?? 0);
      }
    }
  });

  it('timewait storm: TIME-WAIT leads, climbing by about 100 a second', () => {
    const src = ssOf(`${STORM}ss-capture.txt.gz`);
    const t = snapshotsFromText(`${STORM}ss-capture.txt.gz`);
    const ra: WcRange = { startNs: 5e9, endNs: 15e9 };
    const m = mergeWhatChanged([whatChangedPart(src, 's', ra, restOf({ startNs: src.startNs, endNs: src.endNs }, ra))]);
    const top = m.categories.find((c) => c.category === 'socket-state')!.rows[0]!;
    expect(top.key).toBe('TIME-WAIT');
    const va = t.filter((s) => rel(src, s.epoch) >= ra.startNs && rel(src, s.epoch) <= ra.endNs).map((s) => s.counts.get('TIME-WAIT') ?? 0);
    expect(top.growth).toBe(va[va.length - 1]! - va[0]!);
    expect(top.growth! / 10).toBeGreaterThan(80);
    // The rest of the session holds the later plateau: the level there is higher on average.
    expect(top.delta!).toBeLessThan(0);
    // Peers: every socket of the run is on loopback.
    expect(m.categories.find((c) => c.category === 'socket-peer')!.rows[0]!.key).toBe('127.0.0.1');
  });
});

describe('what changed: traces', () => {
  const expected = expectedFigures();
  it('blocked time by reason over the whole trace is go tool trace -pprof=KIND (expected.json)', () => {
    for (const file of [`${CONN}trace.out`, `${STORM}trace.out`]) {
      const tr = parseTrace(readFixture(file), {});
      // A = the whole trace; B = nothing. A row's totalNsA is Go's figure.
      const p = whatChangedPart(tr, 't', { startNs: tr.startNs - 1, endNs: tr.endNs + 1 }, []);
      const want = expected[file]!.blockingNs as Record<string, number>;
      for (const k of ['sync', 'net', 'syscall', 'sched']) {
        const r = find(p.rows, 'blocking-reason', k);
        expect(r?.totalNsA ?? 0, `${file} ${k}`).toBe(want[k]);
      }
    }
  });

  const tr = parseTrace(readFixture(`${CONN}trace.out`), {});
  const span = tr.endNs - tr.startNs;
  const a = { startNs: tr.startNs + span * 0.5, endNs: tr.endNs };
  const b = [{ startNs: tr.startNs, endNs: tr.startNs + span * 0.5 }];
  const p = whatChangedPart(tr, 't', a, b);

  it('group means are blocked ns over covered ns, the blocking view’s totals', () => {
    const groups = traceGoroutineGroups(tr.model, a).groups;
    const groupsB = traceGoroutineGroups(tr.model, b[0]!).groups;
    for (const g of groups.slice(0, 10)) {
      const r = find(p.rows, 'trace-group', g.key)!;
      expect(r.totalNsA).toBe(g.totalNs);
      expect(r.a!.mean).toBeCloseTo(g.totalNs / (a.endNs - a.startNs), 9);
      const gb = groupsB.find((x) => x.key === g.key);
      expect(r.b!.mean).toBeCloseTo((gb?.totalNs ?? 0) / (b[0]!.endNs - b[0]!.startNs), 9);
    }
    const t = blockingTotals(tr.model, ['sync', 'net', 'syscall', 'sched'], a);
    expect(find(p.rows, 'blocking-reason', 'sync')!.totalNsA).toBe(t.sync);
  });

  it('conn-leak: the persistConn loops are the growing goroutine groups', () => {
    const m = mergeWhatChanged([p], { limit: 3 });
    const top = m.categories.find((c) => c.category === 'trace-group')!.rows;
    expect(top[0]!.function).toMatch(/persistConn\)\.(readLoop|writeLoop)$/);
    expect(top[0]!.delta!).toBeGreaterThan(1);
  });

  it('a range outside the trace contributes nothing', () => {
    expect(whatChangedPart(tr, 't', { startNs: tr.endNs + 1e9, endNs: tr.endNs + 2e9 }, []).rows).toEqual([]);
  });
});

describe('what changed: goroutine dumps', () => {
  const early = parseGoroutineDump(readFixture('scenarios/conn-leak-go1.19/goroutine-debug2.txt'), {});
  const late = parseGoroutineDump(readFixture(`${CONN}goroutine-debug2.txt`), {});
  // Dumps carry no time: place them as the session would (early at 0, late at 10 s on the axis).
  const at = new Map([
    ['early', 0],
    ['late', 10e9],
  ]);
  it('a leak reads as growth between two dumps in the selection (37 → 71 writeLoop goroutines)', () => {
    const count = (rel: string, fn: string) => gunzipFree(rel).split('\n\n').filter((blk) => blk.includes(fn)).length;
    const parts = [whatChangedPart(late, 'late', { startNs: -1, endNs: 1 }, []), whatChangedPart(early, 'early', { startNs: -1, endNs: 1 }, [])];
    const m = mergeWhatChanged(parts, { axisAt: (p) => at.get(p.sourceId)! });
    const rows = m.categories.find((c) => c.category === 'dump-group')!.rows;
    const w = rows.find((r) => r.function === 'net/http.(*persistConn).writeLoop')!;
    expect(w.a!.first).toBe(count('scenarios/conn-leak-go1.19/goroutine-debug2.txt', 'persistConn).writeLoop'));
    expect(w.a!.last).toBe(count(`${CONN}goroutine-debug2.txt`, 'persistConn).writeLoop'));
    expect([w.a!.first, w.a!.last]).toEqual([37, 71]);
    expect(w.growth).toBe(34);
    expect(rows[0]!.function).toMatch(/persistConn\)\.(readLoop|writeLoop)$/);
    expect(w.sourceId).toBe('late');
  });
  it('a dump in the baseline only compares levels', () => {
    const parts = [whatChangedPart(early, 'early', { startNs: 5, endNs: 6 }, [{ startNs: -1, endNs: 1 }]), whatChangedPart(late, 'late', { startNs: -1, endNs: 1 }, [])];
    // early is in B (its t=0 is outside A = [5, 6]); late is in A.
    const m = mergeWhatChanged(parts, { axisAt: (p) => at.get(p.sourceId)! });
    const w = m.categories.find((c) => c.category === 'dump-group')!.rows.find((r) => r.function === 'net/http.(*persistConn).writeLoop')!;
    expect(w.a!.mean).toBe(71);
    expect(w.b!.mean).toBe(37);
    expect(w.delta).toBe(34);
    expect(w.growth).toBeNull();
  });
});

function gunzipFree(rel: string): string {
  return new TextDecoder().decode(readFixture(rel));
}

describe('what changed: helpers', () => {
  it('restOf splits the extent around the selection', () => {
    expect(restOf({ startNs: 0, endNs: 10 }, { startNs: 2, endNs: 4 })).toEqual([
      { startNs: 0, endNs: 2 },
      { startNs: 4, endNs: 10 },
    ]);
    expect(restOf({ startNs: 0, endNs: 10 }, { startNs: -5, endNs: 4 })).toEqual([{ startNs: 4, endNs: 10 }]);
    expect(restOf({ startNs: 0, endNs: 10 }, { startNs: -5, endNs: 15 })).toEqual([]);
  });
  it('scores by the larger of the level change and the growth inside the selection', () => {
    const base = { category: 'socket-state' as const, sourceId: 's', key: 'k', label: 'k', function: null, unit: 'sockets' };
    expect(scoreRow({ ...base, a: { mean: 5, first: 0, last: 10, samples: 3 }, b: { mean: 4, first: null, last: null, samples: 2 } }).score).toBe(10);
    expect(scoreRow({ ...base, a: { mean: 50, first: 50, last: 50, samples: 3 }, b: { mean: 4, first: null, last: null, samples: 2 } }).score).toBe(46);
    expect(scoreRow({ ...base, a: null, b: { mean: 4, first: null, last: null, samples: 2 } }).score).toBe(0);
  });

  const fuzzN = Number(process.env.FUZZ_CASES) || 40;
  it('fuzz: random ranges never throw and give finite figures', { timeout: fuzzTimeout(fuzzN, 30) }, () => {
    const ss = ssOf(`${CONN}ss-capture.txt.gz`);
    const tr = parseTrace(readFixture(`${CONN}trace.out`), {});
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const n = fuzzN;
    for (let i = 0; i < n; i++) {
      const span = 40e9;
      const x = rnd() * span - 5e9;
      const y = x + (rnd() < 0.1 ? 0 : rnd() * 10e9);
      const a = { startNs: x, endNs: y };
      const b = restOf({ startNs: -5e9, endNs: 35e9 }, a);
      const parts = [whatChangedPart(ss, 's', a, b), whatChangedPart(tr, 't', a, b)];
      for (const c of mergeWhatChanged(parts).categories) {
        for (const r of c.rows) {
          expect(Number.isFinite(r.score)).toBe(true);
          expect(r.a === null || Number.isFinite(r.a.mean)).toBe(true);
        }
      }
    }
  });
});
