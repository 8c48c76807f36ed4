/**
 * Several weighted stacks, each over its own stack table, as one input over one table — what
 * `go tool pprof A B C` (merge) and `go tool pprof -base OLD NEW` (NEW minus OLD) compute before any
 * report. Frames are re-interned by (function, file, line, inlined, module), so the same code path
 * in two profiles is one stack; equal stacks are summed, and stacks that sum to zero are left out, as
 * pprof leaves out samples whose value is zero. Inputs with labels keep them: samples merge when
 * stack and labels are equal (as pprof merges samples), so the result still filters by label.
 */
import { StackTableBuilder, type StackTable } from '../../model/stacks.ts';
import type { WeightedStacks } from './weighted-stacks.ts';
import { present, type LabelTable } from '../labels/label-filter.ts';

export interface SignedStacks {
  input: WeightedStacks;
  /** +1 to add, -1 to subtract (pprof -base). */
  sign: 1 | -1;
  /** Each sample's labels (one row per sample of input), or none. */
  labels?: LabelTable | null;
}

/** One label as merged: key, and a string value or a number with its unit ('' for none). */
type MergedLabel = [key: string, str: string | null, num: number, unit: string];

/** Sample i's labels (those pprof keeps), in a fixed order, and their text as part of a merge key. */
function labelsOfSample(t: LabelTable, i: number): { list: MergedLabel[]; text: string } {
  const list: MergedLabel[] = [];
  for (let j = t.start[i]!; j < t.start[i + 1]!; j++) {
    if (!present(t, j)) continue;
    const str = t.str[j]! >= 0 ? t.strings[t.str[j]!]! : null;
    list.push([t.strings[t.key[j]!]!, str, str === null ? t.num[j]! : 0, str === null && t.unit[j]! >= 0 ? t.strings[t.unit[j]!]! : '']);
  }
  list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { list, text: JSON.stringify(list) };
}

/** Merged samples' labels as one LabelTable. */
function labelTableOf(perSample: readonly MergedLabel[][]): LabelTable {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const id = (x: string) => {
    let k = ids.get(x);
    if (k === undefined) ids.set(x, (k = strings.push(x) - 1));
    return k;
  };
  const count = perSample.reduce((n, l) => n + l.length, 0);
  const t: LabelTable = { strings, start: new Int32Array(perSample.length + 1), key: new Int32Array(count), str: new Int32Array(count), num: new Float64Array(count), unit: new Int32Array(count) };
  let j = 0;
  perSample.forEach((list, i) => {
    for (const [key, str, num, unit] of list) {
      t.key[j] = id(key);
      t.str[j] = str === null ? -1 : id(str);
      t.num[j] = num;
      t.unit[j] = unit === '' ? -1 : id(unit);
      j++;
    }
    t.start[i + 1] = j;
  });
  return t;
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

/**
 * Every sample of the parts that weighs something (not 0, not NaN): its stack mapped into `b` (-1
 * stays -1), its weight signed by its part, its index in the part.
 */
function eachMergedSample(parts: readonly SignedStacks[], b: StackTableBuilder, visit: (stack: number, weight: number, i: number, part: SignedStacks) => void): void {
  for (const part of parts) {
    const { input, sign } = part;
    const m = new StackMapper(input.stacks, b);
    const ss = input.sampleStack;
    for (let i = 0; i < ss.length; i++) {
      const w = input.weight[i]!;
      if (w === 0 || w !== w) continue;
      const s = ss[i]!;
      visit(s < 0 ? -1 : m.stack(s), sign * w, i, part);
    }
  }
}

/** `labels` is set when some part has labels (one row per merged sample). */
export function mergeWeightedStacks(parts: readonly SignedStacks[]): WeightedStacks & { labels?: LabelTable } {
  const b = new StackTableBuilder();
  if (parts.some((p) => p.labels)) return mergeLabelled(parts, b);
  const sums = new Map<number, number>();
  eachMergedSample(parts, b, (ns, w) => sums.set(ns, (sums.get(ns) ?? 0) + w));
  const kept = [...sums].filter(([, w]) => w !== 0);
  return {
    stacks: b.build(),
    sampleStack: Int32Array.from(kept, ([s]) => s),
    weight: Float64Array.from(kept, ([, w]) => w),
  };
}

/** The same keyed by stack and labels. */
function mergeLabelled(parts: readonly SignedStacks[], b: StackTableBuilder): WeightedStacks & { labels: LabelTable } {
  const sums = new Map<string, { stack: number; weight: number; labels: MergedLabel[] }>();
  eachMergedSample(parts, b, (ns, w, i, { labels }) => {
    const l = labels ? labelsOfSample(labels, i) : { list: [], text: '[]' };
    const k = `${ns} ${l.text}`;
    const e = sums.get(k);
    if (e) e.weight += w;
    else sums.set(k, { stack: ns, weight: w, labels: l.list });
  });
  const kept = [...sums.values()].filter((e) => e.weight !== 0);
  return {
    stacks: b.build(),
    sampleStack: Int32Array.from(kept, (e) => e.stack),
    weight: Float64Array.from(kept, (e) => e.weight),
    labels: labelTableOf(kept.map((e) => e.labels)),
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
