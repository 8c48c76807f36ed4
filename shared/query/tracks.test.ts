import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { readFixture } from '../test-support/fixtures.ts';
import { parseSocketText } from '../ingest/ss/parse-ss.ts';
import { parseTrace } from '../ingest/gotrace/parse-trace.ts';
import { parsePprof } from '../ingest/pprof/parse-pprof.ts';
import { parseGoroutineDump } from '../ingest/goroutines/parse-goroutines.ts';
import { decimate, trackOf } from './tracks.ts';

describe('timeline tracks', () => {
  it('ss capture: sockets by state per snapshot; the TIME-WAIT storm peaks at 2816', () => {
    const src = parseSocketText(gunzipSync(readFixture('scenarios/timewait-storm-go1.27/ss-capture.txt.gz')), {});
    const t = trackOf(src);
    if (t.kind !== 'series') throw new Error('expected a series track');
    expect(t.timeNs.length).toBe(60);
    const tw = t.series.find((s) => s.name === 'TIME-WAIT')!;
    expect(tw.values[0]).toBe(0);
    expect(Math.max(...tw.values)).toBe(2816);
    expect(tw.values[59]).toBe(2816);
  });
  it('ss capture without fd counts: the Recv-Q bytes queued per snapshot as the line (conn-leak: 72 × 61,243 B at the end)', () => {
    const src = parseSocketText(gunzipSync(readFixture('scenarios/conn-leak-go1.27/ss-capture.txt.gz')), {});
    const t = trackOf(src);
    if (t.kind !== 'series') throw new Error('expected a series track');
    expect(t.line?.name).toBe('Recv-Q');
    expect(t.line?.unit).toBe('bytes');
    expect(t.line!.values.length).toBe(60);
    expect(t.line!.values[0]).toBe(0);
    expect(Math.max(...t.line!.values)).toBe(72 * 61243);
    expect(t.line!.values[59]).toBe(0); // the processes exited: their sockets and queues are gone
  });
  it('decimation keeps peaks', () => {
    const t = Float64Array.from({ length: 100 }, (_, i) => i);
    const v = new Float64Array(100);
    v[37] = 9;
    const d = decimate(t, [{ name: 'x', values: v }], 10);
    expect(d.timeNs.length).toBe(10);
    expect(Math.max(...d.series[0]!.values)).toBe(9);
  });
  it('trace, a window: its points cover the window only, bands are clipped to it and bounded by pixels', () => {
    const src = parseTrace(readFixture('scenarios/conn-leak-go1.27/trace.out'), {});
    const m = src.model;
    const span = m.endNs - m.startNs;
    const range = { startNs: m.startNs + span * 0.4, endNs: m.startNs + span * 0.5 };
    const t = trackOf(src, { maxPoints: 200, range });
    if (t.kind !== 'series') throw new Error('expected a series track');
    expect(t.timeNs.length).toBe(200);
    expect(t.timeNs[0]).toBe(range.startNs);
    expect(t.timeNs[199]!).toBeLessThan(range.endNs);
    const whole = trackOf(src, { maxPoints: 2000 });
    if (whole.kind !== 'series') throw new Error('expected a series track');
    // The window's waiting level matches the whole track's at the same instant (10× finer buckets).
    const mid = whole.timeNs.findIndex((x) => x >= range.startNs + span * 0.05);
    const k = Math.round((whole.timeNs[mid]! - range.startNs) / (span * 0.1 / 200));
    expect(t.series[2]!.values[k]!).toBeCloseTo(whole.series[2]!.values[mid]!, 0);
    // Some band falls in the window (else the clipping below checks nothing).
    expect(t.bands.reduce((n, b) => n + b.startNs.length, 0)).toBeGreaterThan(0);
    for (const b of t.bands) {
      for (let i = 0; i < b.startNs.length; i++) {
        expect(b.startNs[i]!).toBeGreaterThanOrEqual(range.startNs);
        expect(b.endNs[i]!).toBeLessThanOrEqual(range.endNs);
      }
    }
    // At 10 points for the whole trace, GC bands closer than half a bucket are one band each.
    const coarse = trackOf(src, { maxPoints: 10 });
    if (coarse.kind !== 'series') throw new Error('expected a series track');
    const gc = coarse.bands.find((b) => b.label === 'GC')!;
    expect(gc.startNs.length).toBeGreaterThan(0);
    expect(gc.startNs.length).toBeLessThan(m.gcCycles.count);
    // Asked again (a re-render), the answer is the one computed before.
    expect(trackOf(src, { maxPoints: 200, range })).toBe(t);
  });
  it('ss capture, a window: only its snapshots and the one before it', () => {
    const src = parseSocketText(gunzipSync(readFixture('scenarios/timewait-storm-go1.27/ss-capture.txt.gz')), {});
    const all = trackOf(src);
    if (all.kind !== 'series') throw new Error('expected a series track');
    const range = { startNs: (all.timeNs[10]! + all.timeNs[11]!) / 2, endNs: all.timeNs[20]! };
    const t = trackOf(src, { range });
    if (t.kind !== 'series') throw new Error('expected a series track');
    expect([...t.timeNs]).toEqual([...all.timeNs.subarray(10, 21)]);
    expect([...t.series[0]!.values]).toEqual([...all.series[0]!.values.subarray(10, 21)]);
  });
  it('trace: goroutines by state, GC bands, heap line', () => {
    const src = parseTrace(readFixture('scenarios/conn-leak-go1.27/trace.out'), {});
    const t = trackOf(src, { maxPoints: 500 });
    if (t.kind !== 'series') throw new Error('expected a series track');
    expect(t.series.map((s) => s.name)).toEqual(['running', 'runnable', 'waiting', 'syscall']);
    expect(t.timeNs.length).toBe(500);
    // Running goroutines never exceed GOMAXPROCS=2 on average in a bucket.
    expect(Math.max(...t.series[0]!.values)).toBeLessThanOrEqual(2 + 1e-9);
    expect(t.bands.find((b) => b.label === 'GC')!.startNs.length).toBeGreaterThanOrEqual(27);
    expect(t.line?.name).toBe('heap');
  });
  it('profile: a span of its duration; dump: a point with its goroutine count', () => {
    const cpu = parsePprof(gunzipSync(readFixture('scenarios/conn-leak-go1.27/cpu.pb.gz')), {});
    const t = trackOf(cpu);
    expect(t.kind).toBe('span');
    if (t.kind === 'span') expect(t.endNs - t.startNs).toBe(cpu.model.durationNanos);
    const dump = parseGoroutineDump(readFixture('scenarios/conn-leak-go1.27/goroutine-debug2.txt'), {});
    expect(trackOf(dump)).toEqual({ kind: 'point', label: '150 goroutines', atNs: 0 });
  });
});

describe('fd counts', () => {
  it('an lsof listing draws its fd count as the socket track line and prints it as a figure', async () => {
    const { parseLsof } = await import('../ingest/fd/parse-lsof.ts');
    const { summarizeSockets } = await import('./sockets/ss-summary.ts');
    const src = parseLsof(readFixture('scenarios/fd-leak-go1.27/lsof.txt'), {});
    const t = trackOf(src);
    if (t.kind !== 'series') throw new Error('expected a series track');
    expect(t.line?.unit).toBe('fds');
    const figures = summarizeSockets(src);
    expect(figures.fds).toHaveLength(1);
    expect(figures.fds![0]!.count).toBe(t.line!.values[0]);
    expect(figures.fds![0]!.count).toBeGreaterThan(600);
  });
});

describe('track labels', () => {
  it('profile totals in their units; summaries and fd listings as points', async () => {
    const { formatInUnit } = await import('./tracks.ts');
    expect(formatInUnit(19_250, 'nanoseconds')).toBe('19.25 µs');
    expect(formatInUnit(402_995, 'bytes')).toBe('393.55 KiB');
    expect(formatInUnit(1234, 'count')).toBe('1,234');
    expect(formatInUnit(1900, 'microseconds')).toBe('1.90 ms');
    const mutex = parsePprof(gunzipSync(readFixture('scenarios/conn-leak-go1.19/mutex.pb.gz')), {});
    const t = trackOf(mutex);
    expect(t.kind === 'span' && t.label).toBe('delay: 19.25 µs');
    const summary = parseSocketText(readFixture('scenarios/conn-leak-go1.19/ss-summary.txt'), {});
    const p = trackOf(summary);
    expect(p.kind).toBe('point');
    expect(p.kind === 'point' && p.label).toContain('estab 76');
  });
});
