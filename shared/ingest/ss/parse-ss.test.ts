import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { IngestCancelled, IngestError } from '../errors.ts';
import { parseSocketText, parseSsDuration, type ParsedSocketSource } from './parse-ss.ts';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { socketView } from '../../query/sockets/socket-heatmap.ts';
import { stateCounts } from '../../query/sockets/ss-summary.ts';
import { fdCountSeries } from '../../query/sockets/socket-series.ts';
import type { SocketCaptureModel } from '../../model/sockets.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const parse = (s: string, mtimeMs?: number) => parseSocketText(enc(s), mtimeMs === undefined ? {} : { mtimeMs });
const captures = fixturesOfKind('ss').map(([rel, want]) => ({ rel, want, bytes: gunzipSync(readFixture(rel)) }));

/** Structural checks every parse result must pass (plain loops: expect() per row is too slow). */
function checkIntegrity(src: ParsedSocketSource): void {
  const m = src.model;
  const { timeNs, firstRow, rowCount } = m.snapshots;
  const bad: string[] = [];
  let rows = 0;
  for (let s = 0; s < m.snapshotCount; s++) {
    if (!Number.isFinite(timeNs[s]!) || (s > 0 && timeNs[s]! < timeNs[s - 1]!)) bad.push(`time of snapshot ${s}`);
    if (firstRow[s]! + rowCount[s]! > m.sockets.length) bad.push(`rows of snapshot ${s}`);
    rows += rowCount[s]!;
  }
  if (rows > m.sockets.length) bad.push('row total');
  for (let r = 0; r < m.sockets.length; r++) {
    if (m.sockets.state[r]! >= m.states.length) bad.push(`state of row ${r}`);
    if (m.sockets.timerKind[r]! >= m.timerKinds.length) bad.push(`timer of row ${r}`);
    if (m.sockets.info[r]! >= m.tcpInfo.length) bad.push(`info of row ${r}`);
  }
  if (!(src.startNs <= src.endNs)) bad.push('span');
  expect(bad.slice(0, 5)).toEqual([]);
}

/** Rows of snapshot s. */
function rowsOf(m: SocketCaptureModel, s: number): number[] {
  const f = m.snapshots.firstRow[s]!;
  return Array.from({ length: m.snapshots.rowCount[s]! }, (_, i) => f + i);
}

describe('parseSocketText on the real ss captures', () => {
  it('reads every capture whole: exact clock, no warnings, consistent rows', () => {
    expect(captures.length).toBe(10);
    for (const { rel, want, bytes } of captures) {
      const src = parseSocketText(bytes, { mtimeMs: 0 });
      expect(src.format, rel).toBe('ss capture');
      expect(src.clock, rel).toEqual({ originEpochNs: want.startNs, quality: 'exact', basis: 'capture headers' });
      expect(src.startNs, rel).toBe(0);
      expect(BigInt(want.startNs as string) + BigInt(src.endNs), rel).toBe(BigInt(want.endNs as string));
      expect(src.partial, rel).toBe(false);
      expect(src.warnings, rel).toEqual([]);
      expect(src.model.skippedLines, rel).toBe(0);
      expect(src.model.snapshotCount, rel).toBe(want.snapshots);
      expect(src.model.sockets.length, rel).toBe(want.sockets);
      checkIntegrity(src);
      const m = src.model;
      // Snapshots tile the socket table in order (the file is in time order).
      let next = 0;
      for (let s = 0; s < m.snapshotCount; s++) {
        expect(m.snapshots.firstRow[s]).toBe(next);
        next += m.snapshots.rowCount[s]!;
        expect(m.strings[m.snapshots.host[s]!]).toBe('vm');
      }
      expect(next).toBe(m.sockets.length);
      const TW = m.states.indexOf('TIME-WAIT');
      const ESTAB = m.states.indexOf('ESTAB');
      const so = m.sockets;
      const bad: number[] = [];
      for (let r = 0; r < so.length; r++) {
        const state = so.state[r]!;
        const i = so.info[r]!;
        // README: TIME-WAIT sockets carry timer:(timewait,…), no owning process and no -i details;
        // ESTAB sockets always have -i details.
        if (state === TW && (m.timerKinds[so.timerKind[r]!] !== 'timewait' || so.process[r] !== -1 || i !== -1)) bad.push(r);
        if (state === ESTAB && !(i >= 0 && m.tcpInfo.rtt[i]! > 0 && m.tcpInfo.cwnd[i]! > 0 && m.tcpInfo.mss[i]! > 0)) bad.push(r);
        if (so.process[r]! >= 0 && !(so.pid[r]! > 0 && so.fd[r]! >= 0)) bad.push(r);
        if (!/^(127\.0\.0\.1|0\.0\.0\.0)$/.test(m.strings[so.localAddr[r]!]!)) bad.push(r);
      }
      expect(bad.slice(0, 5).map((r) => socketView(m, r)), rel).toEqual([]);
    }
  });

  it('reads one conn-leak socket field by field (ss -tanoip line + tab-indented -i details)', () => {
    const src = parseSocketText(captures.find((c) => c.rel.includes('conn-leak-go1.19'))!.bytes, {});
    const m = src.model;
    const r = rowsOf(m, 1).find((r) => socketView(m, r).peer === '127.0.0.1:40128')!;
    expect(socketView(m, r)).toEqual({
      row: r,
      state: 'ESTAB',
      local: '127.0.0.1:19122',
      peer: '127.0.0.1:40128',
      localAddr: '127.0.0.1',
      localPort: 19122,
      peerAddr: '127.0.0.1',
      peerPort: 40128,
      recvQ: 0,
      sendQ: 0,
      timer: { kind: 'keepalive', remainingMs: 14000, retrans: 0 },
      process: { name: 'conn-leak', pid: 20685, fd: 4 },
      tcpInfo: {
        rtt: 1.506,
        rttVar: 3.003,
        rto: 204,
        ato: 40,
        mss: 52736,
        cwnd: 18,
        retransNow: 0,
        retransTotal: 1,
        bytesSent: 69238,
        bytesAcked: 65339,
        bytesReceived: 102,
        bytesRetrans: 3899,
        sendBps: 5042486000,
        pacingBps: 624307200000,
        deliveryBps: 140629300000,
      },
    });
    // The stranded client socket holds the unread ~61 KB body in Recv-Q (README).
    const stranded = rowsOf(m, 1).map((r) => socketView(m, r)).find((v) => v.local === '127.0.0.1:40128')!;
    expect(stranded.recvQ).toBe(61243);
    expect(stranded.process).toEqual({ name: 'conn-leak', pid: 20677, fd: 6 });
    // First snapshot: only the listener, owned by the peer process.
    expect(stateCounts(m, 0)).toEqual({ LISTEN: 1 });
  });

  it('reads timer durations in every form ss prints', () => {
    const d = (s: string) => parseSsDuration(enc(s), 0, s.length);
    expect(d('59sec')).toBe(59000);
    expect(d('200ms')).toBe(200);
    expect(d('004ms')).toBe(4);
    expect(d('1.004ms')).toBe(1004);
    expect(d('2min')).toBe(120000);
    expect(d('1min5sec')).toBe(65000);
    expect(d('7.9sec')).toBe(7900);
    expect(d('')).toBe(0);
    // The fixtures hold `timewait,1min,0`-style and `keepalive,,0` timers too.
    const m = parseSocketText(captures.find((c) => c.rel.includes('timewait-storm-go1.27'))!.bytes, {}).model;
    let max = 0;
    for (let r = 0; r < m.sockets.length; r++) max = Math.max(max, m.sockets.timerMs[r]!);
    expect(max).toBe(60000);
  });
});

describe('parseSocketText on other ss / netstat shapes', () => {
  it('plain ss -tanp: lone snapshot at the file mtime, IPv6, scopes, wildcard, many users', () => {
    const src = parse(
      [
        'State     Recv-Q Send-Q         Local Address:Port          Peer Address:Port  Process   ',
        'LISTEN    0      4096               127.0.0.1:631                0.0.0.0:*      users:(("cupsd",pid=812,fd=7))   ',
        'ESTAB     0      36              192.168.1.10:22            192.168.1.20:51234  users:(("sshd",pid=1500,fd=4),("sshd",pid=1400,fd=4)) timer:(on,200ms,0)',
        'LISTEN    0      128                     [::]:22                    [::]:*',
        'ESTAB     0      0          [::ffff:10.1.2.3]:443      [::ffff:10.9.8.7]:60000 users:(("Web Content",pid=77,fd=9))',
        'LISTEN    0      4096           127.0.0.53%lo:53                 0.0.0.0:*',
        'ESTAB     0      0           [fe80::1]%eth0:22         [fe80::2]%eth0:40000',
        'LISTEN    0      10                       *:8080                      *:*',
        '',
      ].join('\n'),
      1_700_000_000_123,
    );
    expect(src.format).toBe('ss');
    expect(src.clock).toEqual({ originEpochNs: '1700000000123000000', quality: 'estimated', basis: 'file mtime' });
    expect([src.startNs, src.endNs, src.partial, src.warnings]).toEqual([0, 0, false, []]);
    const m = src.model;
    expect(m.snapshotCount).toBe(1);
    const v = rowsOf(m, 0).map((r) => socketView(m, r));
    expect(v.map((x) => [x.state, x.local, x.peer])).toEqual([
      ['LISTEN', '127.0.0.1:631', '0.0.0.0:*'],
      ['ESTAB', '192.168.1.10:22', '192.168.1.20:51234'],
      ['LISTEN', '[::]:22', '[::]:*'],
      ['ESTAB', '[::ffff:10.1.2.3]:443', '[::ffff:10.9.8.7]:60000'],
      ['LISTEN', '127.0.0.53%lo:53', '0.0.0.0:*'],
      ['ESTAB', '[fe80::1]%eth0:22', '[fe80::2]%eth0:40000'],
      ['LISTEN', '*:8080', '*:*'],
    ]);
    expect(v[2]!.localAddr).toBe('::');
    expect(v[3]!.peerAddr).toBe('::ffff:10.9.8.7');
    expect(v[5]!.localAddr).toBe('fe80::1%eth0');
    expect(v[1]!.sendQ).toBe(36);
    expect(v[1]!.process).toEqual({ name: 'sshd', pid: 1500, fd: 4 });
    expect(v[1]!.timer).toEqual({ kind: 'on', remainingMs: 200, retrans: 0 });
    expect(v[3]!.process).toEqual({ name: 'Web Content', pid: 77, fd: 9 });
    expect(v[2]!.process).toBeNull();
    expect(v[2]!.timer).toBeNull();
  });

  it('ss -H (no header), CRLF, space-indented -i lines, -e extras', () => {
    const src = parse(
      'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5555 timer:(keepalive,7.9sec,0) uid:1000 ino:4242 sk:1 <->\r\n' +
        '         cubic wscale:7,7 rto:208 rtt:4.5/2.25 mss:1448 cwnd:10 ssthresh:7 bytes_sent:5000000000 send 25.7Mbps pacing_rate 51.4Mbps unacked:2 retrans:1/9 lost:3\r\n' +
        'SYN-SENT 0 1 10.0.0.1:40000 10.0.0.3:443\r\n',
    );
    const m = src.model;
    expect(src.warnings).toEqual([]);
    const [a, b] = rowsOf(m, 0).map((r) => socketView(m, r));
    expect(a!.timer).toEqual({ kind: 'keepalive', remainingMs: 7900, retrans: 0 });
    expect(a!.tcpInfo).toEqual({
      rto: 208, rtt: 4.5, rttVar: 2.25, mss: 1448, cwnd: 10, ssthresh: 7, bytesSent: 5_000_000_000,
      sendBps: 25_700_000, pacingBps: 51_400_000, unacked: 2, retransNow: 1, retransTotal: 9, lost: 3,
    });
    expect(b!.state).toBe('SYN-SENT');
    expect(b!.tcpInfo).toBeNull();
    expect(src.clock.originEpochNs).toBeNull();
  });

  it('ss -a with a Netid column keeps tcp only (and ignores other sockets’ detail lines)', () => {
    const src = parse(
      [
        'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
        'udp   UNCONN 0      0      0.0.0.0:68        0.0.0.0:*',
        'tcp   LISTEN 0      128    0.0.0.0:22        0.0.0.0:*',
        'u_str ESTAB  0      0      * 12345           * 12346',
        '\t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0) rtt:99/1',
        'tcp   ESTAB  0      0      10.0.0.1:22       10.0.0.2:5555',
        '\t cubic rtt:0.5/0.25 cwnd:10',
        '',
      ].join('\n'),
    );
    const m = src.model;
    expect(m.sockets.length).toBe(2);
    expect(m.skippedLines).toBe(0);
    expect(src.warnings).toEqual(['2 non-TCP socket line(s) ignored']);
    const v = rowsOf(m, 0).map((r) => socketView(m, r));
    expect(v.map((x) => x.state)).toEqual(['LISTEN', 'ESTAB']);
    expect(v[0]!.tcpInfo).toBeNull();
    expect(v[1]!.tcpInfo).toEqual({ rtt: 0.5, rttVar: 0.25, cwnd: 10 });
  });

  it('state-filtered ss (no State column): state from a pasted command line, else UNKNOWN', () => {
    const body = [
      'Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      '0      0          10.0.0.1:40000      10.0.0.3:443   timer:(timewait,52sec,0)',
      '0      0          10.0.0.1:40001      10.0.0.3:443   timer:(timewait,53sec,0)',
      '',
    ].join('\n');
    const withCmd = parse('$ ss -tno state time-wait\n' + body);
    expect(stateCounts(withCmd.model, 0)).toEqual({ 'TIME-WAIT': 2 });
    expect(withCmd.warnings).toEqual([
      '2 socket line(s) had no State column; state TIME-WAIT taken from the ss state filter',
    ]);
    const bare = parse(body);
    expect(stateCounts(bare.model, 0)).toEqual({ UNKNOWN: 2 });
    expect(bare.warnings[0]).toMatch(/no State column.*UNKNOWN/);
  });

  it('netstat -tanp / -tano: states renamed to ss spelling, PID/Program, timers, tcp6', () => {
    const src = parse(
      [
        'Active Internet connections (servers and established)',
        'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ',
        'tcp        0      0 127.0.0.1:631           0.0.0.0:*               LISTEN      812/cupsd           ',
        'tcp        0      0 10.0.0.1:22             10.0.0.2:5555           ESTABLISHED 1500/sshd           keepalive (7170.47/0/0)',
        'tcp        0      0 10.0.0.1:40000          10.0.0.3:443            TIME_WAIT   -                   timewait (59.81/0/0)',
        'tcp        0      1 10.0.0.1:40001          10.0.0.3:443            SYN_SENT    2000/curl           on (0.20/2/0)',
        'tcp        0      0 10.0.0.1:40002          10.0.0.3:443            FIN_WAIT1   -',
        'tcp        0      0 10.0.0.1:40003          10.0.0.3:443            FIN_WAIT2   -',
        'tcp        5      0 10.0.0.1:40004          10.0.0.3:443            CLOSE_WAIT  2000/curl           off (0.00/0/0)',
        'tcp        0      0 10.0.0.1:40005          10.0.0.3:443            LAST_ACK    -',
        'tcp        0      0 10.0.0.1:40006          10.0.0.3:443            CLOSING     -',
        'tcp        0      0 10.0.0.1:40007          10.0.0.3:443            CLOSE       -',
        'tcp        0      0 10.0.0.1:40008          10.0.0.3:443            SYN_RECV    -',
        'tcp6       0      0 :::22                   :::*                    LISTEN      900/sshd',
        'udp        0      0 0.0.0.0:68              0.0.0.0:*                           700/dhclient',
        '',
      ].join('\n'),
    );
    expect(src.format).toBe('netstat');
    const m = src.model;
    const v = rowsOf(m, 0).map((r) => socketView(m, r));
    expect(v.map((x) => x.state)).toEqual([
      'LISTEN', 'ESTAB', 'TIME-WAIT', 'SYN-SENT', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSING',
      'CLOSE', 'SYN-RECV', 'LISTEN',
    ]);
    expect(v[0]!.process).toEqual({ name: 'cupsd', pid: 812, fd: null });
    expect(v[1]!.timer).toEqual({ kind: 'keepalive', remainingMs: 7170470, retrans: 0 });
    expect(v[2]!.timer).toEqual({ kind: 'timewait', remainingMs: 59810, retrans: 0 });
    expect(v[3]!.timer).toEqual({ kind: 'on', remainingMs: 200, retrans: 2 });
    expect(v[6]!.timer).toBeNull();
    expect(v[6]!.recvQ).toBe(5);
    expect(v[2]!.process).toBeNull();
    expect([v[11]!.local, v[11]!.peer]).toEqual(['[::]:22', '[::]:*']);
    expect(src.warnings).toEqual(['1 non-TCP socket line(s) ignored']);
  });

  it('ss -s: totals, including the older `timewait a/b` form', () => {
    const real = parseSocketText(readFixture('scenarios/conn-leak-go1.19/ss-summary.txt'), {});
    expect(real.format).toBe('ss summary');
    expect(real.model.summary?.tcp).toEqual({ total: 877, estab: 76, closed: 799, orphaned: 0, timewait: 799 });
    expect(real.model.sockets.length).toBe(0);
    expect(real.model.snapshotCount).toBe(1);
    const old = parse('Total: 190 (kernel 0)\nTCP:   4 (estab 1, closed 0, orphaned 0, synrecv 0, timewait 0/0), ports 0\n');
    expect(old.model.summary).toEqual({
      epochNs: null,
      total: 190,
      tcp: { total: 4, estab: 1, closed: 0, orphaned: 0, synrecv: 0, timewait: 0 },
    });
  });

  it('capture framing: fd-count and gap lines, out-of-order snapshots, garbage and unknown states', () => {
    const text = [
        'ESTAB 0 0 10.0.0.1:80 10.0.0.2:999',
        '### ss-snapshot 1700000002000000000 web1',
        'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
        'ESTAB 0 0 10.0.0.1:80 10.0.0.2:1000',
        '### fd-count 1700000002500000000 web1 4242 120',
        '### ss-snapshot 1700000001000000000 web1',
        'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
        'ESTAB 0 0 10.0.0.1:80 10.0.0.2:1001',
        'this is garbage',
        'WEIRD-STATE 0 0 10.0.0.1:80 10.0.0.2:1002',
        '### gap 1700000003000000000 web1 ssh disconnected: connection reset  ',
        '### fd-count 1700000001500000000 web1 4242 100',
        '',
      ].join('\n');
    const src = parse(text, 123);
    expect(src.format).toBe('ss capture');
    expect(src.clock).toEqual({ originEpochNs: '1700000001000000000', quality: 'exact', basis: 'capture headers' });
    expect([src.startNs, src.endNs]).toEqual([0, 2e9]);
    const m = src.model;
    expect(Array.from(m.snapshots.timeNs)).toEqual([0, 1e9]);
    expect(stateCounts(m, 0)).toEqual({ ESTAB: 1, 'WEIRD-STATE': 1 });
    expect(stateCounts(m, 1)).toEqual({ ESTAB: 1 });
    expect(socketView(m, rowsOf(m, 1)[0]!).peerPort).toBe(1000);
    expect(m.skippedLines).toBe(1);
    expect(fdCountSeries(m)).toEqual([
      { host: 'web1', pid: 4242, timeNs: Float64Array.from([0.5e9, 1.5e9]), values: Float64Array.from([100, 120]) },
    ]);
    expect(m.gaps).toEqual([{ timeNs: 2e9, host: 'web1', reason: 'ssh disconnected: connection reset' }]);
    expect(src.warnings).toEqual([
      `1 unreadable line(s) skipped (first at byte ${text.indexOf('this is garbage')}: "this is garbage")`,
      '1 socket line(s) before the first ### ss-snapshot header dropped (no time)',
      'unknown state(s) kept as given: WEIRD-STATE',
      'snapshots were out of time order; sorted by their header time',
      'fd-count lines were out of time order; sorted',
    ]);
    checkIntegrity(src);
  });

  it('a capture cut mid-line keeps the whole snapshots and is partial; cut at a line end it is not', () => {
    const { bytes, want } = captures.find((c) => c.rel.includes('conn-leak-go1.19'))!;
    const text = new TextDecoder().decode(bytes);
    const third = text.indexOf('### ss-snapshot', text.indexOf('### ss-snapshot', 1) + 1);
    // Cut inside the first socket line of the third snapshot's -i details.
    const cutAt = text.indexOf('rtt:', third) + 6;
    const cut = parseSocketText(bytes.subarray(0, cutAt), {});
    expect(cut.partial).toBe(true);
    expect(cut.warnings[0]).toMatch(/^input ends mid-line/);
    expect(cut.model.snapshotCount).toBe(3);
    expect(stateCounts(cut.model, 0)).toEqual(want.first);
    const atLine = parseSocketText(bytes.subarray(0, third), {});
    expect(atLine.partial).toBe(false);
    expect(atLine.model.snapshotCount).toBe(2);
  });

  it('refuses empty, binary and unrelated input with an IngestError', () => {
    expect(() => parse('')).toThrow(IngestError);
    const bin = new Uint8Array(512).map((_, i) => (i * 97 + 13) & 0xff);
    expect(() => parseSocketText(bin, {})).toThrow(/binary data/);
    expect(() => parse('hello world\nthis is not ss\n')).toThrow(/no ss or netstat output found/);
    const ac = new AbortController();
    ac.abort();
    expect(() => parseSocketText(captures[0]!.bytes, { signal: ac.signal })).toThrow(IngestCancelled);
  });
});

/** mulberry32: small deterministic PRNG for the fuzz cases. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseSocketText fuzz', () => {
  const cases = Number(process.env.FUZZ_CASES) || 300;
  it(`fuzz: ${cases} truncated / bit-flipped / spliced inputs end in a result or an IngestError`, () => {
    const bases = [
      ...captures.slice(0, 5).map((c) => c.bytes.subarray(0, 48_000)),
      captures[9]!.bytes.subarray(0, 48_000),
      readFixture('scenarios/fd-leak-go1.23/ss-summary.txt'),
      enc('Proto Recv-Q Send-Q Local Address Foreign Address State PID/Program name\ntcp 0 0 1.2.3.4:5 6.7.8.9:10 ESTABLISHED 1/x keepalive (1.00/0/0)\n'),
    ];
    const rnd = prng(0x55c0ffee);
    const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
    let results = 0;
    let errors = 0;
    for (let i = 0; i < cases; i++) {
      let b = new Uint8Array(pick(bases));
      const op = i % 4;
      if (op === 0) b = b.subarray(0, Math.floor(rnd() * b.length));
      if (op === 1 || op === 3) {
        for (let k = 1 + Math.floor(rnd() * 20); k > 0; k--) {
          const at = Math.floor(rnd() * b.length);
          b[at] = b[at]! ^ (1 << Math.floor(rnd() * 8));
        }
      }
      if (op === 2 || op === 3) {
        const other = pick(bases);
        const from = Math.floor(rnd() * other.length);
        const piece = other.subarray(from, from + Math.floor(rnd() * 4000));
        const at = Math.floor(rnd() * b.length);
        const tail = b.subarray(Math.min(b.length, Math.floor(at + rnd() * 2000)));
        const out = new Uint8Array(at + piece.length + tail.length);
        out.set(b.subarray(0, at));
        out.set(piece, at);
        out.set(tail, at + piece.length);
        b = out;
      }
      try {
        const src = parseSocketText(b, {});
        checkIntegrity(src);
        results++;
      } catch (e) {
        if (!(e instanceof IngestError)) throw new Error(`case ${i} (op ${op}): ${String(e)}`);
        errors++;
      }
    }
    expect(results + errors).toBe(cases);
    expect(results).toBeGreaterThan(cases / 2);
  });
});
