import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { parseSocketText } from '../../ingest/ss/parse-ss.ts';
import { readFixture } from '../../test-support/fixtures.ts';
import { snapshotAt, socketHeatmap, socketsInCell } from './socket-heatmap.ts';
import { OTHER, socketsByState } from './socket-series.ts';

const load = (dir: string) => parseSocketText(gunzipSync(readFixture(`scenarios/${dir}/ss-capture.txt.gz`)), {}).model;
const STATES = ['ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING'];

describe('socketHeatmap on the TIME-WAIT storm capture', () => {
  const m = load('timewait-storm-go1.25');
  const byState = socketsByState(m, { dropEmpty: false });
  const series = (name: string) => byState.series.find((x) => x.name === name)!.values;

  it('state mode: fixed state rows, max per bin, every snapshot counted once', () => {
    for (const bins of [1, 7, 10, 40, 333]) {
      const h = socketHeatmap(m, { bins, mode: 'state' });
      expect(h.rows).toEqual(STATES);
      expect(h.binEdgesNs.length).toBe(bins + 1);
      expect(h.binEdgesNs[0]).toBe(0);
      expect(h.binEdgesNs[bins]).toBe(m.snapshots.timeNs[39]);
      expect(h.binSnapshots.reduce((a, b) => a + b, 0)).toBe(40);
      expect(h.max).toBe(1998);
      // Each cell is the max of its row over the snapshots whose time falls in the bin.
      for (let row = 0; row < h.rows.length; row++) {
        const v = series(h.rows[row]!);
        for (let bin = 0; bin < bins; bin++) {
          let want = -1;
          for (let s = 0; s < 40; s++) {
            const t = byState.timeNs[s]!;
            const inBin = t >= h.binEdgesNs[bin]! && (t < h.binEdgesNs[bin + 1]! || bin === bins - 1);
            if (inBin) want = Math.max(want, v[s]!);
          }
          const cell = row * bins + bin;
          if (want < 0) {
            expect(h.binSnapshots[bin]).toBe(0);
            expect(h.cellSnapshot[cell]).toBe(-1);
            expect(h.counts[cell]).toBe(0);
          } else {
            expect(h.counts[cell]).toBe(want);
            expect(v[h.cellSnapshot[cell]!]).toBe(want);
          }
        }
      }
    }
    const tw = socketHeatmap(m, { bins: 40, mode: 'state' });
    const twRow = STATES.indexOf('TIME-WAIT');
    expect(tw.counts[twRow * 40]).toBe(0);
    expect(tw.counts[twRow * 40 + 39]).toBe(1998);
  });

  it('fine bins leave empty bins marked as no data', () => {
    const h = socketHeatmap(m, { bins: 1000, mode: 'state' });
    const withData = h.binSnapshots.filter((n) => n > 0).length;
    expect(withData).toBe(40);
    expect(h.binSnapshots.filter((n) => n === 0).length).toBe(960);
  });

  it('a range narrows the bins to its snapshots', () => {
    const h = socketHeatmap(m, { bins: 5, mode: 'state', range: { startNs: 5e9, endNs: 10e9 } });
    expect(Array.from(h.binEdgesNs)).toEqual([5e9, 6e9, 7e9, 8e9, 9e9, 10e9]);
    expect(h.binSnapshots.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('a cell lists exactly the sockets behind its count', () => {
    const h = socketHeatmap(m, { bins: 40, mode: 'state' });
    const row = STATES.indexOf('TIME-WAIT');
    const s = h.cellSnapshot[row * 40 + 39]!;
    expect(s).toBe(39);
    const cell = socketsInCell(m, { snapshot: s, row: 'TIME-WAIT', mode: 'state' });
    expect(cell.length).toBe(1998);
    expect(cell.every((x) => x.state === 'TIME-WAIT' && x.peerAddr === '127.0.0.1' && x.timer?.kind === 'timewait' && x.process === null)).toBe(true);
    expect(socketsInCell(m, { timeNs: m.snapshots.timeNs[39]! + 1, row: 'TIME-WAIT', mode: 'state' }).length).toBe(1998);
    expect(snapshotAt(m, -5)).toBe(0);
    expect(snapshotAt(m, 1e12)).toBe(39);
    const listen = socketsInCell(m, { snapshot: 20, row: 'LISTEN', mode: 'state' });
    expect(listen.map((x) => [x.local, x.peer, x.process?.name])).toEqual([['127.0.0.1:19092', '0.0.0.0:*', 'timewait-storm']]);
  });

  it('local-port mode for TIME-WAIT: top N rows plus other, summing to the state count', () => {
    // One snapshot per bin, so every row of a bin shows the same snapshot.
    const bins = 400;
    const h = socketHeatmap(m, { bins, mode: 'localPort', state: 'TIME-WAIT', topN: 5 });
    expect(h.rows).toEqual(['37092', '37098', '37100', '37108', '37124', OTHER]);
    expect(h.hasOther).toBe(true);
    const tw = series('TIME-WAIT');
    let checked = 0;
    for (let bin = 0; bin < bins; bin++) {
      if (h.binSnapshots[bin] !== 1) continue;
      const s = h.cellSnapshot[bin]!;
      let sum = 0;
      for (let row = 0; row < h.rows.length; row++) {
        expect(h.cellSnapshot[row * bins + bin]).toBe(s);
        sum += h.counts[row * bins + bin]!;
      }
      expect(sum).toBe(tw[s]);
      checked++;
    }
    expect(checked).toBe(40);
    const other = socketsInCell(m, { snapshot: 39, row: OTHER, mode: 'localPort', state: 'TIME-WAIT', rows: h.rows });
    expect(other.length).toBe(1993);
    expect(other.some((x) => h.rows.includes(String(x.localPort)))).toBe(false);
    const one = socketsInCell(m, { snapshot: 39, row: '37092', mode: 'localPort', state: 'TIME-WAIT', rows: h.rows });
    expect(one.map((x) => x.local)).toEqual(['127.0.0.1:37092']);
  });

  it('peer and process modes', () => {
    const peer = socketHeatmap(m, { bins: 40, mode: 'peer', state: 'TIME-WAIT' });
    expect(peer.rows).toEqual(['127.0.0.1']);
    expect(peer.hasOther).toBe(false);
    expect(peer.counts[39]).toBe(1998);
    const proc = socketHeatmap(m, { bins: 40, mode: 'process' });
    // Rows are processes by pid (two timewait-storm processes own sockets), busiest first.
    expect(proc.rows).toEqual(['(no process)', 'timewait-storm (pid 25578)', 'timewait-storm (pid 25570)']);
    expect(proc.counts[39]).toBe(1998);
    expect(socketsInCell(m, { snapshot: 39, row: '(no process)', mode: 'process' }).length).toBe(1998);
    const owned = socketsInCell(m, { snapshot: 24, row: 'timewait-storm (pid 25570)', mode: 'process' });
    expect(owned.length).toBeGreaterThan(0);
    expect(owned.every((x) => x.process?.pid === 25570 && x.process.name === 'timewait-storm')).toBe(true);
  });
});

describe('socketHeatmap per-model counts', () => {
  it('a model sharing columns with another (a snapshot subset) gets its own counts, not the cached ones', () => {
    const m = load('timewait-storm-go1.25');
    const full = socketsByState(m, { dropEmpty: false });
    const before = socketHeatmap(m, { bins: 40, mode: 'localPort', state: 'TIME-WAIT' });
    // The last 20 snapshots as snapshots 0..19 of a second model over the same socket columns.
    const k = 20;
    const from = m.snapshotCount - k;
    const sn = m.snapshots;
    const tail = {
      ...m,
      snapshotCount: k,
      snapshots: {
        length: k,
        timeNs: sn.timeNs.subarray(from),
        host: sn.host.subarray(from),
        firstRow: sn.firstRow.subarray(from),
        rowCount: sn.rowCount.subarray(from),
      },
    };
    const part = socketsByState(tail, { dropEmpty: false });
    expect(part.series.find((x) => x.name === 'TIME-WAIT')!.values[k - 1]).toBe(1998);
    for (const { name, values } of part.series) {
      expect(Array.from(values), name).toEqual(Array.from(full.series.find((x) => x.name === name)!.values.subarray(from)));
    }
    const h = socketHeatmap(tail, { bins: 20, mode: 'localPort', state: 'TIME-WAIT' });
    expect(h.binSnapshots.reduce((a, b) => a + b, 0)).toBe(k);
    // Repeating a query on the first model still gives what it gave before.
    expect(socketHeatmap(m, { bins: 40, mode: 'localPort', state: 'TIME-WAIT' })).toEqual(before);
  });
});

describe('socketHeatmap edge cases', () => {
  it('a lone snapshot and unknown states', () => {
    const src = parseSocketText(
      new TextEncoder().encode('ESTAB 0 0 1.1.1.1:1 2.2.2.2:2\nWEIRD 0 0 1.1.1.1:1 2.2.2.2:3\nWEIRD 0 0 1.1.1.1:1 2.2.2.2:4\n'),
      {},
    );
    const h = socketHeatmap(src.model, { bins: 4, mode: 'state' });
    expect(h.rows).toEqual([...STATES, 'WEIRD']);
    expect(Array.from(h.binSnapshots)).toEqual([1, 0, 0, 0]);
    expect(h.counts[STATES.length * 4]).toBe(2);
    expect(h.max).toBe(2);
    const none = socketHeatmap(src.model, { bins: 4, mode: 'peer', state: 'LISTEN' });
    expect(none.rows).toEqual([]);
    expect(none.max).toBe(0);
  });
});
