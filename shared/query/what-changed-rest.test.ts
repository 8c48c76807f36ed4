/**
 * The "rest of the trace" baseline is computed as whole-trace totals minus the selection's
 * (what-changed.ts restTotals); it must give what walking the baseline pieces gives, on every real
 * trace fixture. Splitting a piece in two forces the walk (the pieces then are not the plain rest).
 */
import { describe, expect, it } from 'vitest';
import { fixturesOfKind, readFixture } from '../test-support/fixtures.ts';
import { ingestBytes } from '../ingest/ingest.ts';
import { blockingTotals } from './trace/trace-blocking.ts';
import { restOf, whatChangedPart } from './what-changed.ts';

const traces = fixturesOfKind('gotrace').map(([file]) => file);

describe.each(traces)('what changed, rest-of-trace baseline: %s', (file) => {
  it('equals the walk of the baseline pieces, row by row', async () => {
    const src = await ingestBytes(readFixture(file));
    if (src.kind !== 'gotrace') throw new Error('not a trace');
    const m = src.model;
    // The whole-trace reasons come from the unranged totals (inspect's); on real traces they equal
    // the totals over [startNs, endNs].
    const kinds = ['sync', 'net', 'syscall', 'sched'] as const;
    expect(blockingTotals(m, kinds)).toEqual(blockingTotals(m, kinds, { startNs: m.startNs, endNs: m.endNs }));
    const span = m.endNs - m.startNs;
    for (const [f0, f1] of [
      [0.3, 0.45],
      [0, 0.2],
      [0.81, 1],
    ] as const) {
      // Fractional ends, as a brush on the timeline gives them.
      const a = { startNs: m.startNs + span * f0 + (f0 ? 0.37 : 0), endNs: m.startNs + span * f1 - (f1 < 1 ? 0.61 : 0) };
      const rest = restOf({ startNs: m.startNs - 5e9, endNs: m.endNs + 5e9 }, a);
      const fast = whatChangedPart(src, 't', a, rest).rows;
      const last = rest[rest.length - 1]!;
      const cut = (Math.max(last.startNs, m.startNs) + Math.min(last.endNs, m.endNs)) / 2;
      const walked = whatChangedPart(src, 't', a, [...rest.slice(0, -1), { startNs: last.startNs, endNs: cut }, { startNs: cut, endNs: last.endNs }]).rows;
      const byKey = new Map(walked.map((r) => [`${r.category}|${r.key}`, r]));
      expect(fast.length, `${file} ${f0}-${f1}`).toBe(walked.length);
      for (const r of fast) {
        const w = byKey.get(`${r.category}|${r.key}`);
        expect(w, `${file} ${r.key}`).toBeDefined();
        expect(r.totalNsA).toBe(w!.totalNsA);
        expect(r.a).toEqual(w!.a);
        expect(r.b!.samples).toBeCloseTo(w!.b!.samples, 3);
        expect(r.b!.mean, `${file} ${r.key}`).toBeCloseTo(w!.b!.mean, 9);
        expect(r.score).toBeCloseTo(w!.score, 9);
      }
    }
  });
});
