import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { parseSocketText } from '../ingest/ss/parse-ss.ts';
import { fixturesOfKind, readFixture } from '../test-support/fixtures.ts';
import { cellSockets, heatmapView, nearestSnapshotBins } from './heatmap-view.ts';
import { runQuery } from './run-query.ts';

type PeerCount = { peer: string; count: number };

const captures = fixturesOfKind('ss').filter(([rel]) => rel.endsWith('ss-capture.txt.gz'));

describe('nearestSnapshotBins', () => {
  it('shows the nearest snapshot between snapshots, half a spacing at the edges, a long pause as "no snapshot"', () => {
    // data in bins 4, 8, 12, 16, then a pause, then 40, 44 (median spacing 4, half = 2)
    const n = new Uint32Array(50);
    for (const b of [4, 8, 12, 16, 40, 44]) n[b] = 1;
    const out = Array.from(nearestSnapshotBins(n));
    expect(out.slice(0, 2)).toEqual([-1, -1]);
    expect(out.slice(2, 19)).toEqual([4, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12, 16, 16, 16, 16]);
    // 16 → 40 is 24 bins apart, more than 3 × the median spacing: a gap, edges reach 2 bins.
    expect(out.slice(19, 38).every((b) => b === -1)).toBe(true);
    expect(out.slice(38, 50)).toEqual([40, 40, 40, 40, 40, 44, 44, 44, 44, -1, -1, -1]);
  });

  it('edge cases: no data, one bin, every bin, odd spacing', () => {
    expect(Array.from(nearestSnapshotBins(new Uint32Array(4)))).toEqual([-1, -1, -1, -1]);
    expect(Array.from(nearestSnapshotBins(Uint32Array.of(0, 1, 0)))).toEqual([-1, 1, -1]);
    expect(Array.from(nearestSnapshotBins(Uint32Array.of(2, 1, 1)))).toEqual([0, 1, 2]);
    expect(Array.from(nearestSnapshotBins(Uint32Array.of(1, 0, 0, 1, 0, 0, 1)))).toEqual([0, 0, 3, 3, 3, 6, 6]);
    expect(Array.from(nearestSnapshotBins(new Uint32Array(0)))).toEqual([]);
  });
});

describe('heatmapView on every ss capture', () => {
  it('has the ss fixtures to check', () => expect(captures.length).toBe(10));

  for (const [rel, want] of captures) {
    it(`${rel}: first/last bins = expected first/last, TIME-WAIT peers = topPeers`, () => {
      const src = parseSocketText(gunzipSync(readFixture(rel)), {});
      const m = src.model;
      const bins = 300;
      const hm = heatmapView(m, { bins, mode: 'state' });
      expect(hm.binSnapshots.reduce((a, b) => a + b, 0)).toBe(want.snapshots);
      expect(hm.snapshotCount).toBe(want.snapshots);
      // Snapshots are ~500 ms apart and bins ~67–100 ms: the first and last bins hold one snapshot each.
      const at = (bin: number) => {
        const o: Record<string, number> = {};
        hm.rows.forEach((r, i) => {
          const c = hm.counts[i * bins + bin]!;
          if (c > 0) o[r] = c;
        });
        return o;
      };
      expect(at(0)).toEqual(want.first);
      expect(at(bins - 1)).toEqual(want.last);
      expect(hm.binTimeNs[0]).toBe(0);
      expect(hm.binTimeNs[bins - 1]).toBe(m.snapshots.timeNs[m.snapshotCount - 1]);
      // Every bin between the first and last snapshot shows one (no gap in these captures).
      expect(Array.from(hm.shownBin).every((b) => b >= 0)).toBe(true);

      // The last snapshot's TIME-WAIT sockets by peer, as the peers mode lists them.
      const last = m.snapshotCount - 1;
      const topTw = (want.topPeers as { 'TIME-WAIT': PeerCount[] })['TIME-WAIT'];
      const peers = heatmapView(m, { bins, mode: 'peer', state: 'TIME-WAIT', topN: 5 });
      for (const { peer, count } of topTw) {
        const r = peers.rows.indexOf(peer);
        expect(r, peer).toBeGreaterThanOrEqual(0);
        expect(peers.counts[r * bins + bins - 1]).toBe(count);
        const cell = cellSockets(m, { snapshot: last, row: peer, mode: 'peer', state: 'TIME-WAIT', rows: peers.rows, limit: 10 });
        expect(cell.total).toBe(count);
        expect(cell.sockets.length).toBe(Math.min(10, count));
        expect(cell.sockets.every((s) => s.state === 'TIME-WAIT' && s.peerAddr === peer)).toBe(true);
        expect(cell.timeNs).toBe(m.snapshots.timeNs[last]);
      }
    });
  }

  it('runQuery answers heatmap and socketsInCell for an ss source, refuses other kinds', () => {
    const src = parseSocketText(gunzipSync(readFixture('scenarios/timewait-storm-go1.25/ss-capture.txt.gz')), {});
    const r = runQuery(src, { type: 'heatmap', bins: 100, mode: 'state' });
    if (r.type !== 'heatmap') throw new Error(r.type);
    const tw = r.heatmap.rows.indexOf('TIME-WAIT');
    expect(r.heatmap.counts[tw * 100 + 99]).toBe(1998);
    expect(r.heatmap.max).toBe(1998);
    const snap = r.heatmap.cellSnapshot[tw * 100 + 99]!;
    const c = runQuery(src, { type: 'socketsInCell', snapshot: snap, row: 'TIME-WAIT', mode: 'state', limit: 3 });
    if (c.type !== 'socketsInCell') throw new Error(c.type);
    expect(c.cell.total).toBe(1998);
    expect(c.cell.sockets.map((s) => s.timer?.kind)).toEqual(['timewait', 'timewait', 'timewait']);
    const pprof = { ...src, kind: 'pprof' } as unknown as Parameters<typeof runQuery>[0];
    expect(() => runQuery(pprof, { type: 'heatmap', bins: 10, mode: 'state' })).toThrow(/ss socket capture/);
  });
});

describe('heatmapView fuzz (seeded): random ranges, bin counts, modes', () => {
  it('never throws; shown bins hold snapshots; max and snapshot totals agree', () => {
    const src = parseSocketText(gunzipSync(readFixture('scenarios/conn-leak-go1.27/ss-capture.txt.gz')), {});
    const m = src.model;
    const t = m.snapshots.timeNs;
    const span = t[m.snapshotCount - 1]! - t[0]!;
    let seed = 0x5eed;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const modes = ['state', 'peer', 'localPort', 'process'] as const;
    const states = [undefined, 'ESTAB', 'TIME-WAIT', 'LISTEN', 'NO-SUCH-STATE'];
    const cases = Number(process.env.FUZZ_CASES) || 120;
    for (let i = 0; i < cases; i++) {
      const a = t[0]! + (rand() * 1.4 - 0.2) * span;
      const b = rand() < 0.1 ? a : t[0]! + (rand() * 1.4 - 0.2) * span;
      const bins = 1 + Math.floor(rand() * rand() * 2000);
      const mode = modes[Math.floor(rand() * modes.length)]!;
      const state = states[Math.floor(rand() * states.length)];
      const hm = heatmapView(m, { range: { startNs: a, endNs: b }, bins, mode, state, topN: Math.floor(rand() * 12) });
      const n = hm.binSnapshots.length;
      expect(n).toBe(bins);
      expect(hm.counts.length).toBe(hm.rows.length * n);
      let max = 0;
      for (const c of hm.counts) max = Math.max(max, c);
      expect(hm.max).toBe(max);
      // Per bin, checked in plain code and reported once: thousands of bins times 10,000 cases.
      const badBins: string[] = [];
      for (let k = 0; k < n; k++) {
        const s = hm.shownBin[k]!;
        if (!(s >= -1 && s < n)) badBins.push(`bin ${k}: shown bin ${s} out of range`);
        else if (s >= 0 && !(hm.binSnapshots[s]! > 0)) badBins.push(`bin ${k}: shows empty bin ${s}`);
        if (Number.isNaN(hm.binTimeNs[k]!) !== (hm.binSnapshots[k] === 0)) badBins.push(`bin ${k}: time ${hm.binTimeNs[k]} with ${hm.binSnapshots[k]} snapshots`);
      }
      expect(badBins.slice(0, 5), `case ${i}`).toEqual([]);
      const lo = Math.min(a, b);
      const hi = a <= b ? b : a; // an inverted range collapses to its start
      let inRange = 0;
      for (let k = 0; k < t.length; k++) if (a <= b ? t[k]! >= lo && t[k]! <= hi : t[k] === a) inRange++;
      expect(hm.binSnapshots.reduce((x, y) => x + y, 0)).toBe(inRange);
    }
  }, 600_000);
});

