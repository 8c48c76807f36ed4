/**
 * Diagnosis from partial evidence (what confidence says is missing), as a live capture grows, and
 * the rules' independence from any program's own names. Real fixtures and recordings only.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestBytes } from '../../ingest/ingest.ts';
import { readFixture } from '../../test-support/fixtures.ts';
import { socketsByState } from '../sockets/socket-series.ts';
import { findingFacts } from './facts.ts';
import { diagnose } from './diagnose.ts';
import { seriesTrend } from './series-trend.ts';
import type { DiagnoseResult } from './types.ts';
import { epochDiffNs } from '../../model/time.ts';

/** Diagnoses files placed by their own clocks (file time `mtimeMs` where they have none). */
async function diagnoseBytes(files: { name: string; bytes: Uint8Array; mtimeMs?: number }[]): Promise<DiagnoseResult> {
  const loaded = [];
  for (const f of files) {
    const src = await ingestBytes(f.bytes, f.mtimeMs === undefined ? {} : { mtimeMs: f.mtimeMs });
    const facts = findingFacts(src, { sourceId: f.name, name: f.name, clock: src.clock.quality });
    if (facts) loaded.push({ facts, origin: src.clock.originEpochNs });
  }
  const base = loaded.map((l) => l.origin).filter((o) => o !== null).sort()[0];
  return diagnose(loaded.map((l) => ({ facts: l.facts, shiftNs: l.origin && base ? epochDiffNs(l.origin, base) : 0 })));
}
const fixtures = (...rels: string[]) => rels.map((r) => ({ name: r, bytes: readFixture(r) }));

describe('confidence says what is missing', () => {
  it('only an ss capture: the connection leak is seen, but not the goroutines behind it', async () => {
    const r = await diagnoseBytes(fixtures('scenarios/conn-leak-go1.27/ss-capture.txt.gz'));
    expect(r.findings[0]!.pattern).toBe('conn-leak');
    expect(r.findings[0]!.confidence).toBe('medium');
    expect(r.findings[0]!.summary).toMatch(/Missing: no goroutine dump or trace/);
  });

  it('only one dump: lock waiters are counted, no second source confirms them', async () => {
    const r = await diagnoseBytes(fixtures('scenarios/lock-contention-go1.27/goroutine-debug2.txt'));
    const lock = r.findings.find((f) => f.pattern === 'lock-contention')!;
    expect(lock.confidence).toBe('medium');
    expect(lock.summary).toMatch(/a trace would show how many goroutines wait at once/);
    // The leaked chan-send group is large but one dump shows no growth: low, and says so.
    const leak = r.findings.find((f) => f.pattern === 'goroutine-leak')!;
    expect(leak.confidence).toBe('low');
    expect(leak.summary).toMatch(/only one dump/);
  });

  it('only a CPU profile: busy cores, but the number of Ps is unknown', async () => {
    const r = await diagnoseBytes(fixtures('scenarios/cpu-pool-go1.27/cpu.pb.gz'));
    expect(r.findings[0]!.pattern).toBe('cpu-saturation');
    expect(r.findings[0]!.confidence).toBe('medium');
    expect(r.findings[0]!.summary).toMatch(/no trace: the number of Ps/);
  });

  it('two text dumps: the leak shows, but ordered by file time only — no rate, medium', async () => {
    const dir = join(import.meta.dirname, '../../test-support/recordings/leak-first-result');
    const r = await diagnoseBytes([
      { name: 'goroutines-start.txt.gz', bytes: readFileSync(join(dir, 'goroutines-start.txt.gz')), mtimeMs: 1_000_000 },
      { name: 'goroutines-end.txt.gz', bytes: readFileSync(join(dir, 'goroutines-end.txt.gz')), mtimeMs: 1_014_000 },
    ]);
    const leak = r.findings[0]!;
    expect(leak.pattern).toBe('goroutine-leak');
    expect(leak.confidence).toBe('medium');
    expect(leak.summary).toMatch(/^720 → 10,590 goroutines between goroutines-start\.txt\.gz and goroutines-end\.txt\.gz\. /);
    expect(leak.summary).toMatch(/ordered by file time only/);
    expect(leak.next[0]).toMatch(/`main\.queryBackend` sends on a channel nobody receives/);
  });

  it('only an lsof listing: CLOSE-WAIT sockets, no growth over time', async () => {
    const r = await diagnoseBytes(fixtures('scenarios/fd-leak-go1.27/lsof.txt'));
    expect(r.findings[0]!.pattern).toBe('fd-leak');
    expect(r.findings[0]!.confidence).toBe('medium');
    expect(r.findings[0]!.summary).toMatch(/only one listing/);
  });
});

describe('live: findings follow a capture as snapshots arrive', () => {
  const text = gunzipSync(readFixture('scenarios/timewait-storm-go1.27/ss-capture.txt.gz')).toString('utf8');
  const heads = [...text.matchAll(/^### ss-snapshot /gm)].map((m) => m.index!);
  const prefix = (n: number) => new TextEncoder().encode(text.slice(0, heads[n] ?? text.length));

  it('says nothing from a few snapshots, names the storm once it grows', async () => {
    expect((await diagnoseBytes([{ name: 'cap', bytes: prefix(4) }])).findings).toEqual([]);
    const mid = await diagnoseBytes([{ name: 'cap', bytes: prefix(20) }]);
    expect(mid.findings[0]!.pattern).toBe('timewait-storm');
    const all = await diagnoseBytes([{ name: 'cap', bytes: prefix(heads.length) }]);
    // The figures grow with the capture: the later maximum is at least the earlier one.
    expect(all.findings[0]!.evidence[0]!.values.max).toBeGreaterThan(mid.findings[0]!.evidence[0]!.values.max!);
  });
});

describe('series trend', () => {
  it('a healthy keep-alive pool is flat once filled; a TIME-WAIT storm climbs about 100/s', async () => {
    const rec = join(import.meta.dirname, '../../test-support/recordings');
    const healthy = await ingestBytes(readFileSync(join(rec, 'healthy/ss-capture.txt.gz')));
    if (healthy.kind !== 'ss') throw new Error('not a capture');
    const s = socketsByState(healthy.model);
    const estab = s.series.find((x) => x.name === 'ESTAB')!;
    const t = seriesTrend(s.timeNs, estab.values);
    expect(Math.abs(t.ratePerSec!)).toBeLessThan(0.5);
    expect(t.early!.mean).toBeGreaterThanOrEqual(12);

    const storm = await ingestBytes(readFixture('scenarios/timewait-storm-go1.27/ss-capture.txt.gz'));
    if (storm.kind !== 'ss') throw new Error('not a capture');
    const ss = socketsByState(storm.model);
    const tw = seriesTrend(ss.timeNs, ss.series.find((x) => x.name === 'TIME-WAIT')!.values);
    // The fixture's README: TIME-WAIT climbing roughly linearly by ~100–120 per second.
    expect(tw.ratePerSec!).toBeGreaterThan(80);
    expect(tw.ratePerSec!).toBeLessThan(130);
  });
});

describe('rules know Go, not programs', () => {
  it('no rule names a program function, module or recording', () => {
    const dir = import.meta.dirname;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      expect(src, f).not.toMatch(/main\.|fixtures\/|harness|incidents|queryBackend|sessionHandler|refresher|janitor/);
    }
  });
});
