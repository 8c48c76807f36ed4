/**
 * Issue 15: `tracedeck export` of a whole real incident folder copied off a server, whose files carry
 * the copy's mtimes (12 days after the incident), still frames the incident: the caption spans the
 * incident's seconds, not 12 days, and the goroutine dumps are placed by pairing with the goroutine
 * profile (whose own time_nanos says when it was taken).
 */
import { execFile } from 'node:child_process';
import { cpSync, chmodSync, mkdtempSync, readFileSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test, expect, fixture, ROOT } from './support.ts';

const run = promisify(execFile);
const DAY_S = 86_400;

test('export of a copied incident folder (mtimes 12 days late) frames the incident and pairs the dumps with the goroutine profile', async () => {
  test.setTimeout(300_000);
  const work = mkdtempSync(join(tmpdir(), 'tracedeck-e2e-mtimes-'));
  const folder = join(work, 'conn-leak-go1.27');
  cpSync(fixture('scenarios/conn-leak-go1.27'), folder, { recursive: true });
  const meta = JSON.parse(readFileSync(join(folder, 'meta.json'), 'utf8')) as { start_unix_ns: string | number; end_unix_ns: string | number };
  const startS = Number(BigInt(meta.start_unix_ns) / 1_000_000_000n);
  const endS = Number(BigInt(meta.end_unix_ns) / 1_000_000_000n);
  // The copy: every file's mtime 12 days after the incident (what git, scp or a chat download leaves).
  const late = startS + 12 * DAY_S;
  const files = readdirSync(folder)
    .filter((f) => f !== 'meta.json')
    .map((f) => join(folder, f));
  for (const f of files) {
    chmodSync(f, 0o644);
    utimesSync(f, late, late);
  }

  const out = join(work, 'out');
  const r = await run(process.execPath, [join(ROOT, 'bin', 'tracedeck.mjs'), 'export', ...files, '--view', 'timeline', '--out', join(out, 'timeline.svg'), '--bundle', join(out, 'bundle')], {
    cwd: ROOT,
    env: { ...process.env, TZ: 'UTC' },
    timeout: 240_000,
  });
  expect(r.stdout).toContain('wrote bundle');

  // The caption frames the incident: its start within a minute of the run's start, its span seconds long.
  const svg = readFileSync(join(out, 'timeline.svg'), 'utf8');
  const m = /Whole session: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) UTC \(UTC\+00:00\) – (\d\d:\d\d:\d\d\.\d{3}) \(([\d.]+) s\)/.exec(svg);
  expect(m, svg.match(/Whole session[^<]*/)?.[0]).not.toBeNull();
  const captionStartS = Date.parse(`${m![1]!.replace(' ', 'T')}Z`) / 1000;
  expect(Math.abs(captionStartS - startS)).toBeLessThan(60);
  const spanS = Number(m![3]);
  expect(spanS).toBeGreaterThan(10);
  expect(spanS).toBeLessThanOrEqual(endS - startS + 60);

  // The dumps are placed by pairing with goroutine.pb.gz, at its time; the report says so.
  const report = readFileSync(join(out, 'bundle', 'report.md'), 'utf8');
  const section = (name: string) => {
    const i = report.indexOf(`### ${name}\n`);
    expect(i, name).toBeGreaterThanOrEqual(0);
    const j = report.indexOf('\n### ', i + 1);
    return report.slice(i, j < 0 ? undefined : j);
  };
  const captureTime = (s: string) => /- capture time: ([^\n]*)/.exec(s)?.[1];
  const profile = section('goroutine.pb.gz');
  expect(profile).toContain('- clock: exact (pprof time\\_nanos)');
  for (const dump of ['goroutine-debug1.txt', 'goroutine-debug2.txt']) {
    const s = section(dump);
    expect(s).toMatch(/- clock: paired \(paired with goroutine\.pb\.gz: 150 vs 150 goroutines/);
    expect(captureTime(s)).toBe(captureTime(profile));
  }
  // The listings with a content match are placed at the capture's snapshot; the one without keeps its
  // (12 days late) file time, and does not stretch the caption above.
  expect(section('lsof.txt')).toMatch(/- clock: paired \(paired with ss-capture\.txt\.gz/);
  expect(captureTime(section('lsof.txt'))).toMatch(/^2026-11-22 /);
  expect(section('proc-fd.txt')).toContain('- clock: estimated (file mtime)');
  expect(captureTime(section('proc-fd.txt'))).toMatch(/^2026-12-04 /);
});
