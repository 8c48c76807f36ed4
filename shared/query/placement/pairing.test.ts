/**
 * Pairing by content on every scenario folder, with the clockless files' mtimes set 12 days after
 * the incident (as a copy leaves them): dumps land on their goroutine profile's time_nanos, lsof
 * listings of a changing capture on the snapshot taken with them (meta.json says when), and
 * nothing is placed where the content does not say when.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestBytes } from '../../ingest/ingest.ts';
import { fixturePath, readFixture } from '../../test-support/fixtures.ts';
import { placementFingerprint, type GoroutineFingerprint } from './fingerprint.ts';
import { goroutineSimilarity, pairByContent, type ContentPairing, type PairingSource } from './pairing.ts';

const TWELVE_DAYS_MS = 12 * 86_400_000;
const FILES = ['goroutine-debug1.txt', 'goroutine-debug2.txt', 'goroutine.pb.gz', 'lsof.txt', 'proc-fd.txt', 'ss-summary.txt', 'ss-capture.txt.gz', 'block.pb.gz', 'trace.out'];

async function source(id: string, bytes: Uint8Array, mtimeMs: number): Promise<PairingSource> {
  const src = await ingestBytes(bytes, { mtimeMs });
  return { id, name: id.split('/').pop()!, quality: src.clock.quality, zeroEpochNs: src.clock.originEpochNs, fingerprint: placementFingerprint(src) };
}

interface Scenario {
  name: string;
  meta: { end_unix_ns: number; capture: { oneoff_snapshot_unix_ns: number }; events: { name: string; unix_ns: number }[] };
  sources: PairingSource[];
}

async function scenario(name: string): Promise<Scenario> {
  const meta = JSON.parse(new TextDecoder().decode(readFixture(`scenarios/${name}/meta.json`)));
  const copiedAtMs = meta.end_unix_ns / 1e6 + TWELVE_DAYS_MS;
  const sources = await Promise.all(FILES.map((f) => source(`${name}/${f}`, readFixture(`scenarios/${name}/${f}`), copiedAtMs)));
  return { name, meta, sources };
}

const byId = (ps: ContentPairing[], suffix: string) => ps.find((p) => p.id.endsWith(`/${suffix}`)) ?? null;
const scenarios = readdirSync(fixturePath('scenarios')).sort();

describe('pairByContent on every scenario', () => {
  it('has the 10 scenarios', () => expect(scenarios.length).toBe(10));

  for (const name of scenarios) {
    it(`${name}: dumps take the goroutine profile's time; listings only what their content proves`, async () => {
      const s = await scenario(name);
      const pb = s.sources.find((x) => x.id.endsWith('/goroutine.pb.gz'))!;
      expect(pb.quality).toBe('exact');
      const pairs = pairByContent(s.sources);
      for (const dump of ['goroutine-debug1.txt', 'goroutine-debug2.txt']) {
        const p = byId(pairs, dump);
        expect(p, `${name}/${dump}`).not.toBeNull();
        expect(p!.partnerName).toBe('goroutine.pb.gz');
        expect(p!.epochNs).toBe(pb.zeroEpochNs);
        expect(p!.basis).toMatch(/^paired with goroutine\.pb\.gz: \d+ vs \d+ goroutines, \d+% of stacks alike$/);
        // meta.json's clock: the profiles and dumps were taken at its `profiles-snapshot` event.
        const taken = s.meta.events.find((e) => e.name === 'profiles-snapshot')!.unix_ns;
        expect(Math.abs(Number(BigInt(p!.epochNs) - BigInt(taken)) / 1e9)).toBeLessThan(0.5);
      }
      // lsof agrees with one snapshot only where the sockets change over time (a leak).
      const lsof = byId(pairs, 'lsof.txt');
      if (/conn-leak|fd-leak/.test(name)) {
        expect(lsof, `${name}/lsof.txt`).not.toBeNull();
        expect(lsof!.partnerName).toBe('ss-capture.txt.gz');
        const dt = Number(BigInt(lsof!.epochNs) - BigInt(s.meta.capture.oneoff_snapshot_unix_ns)) / 1e9;
        expect(Math.abs(dt), `${name}: lsof placed ${dt} s from when it was taken`).toBeLessThan(1);
      } else {
        expect(lsof, `${name}/lsof.txt (steady or empty capture: no time to read)`).toBeNull();
      }
      // A /proc fd listing holds no sockets to compare.
      expect(byId(pairs, 'proc-fd.txt')).toBeNull();
      // `ss -s` counts the whole host, the capture one port: they agree only where the host held
      // nothing else then (conn-leak-go1.27: 146 ESTAB, 63 TIME-WAIT, both ends of this run's port).
      const sum = byId(pairs, 'ss-summary.txt');
      expect(sum !== null, `${name}/ss-summary.txt`).toBe(name === 'conn-leak-go1.27');
      if (sum) expect(Math.abs(Number(BigInt(sum.epochNs) - BigInt(s.meta.capture.oneoff_snapshot_unix_ns)) / 1e9)).toBeLessThan(1);
      // Exactly timed sources are never moved.
      expect(pairs.every((p) => s.sources.find((x) => x.id === p.id)!.quality === 'estimated')).toBe(true);
    });
  }

  it('a dump is not paired with another program\'s goroutine profile', async () => {
    const a = await scenario('conn-leak-go1.27');
    const b = await scenario('lock-contention-go1.27');
    const mixed = [a.sources.find((x) => x.id.endsWith('debug2.txt'))!, b.sources.find((x) => x.id.endsWith('goroutine.pb.gz'))!];
    expect(goroutineSimilarity(mixed[0]!.fingerprint as GoroutineFingerprint, mixed[1]!.fingerprint as GoroutineFingerprint)).toBeLessThan(0.1);
    expect(pairByContent(mixed)).toEqual([]);
  });

  it('is not fooled by a series of profiles of one program: only a clear best partner counts', async () => {
    // Six goroutine profiles of one program over time; a dump like two of them equally is not placed.
    const dir = fixturePath('profile-series/go1.26');
    const series = await Promise.all(
      readdirSync(dir)
        .filter((f) => f.startsWith('goroutine-'))
        .map((f) => source(f, readFileSync(join(dir, f)), 0)),
    );
    expect(series.every((s) => s.quality === 'exact')).toBe(true);
    // Each profile, taken as if it had no clock, pairs with itself only when it stands out.
    for (const s of series) {
      const lone = { ...s, id: `${s.id}#copy`, quality: 'estimated' as const };
      const p = pairByContent([lone, ...series]);
      if (p.length > 0) expect(p[0]!.partnerId).toBe(s.id);
      const sims = series.filter((x) => x.id !== s.id).map((x) => goroutineSimilarity(s.fingerprint as GoroutineFingerprint, x.fingerprint as GoroutineFingerprint));
      if (p.length === 0) expect(Math.max(...sims)).toBeGreaterThan(1 - 0.05 - 1e-9);
    }
  });

  it('pairs the net/http/pprof debug=1 and debug=2 texts with the protobuf taken with them (Go 1.26 and 1.27)', async () => {
    const dir = fileURLToPath(new URL('../../ingest/goroutines/testdata/', import.meta.url));
    for (const v of ['go1.27', 'go1.26']) {
      const srcs = await Promise.all(
        ['pprof-debug1.txt', 'pprof-debug2.txt', 'goroutine.pb.gz', 'panic-all.txt'].map((f) => source(`${v}/${f}`, readFileSync(join(dir, v, f)), Date.now())),
      );
      const pairs = pairByContent(srcs);
      expect(pairs.map((p) => [p.id, p.partnerId])).toEqual([
        [`${v}/pprof-debug1.txt`, `${v}/goroutine.pb.gz`],
        [`${v}/pprof-debug2.txt`, `${v}/goroutine.pb.gz`],
        // The panic of another run of the same program: the same workers, but not the pprof
        // server's goroutines (12 vs 17): too different in count to be the same moment.
      ]);
    }
  });
});
