/**
 * pprof's label semantics over any samples' labels (a pprof profile's, a goroutine dump's): the
 * LabelTable they are read into, `-tagfocus` / `-tagignore` as a test of one sample, and a label
 * key's values as pprof names them. Used by the stack queries (../stacks/stack-labels.ts) and the
 * goroutine-dump groups (../dumps/goroutine-groups.ts).
 *
 *   FILTER=REGEX[,REGEX…]      every regex matches some string label printed as "key:value"
 *   FILTER=KEY=REGEX[,REGEX…]  some value of KEY matches some regex
 *   FILTER=[KEY=]RANGE         a numeric label (of KEY) in a range: 32kb, 1mb:, :64kb, 12kb:64mb
 *                              (units as pprof reads them: pprof-units.ts)
 */
import { compileGoRegex } from '../go-regex.ts';
import { scaledLabel, scaleValue } from './pprof-units.ts';

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
export function present(t: LabelTable, j: number): boolean {
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

export type SampleTest = (t: LabelTable, i: number) => boolean;

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
  const rxs = value.split(',').map((r) => compileGoRegex(r, name) ?? /(?:)/);
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

/** A sample's values of `key` as pprof names its label frame: strings, then numbers scaled. */
export function labelValues(t: LabelTable, i: number, key: string): string {
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

