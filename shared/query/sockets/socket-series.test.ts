import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { parseSocketText } from '../../ingest/ss/parse-ss.ts';
import { readFixture } from '../../test-support/fixtures.ts';
import { fdCountSeries, NO_PROCESS, OTHER, socketsByState, socketSeries, stateStats } from './socket-series.ts';

const load = (dir: string) => parseSocketText(gunzipSync(readFixture(`scenarios/${dir}/ss-capture.txt.gz`)), {}).model;

/** The fixtures README, per capture: "STATE first→mid (mid)→max M at Ts→last (last)". */
const README_STATS: Record<string, string[]> = {
  'conn-leak-go1.19': ['ESTAB 0→42 (mid)→max 78 at 18.4s→0 (last)', 'LISTEN 1→1 (mid)→max 1 at 0.0s→0 (last)', 'TIME-WAIT 0→32 (mid)→max 59 at 20.1s→59 (last)'],
  'conn-leak-go1.27': ['ESTAB 0→76 (mid)→max 148 at 28.7s→0 (last)', 'LISTEN 1→1 (mid)→max 1 at 0.0s→0 (last)', 'TIME-WAIT 0→32 (mid)→max 65 at 30.3s→65 (last)'],
  'cpu-pool-go1.22': ['ESTAB 0→48 (mid)→max 48 at 0.5s→0 (last)', 'LISTEN 1→1 (mid)→max 1 at 0.0s→0 (last)', 'TIME-WAIT 0→0 (mid)→max 23 at 20.3s→23 (last)'],
  'cpu-pool-go1.27': ['ESTAB 0→48 (mid)→max 48 at 0.5s→0 (last)', 'LISTEN 1→1 (mid)→max 1 at 0.0s→0 (last)', 'TIME-WAIT 0→0 (mid)→max 13 at 30.4s→13 (last)'],
  'fd-leak-go1.23': ['CLOSE-WAIT 0→234 (mid)→max 453 at 19.7s→0 (last)', 'ESTAB 0→30 (mid)→max 50 at 18.7s→0 (last)', 'FIN-WAIT-2 0→233 (mid)→max 452 at 19.7s→0 (last)', 'LISTEN 1→1 (mid)→max 1 at 0.0s→0 (last)', 'TIME-WAIT 0→0 (mid)→max 484 at 20.2s→484 (last)'],
  'fd-leak-go1.27': ['CLOSE-WAIT 0→344 (mid)→max 684 at 29.7s→0 (last)', 'ESTAB 0→38 (mid)→max 76 at 29.7s→0 (last)', 'FIN-WAIT-2 0→343 (mid)→max 683 at 29.7s→0 (last)', 'LISTEN 1→1 (mid)→max 1 at 0.0s→0 (last)', 'TIME-WAIT 0→0 (mid)→max 729 at 30.2s→729 (last)'],
  'lock-contention-go1.21': ['ESTAB 0→96 (mid)→max 96 at 0.5s→0 (last)', 'LISTEN 1→1 (mid)→max 1 at 0.0s→0 (last)', 'TIME-WAIT 0→0 (mid)→max 46 at 20.1s→46 (last)'],
  'lock-contention-go1.27': ['ESTAB 0→96 (mid)→max 96 at 0.5s→0 (last)', 'LISTEN 1→1 (mid)→max 1 at 0.0s→0 (last)', 'TIME-WAIT 0→0 (mid)→max 46 at 30.5s→46 (last)'],
  'timewait-storm-go1.25': ['ESTAB 0→0 (mid)→max 4 at 7.2s→0 (last)', 'LISTEN 0→1 (mid)→max 1 at 0.5s→0 (last)', 'TIME-WAIT 0→1179 (mid)→max 1998 at 18.5s→1998 (last)'],
  'timewait-storm-go1.27': ['CLOSE-WAIT 0→0 (mid)→max 3 at 8.2s→0 (last)', 'FIN-WAIT-1 0→0 (mid)→max 3 at 8.2s→0 (last)', 'LISTEN 0→1 (mid)→max 1 at 0.5s→0 (last)', 'TIME-WAIT 0→1757 (mid)→max 2816 at 28.8s→2816 (last)'],
};

describe('socket series on the real captures', () => {
  it('per-state first / mid / max (and when) / last equal what the fixtures README states', () => {
    for (const [dir, lines] of Object.entries(README_STATS)) {
      const m = load(dir);
      const got = lines.map((line) => {
        const state = line.split(' ')[0]!;
        const s = stateStats(m, state);
        return `${state} ${s.first}→${s.mid} (mid)→max ${s.max} at ${(s.maxAtNs / 1e9).toFixed(1)}s→${s.last} (last)`;
      });
      expect(got, dir).toEqual(lines);
      // socketsByState lists exactly the states that occur, in heat-map order.
      const names = socketsByState(m).series.map((x) => x.name);
      const order = ['ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING'];
      expect(names, dir).toEqual([...names].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
      for (const line of lines) expect(names, dir).toContain(line.split(' ')[0]);
    }
  });

  it('timewait-storm-go1.25: TIME-WAIT climbs ~100–120/s, then plateaus at 1998', () => {
    const m = load('timewait-storm-go1.25');
    const ser = socketsByState(m);
    expect(ser.series.map((x) => x.name)).toEqual(['ESTAB', 'SYN-RECV', 'TIME-WAIT', 'LISTEN']);
    const tw = ser.series.find((x) => x.name === 'TIME-WAIT')!.values;
    expect(tw.length).toBe(40);
    for (let i = 1; i < tw.length; i++) expect(tw[i]!).toBeGreaterThanOrEqual(tw[i - 1]!);
    const at = (sec: number) => ser.timeNs.findIndex((t) => t >= sec * 1e9);
    const a = at(2);
    const b = at(17);
    const slope = (tw[b]! - tw[a]!) / ((ser.timeNs[b]! - ser.timeNs[a]!) / 1e9);
    expect(slope).toBeGreaterThan(100);
    expect(slope).toBeLessThan(120);
    expect(Array.from(tw.slice(-4))).toEqual([1998, 1998, 1998, 1998]);
    // A range keeps only the snapshots inside it.
    const mid = socketsByState(m, { range: { startNs: 5e9, endNs: 10e9 } });
    expect(mid.timeNs.length).toBe(10);
    expect(mid.timeNs[0]!).toBeGreaterThanOrEqual(5e9);
    expect(mid.timeNs[9]!).toBeLessThanOrEqual(10e9);
  });

  it('groupings: peer, local port (top N + other), process', () => {
    const m = load('timewait-storm-go1.25');
    const last = 39;
    const peers = socketSeries(m, 'peer', { state: 'TIME-WAIT' });
    expect(peers.series.map((x) => [x.name, x.values[last]])).toEqual([['127.0.0.1', 1998]]);
    const ports = socketSeries(m, 'localPort', { state: 'TIME-WAIT', topN: 5 });
    expect(ports.series.map((x) => x.name)).toEqual(['37092', '37098', '37100', '37108', '37124', OTHER]);
    expect(ports.series.reduce((n, x) => n + x.values[last]!, 0)).toBe(1998);
    expect(ports.series[5]!.values[last]).toBe(1993);
    const procs = socketSeries(load('conn-leak-go1.27'), 'process');
    // Client (19090, meta.json's pid) and upstream (19098, its peer pid) run the same binary: two
    // rows keyed by pid, not one "conn-leak" row; both end at 0 once the run ended (last snapshot).
    expect(procs.series.map((x) => [x.name, Math.max(...x.values), x.values[x.values.length - 1]])).toEqual([
      ['conn-leak (pid 19098)', 75, 0],
      ['conn-leak (pid 19090)', 74, 0],
      [NO_PROCESS, 65, 65],
    ]);
    const estabPorts = socketSeries(load('conn-leak-go1.27'), 'localPort', { state: 'ESTAB', topN: 1 });
    expect(estabPorts.series.map((x) => [x.name, Math.max(...x.values)])).toEqual([
      ['19121', 74],
      [OTHER, 74],
    ]);
    // A state that does not occur yields nothing.
    expect(socketSeries(m, 'peer', { state: 'NO-SUCH' }).series).toEqual([]);
  });

  it('process rows: the same pid on two hosts is two processes; a socket with a pid but no name reads "pid N"', () => {
    const snap = (t: number, host: string, lines: string[]) =>
      [`### ss-snapshot ${t} ${host}`, 'State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess', ...lines].join('\n');
    const est = (port: number, proc: string) => `ESTAB  0      0          10.0.0.1:${port}      10.0.0.2:80   users:((${proc}))`;
    const text = [
      snap(1e9, 'a', [est(1000, '"api",pid=7,fd=3'), est(1001, '"api",pid=7,fd=4')]),
      snap(1e9, 'b', [est(1000, '"api",pid=7,fd=3')]),
      snap(2e9, 'a', [est(1000, '"api",pid=7,fd=3'), est(1002, '"",pid=9,fd=5')]),
    ].join('\n');
    const m = parseSocketText(new TextEncoder().encode(text + '\n'), {}).model;
    const procs = socketSeries(m, 'process');
    expect(procs.series.map((x) => [x.name, Array.from(x.values)])).toEqual([
      ['api (pid 7) @ a', [2, 0, 1]],
      ['api (pid 7) @ b', [0, 1, 0]],
      ['pid 9 @ a', [0, 0, 1]],
    ]);
  });

  it('fd-count series group by host and pid, in time order', () => {
    const text = [
      '### fd-count 1000000000 a 1 10',
      '### fd-count 3000000000 a 1 30',
      '### fd-count 2000000000 b 7 5',
      '### fd-count 2000000000 a 1 20',
      '',
    ].join('\n');
    const m = parseSocketText(new TextEncoder().encode(text), {}).model;
    expect(fdCountSeries(m)).toEqual([
      { host: 'a', pid: 1, timeNs: Float64Array.from([0, 1e9, 2e9]), values: Float64Array.from([10, 20, 30]) },
      { host: 'b', pid: 7, timeNs: Float64Array.from([1e9]), values: Float64Array.from([5]) },
    ]);
  });
});
