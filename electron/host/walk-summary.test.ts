/**
 * The walk summary against Go's walk as the model runs it (walkRows over stored rows, clipped to the
 * goroutine-summary windows), on random transition sequences: in one part, and cut into parts walked
 * from a fresh state and joined. Real traces are checked end to end in trace-figures.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { G_NOTEXIST, G_RUNNING, G_UNDETERMINED, G_WAITING } from '../../shared/model/trace.ts';
import { goroutineWindowsOf, walkRows } from '../../shared/query/trace/trace-blocking.ts';
import { FOREVER, joinSummaries, KINDS, summaryTotals, TooManyGoroutines, WalkSummary, type BlockingTotals } from './walk-summary.ts';

interface Row {
  t: number;
  g: number;
  from: number;
  to: number;
  cls: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A random run of transitions over a few goroutines, each from the state it was last left in. */
function randomRows(seed: number, n: number, goroutines: number): Row[] {
  const r = rng(seed);
  const state = new Map<number, number>();
  const rows: Row[] = [];
  let t = 1_000_000 + Math.floor(r() * 1000);
  for (let i = 0; i < n; i++) {
    const g = 100 + Math.floor(r() * goroutines);
    const prev = state.get(g);
    // Mostly the real states' moves; now and then a goroutine (re)created or a status repeated.
    const to = r() < 0.05 ? G_NOTEXIST : 2 + Math.floor(r() * 4);
    let from = prev ?? (r() < 0.5 ? G_UNDETERMINED : G_NOTEXIST);
    if (prev !== undefined && r() < 0.1) from = G_NOTEXIST;
    const cls = Math.floor(r() * 8) & (to === G_WAITING ? 7 : 3);
    t += Math.floor(r() * 50);
    rows.push({ t, g, from, to, cls });
    t += 1;
    state.set(g, to);
  }
  return rows;
}

/** Go's walk as the model runs it: windows from the rows, then walkRows clipped to them. */
function reference(rows: Row[]): BlockingTotals {
  const rowOf = new Map<number, number>();
  const g = new Int32Array(rows.length);
  rows.forEach((x, i) => {
    if (!rowOf.has(x.g)) rowOf.set(x.g, rowOf.size);
    g[i] = rowOf.get(x.g)!;
  });
  const nG = rowOf.size;
  const base = rows[0]!.t;
  const run = new Float64Array(nG).fill(NaN);
  const end = new Float64Array(nG).fill(NaN);
  rows.forEach((x, i) => {
    if (x.from === x.to) return;
    const r = g[i]!;
    if (x.from === G_UNDETERMINED || x.from === G_NOTEXIST) {
      run[r] = NaN;
      end[r] = NaN;
    }
    if (x.to === G_RUNNING) {
      if (run[r] !== run[r]) run[r] = x.t - base;
    } else if (x.to === G_NOTEXIST || (x.to === G_WAITING && (x.cls & FOREVER) !== 0)) end[r] = x.t - base;
  });
  const { lo, hi } = goroutineWindowsOf(run, end, rows[rows.length - 1]!.t - base);
  const t = Float64Array.from(rows, (x) => x.t - base);
  const st = { start: new Float64Array(nG * 4).fill(NaN), stk: new Int32Array(nG * 4), open: new Uint8Array(nG) };
  const sums = { sync: 0, net: 0, syscall: 0, sched: 0 };
  const classOf = Uint8Array.from({ length: 8 }, (_, i) => i & 3);
  walkRows({ t: { at: (i) => t[i]! }, g, to: Uint8Array.from(rows, (x) => x.to), reason: Uint8Array.from(rows, (x) => x.cls), stack: null }, classOf, KINDS, lo, hi, 0, rows.length, st, (k, _s, d) => (sums[k] += d));
  return sums;
}

function summarize(rows: Row[], carried: boolean): WalkSummary {
  const s = new WalkSummary(carried, 4);
  const rowOf = new Map<number, number>();
  for (const x of rows) {
    let r = rowOf.get(x.g);
    if (r === undefined) {
      r = rowOf.size;
      rowOf.set(x.g, r);
      s.addRow(x.g);
    }
    s.step(r, x.t, x.from, x.to, x.cls);
  }
  return s;
}

/**
 * The rows of a part read from a fresh state: each goroutine's first status there is carried. Null
 * when one pass meets a goroutine first after the cut with its status (old state undetermined): its
 * status is then carried in the later part but new to the first one, and the join declines
 * (parallel-figures.ts agrees).
 */
function asLaterPart(rows: Row[]): Row[] | null {
  if (rows.some((x) => x.from === G_UNDETERMINED)) return null;
  const seen = new Set<number>();
  return rows.map((x) => {
    const first = !seen.has(x.g);
    seen.add(x.g);
    return first && x.from === x.to ? { ...x, from: G_UNDETERMINED } : x;
  });
}

describe('walk summary', () => {
  it('equals the model walk in one part', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rows = randomRows(seed, 20 + (seed % 200), 1 + (seed % 9));
      expect(summaryTotals(summarize(rows, false).c), `seed ${seed}`).toEqual(reference(rows));
    }
  });

  it('equals the model walk when cut into parts walked fresh and joined, at every cut', () => {
    let cuts = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const rows = randomRows(seed * 7919, 30 + (seed % 50), 1 + (seed % 5));
      const want = reference(rows);
      for (let cut = 1; cut < rows.length; cut++) {
        const later = asLaterPart(rows.slice(cut));
        if (later === null) continue;
        const a = summarize(rows.slice(0, cut), false);
        const b = summarize(later, true);
        expect(summaryTotals(joinSummaries(a.c, b.c)), `seed ${seed} cut ${cut}`).toEqual(want);
        // And a later part cut again (its first rows walked apart from the rest), joined in either grouping.
        const mid = cut + Math.floor((rows.length - cut) / 2);
        if (mid > cut && mid < rows.length) {
          const b1 = summarize(later.slice(0, mid - cut), true);
          const b2 = summarize(later.slice(mid - cut), true);
          expect(summaryTotals(joinSummaries(a.c, joinSummaries(b1.c, b2.c))), `seed ${seed} cuts ${cut},${mid}`).toEqual(want);
          expect(summaryTotals(joinSummaries(joinSummaries(a.c, b1.c), b2.c)), `seed ${seed} cuts ${cut},${mid} left first`).toEqual(want);
        }
        cuts++;
      }
    }
    expect(cuts).toBeGreaterThan(500);
  });

  it('refuses a goroutine past its bound (a crafted trace naming millions is left to the model)', () => {
    const s = new WalkSummary(false, 1, 3);
    for (const id of [1, 2, 3]) s.addRow(id);
    expect(() => s.addRow(4)).toThrow(TooManyGoroutines);
    expect(s.c.n).toBe(3);
  });

  it('counts something on these sequences (the comparison is not between zeros)', () => {
    const t = reference(randomRows(5, 400, 6));
    for (const k of KINDS) expect(t[k]).toBeGreaterThan(0);
  });
});
