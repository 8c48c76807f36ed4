/**
 * Callers and callees (peek) against Go's `go tool pprof -peek=REGEX` on real profiles
 * (testdata/go-labels/peek.json, made by generate.mjs there): every matching function's flat and
 * cum, every caller and callee edge's weight, in Go's order.
 */
import { describe, expect, it } from 'vitest';
import { ingestBytes } from '../../ingest/ingest.ts';
import { labelledStacksOf } from './stack-sources.ts';
import { peek } from './peek.ts';
import { goLabelsCases, goLabelsFile, type GoPeekCase } from '../../test-support/go-labels.ts';

const CASES = goLabelsCases<GoPeekCase>('peek.json');

describe('peek equals go tool pprof -peek', () => {
  it.each(CASES.map((c) => [c.command, c] as const))('%s', async (_, c) => {
    const src = await ingestBytes(goLabelsFile(c.file));
    const r = peek(labelledStacksOf(src, c.sampleIndex, undefined, { tagfocus: c.tagfocus }), { regex: c.regex, hide: c.hide });
    const round = (e: { function: string; weight: number }) => ({ function: e.function, weight: Math.round(e.weight) });
    expect(
      r.entries.map((e) => ({ function: e.function, flat: Math.round(e.flat), cum: Math.round(e.cum), callers: e.callers.map(round), callees: e.callees.map(round) })),
    ).toEqual(c.entries);
    expect(c.entries.length).toBeGreaterThan(0);
  });

  it('finds nothing for a name no function has, and names a bad regex', async () => {
    const src = await ingestBytes(goLabelsFile('cpu.pb.gz'));
    expect(peek(labelledStacksOf(src, 'cpu', undefined, {}), { regex: '^no\\.such$' }).entries).toEqual([]);
    expect(() => peek(labelledStacksOf(src, 'cpu', undefined, {}), { regex: '(' })).toThrow(/peek/);
  });
});
