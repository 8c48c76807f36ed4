/**
 * The first rows of the unfiltered top table (pprof's flat order), computing cum only for the rows
 * shown: what a summary prints (the 10 biggest functions) without the per-name sums of every
 * function that the full table needs (a walk up every leaf stack, or the stack indexes).
 *
 * flat is one pass over the samples. cum, for a batch of up to 31 names, is one pass over the stack
 * table in index order (a prefix comes before its extensions) giving each stack a bit mask of the
 * batch's names on its path, then one over the samples adding each weight to the names in its
 * leaf's mask (once per sample however a name recurses). When fewer functions than asked have a flat
 * weight, those with only a cum fill up the rows by name: the stacks on a weighted sample's path are
 * marked first, each once. The figures equal topTable(input, { limit }) (top-rows.test.ts compares
 * them on every fixture).
 */
import { frameNamesOf } from './stack-index.ts';
import { comparePprofFlat, topTable } from './top-table.ts';
import type { WeightedStacks } from './weighted-stacks.ts';

export interface TopFlatRow {
  function: string;
  flat: number;
  cum: number;
}

/** Names per bit-mask pass (a bit each in an Int32). */
const BATCH = 31;
/** Passes over the stack table worth making before the per-name sums of the whole table are cheaper. */
const MAX_BATCHES = 4;

/** topTable(input, { limit }).rows' function, flat and cum, without filters. */
export function topFlatRows(input: WeightedStacks, limit: number): TopFlatRow[] {
  const fast = topFlatRowsByPasses(input, limit);
  return fast ?? topTable(input, { limit }).rows.map((r) => ({ function: r.function, flat: r.flat, cum: r.cum }));
}

/**
 * The rows by the passes above; null when they do not apply (non-integer or negative weights, a
 * table out of order, more rows than a few passes serve). Exported for its tests.
 */
export function topFlatRowsByPasses(input: WeightedStacks, limit: number): TopFlatRow[] | null {
  if (limit > BATCH * MAX_BATCHES) return null;
  const t = input.stacks;
  const { sampleStack, weight } = input;
  const { stackFrame: frame, stackPrefix: prefix, stackCount: n } = t;
  const fn = frameNamesOf(t);
  const names = fn.names.names;
  const { nameOf } = fn;

  // flat per name. Sums in any order are the same number only for integer weights below 2^53 in all
  // (else the full table sums them in its own order); without negative weights, a function has a
  // cum exactly when it is on the path of a sample with weight.
  const flat = new Float64Array(names.length);
  let abs = 0;
  for (let i = 0; i < sampleStack.length; i++) {
    const w = weight[i]!;
    if (w === 0 || w !== w) continue; // NaN weights are skipped, as the table skips them
    if (!Number.isInteger(w) || w < 0) return null;
    abs += w;
    const s = sampleStack[i]!;
    if (s >= 0) flat[nameOf[frame[s]!]!]! += w; // a sample without frames is in no function
  }
  if (abs > Number.MAX_SAFE_INTEGER) return null;

  const byFlat = (a: number, b: number) => Math.abs(flat[b]!) - Math.abs(flat[a]!) || (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0);
  // Names with flat weight first; then those with only a cum, by name (flat 0 sorts by name).
  const withFlat: number[] = [];
  for (let id = 0; id < names.length; id++) if (flat[id] !== 0) withFlat.push(id);
  const chosen = withFlat.sort(byFlat).slice(0, limit);
  if (chosen.length < limit) {
    const onPath = new Uint8Array(n);
    for (let i = 0; i < sampleStack.length; i++) {
      if (!(weight[i]! > 0)) continue;
      for (let x = sampleStack[i]!; x >= 0 && !onPath[x]; x = prefix[x]!) onPath[x] = 1;
    }
    const weighed = new Uint8Array(names.length);
    for (let s = 0; s < n; s++) if (onPath[s]) weighed[nameOf[frame[s]!]!] = 1;
    const cumOnly: number[] = [];
    for (let id = 0; id < names.length; id++) if (flat[id] === 0 && weighed[id]) cumOnly.push(id);
    chosen.push(...cumOnly.sort(byFlat).slice(0, limit - chosen.length));
  }

  const cum = new Float64Array(chosen.length);
  const bitOfName = new Int32Array(names.length);
  const bitOfFrame = new Int32Array(t.frameCount);
  const mask = chosen.length <= 16 ? new Uint16Array(n) : new Int32Array(n);
  for (let k0 = 0; k0 < chosen.length; k0 += BATCH) {
    const batch = chosen.slice(k0, k0 + BATCH);
    bitOfName.fill(0);
    batch.forEach((id, k) => (bitOfName[id] = 1 << k));
    for (let f = 0; f < t.frameCount; f++) bitOfFrame[f] = bitOfName[nameOf[f]!]!;
    for (let s = 0; s < n; s++) {
      const p = prefix[s]!;
      if (p >= s) return null; // not a table this pass can read in order (the marking above stops on any)
      mask[s] = (p >= 0 ? mask[p]! : 0) | bitOfFrame[frame[s]!]!;
    }
    for (let i = 0; i < sampleStack.length; i++) {
      const w = weight[i]!;
      const s = sampleStack[i]!;
      if (s < 0 || !(w > 0)) continue;
      for (let m = mask[s]!; m !== 0; m &= m - 1) cum[k0 + 31 - Math.clz32(m & -m)]! += w;
    }
  }
  const rows = chosen.map((id, k) => ({ function: names[id]!, flat: flat[id]!, cum: cum[k]!, flatPct: 0, cumPct: 0 }));
  rows.sort(comparePprofFlat); // already in this order; kept as the one definition of it
  return rows.map((r) => ({ function: r.function, flat: r.flat, cum: r.cum }));
}
