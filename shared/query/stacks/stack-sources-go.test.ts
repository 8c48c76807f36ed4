/**
 * Trace blocking profiles per stack against `go tool trace -pprof=KIND` read by `go tool pprof
 * -traces` (figures committed in testdata/go-top/trace-stacks.json; generate.mjs there made them).
 * Every stack Go lists, with its contentions and delay, and no other stack with frames.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFixture } from '../../test-support/fixtures.ts';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { frameFuncName, stackFramesLeafFirst } from '../../model/stacks.ts';
import { blockingProfile, type BlockingKind } from '../trace/trace-blocking.ts';
import { pcZeroAsNoStack, weightedStacksOf } from './stack-sources.ts';

interface Case {
  trace: string;
  kind: BlockingKind;
  stacks: { stack: string; contentions: number; delay: number }[];
}
const cases = (JSON.parse(readFileSync(fileURLToPath(new URL('./testdata/go-top/trace-stacks.json', import.meta.url)), 'utf8')) as { cases: Case[] }).cases;

describe('trace profiles per stack equal go tool trace -pprof', () => {
  const parsed = new Map<string, ReturnType<typeof parseTrace>>();
  for (const c of cases) {
    it(`${c.trace} ${c.kind}`, () => {
      let src = parsed.get(c.trace);
      if (!src) parsed.set(c.trace, (src = parseTrace(readFixture(c.trace), {})));
      const p = pcZeroAsNoStack(blockingProfile(src.model, c.kind));
      // The app's weighted stacks carry the same delays.
      expect(weightedStacksOf(src, c.kind).weight).toEqual(p.weight);
      const per = new Map<string, { contentions: number; delay: number }>();
      for (let i = 0; i < p.sampleStack.length; i++) {
        const s = p.sampleStack[i]!;
        if (s < 0) continue; // frameless: Go's -traces lists none
        const key = stackFramesLeafFirst(p.stacks, s).map((f) => frameFuncName(p.stacks, f)).join(';');
        const e = per.get(key) ?? { contentions: 0, delay: 0 };
        e.contentions += p.count[i]!;
        e.delay += p.weight[i]!;
        per.set(key, e);
      }
      const ours = [...per].map(([stack, v]) => ({ stack, ...v })).sort((a, b) => b.delay - a.delay || (a.stack < b.stack ? -1 : 1));
      expect(ours).toEqual(c.stacks);
    });
  }
});
