import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { FIXTURES } from '../../test-support/fixtures.ts';
import { oracleOutputs, oracleTraces, OWN_TRACES as TRACES, readTrace } from '../../test-support/oracles.ts';
import { goroutineSummary, goroutineSummaryColumns, type GoroutineSummaryRow } from './trace-goroutine-summary.ts';
import { blockingTotals, type BlockingKind } from './trace-blocking.ts';

/** go-trace-summary's outputs for a trace (several when Go's own order varies run to run). */
function references(name: string): GoroutineSummaryRow[][] {
  // Range time (GC assist, sweeps…) is not part of our figures.
  return oracleOutputs<(GoroutineSummaryRow & { rangeNs?: unknown })[]>('go-trace-summary', name).map((rows) => rows.map(({ rangeNs: _r, ...g }) => g));
}

describe("per-goroutine figures equal Go's summary (go-trace-summary) on every trace", () => {
  const all = oracleTraces();
  it('covers every trace version in the fixtures (go 1.11 … 1.26 headers)', () => {
    expect(all.length).toBeGreaterThanOrEqual(17);
  });
  for (const { name, path } of all) {
    it(name, () => {
      const refs = references(name);
      expect(refs.length, `no reference for ${name}: run shared/test-support/oracles/go-trace-summary/make.sh`).toBeGreaterThan(0);
      const ours = goroutineSummary(parseTrace(readTrace(path)).model);
      const same = refs.find((ref) => ref.length === ours.length && ref.every((g, i) => JSON.stringify(g) === JSON.stringify(ours[i])));
      if (same) return;
      // Report the first differing goroutine against the first reference.
      const ref = refs[0]!;
      const byId = new Map(ours.map((g) => [g.id, g]));
      for (const g of ref) expect(byId.get(g.id), `goroutine ${g.id}`).toEqual(g);
      expect(ours.length).toBe(ref.length);
      // Every figure equal but the order: still not any output Go printed.
      expect(ours.map((g) => g.id)).toEqual(ref.map((g) => g.id));
    });
  }
});

describe('goroutine summary semantics', () => {
  const model = parseTrace(readTrace(join(FIXTURES, 'scenarios/conn-leak-go1.27/trace.out'))).model;
  const rows = goroutineSummary(model);
  it('a goroutine blocked since before the trace is one wait for the whole trace, reason unknown', () => {
    const leaked = rows.filter((g) => g.name === 'net/http.(*persistConn).readLoop' && g.execNs === 0);
    expect(leaked.length).toBeGreaterThan(10);
    for (const g of leaked) {
      expect(g.blockNsByReason).toEqual({ '': model.endNs });
      expect(g.totalNs).toBe(model.endNs);
    }
  });
  it('a range clips every figure to it', () => {
    const half = { startNs: 0, endNs: Math.floor(model.endNs / 2) };
    const c = goroutineSummaryColumns(model, half);
    const whole = goroutineSummaryColumns(model);
    for (let g = 0; g < model.goroutines.count; g++) {
      expect(c.totalNs[g]!).toBeLessThanOrEqual(half.endNs);
      expect(c.execNs[g]!).toBeLessThanOrEqual(whole.execNs[g]!);
      const sum = c.execNs[g]! + c.schedWaitNs[g]! + c.syscallNs[g]! + c.syscallBlockNs[g]! + [...(c.blockNs[g]?.values() ?? [])].reduce((a, b) => a + b, 0);
      expect(sum).toBeLessThanOrEqual(c.totalNs[g]! + 1);
    }
  });
});

describe('generated traces (go1.26, go1.27): blocking totals equal go tool trace -pprof', () => {
  const own = readdirSync(TRACES).filter((f) => f.endsWith('.trace.gz'));
  it('has the connection-leak and mutex traces of both versions', () => {
    expect(own.sort()).toEqual(['connleak-go1.26.trace.gz', 'connleak-go1.27.trace.gz', 'mutex-go1.26.trace.gz', 'mutex-go1.27.trace.gz']);
  });
  for (const f of own) {
    it(f, () => {
      const want = JSON.parse(readFileSync(join(TRACES, f.replace('.trace.gz', '.blocking.json')), 'utf8')) as Record<BlockingKind, number>;
      const got = blockingTotals(parseTrace(readTrace(join(TRACES, f))).model, ['sync', 'net', 'syscall', 'sched']);
      expect(got).toEqual({ sync: want.sync, net: want.net, syscall: want.syscall, sched: want.sched });
    });
  }
});
