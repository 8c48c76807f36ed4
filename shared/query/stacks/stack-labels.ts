/**
 * pprof labels on any weighted stacks: pprof's `-tagfocus` / `-tagignore` (keep or drop samples by
 * their labels) and `-tagroot` (a pseudo frame per label key above each stack, so the graph groups by
 * label value), with pprof's semantics:
 *
 *   tagfocus=REGEX[,REGEX…]      every regex matches some string label printed as "key:value"
 *   tagfocus=KEY=REGEX[,REGEX…]  some value of KEY matches some regex
 *   tagfocus=[KEY=]RANGE         a numeric label (of KEY) in a range: 32kb, 1mb:, :64kb, 12kb:64mb
 *                                (units as pprof reads them: pprof-units.ts)
 *   tagroot=KEY[,KEY…]           root frames, first key outermost; the frame's function is the
 *                                sample's values of KEY joined by "," ('' when it has none: pprof
 *                                prints "<unknown>"), its file the key
 *
 * Filtered samples keep their place with weight 0, so a filter yields a new weight column over the
 * same stacks (the call trees' cache keys on it); tagroot yields a new stack table. Both are cached per
 * input and options. Samples' labels come as a LabelTable (a pprof model's own columns, or a
 * goroutine dump's label texts read by ../dumps/dump-labels.ts).
 */
import { StackTableBuilder } from '../../model/stacks.ts';
import type { WeightedStacks } from './weighted-stacks.ts';
import { compile } from './call-tree-input.ts';
import { scaledLabel, scaleValue } from './pprof-units.ts';

/** The label options of a stack query (pprof's -tagfocus, -tagignore, -tagroot). */
export interface LabelOptions {
  tagfocus?: string;
  tagignore?: string;
  tagroot?: string;
}

/**
 * Labels per sample, flattened (the shape of model/pprof.ts PprofLabels): sample i owns entries
 * start[i] .. start[i+1]-1; each has a key and a string value (str >= 0) or a number (num, with
 * unit >= 0 when given). Indexes into `strings`.
 */
export interface LabelTable {
  strings: readonly string[];
  start: Int32Array;
  key: Int32Array;
  str: Int32Array;
  num: Float64Array;
  unit: Int32Array;
}

export function hasLabelOptions(o: LabelOptions | undefined): boolean {
  return !!(o && (o.tagfocus || o.tagignore || o.tagroot));
}

/** Builds a LabelTable from per-sample [key, value] string pairs. */
export function labelTableFromPairs(perSample: readonly (readonly (readonly [string, string])[])[]): LabelTable {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const id = (s: string) => {
    let i = ids.get(s);
    if (i === undefined) ids.set(s, (i = strings.push(s) - 1));
    return i;
  };
  const start = new Int32Array(perSample.length + 1);
  const key: number[] = [];
  const str: number[] = [];
  perSample.forEach((pairs, i) => {
    for (const [k, v] of pairs) {
      key.push(id(k));
      str.push(id(v));
    }
    start[i + 1] = key.length;
  });
  return { strings, start, key: Int32Array.from(key), str: Int32Array.from(str), num: new Float64Array(key.length), unit: new Int32Array(key.length).fill(-1) };
}

/**
 * Whether entry j counts as a label as pprof decodes it: a string label needs a non-empty value, a
 * numeric one a non-zero value or a unit (pprof's decoder drops the rest).
 */
function present(t: LabelTable, j: number): boolean {
  return t.str[j]! >= 0 || t.num[j] !== 0 || t.unit[j]! >= 0;
}

/** pprof's unit per numeric label key: the first unit given, else inferred from the key. */
export function numLabelUnits(t: LabelTable): Map<string, string> {
  const units = new Map<string, string>();
  const keys = new Set<string>();
  for (let j = 0; j < t.key.length; j++) {
    if (t.str[j]! >= 0 || !present(t, j)) continue;
    const k = t.strings[t.key[j]!]!;
    keys.add(k);
    const u = t.unit[j]! >= 0 ? t.strings[t.unit[j]!]! : '';
    if (u !== '' && !units.has(k)) units.set(k, u);
  }
  for (const k of keys) if (!units.has(k)) units.set(k, k === 'alignment' || k === 'request' ? 'bytes' : k);
  return units;
}

type SampleTest = (t: LabelTable, i: number) => boolean;

/**
 * A numeric range as pprof reads one (`32kb`, `1mb:`, `:64kb`, `12kb:64mb`), or null when the text
 * is not one (it is then a regex). The test gets a value and its key's unit.
 */
function parseRange(filter: string): ((v: number, unit: string) => boolean) | null {
  const rx = /([+-]?\d+)([A-Za-z]+)?/g;
  const found: RegExpExecArray[] = [];
  for (let m = rx.exec(filter); m && found.length < 2; m = rx.exec(filter)) found.push(m);
  if (found.length === 0) return null;
  const [a, b] = found as [RegExpExecArray, RegExpExecArray | undefined];
  const [lo, unit] = scaleValue(Number(a[1]), a[2] ?? '', a[2] ?? '');
  const inUnit = (v: number, u: string): number | null => {
    const [sv, su] = scaleValue(v, u, unit);
    return su === unit ? sv : null;
  };
  if (!b) {
    const m = a[0];
    if (filter === m) return (v, u) => inUnit(v, u) === lo;
    if (filter === `${m}:`) return (v, u) => (inUnit(v, u) ?? -Infinity) >= lo;
    if (filter === `:${m}`) return (v, u) => (inUnit(v, u) ?? Infinity) <= lo;
    return null;
  }
  if (filter !== `${a[0]}:${b[0]}`) return null;
  const [hi, unit2] = scaleValue(Number(b[1]), b[2] ?? '', unit);
  if (unit2 !== unit) return null;
  return (v, u) => {
    const sv = inUnit(v, u);
    return sv !== null && sv >= lo && sv <= hi;
  };
}

/** One of -tagfocus / -tagignore as a test of a sample's labels; null for ''. Throws naming a bad regex. */
export function compileTagFilter(name: string, value: string | undefined, units: Map<string, string>): SampleTest | null {
  if (!value) return null;
  let wantKey: string | null = null;
  const eq = value.indexOf('=');
  if (eq >= 0) {
    wantKey = value.slice(0, eq);
    value = value.slice(eq + 1);
  }
  const range = parseRange(value);
  if (range) {
    const unitOf = (k: string) => units.get(k) ?? '';
    return (t, i) => {
      for (let j = t.start[i]!; j < t.start[i + 1]!; j++) {
        if (t.str[j]! >= 0 || !present(t, j)) continue;
        const k = t.strings[t.key[j]!]!;
        if (wantKey !== null && k !== wantKey) continue;
        if (range(t.num[j]!, unitOf(k))) return true;
      }
      return false;
    };
  }
  const rxs = value.split(',').map((r) => compile(r, name) ?? /(?:)/);
  if (wantKey === null) {
    // Each regex must match some "key:value" string label of the sample.
    return (t, i) =>
      rxs.every((rx) => {
        for (let j = t.start[i]!; j < t.start[i + 1]!; j++) {
          if (t.str[j]! >= 0 && rx.test(`${t.strings[t.key[j]!]}:${t.strings[t.str[j]!]}`)) return true;
        }
        return false;
      });
  }
  return (t, i) => {
    for (let j = t.start[i]!; j < t.start[i + 1]!; j++) {
      if (t.str[j]! < 0 || t.strings[t.key[j]!] !== wantKey) continue;
      const v = t.strings[t.str[j]!]!;
      if (rxs.some((rx) => rx.test(v))) return true;
    }
    return false;
  };
}

/** The keys of a -tagroot value, empty ones dropped. */
export function tagRootKeys(tagroot: string | undefined): string[] {
  return (tagroot ?? '').split(',').filter((k) => k !== '');
}

/** A sample's values of `key` as pprof names its label frame: strings, then numbers scaled. */
function labelValues(t: LabelTable, i: number, key: string): string {
  const strs: string[] = [];
  const nums: number[] = [];
  const units: string[] = [];
  for (let j = t.start[i]!; j < t.start[i + 1]!; j++) {
    if (!present(t, j) || t.strings[t.key[j]!] !== key) continue;
    if (t.str[j]! >= 0) strs.push(t.strings[t.str[j]!]!);
    else {
      nums.push(t.num[j]!);
      if (t.unit[j]! >= 0) units.push(t.strings[t.unit[j]!]!);
    }
  }
  // pprof: numbers only when every one has a unit or none has (else the strings alone).
  if (units.length > 0 && units.length !== nums.length) return strs.join(',');
  nums.forEach((n, k) => strs.push(units.length ? scaledLabel(n, units[k]!, 'minimum') : scaledLabel(n, '', '')));
  return strs.join(',');
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
    if (!(w > 0)) continue;
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
