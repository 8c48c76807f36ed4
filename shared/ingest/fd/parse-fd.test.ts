import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { IngestCancelled, IngestError } from '../errors.ts';
import { detect } from '../detect.ts';
import { ingestBytes } from '../ingest.ts';
import { parseLsof, parseLsofEndpoint } from './parse-lsof.ts';
import { classifyFdTarget, parseProcFdListing, readProcFdListing } from './parse-proc-fd.ts';
import type { ParsedFdSource } from './fd-model.ts';
import { fixturePath, readFixture } from '../../test-support/fixtures.ts';
import { fuzzCases, mulberry32 } from '../../test-support/fuzz.ts';
import { stateCounts, summarizeSockets } from '../../query/sockets/ss-summary.ts';
import { fdCountSeries } from '../../query/sockets/socket-series.ts';
import { formatEndpoint } from '../../model/sockets.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const HEADER = 'COMMAND     PID USER   FD      TYPE DEVICE SIZE/OFF    NODE NAME\n';
const lsof = (rows: string, opts = {}) => parseLsof(enc(HEADER + rows), opts);

/** What the fixtures README states for each scenario, read from its table rows (not from our parser). */
interface Stated {
  dir: string;
  lsof: { pid: number; rows: number; tcp: number; estab: number; closeWait: number; listen: number };
  procFd: { pid: number; fds: number; sockets: number };
}

function statedFigures(): Stated[] {
  const readme = readFileSync(fixturePath('README.md'), 'utf8');
  const dirs = readdirSync(fixturePath('scenarios')).sort();
  return dirs.map((dir) => {
    const at = readme.indexOf(`### \`scenarios/${dir}/\``);
    if (at < 0) throw new Error(`README has no section for ${dir}`);
    const next = readme.indexOf('\n### ', at + 1);
    const section = readme.slice(at, next < 0 ? undefined : next);
    const l = /\| `lsof\.txt` \| plain `lsof -n -P -p (\d+)`: (\d+) rows, (\d+) TCP sockets \((\d+) ESTABLISHED, (\d+) CLOSE_WAIT, (\d+) LISTEN\) \|/.exec(section);
    const p = /\| `proc-fd\.txt` \| plain `ls -l \/proc\/(\d+)\/fd`: (\d+) fds, (\d+) of them sockets \|/.exec(section);
    if (!l || !p) throw new Error(`README rows for lsof.txt / proc-fd.txt not found under ${dir}`);
    const n = (i: number, m: RegExpExecArray) => Number(m[i]);
    return {
      dir,
      lsof: { pid: n(1, l), rows: n(2, l), tcp: n(3, l), estab: n(4, l), closeWait: n(5, l), listen: n(6, l) },
      procFd: { pid: n(1, p), fds: n(2, p), sockets: n(3, p) },
    };
  });
}

/** Structural checks every result must pass (also run on fuzzed input). */
function checkIntegrity(src: ParsedFdSource): void {
  const m = src.model;
  const bad: string[] = [];
  if (m.snapshotCount !== 1 || m.snapshots.length !== 1) bad.push('one snapshot');
  if (m.snapshots.firstRow[0] !== 0 || m.snapshots.rowCount[0] !== m.sockets.length) bad.push('snapshot rows');
  for (let r = 0; r < m.sockets.length; r++) {
    if (m.sockets.state[r]! >= m.states.length) bad.push(`state of row ${r}`);
    for (const a of [m.sockets.localAddr[r]!, m.sockets.peerAddr[r]!, m.sockets.process[r]!]) {
      if (a >= m.strings.length || a < -1) bad.push(`string of row ${r}`);
    }
    if (m.sockets.info[r] !== -1) bad.push(`info of row ${r}`);
  }
  for (let i = 0; i < m.fdCounts.length; i++) {
    const c = m.fdCounts.count[i]!;
    if (!(Number.isInteger(c) && c >= 0)) bad.push(`fd count ${i}`);
    if (m.fdCounts.timeNs[i] !== 0) bad.push(`fd time ${i}`);
  }
  if (src.startNs !== 0 || src.endNs !== 0) bad.push('span');
  if (!src.warnings.every((w) => typeof w === 'string' && w.length > 0)) bad.push('warnings');
  expect(bad.slice(0, 5)).toEqual([]);
}

const stated = statedFigures();

describe('lsof and /proc fd listings of every scenario (figures from the fixtures README)', () => {
  it('the README states figures for all 10 scenarios', () => {
    expect(stated.length).toBe(10);
  });
  for (const s of stated) {
    it(`${s.dir}/lsof.txt`, () => {
      const rel = `scenarios/${s.dir}/lsof.txt`;
      const bytes = readFixture(rel);
      const text = new TextDecoder().decode(bytes);
      const lines = text.split('\n').filter((x) => x !== '');
      // The README's row count is the lines under the header; the rows that are not fds we count here.
      expect(lines.length - 1).toBe(s.lsof.rows);
      const notFds = lines.filter((x) => /^\S+\s+\d+\s+\S+\s+(cwd|rtd|txt|mem|DEL)\s/.test(x)).length;
      const meta = JSON.parse(readFileSync(fixturePath(`scenarios/${s.dir}/meta.json`), 'utf8'));
      expect(meta.pid).toBe(s.lsof.pid);

      const src = parseLsof(bytes, { mtimeMs: 1_700_000_000_123 });
      expect(src.kind).toBe('ss');
      expect(src.format).toBe('lsof');
      expect(src.clock).toEqual({ originEpochNs: '1700000000123000000', quality: 'estimated', basis: 'file mtime' });
      expect(src.partial).toBe(false);
      expect(src.warnings).toEqual([]);
      expect(src.model.skippedLines).toBe(0);
      checkIntegrity(src);
      const m = src.model;
      expect(m.sockets.length).toBe(s.lsof.tcp);
      const counts = stateCounts(m, 0);
      expect(counts.ESTAB ?? 0).toBe(s.lsof.estab);
      expect(counts['CLOSE-WAIT'] ?? 0).toBe(s.lsof.closeWait);
      expect(counts.LISTEN ?? 0).toBe(s.lsof.listen);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(s.lsof.tcp);
      // One fd-count sample: the profiled pid, numeric-FD rows only.
      expect(Array.from(m.fdCounts.pid)).toEqual([s.lsof.pid]);
      expect(Array.from(m.fdCounts.count)).toEqual([s.lsof.rows - notFds]);
      expect(m.strings[m.fdCounts.host[0]!]).toBe('');
      // Every socket: the run's port on one end, 127.0.0.1 both sides (LISTEN: no peer), lsof's
      // 9-character COMMAND, the profiled pid, distinct fds.
      const port = meta.params.port as number;
      const program = s.dir.replace(/-go1\.\d+$/, '').slice(0, 9);
      const fds = new Set<number>();
      for (let r = 0; r < m.sockets.length; r++) {
        const st = m.states[m.sockets.state[r]!];
        expect(m.sockets.localPort[r] === port || m.sockets.peerPort[r] === port).toBe(true);
        expect(m.strings[m.sockets.localAddr[r]!]).toBe('127.0.0.1');
        expect(m.strings[m.sockets.peerAddr[r]!]).toBe(st === 'LISTEN' ? '*' : '127.0.0.1');
        expect(m.strings[m.sockets.process[r]!]).toBe(program);
        expect(m.sockets.pid[r]).toBe(s.lsof.pid);
        fds.add(m.sockets.fd[r]!);
      }
      expect(fds.size).toBe(m.sockets.length);
      expect(Math.min(...fds)).toBeGreaterThanOrEqual(3);
      // The figures the CLI prints.
      const fig = summarizeSockets(src);
      expect(fig).toMatchObject({ format: 'lsof', snapshots: 1, sockets: s.lsof.tcp, startNs: '1700000000123000000', endNs: '1700000000123000000' });
      expect(fig.topPeers.ESTAB).toEqual(s.lsof.estab > 0 ? [{ peer: '127.0.0.1', count: s.lsof.estab }] : []);
      expect(fdCountSeries(m)).toEqual([
        { host: '', pid: s.lsof.pid, timeNs: Float64Array.of(0), values: Float64Array.of(s.lsof.rows - notFds) },
      ]);
    });

    it(`${s.dir}/proc-fd.txt`, () => {
      const bytes = readFixture(`scenarios/${s.dir}/proc-fd.txt`);
      const listing = readProcFdListing(bytes);
      expect(listing.groups.length).toBe(1);
      const g = listing.groups[0]!;
      expect(g.pid).toBe(0); // `ls -l DIR` of one directory prints no header naming it
      expect(g.fds).toBe(s.procFd.fds);
      expect(g.byKind.socket).toBe(s.procFd.sockets);
      expect(Object.values(g.byKind).reduce((a, b) => a + b, 0)).toBe(s.procFd.fds);

      const src = parseProcFdListing(bytes, { mtimeMs: 1_700_000_000_000 });
      expect(src.format).toBe('proc fd listing');
      expect(src.clock.quality).toBe('estimated');
      expect(src.partial).toBe(false);
      expect(src.model.skippedLines).toBe(0);
      checkIntegrity(src);
      expect(src.model.sockets.length).toBe(0);
      expect(Array.from(src.model.fdCounts.count)).toEqual([s.procFd.fds]);
      expect(Array.from(src.model.fdCounts.pid)).toEqual([0]);
      expect(src.warnings[0]).toMatch(new RegExp(`^pid unknown: ${s.procFd.fds} fds: ${s.procFd.sockets} sockets?, `));
      expect(summarizeSockets(src)).toMatchObject({ snapshots: 1, sockets: 0, first: {}, last: {} });
    });

    it(`${s.dir}: detect and ingestBytes route both files to the fd readers (also gzipped)`, async () => {
      const l = readFixture(`scenarios/${s.dir}/lsof.txt`);
      const p = readFixture(`scenarios/${s.dir}/proc-fd.txt`);
      expect(detect(l)).toEqual({ kind: 'ss', format: 'lsof' });
      expect(detect(p)).toEqual({ kind: 'ss', format: 'proc fd listing' });
      const a = await ingestBytes(gzipSync(l));
      expect([a.kind, a.format, a.kind === 'ss' && a.model.sockets.length]).toEqual(['ss', 'lsof', s.lsof.tcp]);
      const b = await ingestBytes(p);
      expect([b.kind, b.format, b.kind === 'ss' && b.model.fdCounts.count[0]]).toEqual(['ss', 'proc fd listing', s.procFd.fds]);
    });
  }
});

describe('parseLsof edge cases', () => {
  it('reads IPv6 and IPv4-mapped endpoints without brackets, and LISTEN on any address', () => {
    const src = lsof(
      [
        'srv     812 root    7u  IPv6 1001      0t0  TCP [::1]:8080->[::1]:51234 (ESTABLISHED)',
        'srv     812 root    8u  IPv6 1002      0t0  TCP [::ffff:127.0.0.1]:8080->[::ffff:10.0.0.2]:40000 (CLOSE_WAIT)',
        'srv     812 root    9u  IPv6 1003      0t0  TCP *:8080 (LISTEN)',
        'srv     812 root   10u  IPv6 1004      0t0  TCP [fe80::1]:22->[fe80::2]:5000 (SYN_SENT)',
        '',
      ].join('\n'),
    );
    const m = src.model;
    const ep = (r: number) => [
      formatEndpoint(m.strings[m.sockets.localAddr[r]!]!, m.sockets.localPort[r]!),
      formatEndpoint(m.strings[m.sockets.peerAddr[r]!]!, m.sockets.peerPort[r]!),
      m.states[m.sockets.state[r]!],
      m.sockets.fd[r],
    ];
    expect([0, 1, 2, 3].map(ep)).toEqual([
      ['[::1]:8080', '[::1]:51234', 'ESTAB', 7],
      ['[::ffff:127.0.0.1]:8080', '[::ffff:10.0.0.2]:40000', 'CLOSE-WAIT', 8],
      ['*:8080', '*:*', 'LISTEN', 9],
      ['[fe80::1]:22', '[fe80::2]:5000', 'SYN-SENT', 10],
    ]);
    expect(m.strings[m.sockets.localAddr[0]!]).toBe('::1');
    expect(src.warnings).toEqual([]);
  });

  it('maps every lsof state spelling (Linux and BSD) onto ss names; unknown ones are kept and named', () => {
    const states = ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'SYN_RECEIVED', 'FIN_WAIT1', 'FIN_WAIT_2', 'TIME_WAIT', 'CLOSE', 'CLOSED', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'BOUND'];
    const rows = states.map((st, i) => `app  1 u  ${i + 3}u IPv4 ${i} 0t0 TCP 10.0.0.1:${1000 + i}->10.0.0.2:80 (${st})\n`).join('');
    const src = lsof(rows);
    const m = src.model;
    expect(Array.from({ length: m.sockets.length }, (_, r) => m.states[m.sockets.state[r]!])).toEqual([
      'ESTAB', 'SYN-SENT', 'SYN-RECV', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE', 'CLOSE', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING', 'BOUND',
    ]);
    expect(src.warnings).toEqual(['unknown TCP states kept as printed: BOUND']);
  });

  it('reads -T queue sizes (QR/QS) and ST= states; a row without state is UNKNOWN with a warning', () => {
    const src = lsof(
      'app 5 u 3u IPv4 1 0t0 TCP 10.0.0.1:1->10.0.0.2:80 (ESTABLISHED QR=61440 QS=12)\n' +
        'app 5 u 4u IPv4 2 0t0 TCP 10.0.0.1:2->10.0.0.2:80 (ST=CLOSE_WAIT QR=1 QS=0)\n' +
        'app 5 u 5u IPv4 3 0t0 TCP 10.0.0.1:3->10.0.0.2:80\n',
    );
    const m = src.model;
    expect(Array.from(m.sockets.recvQ)).toEqual([61440, 1, 0]);
    expect(Array.from(m.sockets.sendQ)).toEqual([12, 0, 0]);
    expect([0, 1, 2].map((r) => m.states[m.sockets.state[r]!])).toEqual(['ESTAB', 'CLOSE-WAIT', 'UNKNOWN']);
    expect(src.warnings).toEqual(['1 TCP row without a state in parentheses (lsof -T without s?): state UNKNOWN']);
  });

  it('counts UDP, unix and unresolved sockets as fds but keeps them out of the TCP table (warning with counts)', () => {
    const src = lsof(
      [
        'app 9 u cwd DIR 8,1 4096 2 /',
        'app 9 u txt REG 8,1 100 3 /usr/bin/app',
        'app 9 u mem REG 8,1 100 4 /usr/lib/libc.so.6',
        'app 9 u 0r CHR 1,3 0t0 5 /dev/null',
        'app 9 u 3u IPv4 10 0t0 UDP 127.0.0.1:53->127.0.0.1:4000',
        'app 9 u 4u IPv6 11 0t0 UDP *:5353',
        'app 9 u 5u unix 0x0000000012345678 0t0 12 /run/app.sock type=STREAM (CONNECTED)',
        'app 9 u 6u unix 0x0000000012345679 0t0 13 type=DGRAM',
        'app 9 u 7u sock 0,8 0t0 14 protocol: TCP',
        'app 9 u 8u IPv4 15 0t0 TCP 127.0.0.1:9000->127.0.0.1:80 (ESTABLISHED)',
        'app 9 u 9w FIFO 0,13 0t0 16 pipe',
        '',
      ].join('\n'),
    );
    expect(src.model.sockets.length).toBe(1);
    expect(Array.from(src.model.fdCounts.count)).toEqual([8]); // fds 0, 3..9
    expect(src.warnings).toEqual(['5 sockets not in the TCP table: 2 UDP, 2 unix, 1 unresolved (lsof type sock)']);
  });

  it('one fd-count sample per process; NOFD processes get none; lsof diagnostics and junk lines are reported', () => {
    const text = [
          "lsof: WARNING: can't stat() fuse.gvfsd-fuse file system /run/user/1000/gvfs",
          '      Output information may be incomplete.',
          HEADER.trimEnd(),
          'a 10 u 3u IPv4 1 0t0 TCP 10.0.0.1:1->10.0.0.2:80 (ESTABLISHED)',
          'a 10 u 4u IPv4 2 0t0 TCP 10.0.0.1:2->10.0.0.2:80 (ESTABLISHED)',
          'this line is not lsof output',
          'b 11 u 3r CHR 1,3 0t0 5 /dev/null',
          'c 12 u NOFD /proc/12/fd (opendir: Permission denied)',
          '',
        ].join('\n');
    const src = parseLsof(enc(text));
    const m = src.model;
    expect(Array.from(m.fdCounts.pid)).toEqual([10, 11]);
    expect(Array.from(m.fdCounts.count)).toEqual([2, 1]);
    expect(m.skippedLines).toBe(1);
    expect(src.warnings).toEqual([
      'lsof could not list the fds of pid 12 (NOFD): no fd count for it',
      `1 line could not be read and was skipped; first at byte ${text.indexOf('this line')}: "this line is not lsof output"`,
      `lsof reported: "lsof: WARNING: can't stat() fuse.gvfsd-fuse file system /run/user/1000/gvfs" (+1 more lines)`,
    ]);
  });

  it('repeat mode (-r) keeps the last cycle; repeated (pid, fd) rows (-K tasks) count once', () => {
    const row = (fd: number, st: string) => `a 10 u ${fd}u IPv4 ${fd} 0t0 TCP 10.0.0.1:${fd}->10.0.0.2:80 (${st})\n`;
    const src = parseLsof(enc(HEADER + row(3, 'ESTABLISHED') + row(4, 'ESTABLISHED') + '=======\n' + HEADER + row(3, 'CLOSE_WAIT') + row(3, 'CLOSE_WAIT')));
    expect(stateCounts(src.model, 0)).toEqual({ 'CLOSE-WAIT': 1 });
    expect(Array.from(src.model.fdCounts.count)).toEqual([1]);
    expect(src.warnings).toEqual([
      'lsof repeat output (2 cycles, no times): only the last cycle is read',
      '1 repeated (pid, fd) row (lsof -K task rows?) counted once',
    ]);
  });

  it('service-name ports (no -P) are stored as 0 with a warning; host names are kept', () => {
    const src = lsof('a 1 u 3u IPv4 1 0t0 TCP localhost:http->db.example:5432 (ESTABLISHED)\n');
    const m = src.model;
    expect([m.strings[m.sockets.localAddr[0]!], m.sockets.localPort[0], m.strings[m.sockets.peerAddr[0]!], m.sockets.peerPort[0]]).toEqual(['localhost', 0, 'db.example', 5432]);
    expect(src.warnings).toEqual(['1 TCP row with service-name ports (lsof without -P): those ports are stored as 0']);
  });

  it('a listing cut mid-row is partial: the cut TCP row is not a socket, but its fd counts once its TYPE is whole', () => {
    const full = readFixture('scenarios/conn-leak-go1.19/lsof.txt');
    const text = new TextDecoder().decode(full);
    const lastTcp = text.lastIndexOf('(ESTABLISHED)');
    const cut = parseLsof(full.subarray(0, lastTcp + 5));
    expect(cut.partial).toBe(true);
    expect(cut.model.sockets.length).toBe(37);
    expect(cut.model.fdCounts.count[0]).toBe(46 - 1); // the rows after the cut are gone, the cut one counts
    expect(cut.warnings[0]).toMatch(/final newline/);
    // Cut inside the TYPE column: the row is not counted at all.
    const lineStart = text.lastIndexOf('\n', lastTcp) + 1;
    const typeAt = text.indexOf('IPv4', lineStart);
    const cut2 = parseLsof(full.subarray(0, typeAt + 2));
    expect(cut2.model.fdCounts.count[0]).toBe(46 - 2);
    expect(cut2.model.sockets.length).toBe(37);
  });

  it('refuses empty, binary, header-less and row-less input with an IngestError', () => {
    expect(() => parseLsof(new Uint8Array())).toThrow(/empty input/);
    expect(() => parseLsof(Uint8Array.of(0x43, 0, 1, 2))).toThrow(IngestError);
    expect(() => parseLsof(enc('hello\nworld\n'))).toThrow(/no lsof column header/);
    expect(() => parseLsof(enc(HEADER))).toThrow(/no file rows/);
    const e = (() => {
      try {
        parseLsof(enc('junk\n' + HEADER + 'x\n'));
      } catch (err) {
        return err as IngestError;
      }
    })();
    expect(e).toBeInstanceOf(IngestError);
    expect(e?.offset).toBe(0);
  });

  it('honours an aborted signal', () => {
    const ac = new AbortController();
    ac.abort();
    expect(() => parseLsof(readFixture('scenarios/fd-leak-go1.27/lsof.txt'), { signal: ac.signal })).toThrow(IngestCancelled);
    expect(() => parseProcFdListing(readFixture('scenarios/fd-leak-go1.27/proc-fd.txt'), { signal: ac.signal })).toThrow(IngestCancelled);
  });

  it('no file time → unplaced clock', () => {
    expect(lsof('a 1 u 3u IPv4 1 0t0 TCP 1.2.3.4:1->1.2.3.5:2 (ESTABLISHED)\n').clock).toEqual({ originEpochNs: null, quality: 'estimated', basis: 'no clock (no file time)' });
  });

  it('parseLsofEndpoint rejects what is not an endpoint', () => {
    expect(parseLsofEndpoint('10.0.0.1:70000')).toBeNull();
    expect(parseLsofEndpoint('[::1]80')).toBeNull();
    expect(parseLsofEndpoint(':80')).toBeNull();
    expect(parseLsofEndpoint('10.0.0.1:')).toBeNull();
    expect(parseLsofEndpoint('*:*')).toEqual({ addr: '*', port: 0, named: false });
  });
});

describe('parseProcFdListing edge cases', () => {
  it('one sample per /proc/PID/fd header; ls -la dots, quoted targets and long-iso dates are read', () => {
    const text = [
      '/proc/812/fd:',
      'total 0',
      'dr-x------ 2 app app  0 2024-11-22 19:39 .',
      'dr-xr-xr-x 9 app app  0 2024-11-22 19:39 ..',
      "lrwx------ 1 app app 64 2024-11-22 19:39 3 -> 'socket:[1001]'",
      'lrwx------ 1 app app 64 2024-11-22 19:39 4 -> pipe:[1002]',
      'l-wx------ 1 app app 64 2024-11-22 19:39 5 -> /var/log/app.log (deleted)',
      'lrwx------ 1 app app 64 2024-11-22 19:39 6 -> anon_inode:[eventpoll]',
      'lrwx------ 1 app app 64 2024-11-22 19:39 7 -> net:[4026531840]',
      '',
      '/proc/900/fd:',
      'total 0',
      'lrwx------ 1 app app 64 Nov 22  2023 0 -> socket:[2001]',
      '',
      '/proc/901/fd:',
      'total 0',
      '',
    ].join('\n');
    const r = readProcFdListing(enc(text));
    expect(r.groups).toEqual([
      { pid: 812, fds: 5, byKind: { socket: 1, pipe: 1, file: 1, anon_inode: 1, other: 1 } },
      { pid: 900, fds: 1, byKind: { socket: 1, pipe: 0, file: 0, anon_inode: 0, other: 0 } },
      { pid: 901, fds: 0, byKind: { socket: 0, pipe: 0, file: 0, anon_inode: 0, other: 0 } },
    ]);
    const src = parseProcFdListing(enc(text));
    expect(Array.from(src.model.fdCounts.pid)).toEqual([812, 900, 901]);
    expect(Array.from(src.model.fdCounts.count)).toEqual([5, 1, 0]);
    expect(src.warnings.slice(0, 3)).toEqual([
      'pid 812: 5 fds: 1 socket, 1 pipe, 1 file, 1 anon_inode, 1 other',
      'pid 900: 1 fd: 1 socket, 0 pipes, 0 files, 0 anon_inode, 0 other',
      'pid 901: 0 fds: 0 sockets, 0 pipes, 0 files, 0 anon_inode, 0 other',
    ]);
    expect(detect(enc(text))).toEqual({ kind: 'ss', format: 'proc fd listing' });
  });

  it('a pasted command names the pid; ls errors and junk lines are reported, not counted', () => {
    const text = "$ ls -l /proc/77/fd\nls: cannot read symbolic link '/proc/77/fd/9': No such file or directory\nlrwx------ 1 a a 64 Nov 22 19:39 3 -> socket:[5]\nnot a line of ls\n";
    const r = readProcFdListing(enc(text));
    expect(r.groups).toEqual([{ pid: 77, fds: 1, byKind: { socket: 1, pipe: 0, file: 0, anon_inode: 0, other: 0 } }]);
    expect(r.skippedLines).toBe(1);
    expect(r.warnings).toEqual([
      `1 line could not be read and was skipped; first at byte ${text.indexOf('not a line')}: "not a line of ls"`,
      `ls reported: "ls: cannot read symbolic link '/proc/77/fd/9': No such file or directory"`,
    ]);
  });

  it('a truncated listing is partial; the cut entry counts (by the prefix of its target) only once the arrow is there', () => {
    const full = readFixture('scenarios/fd-leak-go1.23/proc-fd.txt');
    const text = new TextDecoder().decode(full);
    const at = text.lastIndexOf('socket:[');
    const a = readProcFdListing(full.subarray(0, at + 3)); // `-> soc`
    expect(a.partial).toBe(true);
    const lines = text.slice(0, at).split('\n').filter((x) => / -> /.test(x));
    expect(a.groups[0]!.fds).toBe(lines.length);
    expect(a.groups[0]!.byKind.socket).toBe(lines.filter((x) => x.includes('socket:[')).length + 1);
    const b = readProcFdListing(full.subarray(0, at - 4)); // cut before the arrow
    expect(b.groups[0]!.fds).toBe(lines.length - 1);
    expect(b.skippedLines).toBe(0);
  });

  it('refuses empty, binary and unrelated text', () => {
    expect(() => parseProcFdListing(new Uint8Array())).toThrow(/empty input/);
    expect(() => parseProcFdListing(Uint8Array.of(0, 0, 0))).toThrow(/binary/);
    expect(() => parseProcFdListing(enc('total 0\nhello\n'))).toThrow(/no \/proc\/PID\/fd entries/);
  });

  it('classifyFdTarget', () => {
    expect(['socket:[1]', 'pipe:[2]', '/dev/null', 'anon_inode:[pidfd]', 'anon_inode:inotify', 'mnt:[3]', 'socket:[x]'].map(classifyFdTarget)).toEqual([
      'socket', 'pipe', 'file', 'anon_inode', 'anon_inode', 'other', 'other',
    ]);
  });
});

describe('fd sniffs', () => {
  it('are certain: lsof header or /proc fd symlink lines, and nothing else', () => {
    expect(detect(enc(HEADER))).toEqual({ kind: 'ss', format: 'lsof' });
    expect(detect(enc('COMMAND PID TID TASKCMD USER FD TYPE DEVICE SIZE/OFF NLINK NODE NAME\n'))).toEqual({ kind: 'ss', format: 'lsof' });
    expect(detect(enc('lrwx------ 1 root root 64 Nov 22 19:39 11 -> socket:[247038]\n'))).toEqual({ kind: 'ss', format: 'proc fd listing' });
    expect(detect(enc('total 0\nlr-x------ 1 root root 64 Nov 22 19:39 0 -> /dev/null\n'))).toEqual({ kind: 'ss', format: 'proc fd listing' });
    // An ordinary `ls -l` with a symlink is not an fd listing.
    expect(detect(enc('lrwxrwxrwx 1 root root 7 Nov 22 19:39 bin -> usr/bin\n')).kind).toBe('unknown');
    expect(detect(enc('lrwxrwxrwx 1 root root 7 Nov 22 19:39 lib64 -> usr/lib64\n-rw-r--r-- 1 root root 9 Nov 22 19:39 x\n')).kind).toBe('unknown');
    expect(detect(enc('COMMAND PID USER\n')).kind).toBe('unknown');
  });
});

describe('fd readers fuzz (seeded: truncations, bit flips, splices of the real listings)', () => {
  const inputs = stated.flatMap((s) => [readFixture(`scenarios/${s.dir}/lsof.txt`), readFixture(`scenarios/${s.dir}/proc-fd.txt`)]);
  it(`survives ${fuzzCases()} mutated inputs per reader: a source or an IngestError, never anything else`, () => {
    const rnd = mulberry32(0xfd1ea);
    const pick = <T,>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
    let parsed = 0;
    let refused = 0;
    for (let i = 0; i < fuzzCases(); i++) {
      const base = pick(inputs);
      let b: Uint8Array;
      const mode = i % 4;
      if (mode === 0) {
        b = base.subarray(0, Math.floor(rnd() * (base.length + 1)));
      } else if (mode === 1) {
        b = base.slice();
        const flips = 1 + Math.floor(rnd() * 8);
        for (let k = 0; k < flips; k++) b[Math.floor(rnd() * b.length)]! ^= 1 << Math.floor(rnd() * 8);
      } else if (mode === 2) {
        const other = pick(inputs);
        const x = Math.floor(rnd() * base.length);
        const y = Math.floor(rnd() * other.length);
        b = new Uint8Array([...base.subarray(0, x), ...other.subarray(y)]);
      } else {
        // Shuffle whole lines around (duplicates, reorders, drops).
        const lines = new TextDecoder().decode(base).split('\n');
        const out: string[] = [];
        for (let k = 0; k < lines.length; k++) if (rnd() < 0.9) out.push(pick(lines));
        b = enc(out.join('\n'));
      }
      for (const read of [parseLsof, parseProcFdListing]) {
        try {
          const src = read(b, { mtimeMs: 1 });
          checkIntegrity(src);
          parsed++;
        } catch (e) {
          if (!(e instanceof IngestError)) throw new Error(`case ${i} (mode ${mode}, ${read.name}): ${String(e)}`);
          refused++;
        }
      }
    }
    // Both outcomes occur: the mutations reach past the sniff into the readers.
    expect(parsed).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
