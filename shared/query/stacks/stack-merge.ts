/**
 * Several weighted stacks, each over its own stack table, as one input over one table — what
 * `go tool pprof A B C` (merge) and `go tool pprof -base OLD NEW` (NEW minus OLD) compute before any
 * report. Frames are re-interned by (function, file, line, inlined, module), so the same code path
 * in two profiles is one stack; equal stacks are summed, and stacks that sum to zero are left out, as
 * pprof leaves out samples whose value is zero.
 */
import { StackTableBuilder, type StackTable } from '../../model/stacks.ts';
import type { WeightedStacks } from './weighted-stacks.ts';

export interface SignedStacks {
  input: WeightedStacks;
  /** +1 to add, -1 to subtract (pprof -base). */
  sign: 1 | -1;
}

/**
 * Maps the stacks of one table into a builder, lazily and only along the paths that carry weight (a
 * big session table holds stacks of other profiles too). `frames`: 'full' keeps every frame field
 * (merges, -base); 'function' keeps function and file only, at line 0 (stacks compared across
 * sources by function, as the flame graph's diff does).
 */
export class StackMapper {
  private readonly map: Int32Array;
  private readonly frameMap: Int32Array;
  private readonly chain: number[] = [];
  constructor(
    private readonly t: StackTable,
    private readonly b: StackTableBuilder,
    private readonly frames: 'full' | 'function' = 'full',
  ) {
    this.map = new Int32Array(t.stackCount).fill(-2);
    this.frameMap = new Int32Array(t.frameCount).fill(-1);
  }

  frame(f: number): number {
    let nf = this.frameMap[f]!;
    if (nf < 0) {
      const t = this.t;
      const s = (i: number | undefined) => (i === undefined ? '' : (t.strings[i] ?? ''));
      nf = this.frameMap[f] = this.b.internFrame(
        this.frames === 'function'
          ? { func: s(t.frameFunc[f]), file: s(t.frameFile[f]), line: 0 }
          : {
              func: s(t.frameFunc[f]),
              file: s(t.frameFile[f]),
              line: t.frameLine[f]!,
              inlined: t.frameInlined[f] === 1,
              module: s(t.frameModule?.[f]),
            },
      );
    }
    return nf;
  }

  /** The builder's stack for stack s of the table (-1 stays -1). A prefix always has a smaller index. */
  stack(s: number): number {
    const { t, map, chain } = this;
    chain.length = 0;
    let x = s;
    while (x >= 0 && map[x] === -2) {
      chain.push(x);
      x = t.stackPrefix[x]!;
    }
    let cur = x < 0 ? -1 : map[x]!;
    for (let i = chain.length - 1; i >= 0; i--) {
      const st = chain[i]!;
      cur = this.b.internStackStep(cur, this.frame(t.stackFrame[st]!));
      map[st] = cur;
    }
    return cur;
  }
}

export function mergeWeightedStacks(parts: readonly SignedStacks[]): WeightedStacks {
  const b = new StackTableBuilder();
  const sums = new Map<number, number>();
  for (const { input, sign } of parts) {
    const m = new StackMapper(input.stacks, b);
    const ss = input.sampleStack;
    for (let i = 0; i < ss.length; i++) {
      const w = input.weight[i]!;
      if (w === 0 || w !== w) continue;
      const s = ss[i]!;
      const ns = s < 0 ? -1 : m.stack(s);
      sums.set(ns, (sums.get(ns) ?? 0) + sign * w);
    }
  }
  const kept = [...sums].filter(([, w]) => w !== 0);
  return {
    stacks: b.build(),
    sampleStack: Int32Array.from(kept, ([s]) => s),
    weight: Float64Array.from(kept, ([, w]) => w),
  };
}

/** pprof's report total: the sum of |value| over the samples, before focus / ignore / hide. */
export function absoluteTotal(input: WeightedStacks): number {
  let t = 0;
  for (let i = 0; i < input.weight.length; i++) {
    const w = input.weight[i]!;
    if (w === w) t += Math.abs(w);
  }
  return t;
}
