/**
 * pprof labels on any weighted stacks: pprof's `-tagfocus` / `-tagignore` (keep or drop samples by
 * their labels) and `-tagroot` (a pseudo frame per label key above each stack, so the graph groups by
 * label value), with pprof's semantics:
 *
 *   tagfocus=REGEX[,REGEX…]      every regex matches some string label printed as "key:value"
 *   tagfocus=KEY=REGEX[,REGEX…]  some value of KEY matches some regex
 *   tagfocus=[KEY=]RANGE         a numeric label (of KEY) in a range: 32kb, 1mb:, :64kb, 12kb:64mb
 *                                (units as pprof reads them: ../labels/pprof-units.ts)
 *   tagroot=KEY[,KEY…]           root frames, first key outermost; the frame's function is the
 *                                sample's values of KEY joined by "," ('' when it has none: pprof
 *                                prints "<unknown>"), its file the key
 *
 * Filtered samples keep their place with weight 0, so a filter yields a new weight column over the
 * same stacks (the call trees' cache keys on it); tagroot yields a new stack table. Both are cached per
 * input and options. Samples' labels come as a LabelTable (a pprof model's own columns, or a
 * goroutine dump's label texts read by ../labels/label-text.ts).
 */
import { StackTableBuilder } from '../../model/stacks.ts';
import type { WeightedStacks } from './weighted-stacks.ts';
import { compileTagFilter, labelValues, numLabelUnits, present, type LabelTable } from '../labels/label-filter.ts';

export { labelTableFromPairs, type LabelTable } from '../labels/label-filter.ts';

/** The label options of a stack query (pprof's -tagfocus, -tagignore, -tagroot). */
export interface LabelOptions {
  tagfocus?: string;
  tagignore?: string;
  tagroot?: string;
}

export function hasLabelOptions(o: LabelOptions | undefined): boolean {
  return !!(o && (o.tagfocus || o.tagignore || o.tagroot));
}

/** The keys of a -tagroot value, empty ones dropped. */
export function tagRootKeys(tagroot: string | undefined): string[] {
  return (tagroot ?? '').split(',').filter((k) => k !== '');
}

const cache = new WeakMap<object, Map<string, WeightedStacks>>();

/**
 * `input` under label options: samples the tag filters drop get weight 0, and with tagroot each
 * stack moves under its label frames (a new table). `labels` has one entry per sample of input
 * (null: no sample has labels). Returns input itself without options; the same object for the same
 * input and options.
 */
export function withLabels(input: WeightedStacks, labels: LabelTable | null, o: LabelOptions): WeightedStacks {
  if (!hasLabelOptions(o)) return input;
  const ck = JSON.stringify([o.tagfocus ?? '', o.tagignore ?? '', o.tagroot ?? '']);
  let byOpts = cache.get(input.weight);
  if (!byOpts) cache.set(input.weight, (byOpts = new Map()));
  const hit = byOpts.get(ck);
  if (hit && hit.sampleStack.length === input.sampleStack.length) return hit;

  const n = input.sampleStack.length;
  const t: LabelTable = labels ?? { strings: [], start: new Int32Array(n + 1), key: new Int32Array(0), str: new Int32Array(0), num: new Float64Array(0), unit: new Int32Array(0) };
  const units = numLabelUnits(t);
  const focus = compileTagFilter('tagfocus', o.tagfocus, units);
  const ignore = compileTagFilter('tagignore', o.tagignore, units);
  let weight = input.weight;
  if (focus || ignore) {
    const w = Float64Array.from(input.weight);
    for (let i = 0; i < n; i++) if ((focus && !focus(t, i)) || (ignore && ignore(t, i))) w[i] = 0;
    weight = w;
  }
  let out: WeightedStacks = { stacks: input.stacks, sampleStack: input.sampleStack, weight };
  const keys = tagRootKeys(o.tagroot);
  if (keys.length > 0) out = underLabelFrames(out, t, keys);
  byOpts.set(ck, out);
  return out;
}

/** Every sample's stack re-rooted under its label frames (first key outermost), in a new table. */
function underLabelFrames(input: WeightedStacks, t: LabelTable, keys: readonly string[]): WeightedStacks {
  const src = input.stacks;
  const b = new StackTableBuilder();
  const s = (i: number) => src.strings[i] ?? '';
  const frameMap = new Int32Array(src.frameCount).fill(-1);
  const frameOf = (f: number) => {
    let nf = frameMap[f]!;
    if (nf < 0) {
      nf = frameMap[f] = b.internFrame({
        func: s(src.frameFunc[f]!),
        file: s(src.frameFile[f]!),
        line: src.frameLine[f]!,
        inlined: src.frameInlined[f] === 1,
        module: src.frameModule ? s(src.frameModule[f]!) : '',
      });
    }
    return nf;
  };
  // Per root (the label frames' stack): the source stacks mapped under it so far.
  const mapped = new Map<number, Map<number, number>>();
  const chain: number[] = [];
  const under = (root: number, stack: number): number => {
    let m = mapped.get(root);
    if (!m) mapped.set(root, (m = new Map()));
    chain.length = 0;
    let x = stack;
    while (x >= 0 && !m.has(x)) {
      chain.push(x);
      x = src.stackPrefix[x]!;
    }
    let cur = x < 0 ? root : m.get(x)!;
    for (let k = chain.length - 1; k >= 0; k--) {
      cur = b.internStackStep(cur, frameOf(src.stackFrame[chain[k]!]!));
      m.set(chain[k]!, cur);
    }
    return cur;
  };
  const n = input.sampleStack.length;
  const sampleStack = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let root = -1;
    for (const k of keys) root = b.internStackStep(root, b.internFrame({ func: labelValues(t, i, k), file: k, line: 0 }));
    sampleStack[i] = under(root, input.sampleStack[i]!);
  }
  return { stacks: b.build(), sampleStack, weight: input.weight };
}

/** One label key of a profile and its heaviest values (pprof's `-tags`), for choosing filters and groupings. */
export interface LabelKeySummary {
  key: string;
  /** Weight of the samples carrying the key. */
  weight: number;
  /** Values by weight, heaviest first (numbers as pprof prints them); at most `maxValues`. */
  values: { value: string; weight: number }[];
  /** Distinct values in all. */
  valueCount: number;
}

/** The label keys of `labels` weighted by `input`'s samples (|weight|), keys by weight. */
export function labelSummary(input: WeightedStacks, labels: LabelTable | null, maxValues = 20): LabelKeySummary[] {
  if (!labels) return [];
  const byKey = new Map<string, { weight: number; values: Map<string, number> }>();
  const n = input.sampleStack.length;
  for (let i = 0; i < n; i++) {
    const w = Math.abs(input.weight[i]!);
    if (!(w > 0) || labels.start[i] === labels.start[i + 1]) continue;
    const seen = new Set<string>();
    for (let j = labels.start[i]!; j < labels.start[i + 1]!; j++) {
      if (!present(labels, j)) continue;
      const k = labels.strings[labels.key[j]!]!;
      if (seen.has(k)) continue;
      seen.add(k);
      let e = byKey.get(k);
      if (!e) byKey.set(k, (e = { weight: 0, values: new Map() }));
      e.weight += w;
      const v = labelValues(labels, i, k);
      e.values.set(v, (e.values.get(v) ?? 0) + w);
    }
  }
  return [...byKey]
    .map(([key, e]) => ({
      key,
      weight: e.weight,
      valueCount: e.values.size,
      values: [...e.values].map(([value, weight]) => ({ value, weight })).sort((a, b) => b.weight - a.weight || (a.value < b.value ? -1 : 1)).slice(0, maxValues),
    }))
    .sort((a, b) => b.weight - a.weight || (a.key < b.key ? -1 : 1));
}
