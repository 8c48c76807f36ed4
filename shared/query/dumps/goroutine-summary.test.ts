import { describe, it, expect } from 'vitest';
import { summarizeGoroutineDump } from './goroutine-summary.ts';
import { parseGoroutineDump } from '../../ingest/goroutines/parse-goroutines.ts';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';

const dumps = fixturesOfKind('goroutine-dump');

/** Independent naive figures straight from the text, for what expected.json does not list. */
function naive(s: string): { groups: number; top: { count: number; state: string | null; function: string | null }[] } {
  const blocks = s.split('\n\n').map((b) => b.trim());
  const counts = new Map<string, { count: number; state: string | null; function: string; first: number }>();
  if (s.startsWith('goroutine profile:')) {
    // debug=1: each `N @` record is a group already; its leaf is the first `#` frame.
    const recs = blocks.filter((b) => /^\d+ @/m.test(b));
    const top = recs.map((b) => ({
      count: Number(/^(\d+) @/m.exec(b)![1]),
      state: null,
      // lock-contention-go1.21 has `1 @ 0x46e0e1` with no frame line at all (only runtime.goexit).
      function: /^#\t0x[0-9a-f]+\t([^\t+]+)\+/m.exec(b)?.[1] ?? null,
    }));
    return { groups: recs.length, top };
  }
  blocks
    .filter((b) => b.startsWith('goroutine '))
    .forEach((b, i) => {
      const ls = b.split('\n');
      const state = /\[([^\],]*)/.exec(ls[0]!)![1]!;
      // The stack: every `\tfile:line` line before `created by` (so, distinct frames incl. lines).
      const cut = ls.findIndex((l) => l.startsWith('created by '));
      const stack = ls.slice(1, cut < 0 ? undefined : cut).map((l) => l.replace(/\([^()]*\)$/, '').replace(/ \+0x[0-9a-f]+$/, ''));
      const key = `${state}|${stack.join('|')}`;
      const e = counts.get(key);
      if (e) e.count++;
      else counts.set(key, { count: 1, state, function: stack[0]!, first: i });
    });
  const groups = [...counts.values()].sort((a, b) => b.count - a.count || a.first - b.first);
  return { groups: groups.length, top: groups.map(({ count, state, function: f }) => ({ count, state, function: f })) };
}

describe('summarizeGoroutineDump', () => {
  it('covers all 20 goroutine-dump fixtures of expected.json', () => {
    expect(dumps.length).toBe(20);
  });

  for (const [file, want] of dumps) {
    it(`${file}: figures equal expected.json`, () => {
      const fig = summarizeGoroutineDump(parseGoroutineDump(readFixture(file), {}));
      expect(fig.format).toBe(want.format);
      expect(fig.goroutines).toBe(want.goroutines);
      if ('states' in want) expect(fig.states).toEqual(want.states);
      else expect(fig.states).toBeUndefined(); // debug=1 prints no states
      if ('groups' in want) expect(fig.groups).toBe(want.groups);
      // Figures expected.json does not list: checked against a naive reading of the text.
      const n = naive(new TextDecoder().decode(readFixture(file)));
      expect(fig.groups).toBe(n.groups);
      expect(fig.top).toEqual(n.top.slice(0, 10));
      expect(fig.panic).toBeUndefined();
    });
  }

  it('names the conn-leak groups the fixtures README describes', () => {
    const fig = summarizeGoroutineDump(parseGoroutineDump(readFixture('scenarios/conn-leak-go1.19/goroutine-debug2.txt'), {}));
    expect(fig.top.slice(0, 3)).toEqual([
      { count: 37, state: 'select', function: 'net/http.(*persistConn).writeLoop' },
      { count: 35, state: 'select', function: 'net/http.(*persistConn).readLoop' },
      { count: 4, state: 'select', function: 'main.main.func1' },
    ]);
  });
});
