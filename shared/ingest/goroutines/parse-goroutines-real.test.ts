/**
 * Real dumps made with Go 1.26 and 1.27 (testdata/README.md), checked against an independent
 * reading (testdata/figures.json), as they are and as they turn up pasted into other text:
 * without a final newline, indented (test logs), mixed indentation, CRLF, between log lines.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGoroutineDump, type ParsedGoroutineDump } from './parse-goroutines.ts';
import { detect } from '../detect.ts';
import { ingestBytes } from '../ingest.ts';
import { frameFuncName, stackFramesLeafFirst } from '../../model/stacks.ts';

const dir = fileURLToPath(new URL('./testdata/', import.meta.url));
const enc = (s: string) => new TextEncoder().encode(s);
const read = (rel: string) => readFileSync(join(dir, rel), 'utf8');

interface BlockFigure {
  line: number;
  id: number;
  state: string;
  labels: string;
  leaf: string | null;
  root: string | null;
  frames: number;
  createdBy: string | null;
}
type Figure =
  | { debug: 1; total: number; records: number; sum: number; labelled: number }
  | { debug: 2; crash: { line: number; text: string } | null; goroutines: BlockFigure[] };
const figures = JSON.parse(read('figures.json')) as Record<string, Figure>;
const textFiles = ['go1.27', 'go1.26'].flatMap((v) =>
  readdirSync(join(dir, v))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => `${v}/${f}`),
);
const debug2Files = textFiles.filter((f) => figures[f]!.debug === 2);

/** The goroutines of the dump that is read: all, or those after the crash message when the file holds two. */
function expectedBlocks(f: string): BlockFigure[] {
  const fig = figures[f] as Extract<Figure, { debug: 2 }>;
  const crashLine = fig.crash?.line ?? -1;
  const after = fig.goroutines.filter((g) => g.line > crashLine);
  return after.length > 0 ? after : fig.goroutines;
}

function summary(r: ParsedGoroutineDump) {
  const g = r.model.goroutines;
  const t = r.model.stacks;
  return Array.from(g.id, (id, i) => {
    const funcs = g.stack[i]! < 0 ? [] : stackFramesLeafFirst(t, g.stack[i]!).map((fr) => frameFuncName(t, fr));
    const cb = g.createdByFrame[i]!;
    return {
      id,
      state: r.model.states[g.state[i]!]!,
      labels: r.model.labels[g.labels[i]!]!,
      leaf: funcs[0] ?? null,
      root: funcs.at(-1) ?? null,
      frames: funcs.length,
      createdBy: cb < 0 ? null : frameFuncName(t, cb),
    };
  });
}

function expectMatchesFigures(r: ParsedGoroutineDump, f: string): void {
  expect(r.format).toBe('goroutine debug=2');
  expect(r.partial).toBe(false);
  expect(summary(r)).toEqual(expectedBlocks(f).map(({ line: _line, ...rest }) => rest));
  const crash = (figures[f] as Extract<Figure, { debug: 2 }>).crash;
  expect(r.model.panic?.split('\n')[0] ?? null).toBe(crash?.text ?? null);
}

describe('real Go 1.26 / 1.27 dumps', () => {
  it('has the dumps the README lists, with the counts and states read from them', () => {
    expect(textFiles.length).toBe(20);
    const states = (f: string) => {
      const n: Record<string, number> = {};
      for (const g of (figures[f] as Extract<Figure, { debug: 2 }>).goroutines) n[g.state] = (n[g.state] ?? 0) + 1;
      return n;
    };
    // Hand-checked against the files: a regression in figures.py would show here.
    expect(states('go1.27/panic-all.txt')).toEqual({ running: 1, 'chan receive': 5, select: 2, sleep: 1, 'sync.Mutex.Lock': 2, 'IO wait': 1 });
    expect(states('go1.27/sigquit.txt')['select (no cases)']).toBe(1);
    expect((figures['go1.27/sigquit.txt'] as Extract<Figure, { debug: 2 }>).goroutines.length).toBe(19);
  });

  for (const f of debug2Files) {
    it(`${f}: goroutines, states, labels, frames and creators match the independent reading`, () => {
      const r = parseGoroutineDump(enc(read(f)));
      expectMatchesFigures(r, f);
      if (!/gotest/.test(f)) expect(r.warnings.filter((w) => !/before the crash message/.test(w))).toEqual([]);
    });
  }

  it('reads Go 1.27 traceback labels, and gp=/m=/mp= headers with fp/sp/pc locations', () => {
    const r = parseGoroutineDump(enc(read('go1.27/panic-system.txt')));
    const labelled = summary(r).filter((g) => g.labels !== '');
    expect(labelled.map((g) => [g.id, g.labels])).toEqual([
      [29, '{job: ingest, tenant: acme}'],
      [30, '{job: ingest, tenant: "big corp"}'],
    ]);
    // gp=/m=/mp= headers and `fp= sp= pc=` after the offset: the frame keeps its file and line.
    const t = r.model.stacks;
    const i = r.model.goroutines.id.indexOf(29);
    const leaf = t.stackFrame[r.model.goroutines.stack[i]!]!;
    expect([frameFuncName(t, leaf), t.strings[t.frameFile[leaf]!], t.frameLine[leaf]]).toEqual(['runtime.gopark', 'runtime/proc.go', 474]);
    // Go 1.26 does not print labels (the GODEBUG default for a go 1.26 module).
    expect(summary(parseGoroutineDump(enc(read('go1.26/panic-system.txt')))).every((g) => g.labels === '')).toBe(true);
  });

  it('go test output: reads the panic after the indented t.Log dump and names the other one', () => {
    for (const f of ['go1.27/gotest.txt', 'go1.26/gotest.txt']) {
      const r = parseGoroutineDump(enc(read(f)));
      expect(r.model.goroutines.count).toBe(1);
      expect(r.model.panic).toBe('panic: assignment to entry in nil map [recovered, repanicked]');
      expect(r.warnings.join('\n')).toMatch(/holds 2 goroutine dumps; read the one after the crash message .* skipped 3 goroutine\(s\)/);
      // The t.Log dump alone (8-space indented, ended by `=== RUN`/`--- FAIL` lines) is read whole.
      const text = read(f);
      const logged = parseGoroutineDump(enc(text.slice(0, text.indexOf('panic: '))));
      expect(summary(logged).map((g) => [g.id, g.state])).toEqual(
        (figures[f] as Extract<Figure, { debug: 2 }>).goroutines.slice(0, 3).map((g) => [g.id, g.state]),
      );
      expect(logged.partial).toBe(false);
    }
  });

  it('a stack logged with t.Log: the header follows the `file.go:LINE: ` prefix', () => {
    const r = parseGoroutineDump(enc(read('go1.27/gotest-stack-in-log.txt')));
    expect(summary(r).map((g) => [g.state, g.leaf, g.createdBy])).toEqual([['running', 'runtime/debug.Stack', 'testing.(*T).Run']]);
    expect(r.warnings).toEqual(['1 line(s) before the first goroutine skipped', '1 line(s) of other text after the goroutines skipped']);
    expect(detect(enc(read('go1.27/gotest-stack-in-log.txt')))).toEqual({ kind: 'goroutine-dump', format: 'goroutine debug=2' });
  });

  it('`exit status 2` right after the last goroutine is a known trailer', () => {
    const text = read('go1.27/gorun-panic-worker.txt');
    expect(text.trimEnd().endsWith('+0x2a5\nexit status 2')).toBe(true);
    const r = parseGoroutineDump(enc(text));
    expect(r.warnings).toEqual([]);
    expect(summary(r)[0]!.createdBy).toBe('main.main');
  });

  it('debug=1 and debug=2 from net/http/pprof agree with the protobuf profile Go read', async () => {
    for (const v of ['go1.27', 'go1.26']) {
      const pb = figures[`${v}/goroutine.pb.gz`] as unknown as { pprofTotal: number; records: number };
      const d1 = parseGoroutineDump(enc(read(`${v}/pprof-debug1.txt`)));
      const d2 = parseGoroutineDump(enc(read(`${v}/pprof-debug2.txt`)));
      expect(d1.model.total).toBe(pb.pprofTotal);
      expect(d1.model.groups.count).toBe(pb.records);
      expect(d2.model.goroutines.count).toBe(pb.pprofTotal);
      const fig = figures[`${v}/pprof-debug1.txt`] as Extract<Figure, { debug: 1 }>;
      expect([d1.model.total, d1.model.groups.count, d1.warnings]).toEqual([fig.total, fig.records, []]);
      // And our protobuf reader sees the same count.
      const p = await ingestBytes(new Uint8Array(readFileSync(join(dir, `${v}/goroutine.pb.gz`))), {});
      if (p.kind !== 'pprof') throw new Error(`${v}/goroutine.pb.gz read as ${p.kind}`);
      let sum = 0;
      const vals = p.model.sampleValues[0]!;
      for (let i = 0; i < vals.length; i++) sum += vals[i]!;
      expect(sum).toBe(pb.pprofTotal);
    }
  });
});

/** Each transformation keeps the dump readable with the same goroutines and crash message. */
const pasted: [string, (s: string) => string][] = [
  ['without a final newline', (s) => s.replace(/\n+$/, '')],
  ['with CRLF line ends', (s) => s.replace(/\n/g, '\r\n')],
  ['indented by 4 spaces (test log)', (s) => s.replace(/^/gm, '    ')],
  ['indented by 8 spaces, no final newline', (s) => s.replace(/^/gm, '        ').replace(/\s+$/, '')],
  ['tab-indented with tabs turned into 8 spaces', (s) => s.replace(/^\t/gm, '        ')],
  [
    'inconsistently indented (2 spaces, then " \\t" locations, then none)',
    (s) =>
      s
        .split('\n')
        .map((l, i) => (l.startsWith('\t') ? (i % 3 === 0 ? ' \t' : '        ') + l.slice(1) : i % 2 === 0 ? '  ' + l : l))
        .join('\n'),
  ],
  ['between log lines', (s) => `2026-12-05T09:57:01Z INFO starting\n2026-12-05T09:57:02Z WARN slow\n${s}2026-12-05T09:58:00Z INFO restarted\n`],
];

describe('real dumps pasted into other text', () => {
  for (const f of debug2Files.filter((x) => !/gotest/.test(x))) {
    for (const [how, transform] of pasted) {
      it(`${f} ${how}`, () => {
        const r = parseGoroutineDump(enc(transform(read(f))));
        expectMatchesFigures(r, f);
        expect(detect(enc(transform(read(f))))).toEqual({ kind: 'goroutine-dump', format: 'goroutine debug=2' });
      });
    }
  }

  it('a one-goroutine panic without a final newline keeps its goroutine (also through ingestBytes)', async () => {
    for (const f of ['go1.27/panic-one.txt', 'go1.26/panic-one.txt', 'go1.27/fatal.txt']) {
      const text = read(f).trimEnd();
      const src = await ingestBytes(enc(text), {});
      expect(src.kind).toBe('goroutine-dump');
      if (src.kind !== 'goroutine-dump') return;
      expect(src.partial).toBe(false);
      expect(src.model.goroutines.count).toBe(1);
    }
  });

  it('a cut last line is not read as whole: the goroutine it belongs to is dropped', () => {
    const text = read('go1.27/panic-worker.txt').trimEnd(); // ends with `\tdumpgen/main.go:68 +0x376`
    const whole = parseGoroutineDump(enc(text));
    const ends = [text.lastIndexOf(' +0x'), text.lastIndexOf(':68') + 2, text.lastIndexOf('main.go') + 4];
    for (const end of ends) {
      const r = parseGoroutineDump(enc(text.slice(0, end)));
      expect(r.partial).toBe(true);
      expect(r.model.goroutines.count).toBe(whole.model.goroutines.count - 1);
    }
  });

  it('keeps cgo frames whose location is ` ??:0` (panicparse\'s cgo case)', () => {
    const dump = [
      'panic: boom',
      '',
      'goroutine 1 [running]:',
      'example.com/db._Cfunc_Seek()',
      ' ??:0 +0x6d',
      'example.com/db.(*Iter).Seek(0x433b20)',
      '\t/src/db/iter.go:153 +0xc6',
      'main.main()',
      '\t/src/main.go:12 +0x27',
    ].join('\n');
    const r = parseGoroutineDump(enc(dump));
    const t = r.model.stacks;
    const frames = stackFramesLeafFirst(t, r.model.goroutines.stack[0]!);
    expect(frames.map((f) => [frameFuncName(t, f), t.strings[t.frameFile[f]!], t.frameLine[f]])).toEqual([
      ['example.com/db._Cfunc_Seek', '??', 0],
      ['example.com/db.(*Iter).Seek', '/src/db/iter.go', 153],
      ['main.main', '/src/main.go', 12],
    ]);
    expect([r.partial, r.warnings]).toEqual([false, []]);
  });

  it('debug=1 without its final blank line keeps the last record; a record cut short is dropped', () => {
    const text = read('go1.27/pprof-debug1.txt');
    const whole = parseGoroutineDump(enc(text));
    const r = parseGoroutineDump(enc(text.trimEnd()));
    expect([r.partial, r.warnings, r.model.groups.count]).toEqual([false, [], whole.model.groups.count]);
    // The last record with frames: drop its outermost frame line (and what follows).
    const lastFrame = text.lastIndexOf('\n#\t');
    const cut = parseGoroutineDump(enc(text.slice(0, lastFrame)));
    expect(cut.partial).toBe(true);
    expect(cut.model.groups.count).toBeLessThan(whole.model.groups.count);
  });
});
