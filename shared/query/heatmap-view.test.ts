import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { parseSocketText } from '../ingest/ss/parse-ss.ts';
import { fixturesOfKind, readFixture } from '../test-support/fixtures.ts';
import { cellSockets, heatmapView, holdBins } from './heatmap-view.ts';
import { runQuery } from './run-query.ts';

type PeerCount = { peer: string; count: number };

const captures = fixturesOfKind('ss').filter(([rel]) => rel.endsWith('ss-capture.txt.gz'));

describe('holdBins', () => {
  it('holds a snapshot until the next one, keeps edges and long gaps as "no snapshot"', () => {
    // data in bins 2, 5, 8, 11, then a pause, then 30, 33
    const n = new Uint32Array(36);
    for (const b of [2, 5, 8, 11, 30, 33]) n[b] = 1;
    const out = Array.from(holdBins(n));
    expect(out.slice(0, 2)).toEqual([-1, -1]);
    expect(out.slice(2, 12)).toEqual([2, 2, 2, 5, 5, 5, 8, 8, 8, 11]);
    // 11 → 30 is 19 bins apart, more than 3 × the median spacing (3): a gap.
    expect(out.slice(12, 30).every((b) => b === -1)).toBe(true);
    expect(out.slice(30, 36)).toEqual([30, 30, 30, 33, -1, -1]);
  });

  it('edge cases: no data, one bin, every bin', () => {
    expect(Array.from(holdBins(new Uint32Array(4)))).toEqual([-1, -1, -1, -1]);
    expect(Array.from(holdBins(Uint32Array.of(0, 1, 0)))).toEqual([-1, 1, -1]);
    expect(Array.from(holdBins(Uint32Array.of(2, 1, 1)))).toEqual([0, 1, 2]);
    expect(Array.from(holdBins(new Uint32Array(0)))).toEqual([]);
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
