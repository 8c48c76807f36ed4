import { describe, it, expect } from 'vitest';
import { mulberry32 } from '../test-support/fuzz.ts';
import { PairMap, Trie } from './pair-map.ts';

describe('PairMap', () => {
  it('agrees with a Map over random pairs, through many growths (negative keys too)', () => {
    const rnd = mulberry32(11);
    const m = new PairMap(4);
    const ref = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const a = Math.floor(rnd() * 2000) - 1;
      const b = Math.floor(rnd() * 300) - 5;
      const k = `${a},${b}`;
      const want = ref.get(k) ?? i;
      ref.set(k, want);
      expect(m.getOrAdd(a, b, i)).toBe(want);
    }
    expect(m.size).toBe(ref.size);
    for (const [k, v] of ref) {
      const [a, b] = k.split(',').map(Number) as [number, number];
      expect(m.get(a, b)).toBe(v);
    }
    expect(m.get(-7, 1e6)).toBe(-1);
  });
});

describe('Trie', () => {
  it('interns random paths like a naive map of children, parents first, across the hashed fan-out', () => {
    const rnd = mulberry32(5);
    const t = new Trie(16); // small start: grows many times
    const naive = new Map<string, number>();
    const label: number[] = [];
    const parent: number[] = [];
    for (let i = 0; i < 3000; i++) {
      // Few labels near the root (nodes with many children go to the hash map), then deep tails.
      const depth = 1 + Math.floor(rnd() * 30);
      let node = -1;
      let fresh = false;
      for (let d = 0; d < depth; d++) {
        const lbl = Math.floor(rnd() * (d < 3 ? 40 : 3));
        const key = `${node}/${lbl}`;
        let want = naive.get(key);
        const isNew = want === undefined;
        if (isNew) {
          want = label.length;
          naive.set(key, want);
          label.push(lbl);
          parent.push(node);
        }
        // Once a walk has created a node, add() is allowed (and must give the same ids).
        if (fresh) node = t.add(node, lbl);
        else {
          node = t.child(node, lbl);
          expect(t.created).toBe(isNew);
          fresh = t.created;
        }
        expect(node).toBe(want);
      }
    }
    const out = t.finish();
    expect(out.count).toBe(label.length);
    expect(Array.from(out.label)).toEqual(label);
    expect(Array.from(out.parent)).toEqual(parent);
    // Every node is found again by child(), without creating anything.
    for (const [key, id] of naive) {
      const [p, l] = key.split('/').map(Number) as [number, number];
      expect(t.child(p, l)).toBe(id);
      expect(t.created).toBe(false);
    }
  });
});
