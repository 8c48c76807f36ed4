/**
 * Callers and callees (peek) against Go's `go tool pprof -peek=REGEX` on real profiles
 * (testdata/go-labels/peek.json, made by generate.mjs there): every matching function's flat and
 * cum, every caller and callee edge's weight, in Go's order.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestBytes } from '../../ingest/ingest.ts';
import { labelledStacksOf } from './stack-sources.ts';
import { peek } from './peek.ts';

const DIR = fileURLToPath(new URL('./testdata/go-labels/', import.meta.url));

interface GoPeek {
  command: string;
  file: string;
  sampleIndex: string;
  regex: string;
  tagfocus?: string;
  hide?: string;
  total: number;
  entries: { function: string; flat: number; cum: number; callers: { function: string; weight: number }[]; callees: { function: string; weight: number }[] }[];
}
const CASES = (JSON.parse(readFileSync(join(DIR, 'peek.json'), 'utf8')) as { cases: GoPeek[] }).cases;

describe('peek equals go tool pprof -peek', () => {
  it.each(CASES.map((c) => [c.command, c] as const))('%s', async (_, c) => {
    const src = await ingestBytes(readFileSync(join(DIR, c.file)));
    const r = peek(labelledStacksOf(src, c.sampleIndex, undefined, { tagfocus: c.tagfocus }), { regex: c.regex, hide: c.hide });
    const round = (e: { function: string; weight: number }) => ({ function: e.function, weight: Math.round(e.weight) });
    expect(
      r.entries.map((e) => ({ function: e.function, flat: Math.round(e.flat), cum: Math.round(e.cum), callers: e.callers.map(round), callees: e.callees.map(round) })),
    ).toEqual(c.entries);
    expect(c.entries.length).toBeGreaterThan(0);
  });

  it('finds nothing for a name no function has, and names a bad regex', async () => {
    const src = await ingestBytes(readFileSync(join(DIR, 'cpu.pb.gz')));
    expect(peek(labelledStacksOf(src, 'cpu', undefined, {}), { regex: '^no\\.such$' }).entries).toEqual([]);
    expect(() => peek(labelledStacksOf(src, 'cpu', undefined, {}), { regex: '(' })).toThrow(/peek/);
  });
});
