/**
 * Findings through the host: each source's engine computes its facts in its own clock, one engine
 * ranks them on the axis. The figures and the wall-clock times of the evidence are checked against
 * what the recording says independently of our code (the capture's own snapshot headers counted by
 * hand, meta.json's one-off listing time, the fixtures README's counts); the result must also equal
 * the same facts computed and ranked in-process, and a bundle's report.md carries them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { fixturePath } from '../../shared/test-support/fixtures.ts';
import { ingestInput } from './ingest-input.ts';
import { findingFacts } from '../../shared/query/findings/facts.ts';
import { diagnose } from '../../shared/query/findings/diagnose.ts';
import { buildReport } from './bundle.ts';

const DIR = fixturePath('scenarios/fd-leak-go1.27');
/** meta.json's `capture` block: when the one-off listings (lsof, /proc/PID/fd, ss -s) were taken. */
const META = JSON.parse(readFileSync(join(DIR, 'meta.json'), 'utf8')) as {
  pid: number;
  capture: { capture_start_unix_ns: number; capture_end_unix_ns: number; oneoff_snapshot_unix_ns: number; interval_ms: number };
};

/** Each framed snapshot of the raw capture: its header's epoch ns and its CLOSE-WAIT socket lines, counted by hand. */
function closeWaitPerSnapshot(): { epochNs: bigint; closeWait: number }[] {
  const text = gunzipSync(readFileSync(join(DIR, 'ss-capture.txt.gz'))).toString('latin1');
  return text
    .split(/^(?=### ss-snapshot )/m)
    .filter((block) => block.startsWith('### ss-snapshot '))
    .map((block) => ({ epochNs: BigInt(/^### ss-snapshot (\d+) /.exec(block)![1]!), closeWait: block.split('\n').filter((l) => /^CLOSE-WAIT\s/.test(l)).length }));
}
/** Epoch ns → ms as a number (sub-ms precision is not what these checks are about). */
const ms = (ns: bigint) => Number(ns / 1_000_000n);
const FILES = readdirSync(DIR)
  .filter((f) => f !== 'meta.json')
  .map((f) => join(DIR, f));

let host: Host;
beforeAll(async () => {
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
  await host.handle('openPaths', { paths: FILES });
  await host.store.settled();
});
afterAll(() => host?.dispose());

describe('findings request', () => {
  it('equals the in-process diagnosis of the same sources placed where the session placed them', async () => {
    const sources = host.store.snapshot().sources;
    expect(sources.every((s) => s.status === 'ready')).toBe(true);
    const got = await host.handle('findings', { ids: sources.map((s) => s.id) });
    const parts = [];
    for (const s of sources) {
      const path = (s.origin as { path: string }).path;
      const { source } = await ingestInput({ path });
      const facts = findingFacts(source, { sourceId: s.id, name: s.name, clock: s.clock!.quality });
      if (facts) parts.push({ facts, shiftNs: s.axisShiftNs! });
    }
    // The transport: the same as in-process (placement comes from the session in both, so this
    // part cannot catch a misplaced source; the checks below can).
    expect(got).toEqual(diagnose(parts));

    const origin = BigInt(host.store.snapshot().originEpochNs!);
    const wall = (axisNs: number) => origin + BigInt(Math.round(axisNs));
    const fd = got.findings[0]!;
    expect([fd.pattern, fd.confidence]).toEqual(['fd-leak', 'high']);
    // README: "CLOSE-WAIT 0→344 (mid)→max 684 at 29.7s"; "fd-leak (pid 20138)" is meta.json's pid.
    const snaps = closeWaitPerSnapshot();
    const peak = snaps.reduce((a, b) => (b.closeWait > a.closeWait ? b : a));
    expect(peak.closeWait).toBe(684);
    expect(fd.summary).toContain(`max ${peak.closeWait}`);
    expect(fd.summary).toContain(`(pid ${META.pid})`);
    // "at the peak" is the snapshot whose header time the capture itself gives.
    const atPeak = fd.evidence.find((e) => /at the peak/.test(e.figure))!;
    expect(atPeak.sourceName).toBe('ss-capture.txt.gz');
    expect(atPeak.values.max).toBe(peak.closeWait);
    expect(Math.abs(ms(wall(atPeak.range.startNs)) - ms(peak.epochNs))).toBeLessThanOrEqual(1);
    // The climb spans snapshots of the capture, inside its own first and last header times.
    const climb = fd.evidence.find((e) => /^CLOSE-WAIT /.test(e.figure))!;
    const first = snaps[0]!.epochNs;
    const last = snaps[snaps.length - 1]!.epochNs;
    expect(ms(wall(climb.range.startNs))).toBeGreaterThanOrEqual(ms(first));
    expect(ms(wall(climb.range.endNs))).toBeLessThanOrEqual(ms(last));
    expect(snaps.some((x) => ms(x.epochNs) === ms(wall(climb.range.startNs)))).toBe(true);
    // lsof.txt (README: "648 CLOSE_WAIT"; proc-fd "692 fds") was taken at meta.json's one-off time:
    // its evidence sits there, within one capture interval (it is placed at the matching snapshot).
    const lsof = fd.evidence.filter((e) => e.sourceName === 'lsof.txt');
    expect(lsof.map((e) => e.figure)).toEqual(['648 sockets in CLOSE-WAIT in lsof.txt', '692 open fds in lsof.txt']);
    for (const e of lsof) expect(Math.abs(ms(wall(e.range.startNs)) - ms(BigInt(META.capture.oneoff_snapshot_unix_ns)))).toBeLessThan(META.capture.interval_ms);
    // Evidence names session sources, so "Show" can focus them.
    const ids = new Set(sources.map((s) => s.id));
    for (const f of got.findings) for (const e of f.evidence) expect(ids.has(e.source)).toBe(true);
  }, 60_000);

  it('goes into report.md', async () => {
    const snap = host.store.snapshot();
    const { findings } = await host.handle('findings', { ids: snap.sources.map((s) => s.id) });
    const md = buildReport(
      { sources: snap.sources.map((info) => ({ info })), originEpochNs: snap.originEpochNs, ui: { selection: null, annotations: [], views: {} }, images: [], sessionText: '', findings, timeZone: 'UTC' },
      new Map(),
    );
    expect(md).toContain('## Findings');
    expect(md).toContain('### HIGH: fd leak');
    expect(md).toContain('(`fd-leak`)');
    expect(md).toContain(findings[0]!.evidence[0]!.figure.replace(/([\\`*_[\]|<>])/g, '\\$1'));
    expect(md).toContain('`defer conn.Close()`');
  });

  it('follows a live capture as its snapshots arrive (each reload is a new model)', async () => {
    const text = gunzipSync(readFileSync(fixturePath('scenarios/timewait-storm-go1.27/ss-capture.txt.gz')));
    const path = join(mkdtempSync(join(tmpdir(), 'tracedeck-live-')), 'capture.txt');
    writeFileSync(path, text);
    const heads = [...text.toString('latin1').matchAll(/^### ss-snapshot /gm)].map((m) => m.index!);
    const live = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
    try {
      const id = live.store.addLive('capture.txt', { type: 'ssh', host: 'vm', command: 'ss -tanoip', path });
      const at = async (snapshots: number) => {
        await live.store.reload(id, path, heads[snapshots] ?? text.length);
        const info = live.store.snapshot().sources.find((s) => s.id === id)!;
        return { end: info.axisEndNs!, findings: (await live.handle('findings', { ids: [id] })).findings };
      };
      const early = await at(4);
      expect(early.findings).toEqual([]);
      const mid = await at(20);
      expect(mid.findings[0]!.pattern).toBe('timewait-storm');
      const all = await at(heads.length);
      expect(all.findings[0]!.pattern).toBe('timewait-storm');
      // The panel asks again when the source's extent grows; the figures grow with the capture.
      expect(mid.end).toBeGreaterThan(early.end);
      expect(all.end).toBeGreaterThan(mid.end);
      expect(all.findings[0]!.evidence[0]!.values.max).toBeGreaterThan(mid.findings[0]!.evidence[0]!.values.max!);
    } finally {
      live.dispose();
    }
  }, 60_000);

  it('names evidence of equal file names with the folder that tells them apart', async () => {
    const two = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
    try {
      await two.handle('openPaths', { paths: [join(DIR, 'lsof.txt'), fixturePath('scenarios/conn-leak-go1.27/lsof.txt')] });
      await two.store.settled();
      const { findings } = await two.handle('findings', { ids: two.store.snapshot().sources.map((s) => s.id) });
      const names = new Set(findings.flatMap((f) => f.evidence.map((e) => e.sourceName)));
      expect(names.size).toBeGreaterThan(0);
      for (const n of names) expect(['fd-leak-go1.27/lsof.txt', 'conn-leak-go1.27/lsof.txt']).toContain(n);
    } finally {
      two.dispose();
    }
  }, 60_000);

  it('refuses bad arguments by name', async () => {
    await expect(host.handle('findings', { ids: [] })).rejects.toThrow(/ids must be/);
    await expect(host.handle('findings', { ids: ['nope'] })).rejects.toThrow(/no ready source/);
  });
});
