import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { parseSocketText } from '../../ingest/ss/parse-ss.ts';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { cellSockets, heatmapView, nearestSnapshotBins } from './heatmap-view.ts';
import type { SocketView } from './socket-heatmap.ts';
import { runQuery } from '../run-query.ts';

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


describe('sockets in depth on conn-leak-go1.27 (client 19090 and upstream 19098 from one binary)', () => {
  const m = parseSocketText(gunzipSync(readFixture('scenarios/conn-leak-go1.27/ss-capture.txt.gz')), {}).model;
  const last = m.snapshotCount - 1; // 59: after the run ended, no process owns a socket
  const lastAlive = last - 1; // 58: both processes still there

  it('processes mode has a row per pid', () => {
    const hm = heatmapView(m, { bins: 60, mode: 'process', state: 'ESTAB' });
    // Equal ESTAB totals: ties go by label.
    expect(hm.rows).toEqual(['conn-leak (pid 19090)', 'conn-leak (pid 19098)']);
    // The fixture README: ESTAB max 148 at 28.7 s, both ends visible: 74 client + 74 upstream.
    const at = (row: string) => hm.counts[hm.rows.indexOf(row) * 60 + hm.aliveBin];
    expect(at('conn-leak (pid 19090)')).toBe(74);
    expect(at('conn-leak (pid 19098)')).toBe(74);
  });

  it('Recv-Q as the measure: the client holds the unread bytes, ~61 KB on each leaked socket', () => {
    const hm = heatmapView(m, { bins: 60, mode: 'process', measure: 'recvQ' });
    expect(hm.measure).toBe('recvQ');
    expect(hm.counts).toBeInstanceOf(Float64Array);
    // The upstream's sockets never queue unread bytes: only the client is a row.
    expect(hm.rows).toEqual(['conn-leak (pid 19090)']);
    const cell = cellSockets(m, { snapshot: lastAlive, row: 'ESTAB', mode: 'state', limit: 500 });
    const stuck = cell.sockets.filter((s) => s.recvQ > 0);
    expect(stuck.length).toBe(72);
    expect(stuck.every((s) => s.recvQ > 60_000 && s.recvQ < 62_000 && s.process?.pid === 19090)).toBe(true);
    expect(hm.max).toBe(cell.recvQ);
    expect(cell.recvQ).toBe(stuck.reduce((a, s) => a + s.recvQ, 0));
    // By state: all of it in ESTAB; Send-Q is a measure too.
    const byState = heatmapView(m, { bins: 60, mode: 'state', measure: 'recvQ' });
    expect(byState.counts[byState.rows.indexOf('ESTAB') * 60 + byState.aliveBin]).toBe(cell.recvQ);
    expect(heatmapView(m, { bins: 60, mode: 'state', measure: 'sendQ' }).max).toBeGreaterThan(0);
  });

  it('the socket table: owner side first, sorted by any column over the whole cell, filtered, with totals', () => {
    const base = { snapshot: lastAlive, row: 'ESTAB', mode: 'state' as const };
    const plain = cellSockets(m, { ...base, limit: 500 });
    expect(plain.total).toBe(148);
    // Default: by owning pid (19090, the client, first), capture order within.
    const pids = plain.sockets.map((s) => s.process?.pid);
    expect(pids.slice(0, 74).every((p) => p === 19090)).toBe(true);
    expect(pids.slice(74).every((p) => p === 19098)).toBe(true);
    // A page of 5 sorted by Recv-Q descending is the 5 stuck sockets, not the first rows captured.
    const top = cellSockets(m, { ...base, limit: 5, sort: { column: 'recvQ', desc: true } });
    expect(top.sockets.map((s) => s.recvQ)).toEqual([61243, 61243, 61243, 61243, 61243]);
    expect(top.matched).toBe(148);
    const asc = cellSockets(m, { ...base, limit: 500, sort: { column: 'recvQ', desc: false } });
    expect(asc.sockets[0]!.recvQ).toBe(0);
    expect(asc.sockets[147]!.recvQ).toBe(61243);
    // Numeric columns sort by number, each direction; text columns (addresses) with numbers as numbers.
    const num = { sendQ: (s: SocketView) => s.sendQ, rtt: (s: SocketView) => s.tcpInfo?.rtt, sent: (s: SocketView) => s.tcpInfo?.bytesSent } as const;
    for (const [column, get] of Object.entries(num) as [keyof typeof num, (s: SocketView) => number | undefined][]) {
      for (const desc of [false, true]) {
        const vals = cellSockets(m, { ...base, limit: 500, sort: { column, desc } }).sockets.map(get).filter((x) => x !== undefined);
        expect(vals.length).toBeGreaterThan(0);
        const want = vals.slice().sort((a, b) => (desc ? b - a : a - b));
        expect(vals).toEqual(want);
      }
    }
    const byLocal = cellSockets(m, { ...base, limit: 500, sort: { column: 'local', desc: false } }).sockets.map((s) => s.localPort);
    // All on 127.0.0.1: local order is port order.
    expect(byLocal).toEqual(byLocal.slice().sort((a, b) => a - b));
    // Filter on the process text: only the upstream's sockets, and the totals follow the filter.
    const up = cellSockets(m, { ...base, limit: 500, filter: '19098' });
    expect(up.matched).toBe(74);
    expect(up.total).toBe(148);
    expect(up.recvQ).toBe(0);
    expect(up.sockets.every((s) => s.process?.pid === 19098)).toBe(true);
  });

  it('summary after the exit: owners exited between the last two snapshots; aliveBin is the last snapshot with them', () => {
    const hm = heatmapView(m, { bins: 60, mode: 'state' });
    expect(hm.exits.map((e) => e.process)).toEqual(['conn-leak (pid 19090)', 'conn-leak (pid 19098)']);
    expect(hm.exits.every((e) => e.lastSeenNs === m.snapshots.timeNs[lastAlive] && e.goneByNs === m.snapshots.timeNs[last])).toBe(true);
    const estab = hm.rows.indexOf('ESTAB');
    expect(hm.counts[estab * 60 + 59]).toBe(0); // the last snapshot: "0", which read as "no change"
    expect(hm.counts[estab * 60 + hm.aliveBin]).toBe(148);
    expect(hm.binTimeNs[hm.aliveBin]).toBe(m.snapshots.timeNs[lastAlive]);
    // A range that ends before the exit has no aftermath to set apart.
    const before = heatmapView(m, { bins: 60, mode: 'state', range: { startNs: 0, endNs: m.snapshots.timeNs[lastAlive - 5]! } });
    expect(before.aliveBin).toBe(-1);
    expect(before.exits.length).toBe(2); // still a fact about the capture
    // TIME-WAIT outlives its owners: the storm's servers exit before the last snapshot, too.
    const storm = parseSocketText(gunzipSync(readFixture('scenarios/timewait-storm-go1.25/ss-capture.txt.gz')), {}).model;
    const s = heatmapView(storm, { bins: 40, mode: 'state' });
    // pid 25570 owns a socket in one snapshot only (index 24, 12.28 s); the server 25578 until the 39th.
    expect(s.exits.map((e) => [e.process, e.lastSeenNs])).toEqual([
      ['timewait-storm (pid 25570)', storm.snapshots.timeNs[24]],
      ['timewait-storm (pid 25578)', storm.snapshots.timeNs[38]],
    ]);
    expect(s.aliveBin).toBe(38);
  });
});
