/**
 * `tracedeck peek` and `tracedeck list` against Go's `-peek` / `-list` figures for the committed
 * labelled profiles (shared/query/stacks/testdata/go-labels: peek.json, list.json).
 */
import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { cmdList } from './cli-list.ts';
import { GO_LABELS_DIR as DATA, goLabelsCases, type GoListCase, type GoPeekCase } from '../shared/test-support/go-labels.ts';

const lists = () => goLabelsCases<GoListCase>('list.json');

async function run(cmd: 'list' | 'peek', args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(console, 'error').mockImplementation((s) => void (err += String(s)));
  try {
    return { code: await cmdList(cmd, args), out, err };
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
}

describe('tracedeck peek / list', () => {
  it('peek with a label filter and a hide equals go tool pprof -peek', async () => {
    const go = goLabelsCases<GoPeekCase>('peek.json').find((c) => c.tagfocus === 'worker=alpha')!;
    const r = await run('peek', [join(DATA, 'cpu.pb.gz'), 'main.checksum', '--tagfocus', 'worker=alpha', '--hide', 'main.encode', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).entries).toEqual(go.entries);
  });

  it('list reads the lines under --source-path, figures as go tool pprof -list', async () => {
    const go = lists()[0]!.routines.find((x) => x.function === 'main.checksum')!;
    const r = await run('list', [join(DATA, 'cpu.pb.gz'), '^main\\.checksum$', '--source-path', join(DATA, 'src'), '--json']);
    expect(r.code).toBe(0);
    const f = JSON.parse(r.out).functions[0].files[0];
    expect(f.found.path).toBe('main.go');
    expect(f.lines.filter((l: { flat: number; cum: number }) => l.flat || l.cum).map(({ line, flat, cum }: { line: number; flat: number; cum: number }) => ({ line, flat, cum }))).toEqual(go.lines);
    const text = await run('list', [join(DATA, 'cpu.pb.gz'), '^main\\.checksum$', '--source-path', join(DATA, 'src')]);
    expect(text.out).toMatch(/ROUTINE =+ main\.checksum in tracedeck\.test\/labels\/main\.go/);
    expect(text.out).toMatch(/ {4}25:\t\tfor _, b := range data \{/);
    // The listing spans the lines Go's does: from `func checksum` (the profile's start_line) to 5 past the last sample.
    const shown = lists()[0]!.routines.find((x) => x.function === 'main.checksum')!.shown;
    expect([f.lines[0].line, f.lines.at(-1).line]).toEqual(shown);
  });

  it('says what is missing', async () => {
    expect((await run('list', [join(DATA, 'cpu.pb.gz')])).code).toBe(2);
    const none = await run('peek', [join(DATA, 'cpu.pb.gz'), '^no\\.such$']);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no matches found/);
  });

  it('takes REGEX by its place: an option value equal to it stays that option', async () => {
    const go = lists()[0]!.routines.find((x) => x.function === 'main.checksum')!;
    // --focus names the same text as REGEX, after it: REGEX is the last word that is no option's value.
    const r = await run('list', [join(DATA, 'cpu.pb.gz'), 'main.checksum', '--focus', 'main.checksum', '--source-path', join(DATA, 'src'), '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const fns = JSON.parse(r.out).functions as { function: string; files: { lines: { line: number; flat: number; cum: number }[] }[] }[];
    expect(fns.map((f) => f.function)).toEqual(['main.checksum']);
    expect(fns[0]!.files[0]!.lines.filter((l) => l.flat || l.cum).map(({ line, flat, cum }) => ({ line, flat, cum }))).toEqual(go.lines);
    // A value that starts with '-' is still the option's value, not an option.
    const hidden = await run('peek', [join(DATA, 'cpu.pb.gz'), 'main.checksum', '--ignore', '-nothing-', '--json']);
    expect(hidden.code).toBe(0);
    expect(JSON.parse(hidden.out).entries.map((e: { function: string }) => e.function)).toEqual(['main.checksum']);
    // --out writes a profile in `tracedeck top` only: here it is refused, not silently dropped.
    const out = await run('peek', [join(DATA, 'cpu.pb.gz'), 'main.checksum', '--out', 'x.pb.gz']);
    expect(out.code).toBe(2);
    expect(out.err).toMatch(/--out is for tracedeck top/);
  });
});
