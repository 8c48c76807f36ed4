import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../../ingest/gotrace/parse-trace.ts';
import { goMmu, mmuTraces, readTrace, type GoMmuResult } from '../../../test-support/mmu-oracle.ts';
import type { MmuFlags } from '../timeline/timeline-types.ts';
import { mutatorUtilization } from './mutator-util.ts';

const flagsOf = (spec: string): MmuFlags => Object.fromEntries(spec.split('|').map((f) => [f, true]));

/** The first difference between our series and Go's (times on Go's clock), or null when equal. */
function firstDifference(ours: { time: number[]; util: number[] }[], go: [number, number][][], base: number): string | null {
  if (ours.length !== go.length) return `${ours.length} series, Go has ${go.length}`;
  for (let s = 0; s < go.length; s++) {
    const a = ours[s]!;
    const b = go[s]!;
    const n = Math.max(a.time.length, b.length);
    for (let i = 0; i < n; i++) {
      const t = a.time[i] === undefined ? undefined : a.time[i]! + base;
      if (t !== b[i]?.[0] || a.util[i] !== b[i]?.[1]) {
        return `series ${s} point ${i}/${b.length}: ours ${t}, ${a.util[i]} — Go ${b[i]?.[0]}, ${b[i]?.[1]} (prev Go ${b[i - 1]?.[0]}, ${b[i - 1]?.[1]})`;
      }
    }
  }
  return null;
}

describe("mutator utilization series equal Go's MutatorUtilizationV2, point for point, on every trace", () => {
  for (const { name, path } of mmuTraces()) {
    it(name, () => {
      const outs = goMmu(name);
      expect(outs.length, `no reference for ${name}: run shared/test-support/oracles/mmu/make.sh`).toBeGreaterThan(0);
      const model = parseTrace(readTrace(path)).model;
      for (const spec of outs[0]!.results.map((r) => r.flags)) {
        const ours = mutatorUtilization(model, flagsOf(spec));
        const diffs = outs.map((o) => firstDifference(ours, o.results.find((r: GoMmuResult) => r.flags === spec)!.util ?? [], model.clockBaseNs));
        // Any one of Go's outputs (old-format traces order tied events by map iteration) must match.
        if (diffs.includes(null)) continue;
        expect.fail(`${spec}: ${diffs[0]}`);
      }
    });
  }
});
