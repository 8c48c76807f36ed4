/**
 * Reading source lines for pprof's list: found under the user's roots as pprof trims paths (the
 * committed Go program of shared/query/stacks/testdata/go-labels and its real profile), and refused
 * for hostile profile paths — `..`, absolute paths outside the roots, symlinks leading out, files over
 * the size limit — with a message naming the file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestBytes } from '../../shared/ingest/ingest.ts';
import { runQuery } from '../../shared/query/run-query.ts';
import type { SourceLinesResult } from '../../shared/query/stacks/source-lines.ts';
import { execFileSync } from 'node:child_process';
import { GO_LABELS_DIR, goLabelsCases, type GoListCase } from '../../shared/test-support/go-labels.ts';
import { candidatePaths, findGoroot, MAX_LINE_CHARS, MAX_LISTING_LINES, MAX_SOURCE_BYTES, readListing, readSourceLines, trimProfilePath } from './source-files.ts';

const DATA = GO_LABELS_DIR;
const SRC = join(DATA, 'src');
const tmp = mkdtempSync(join(tmpdir(), 'source-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const GOROOT = await findGoroot();

/** The engine's sourceLines query, as the app asks it. */
async function linesOf(file: string, regex: string, o: { sampleIndex?: string; tagfocus?: string } = {}): Promise<SourceLinesResult> {
  const src = await ingestBytes(readFileSync(join(DATA, file)));
  return runQuery(src, { type: 'sourceLines', profile: o.sampleIndex, regex, tagfocus: o.tagfocus });
}

/** A result naming one file (from `count` functions, each with samples on lines 1 and `lastLine`), as a hostile profile could. */
function naming(file: string, count = 1, lastLine = 1): SourceLinesResult {
  const lines = lastLine === 1 ? [{ line: 1, flat: 1, cum: 1 }] : [{ line: 1, flat: 1, cum: 1 }, { line: lastLine, flat: 1, cum: 1 }];
  return {
    type: 'sourceLines',
    profile: { key: 'cpu', label: 'cpu', unit: 'nanoseconds', default: true, rangeable: false, quantity: 'cpu' },
    total: 1,
    truncated: false,
    functions: Array.from({ length: count }, (_, i) => ({ function: `evil${i}`, files: [{ file, flat: 1, cum: 1, lines }] })),
  };
}

describe('source files', () => {
  it("finds a -trimpath build's files under the module folder, lines and figures side by side", async () => {
    const listing = await readListing(await linesOf('cpu.pb.gz', 'main.checksum'), { roots: [SRC], goroot: null });
    const f = listing.functions[0]!.files[0]!;
    expect(f.error).toBeUndefined();
    expect(f.found!.path).toBe('main.go');
    const go = goLabelsCases<GoListCase>('list.json')[0]!.routines[0]!;
    const hot = f.lines!.filter((l) => l.flat !== 0 || l.cum !== 0).map(({ line, flat, cum }) => ({ line, flat, cum }));
    expect(hot).toEqual(go.lines);
    // The text is the file's own line.
    const text = readFileSync(join(SRC, 'main.go'), 'utf8').split('\n');
    expect(f.lines!.find((l) => l.line === 25)!.text).toBe(text[24]);
    // As Go lists it: from the function's `func` line (the profile's start_line), not 5 before line 25.
    expect(f.lines![0]!.line).toBe(22);
    expect(f.lines![0]!.text).toMatch(/^func checksum\(/);
  });

  const LISTS = goLabelsCases<GoListCase>('list.json');
  it.skipIf(!GOROOT).each(LISTS.map((c) => [c.command, c] as const))('shows the lines go tool pprof shows: %s', async (_, c) => {
    const listing = await readListing(await linesOf(c.file, c.regex, c), { roots: [SRC], goroot: GOROOT, trimPath: 'tracedeck.test/labels' });
    const got = listing.functions.flatMap((fn) => fn.files.map((f) => ({ function: fn.function, file: f.found?.path ?? f.file, shown: [f.lines?.[0]?.line, f.lines?.at(-1)?.line] })));
    expect(got).toEqual(c.routines.map((r) => ({ function: r.function, file: r.file, shown: r.shown })));
  });

  it('trims as pprof does: -trim_path prefixes, else the root folder name found in the path', () => {
    expect(trimProfilePath('/build/ci/app/internal/x.go', '', ['/home/me/app'])).toBe('internal/x.go');
    expect(trimProfilePath('/build/ci/app/internal/x.go', '/build/ci', [])).toBe('app/internal/x.go');
    expect(trimProfilePath('/proc/self/cwd/pkg/y.go', '', [])).toBe('pkg/y.go');
    expect(candidatePaths('a/../../etc/passwd', '', [])).toEqual(['etc/passwd', 'passwd']);
  });

  it.skipIf(!GOROOT)('finds standard-library files under GOROOT (found by `go env GOROOT`)', async () => {
    const listing = await readListing(await linesOf('goroutine.pb.gz', 'runtime.chanrecv$'), { roots: [SRC], goroot: GOROOT });
    const f = listing.functions[0]!.files[0]!;
    expect(f.found!.path).toBe('runtime/chan.go');
    expect(f.lines!.find((l) => l.cum === 7)!.text).toMatch(/gopark/);
  });

  it('never reads outside the roots, whatever the profile names', async () => {
    const root = join(tmp, 'root');
    mkdirSync(join(root, 'pkg'), { recursive: true });
    writeFileSync(join(tmp, 'secret.go'), 'package secret\n');
    symlinkSync(join(tmp, 'secret.go'), join(root, 'pkg', 'link.go'));
    for (const file of ['../secret.go', join(tmp, 'secret.go'), 'pkg/link.go', '/etc/passwd', 'pkg/\0x.go']) {
      const l = await readListing(naming(file), { roots: [root], goroot: null });
      const f = l.functions[0]!.files[0]!;
      expect(f.lines, file).toBeUndefined();
      expect(f.error, file).toMatch(/not found under/);
    }
  });

  it('refuses a file over the size limit, and roots that are not absolute folders', async () => {
    const root = join(tmp, 'big');
    mkdirSync(root);
    writeFileSync(join(root, 'huge.go'), '');
    truncateSync(join(root, 'huge.go'), MAX_SOURCE_BYTES + 1);
    const f = (await readListing(naming('huge.go'), { roots: [root], goroot: null })).functions[0]!.files[0]!;
    expect(f.error).toMatch(/huge\.go is larger than/);
    await expect(readListing(naming('x.go'), { roots: ['relative/dir'], goroot: null })).rejects.toThrow(/not an absolute path/);
    await expect(readListing(naming('x.go'), { roots: [join(root, 'huge.go')], goroot: null })).rejects.toThrow(/not a folder/);
  });

  // The file found may change before it is read (whoever owns the folder can race us): the read checks
  // the opened handle itself. Each case is the state after such a swap, handed to the read directly.
  it.skipIf(process.platform === 'win32')('refuses a found file swapped for a FIFO, a symlink, or a folder symlinked out, without waiting', async () => {
    const root = join(tmp, 'swap');
    mkdirSync(join(root, 'pkg'), { recursive: true });
    const outside = join(tmp, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'x.go'), 'package secret\n');
    // A FIFO no one writes: a blocking open would wait for good.
    execFileSync('mkfifo', [join(root, 'pipe.go')]);
    await expect(readSourceLines({ root, path: 'pipe.go', real: join(root, 'pipe.go'), size: 10 })).rejects.toThrow(/not a regular file/);
    // The file itself became a symlink to a file outside.
    symlinkSync(join(outside, 'x.go'), join(root, 'pkg', 'x.go'));
    await expect(readSourceLines({ root, path: 'pkg/x.go', real: join(root, 'pkg', 'x.go'), size: 10 })).rejects.toThrow(/symlink/);
    // A folder on its path became a symlink to a folder outside.
    symlinkSync(outside, join(root, 'moved'));
    await expect(readSourceLines({ root, path: 'moved/x.go', real: join(root, 'moved', 'x.go'), size: 10 })).rejects.toThrow(/moved out of/);
    // A plain file inside still reads.
    writeFileSync(join(root, 'pkg', 'ok.go'), 'package ok\n\nfunc f() {}\n');
    expect(await readSourceLines({ root, path: 'pkg/ok.go', real: join(root, 'pkg', 'ok.go'), size: 10 })).toEqual(['package ok', '', 'func f() {}', '']);
  });

  it('keeps one listing a bounded size: long lines cut, lines in all capped', async () => {
    const root = join(tmp, 'long');
    mkdirSync(root);
    // One 50,000-character line, named by 40 functions.
    writeFileSync(join(root, 'wide.go'), 'x'.repeat(50_000) + '\nsecond\n');
    const wide = await readListing(naming('wide.go', 40), { roots: [root], goroot: null });
    const texts = wide.functions.flatMap((fn) => fn.files.flatMap((f) => f.lines!.map((l) => l.text)));
    expect(texts).toHaveLength(40 * 3);
    expect(texts[0]).toBe('x'.repeat(MAX_LINE_CHARS) + `… (${(50_000 - MAX_LINE_CHARS).toLocaleString('en-US')} more characters)`);
    expect(texts[1]).toBe('second');
    // 3,000 lines shown per function: the functions past the listing's budget say why they show none.
    writeFileSync(join(root, 'tall.go'), Array.from({ length: 3100 }, (_, i) => `// line ${i + 1}`).join('\n'));
    const count = Math.ceil(MAX_LISTING_LINES / 3000) + 3;
    const tall = await readListing(naming('tall.go', count, 3000), { roots: [root], goroot: null });
    const shown = tall.functions.map((fn) => fn.files[0]!.lines?.length ?? 0);
    expect(shown.reduce((a, b) => a + b, 0)).toBe(MAX_LISTING_LINES);
    expect(shown[0]).toBe(3000);
    expect(tall.functions.at(-1)!.files[0]!.error).toMatch(/already shows 100,000 lines/);
  });

  it('reads at most its budget of source bytes in one listing, saying which files it left out', async () => {
    const root = join(tmp, 'many');
    mkdirSync(root);
    for (const n of ['a', 'b', 'c']) writeFileSync(join(root, `${n}.go`), `package ${n}\n${'// filler\n'.repeat(100)}`);
    const size = 10 + 11 * 100; // each file's bytes
    const three = naming('a.go', 1);
    three.functions = ['a', 'b', 'c'].map((n) => ({ function: n, files: [{ file: `${n}.go`, flat: 1, cum: 1, lines: [{ line: 1, flat: 1, cum: 1 }] }] }));
    // Room for two of the three (and a file named twice is read once).
    three.functions.push({ function: 'a2', files: [{ file: 'a.go', flat: 1, cum: 1, lines: [{ line: 2, flat: 1, cum: 1 }] }] });
    const l = await readListing(three, { roots: [root], goroot: null, readBudgetBytes: 2 * size + 5 });
    const files = l.functions.map((fn) => fn.files[0]!);
    expect(files.map((f) => f.lines?.[0]?.text ?? null)).toEqual(['package a', 'package b', null, 'package a']);
    expect(files[2]!.error).toMatch(/^c\.go not read: this listing has read its \d+ MB of source/);
  });
});
