/**
 * Pairing through the host: a whole incident folder whose clockless files were copied 12 days
 * later. The dump lands on its goroutine profile's time ('paired', partner named), the lsof
 * listing on its ss snapshot; the axis and the evidence span are framed by the sources whose time
 * is known; undoPairing puts a source back on its own clock and keeps it there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { readFixture } from '../../shared/test-support/fixtures.ts';
import type { SourceInfo } from '../../shared/bridge.ts';

const DIR = 'scenarios/conn-leak-go1.27/';
const FILES = ['goroutine-debug2.txt', 'goroutine.pb.gz', 'lsof.txt', 'ss-capture.txt.gz', 'proc-fd.txt'];
const meta = JSON.parse(new TextDecoder().decode(readFixture(`${DIR}meta.json`))) as { end_unix_ns: number };
const copiedAtMs = meta.end_unix_ns / 1e6 + 12 * 86_400_000;

let host: Host;
beforeAll(async () => {
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
  for (const f of FILES) await host.handle('openBytes', { name: f, bytes: readFixture(DIR + f), mtimeMs: copiedAtMs });
  await host.store.settled();
});
afterAll(() => host?.dispose());

const byName = (name: string): SourceInfo => host.store.snapshot().sources.find((s) => s.name === name)!;

describe('clock pairing in the session', () => {
  it('places the dump at the goroutine profile and lsof at its ss snapshot, naming the partner', () => {
    const pb = byName('goroutine.pb.gz');
    const dump = byName('goroutine-debug2.txt');
    expect(dump.clock).toMatchObject({ quality: 'paired', originEpochNs: pb.clock!.originEpochNs });
    expect(dump.clock!.basis).toMatch(/^paired with goroutine\.pb\.gz: 150 vs 150 goroutines/);
    expect(dump.pairedWith).toEqual({ id: pb.id, name: 'goroutine.pb.gz' });
    expect(Math.abs(dump.axisStartNs! - pb.axisStartNs!)).toBe(0);
    const lsof = byName('lsof.txt');
    expect(lsof.clock!.quality).toBe('paired');
    expect(lsof.pairedWith!.name).toBe('ss-capture.txt.gz');
    // The listing and the dump were taken within a second of each other.
    expect(Math.abs(lsof.axisStartNs! - dump.axisStartNs!)).toBeLessThan(1e9);
    // The fd listing has nothing to pair by: it keeps its mtime, 12 days on.
    expect(byName('proc-fd.txt').clock!.quality).toBe('estimated');
  });

  it('frames the axis and the evidence span by the sources whose time is known', () => {
    const s = host.store.snapshot();
    const capture = byName('ss-capture.txt.gz');
    expect(s.originEpochNs).toBe(capture.clock!.originEpochNs); // the capture started first
    expect(s.evidenceSpan).toEqual({
      startNs: Math.min(...s.sources.filter((x) => x.clock!.quality !== 'estimated').map((x) => x.axisStartNs!)),
      endNs: Math.max(...s.sources.filter((x) => x.clock!.quality !== 'estimated').map((x) => x.axisEndNs!)),
    });
    expect(s.evidenceSpan!.endNs - s.evidenceSpan!.startNs).toBeLessThan(60e9); // a 30 s run, not 12 days
    expect(byName('proc-fd.txt').axisStartNs! - s.evidenceSpan!.endNs).toBeGreaterThan(11 * 86_400e9);
  });

  it('undoPairing restores the own clock and keeps it; a manual offset keeps the paired place', async () => {
    const dump = byName('goroutine-debug2.txt');
    expect(await host.handle('undoPairing', { id: dump.id })).toEqual({ ok: true });
    const after = byName('goroutine-debug2.txt');
    expect(after.clock).toMatchObject({ quality: 'estimated', basis: 'file mtime' });
    expect(after.pairedWith).toBeUndefined();
    expect(await host.handle('undoPairing', { id: dump.id })).toEqual({ ok: false });
    // Another change in the session does not pair it again.
    await host.handle('setSourceOffset', { id: byName('lsof.txt').id, offsetNs: 1e6 });
    expect(byName('goroutine-debug2.txt').clock!.quality).toBe('estimated');
    const lsof = byName('lsof.txt');
    expect(lsof.clock!.quality).toBe('manual');
    expect(lsof.clock!.basis).toMatch(/^paired with ss-capture/);
    expect(Math.abs(lsof.axisStartNs! - byName('goroutine.pb.gz').axisStartNs!)).toBeLessThan(1e9);
  });

  it('a dump whose partner is removed goes back to its own clock', async () => {
    const h2 = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
    try {
      const { id: dumpId } = await h2.handle('openBytes', { name: 'goroutine-debug1.txt', bytes: readFixture(`${DIR}goroutine-debug1.txt`), mtimeMs: copiedAtMs });
      const { id: pbId } = await h2.handle('openBytes', { name: 'goroutine.pb.gz', bytes: readFixture(`${DIR}goroutine.pb.gz`) });
      await h2.store.settled();
      const q = () => h2.store.snapshot().sources.find((s) => s.id === dumpId)!.clock!.quality;
      expect(q()).toBe('paired');
      await h2.handle('removeSource', { id: pbId });
      expect(q()).toBe('estimated');
    } finally {
      h2.dispose();
    }
  });
});
