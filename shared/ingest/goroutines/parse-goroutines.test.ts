import { describe, it, expect } from 'vitest';
import { parseGoroutineDump, type ParsedGoroutineDump } from './parse-goroutines.ts';
import { IngestCancelled, IngestError } from '../errors.ts';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { GoroutineFlag, NO_GOROUTINE, NO_WAIT, goroutineWaitMinutes } from '../../model/goroutines.ts';
import { frameFuncName, stackFramesLeafFirst, type StackIndex } from '../../model/stacks.ts';
import { fuzzTimeout, mulberry32 as prng } from '../../test-support/fuzz.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (f: string) => new TextDecoder().decode(readFixture(f));
const dumps = fixturesOfKind('goroutine-dump');
const debug2Files = dumps.filter(([, e]) => e.format === 'goroutine debug=2').map(([f]) => f);
const debug1Files = dumps.filter(([, e]) => e.format === 'goroutine debug=1').map(([f]) => f);

function funcsLeafFirst(r: ParsedGoroutineDump, stack: StackIndex): string[] {
  if (stack < 0) return [];
  return stackFramesLeafFirst(r.model.stacks, stack).map((f) => frameFuncName(r.model.stacks, f));
}

/** A naive, independent reading of a debug=2 dump: blocks split on blank lines. */
function naiveDebug2(s: string): { id: number; state: string; funcs: string[]; createdBy: string | null }[] {
  return s
    .split('\n\n')
    .map((b) => b.trim())
    .filter((b) => b.startsWith('goroutine '))
    .map((b) => {
      const ls = b.split('\n');
      const h = /^goroutine (\d+) \[([^\],]*)/.exec(ls[0]!)!;
      const funcs: string[] = [];
      let createdBy: string | null = null;
      for (let i = 1; i < ls.length; i += 2) {
        const l = ls[i]!;
        if (l.startsWith('created by ')) createdBy = l.slice(11).replace(/ in goroutine \d+$/, '');
        else funcs.push(l.slice(0, l.lastIndexOf('(')));
      }
      return { id: Number(h[1]), state: h[2]!, funcs, createdBy };
    });
}

describe('parseGoroutineDump on the real fixtures', () => {
  it('has 10 debug=1 and 10 debug=2 fixtures to test', () => {
    expect(debug1Files.length).toBe(10);
    expect(debug2Files.length).toBe(10);
  });

  for (const f of debug2Files) {
    it(`${f}: every goroutine block, frame and creator matches a naive reading`, () => {
      const r = parseGoroutineDump(readFixture(f), { mtimeMs: 1_700_000_000_123.5 });
      expect(r.kind).toBe('goroutine-dump');
      expect(r.format).toBe('goroutine debug=2');
      expect(r.partial).toBe(false);
      expect(r.warnings).toEqual([]);
      expect(r.model.panic).toBeNull();
      expect(r.clock).toEqual({ originEpochNs: '1700000000123500000', quality: 'estimated', basis: 'file mtime' });
      expect([r.startNs, r.endNs]).toEqual([0, 0]);
      const naive = naiveDebug2(text(f));
      const g = r.model.goroutines;
      expect(g.count).toBe(naive.length);
      expect(r.model.total).toBe(naive.length);
      naive.forEach((n, i) => {
        expect(g.id[i]).toBe(n.id);
        expect(r.model.states[g.state[i]!]).toBe(n.state);
        expect(funcsLeafFirst(r, g.stack[i]!)).toEqual(n.funcs);
        const cb = g.createdByFrame[i]!;
        expect(cb < 0 ? null : frameFuncName(r.model.stacks, cb)).toBe(n.createdBy);
        expect(g.waitMinutes[i]).toBe(NO_WAIT); // runs < 1 minute
        expect(g.flags[i]).toBe(0);
      });
      // Groups partition the goroutines, largest first, each one state and one stack.
      const gr = r.model.groups;
      let sum = 0;
      for (let k = 0; k < gr.count; k++) {
        sum += gr.size[k]!;
        if (k > 0) expect(gr.size[k]!).toBeLessThanOrEqual(gr.size[k - 1]!);
      }
      expect(sum).toBe(g.count);
      for (let i = 0; i < g.count; i++) {
        expect(gr.state[g.group[i]!]).toBe(g.state[i]);
        expect(gr.stack[g.group[i]!]).toBe(g.stack[i]);
      }
    });
  }

  it('reads creators with and without "in goroutine N" (go1.27 vs go1.19), frames root first', () => {
    const r27 = parseGoroutineDump(readFixture('scenarios/conn-leak-go1.27/goroutine-debug2.txt'), {});
    const g = r27.model.goroutines;
    const t = r27.model.stacks;
    // goroutine 20 [running]: writeGoroutineStacks … created by fixtures/internal/harness.Begin in goroutine 1
    expect(g.id[0]).toBe(20);
    expect(g.creatorId[0]).toBe(1);
    const cb = g.createdByFrame[0]!;
    expect([frameFuncName(t, cb), t.strings[t.frameFile[cb]!], t.frameLine[cb]]).toEqual([
      'fixtures/internal/harness.Begin',
      'fixtures/internal/harness/harness.go',
      119,
    ]);
    // Root first: the outermost frame has no prefix.
    let s = g.stack[0]!;
    const leaf = t.stackFrame[s]!;
    expect([frameFuncName(t, leaf), t.frameLine[leaf]]).toEqual(['runtime/pprof.writeGoroutineStacks', 816]);
    while (t.stackPrefix[s]! >= 0) s = t.stackPrefix[s]!;
    expect(frameFuncName(t, t.stackFrame[s]!)).toBe('fixtures/internal/harness.(*Run).schedule');
    // `encoding/json.Unmarshal(...)` is printed for a frame inlined into its caller.
    const inl = [...Array(t.frameCount).keys()].filter((f) => t.frameInlined[f] === 1).map((f) => frameFuncName(t, f));
    expect(inl).toContain('encoding/json.Unmarshal');
    // goroutine 1 has no creator.
    const main = g.id.indexOf(1);
    expect([g.creatorId[main], g.createdByFrame[main]]).toEqual([NO_GOROUTINE, -1]);

    const r19 = parseGoroutineDump(readFixture('scenarios/conn-leak-go1.19/goroutine-debug2.txt'), {});
    const last = r19.model.goroutines.count - 1;
    expect(r19.model.goroutines.id[last]).toBe(302);
    expect(r19.model.goroutines.creatorId[last]).toBe(NO_GOROUTINE); // go1.19: `created by F` only
    expect(frameFuncName(r19.model.stacks, r19.model.goroutines.createdByFrame[last]!)).toBe('net/http.(*Transport).dialConn');
  });

  for (const f of debug1Files) {
    it(`${f}: records, counts and frames match a naive reading`, () => {
      const r = parseGoroutineDump(readFixture(f), {});
      expect(r.format).toBe('goroutine debug=1');
      expect(r.partial).toBe(false);
      expect(r.warnings).toEqual([]);
      const s = text(f);
      const total = Number(/^goroutine profile: total (\d+)$/m.exec(s)![1]);
      const records = [...s.matchAll(/^(\d+) @ 0x[0-9a-f]+/gm)].map((m) => Number(m[1]));
      const leafs = s
        .split('\n\n')
        .filter((b) => /^\d+ @/m.test(b))
        .map((b) => /^#\t0x[0-9a-f]+\t([^\t+]+)\+/m.exec(b)?.[1] ?? null);
      expect(r.model.total).toBe(total);
      expect(r.model.goroutines.count).toBe(0);
      const gr = r.model.groups;
      expect([...gr.size]).toEqual(records);
      expect(records.reduce((a, b) => a + b, 0)).toBe(total);
      for (let k = 0; k < gr.count; k++) {
        expect(funcsLeafFirst(r, gr.stack[k]!)[0] ?? null).toBe(leafs[k]);
        expect(r.model.states[gr.state[k]!]).toBe('');
      }
    });
  }
});

describe('parseGoroutineDump on edge cases', () => {
  it('reads wait minutes, locked to thread, labels, elided frames, ancestors and gp= headers', () => {
    const dump = [
      'goroutine 7 gp=0xc000007a40 m=nil [chan receive (nil chan), 12 minutes, locked to thread]:',
      'main.a(...)',
      '\t/src/a.go:3',
      'main.b({0x1, 0x2})',
      '\t/src/b.go:4 +0x1f fp=0xc0000 sp=0xc0001 pc=0x4000',
      '...additional frames elided...',
      'created by main.c in goroutine 3',
      '\t/src/c.go:5 +0x2a',
      '[originating from goroutine 3]:',
      'main.c(...)',
      '\t/src/c.go:5 +0x2a',
      '',
      'goroutine 8 [select] {"job": "ingest", "tenant": "a]b"}:',
      'main.d()',
      '\tC:/src/d.go:6 +0x1',
      'created by main.c',
      '\t/src/c.go:9 +0x3',
      '',
      'goroutine 9 [running, labels:{"k": "v, w"}]:',
      '\tgoroutine running on other thread; stack unavailable',
      'created by main.c in goroutine 3',
      '\t/src/c.go:10 +0x3',
      '',
    ].join('\r\n');
    const r = parseGoroutineDump(enc(dump), {});
    expect(r.warnings).toEqual([]);
    expect(r.partial).toBe(false);
    const g = r.model.goroutines;
    expect([...g.id]).toEqual([7, 8, 9]);
    expect(g.state.length).toBe(3);
    expect(r.model.states[g.state[0]!]).toBe('chan receive (nil chan)');
    expect(goroutineWaitMinutes(r.model, 0)).toBe(12);
    expect(goroutineWaitMinutes(r.model, 1)).toBeNull();
    expect(g.flags[0]).toBe(GoroutineFlag.lockedToThread | GoroutineFlag.elided | GoroutineFlag.hasAncestors);
    expect(g.flags[2]).toBe(GoroutineFlag.stackUnavailable);
    expect(funcsLeafFirst(r, g.stack[0]!)).toEqual(['main.a', 'main.b']); // ancestors are not its stack
    expect(r.model.stacks.frameInlined[r.model.stacks.stackFrame[g.stack[0]!]!]).toBe(1);
    expect(g.stack[2]).toBe(-1);
    expect(r.model.labels[g.labels[1]!]).toBe('{"job": "ingest", "tenant": "a]b"}');
    expect(r.model.labels[g.labels[2]!]).toBe('{"k": "v, w"}');
    expect(r.model.labels[g.labels[0]!]).toBe('');
    const t = r.model.stacks;
    const d = t.stackFrame[g.stack[1]!]!;
    expect([t.strings[t.frameFile[d]!], t.frameLine[d]]).toEqual(['C:/src/d.go', 6]); // line after the last colon
    expect([...g.creatorId]).toEqual([3, NO_GOROUTINE, 3]);
    expect(r.model.groups.maxWaitMinutes[g.group[0]!]).toBe(12);
  });

  it('records the panic text and skips the trailer', () => {
    const dump = [
      'some log line',
      'panic: boom [recovered]',
      '\tpanic: again',
      '',
      'goroutine 1 [running]:',
      'main.main.func1()',
      '\t/src/main.go:8 +0x18',
      'panic({0x4a1e20?, 0x4e0f48?})',
      '\t/usr/lib/go/src/runtime/panic.go:770 +0x132',
      'main.main()',
      '\t/src/main.go:10 +0x4c',
      'exit status 2',
      '',
    ].join('\n');
    const r = parseGoroutineDump(enc(dump), {});
    expect(r.format).toBe('goroutine debug=2');
    expect(r.model.panic).toBe('panic: boom [recovered]\n\tpanic: again');
    expect(funcsLeafFirst(r, r.model.goroutines.stack[0]!)).toEqual(['main.main.func1', 'panic', 'main.main']);
    expect(r.warnings).toEqual(['1 line(s) before the crash message skipped']); // `exit status 2` is a known trailer
    expect(r.partial).toBe(false);
  });

  it('reads debug=1 labels and unsymbolised frames', () => {
    const dump = [
      'goroutine profile: total 3',
      '2 @ 0x1 0x2',
      '# labels: {"k":"v"}',
      '#\t0x1\tmain.f+0x10\t\t/src/f.go:1',
      '#\t0x2\tmain.g+0x20\t/src/g.go:2',
      '',
      '1 @ 0x9',
      '#\t0x9',
      '',
      '',
    ].join('\n');
    const r = parseGoroutineDump(enc(dump), {});
    expect(r.warnings).toEqual([]);
    expect(r.model.labels[r.model.groups.labels[0]!]).toBe('{"k":"v"}');
    expect(funcsLeafFirst(r, r.model.groups.stack[0]!)).toEqual(['main.f', 'main.g']);
    expect(funcsLeafFirst(r, r.model.groups.stack[1]!)).toEqual(['0x9']);
    expect(r.clock).toEqual({ originEpochNs: null, quality: 'estimated', basis: 'no timestamp in dump, no file mtime' });
  });

  it('keeps the complete goroutines of a dump cut mid-stack and marks it partial', () => {
    const full = text('scenarios/lock-contention-go1.21/goroutine-debug2.txt');
    const whole = parseGoroutineDump(enc(full), {});
    // Cut mid-line, right after a function line, between two frames, and inside goroutine 1.
    const at = full.indexOf('goroutine 22 [');
    const cuts = [
      full.indexOf('sync/cond.go:70', at) + 5,
      full.indexOf('\n', full.indexOf('sync.(*Cond).Wait(', at)) + 1,
      full.indexOf('\n', full.indexOf('sync/cond.go:70', at)) + 1,
      full.indexOf('\n', full.indexOf('goroutine 1 [')) + 1,
    ];
    for (const cut of cuts) {
      const r = parseGoroutineDump(enc(full.slice(0, cut)), {});
      expect(r.partial).toBe(true);
      expect(r.warnings.join('\n')).toMatch(/dropped/);
      const n = r.model.goroutines.count;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(whole.model.goroutines.count);
      for (let i = 0; i < n; i++) {
        expect(r.model.goroutines.id[i]).toBe(whole.model.goroutines.id[i]);
        expect(funcsLeafFirst(r, r.model.goroutines.stack[i]!)).toEqual(funcsLeafFirst(whole, whole.model.goroutines.stack[i]!));
      }
    }
    const d1 = text('scenarios/lock-contention-go1.21/goroutine-debug1.txt');
    const r1 = parseGoroutineDump(enc(d1.slice(0, d1.indexOf('\n\n', 400) - 3)), {});
    expect(r1.partial).toBe(true);
    expect(r1.warnings.join('\n')).toMatch(/header says total 477/);
  });

  it('keeps only whole goroutines and records wherever a line-boundary cut lands', () => {
    // Cuts at line boundaries are the hard case: nothing is visibly broken (the test above covers
    // mid-line cuts). All debug=1 fixtures and the smaller debug=2 ones, at every line.
    const files = [...debug1Files, ...debug2Files.filter((f) => /timewait|conn-leak-go1\.19/.test(f))];
    let checked = 0;
    for (const f of files) {
      const src = readFixture(f);
      const whole = parseGoroutineDump(src, {});
      const wholeStacks = (r: ParsedGoroutineDump) =>
        r.model.debug === 1
          ? Array.from(r.model.groups.stack, (s) => funcsLeafFirst(r, s).join(';'))
          : Array.from(r.model.goroutines.stack, (s, i) => `${r.model.goroutines.id[i]}:${funcsLeafFirst(r, s).join(';')}`);
      const want = wholeStacks(whole);
      for (let p = src.indexOf(10); p >= 0 && p < src.length - 1; p = src.indexOf(10, p + 1)) {
        let r: ParsedGoroutineDump;
        try {
          r = parseGoroutineDump(src.subarray(0, p + 1), {});
        } catch (e) {
          expect(e).toBeInstanceOf(IngestError);
          continue;
        }
        const got = wholeStacks(r);
        expect(got, `${f} cut at byte ${p + 1}`).toEqual(want.slice(0, got.length));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(800);
  });

  it('rejects empty, blank, binary and non-dump input with a reason', () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /empty input/],
      [enc('\n \n\t\n'), /only blank lines/],
      [new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), /binary data/],
      [enc('hello\nworld\n'), /not a goroutine dump/],
      [enc('goroutine 1 [running]:\nmain.main()\n'), /before its first goroutine is complete/],
      [enc('goroutine profile: total 5\n3 @ 0x1\n#\t0x1\tmain.f+0x1\tf.go:1\n'), /before its first record is complete/],
      [enc('goroutine profile: tot'), /not a goroutine dump/],
      [enc('goroutine profile: total 12'), /inside the "goroutine profile: total N" header/],
    ];
    for (const [bytes, reason] of cases) {
      let err: unknown;
      try {
        parseGoroutineDump(bytes, {});
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(IngestError);
      expect((err as IngestError).reason).toMatch(reason);
    }
  });

  it('reports progress and honours the abort signal', () => {
    const bytes = readFixture('scenarios/lock-contention-go1.27/goroutine-debug2.txt');
    const seen: number[] = [];
    parseGoroutineDump(bytes, { onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toBe(1);
    const ac = new AbortController();
    ac.abort();
    expect(() => parseGoroutineDump(bytes, { signal: ac.signal })).toThrow(IngestCancelled);
  });
});

describe('parseGoroutineDump fuzz', () => {
  const cases = Number(process.env.FUZZ_CASES) || 300;
  const files = dumps.map(([f]) => f);
  const sources = files.map((f) => readFixture(f));
  const parsed = sources.map((b) => parseGoroutineDump(b, {}));

  it(`survives ${cases} truncations, bit flips and splices (IngestError or a consistent model)`, { timeout: fuzzTimeout(cases, 30) }, () => {
    const rnd = prng(0x60d0);
    const pick = (n: number) => Math.floor(rnd() * n);
    for (let c = 0; c < cases; c++) {
      const k = pick(sources.length);
      const src = sources[k]!;
      const kind = c % 3;
      let bytes: Uint8Array;
      if (kind === 0) bytes = src.subarray(0, pick(src.length + 1));
      else if (kind === 1) {
        bytes = new Uint8Array(src); // a copy: Buffer#slice would flip bits in the shared fixture
        for (let j = 0, n = 1 + pick(8); j < n; j++) bytes[pick(bytes.length)]! ^= 1 << pick(8);
      } else {
        const other = sources[pick(sources.length)]!;
        const a = src.subarray(0, pick(src.length + 1));
        const b = other.subarray(pick(other.length + 1));
        bytes = new Uint8Array(a.length + b.length);
        bytes.set(a);
        bytes.set(b, a.length);
      }
      let r: ParsedGoroutineDump;
      try {
        r = parseGoroutineDump(bytes, {});
      } catch (e) {
        if (!(e instanceof IngestError)) throw new Error(`case ${c} (file ${files[k]}, kind ${kind}): ${String(e)}`);
        continue;
      }
      const m = r.model;
      const g = m.goroutines;
      const t = m.stacks;
      if (m.debug === 2) expect(m.total).toBe(g.count);
      let sum = 0;
      for (let j = 0; j < m.groups.count; j++) {
        sum += m.groups.size[j]!;
        expect(m.groups.stack[j]!).toBeLessThan(t.stackCount);
      }
      if (m.debug === 2) expect(sum).toBe(g.count);
      for (let i = 0; i < g.count; i++) {
        expect(g.stack[i]!).toBeLessThan(t.stackCount);
        expect(m.states[g.state[i]!]).toBeTypeOf('string');
      }
      if (kind === 0) {
        // A truncation keeps only whole goroutines, identical to the full parse's first ones.
        const whole = parsed[k]!;
        const wg = whole.model.goroutines;
        for (let i = 0; i < g.count; i++) {
          expect(g.id[i]).toBe(wg.id[i]);
          expect(funcsLeafFirst(r, g.stack[i]!)).toEqual(funcsLeafFirst(whole, wg.stack[i]!));
        }
        if (m.debug === 1) {
          for (let j = 0; j < m.groups.count; j++) {
            expect(funcsLeafFirst(r, m.groups.stack[j]!)).toEqual(funcsLeafFirst(whole, whole.model.groups.stack[j]!));
          }
        }
        // Cut mid-line: partial, unless the last line is whole (a location with its offset, or a
        // debug=1 frame line with all its columns that completes the total).
        if (bytes.length < src.length && bytes[bytes.length - 1] !== 10 && !r.partial) {
          const last = new TextDecoder().decode(bytes.subarray(bytes.lastIndexOf(10) + 1));
          expect(last).toMatch(/ \+0x[0-9a-f]+(?: [a-z]+=0x[0-9a-f]+)*$|^#\t0x[0-9a-f]+\t+\S+\+0x[0-9a-f]+\t+.*:\d+$|^\d+ @/);
        }
      }
    }
  });
});
