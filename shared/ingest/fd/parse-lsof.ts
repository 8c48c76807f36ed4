/**
 * `lsof` text (the default column output, e.g. `lsof -n -P -p PID`) → one-snapshot socket source:
 * its TCP rows become the socket table, every process gets an open-fd count. See ./README.md.
 *
 *   COMMAND     PID USER   FD      TYPE DEVICE SIZE/OFF    NODE NAME
 *   conn-leak 20677 root  cwd       DIR  254,0     4096 1729311 /opt/goapp
 *   conn-leak 20677 root   44u     IPv4 247383      0t0     TCP 127.0.0.1:52188->127.0.0.1:19122 (ESTABLISHED)
 */
import { TCP_STATES, UNKNOWN_STATE } from '../../model/sockets.ts';
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import {
  buildFdModel,
  checkText,
  mtimeClock,
  plural,
  quote,
  splitLines,
  type FdCountSample,
  type FdSocketRow,
  type ParsedFdSource,
  type TextLine,
} from './fd-model.ts';

/** lsof's column header; optional columns (TID, TASKCMD, +f, +L, -o/-s variants) sit in the gaps. */
const HEADER = /^COMMAND\s+PID\s.*\sFD\s+TYPE\s.*\sNODE\s+NAME\s*$/;

/** True when the text holds lsof's column header (the sniff detect.ts uses). */
export function isLsofText(head: string): boolean {
  return /^COMMAND\s+PID\s.*\sFD\s+TYPE\s.*\sNODE\s+NAME[ \t]*\r?$/m.test(head);
}

/**
 * lsof's TCP state names (Linux and BSD spellings) → ss's. lsof prints what the kernel table
 * calls them; ss is the spelling the rest of the app shows.
 */
const LSOF_STATES: Record<string, string> = {
  ESTABLISHED: 'ESTAB',
  SYN_SENT: 'SYN-SENT',
  SYN_RECV: 'SYN-RECV',
  SYN_RECEIVED: 'SYN-RECV',
  FIN_WAIT1: 'FIN-WAIT-1',
  FIN_WAIT_1: 'FIN-WAIT-1',
  FIN_WAIT2: 'FIN-WAIT-2',
  FIN_WAIT_2: 'FIN-WAIT-2',
  TIME_WAIT: 'TIME-WAIT',
  CLOSE: 'CLOSE',
  CLOSED: 'CLOSE',
  CLOSE_WAIT: 'CLOSE-WAIT',
  LAST_ACK: 'LAST-ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};
const KNOWN_STATES = new Set<string>(TCP_STATES);

/** FD column: a number plus access-mode and lock characters (`44u`, `3uW`, `7-W`, `12`). */
const NUMERIC_FD = /^(\d{1,9})[rwu-]?[A-Za-z]?$/;
/** FD column names that are not descriptors: cwd, rtd, txt, mem, DEL, NOFD, mmap, Mxx… */
const NAMED_FD = /^[A-Za-z][\w-]*$/;

/** TYPE values of sockets lsof could place in a family; the TCP ones are read, the rest counted. */
const INET_TYPES = new Set(['IPv4', 'IPv6', 'inet', 'inet6']);
const SOCKET_TYPES = new Set(['unix', 'sock', 'netlink', 'pack', 'raw', 'raw6', 'ax25', 'x.25', 'rte', 'STSO', 'SOCK']);

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokens(line: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

interface Endpoint {
  addr: string;
  port: number;
  /** The port was a service name (lsof without -P): stored as 0. */
  named: boolean;
}

/** `127.0.0.1:80`, `[::1]:80`, `*:80`, `host:http` → address (no brackets) and port (`*` = 0). */
export function parseLsofEndpoint(s: string): Endpoint | null {
  let addr: string;
  let port: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s[close + 1] !== ':') return null;
    addr = s.slice(1, close);
    port = s.slice(close + 2);
  } else {
    const colon = s.lastIndexOf(':');
    if (colon <= 0) return null;
    addr = s.slice(0, colon);
    port = s.slice(colon + 1);
  }
  if (addr === '' || port === '') return null;
  if (port === '*') return { addr, port: 0, named: false };
  if (/^\d+$/.test(port)) {
    const p = Number(port);
    return p <= 65535 ? { addr, port: p, named: false } : null;
  }
  return /^[\w.-]+$/.test(port) ? { addr, port: 0, named: true } : null;
}

/** `(ESTABLISHED)`, `(LISTEN QR=0 QS=0)`, `(ST=CLOSE_WAIT QR=0 QS=1)` → state as printed and queues. */
function parseTcpInfo(inside: string): { state: string | null; recvQ: number; sendQ: number } {
  let state: string | null = null;
  let recvQ = 0;
  let sendQ = 0;
  for (const t of inside.split(/\s+/)) {
    if (t === '') continue;
    const eq = t.indexOf('=');
    if (eq < 0) {
      state ??= t;
      continue;
    }
    const k = t.slice(0, eq);
    const v = t.slice(eq + 1);
    const num = /^\d+$/.test(v) ? Math.min(Number(v), 0xffffffff) : 0;
    if (k === 'ST') state = v;
    else if (k === 'QR') recvQ = num;
    else if (k === 'QS') sendQ = num;
  }
  return { state, recvQ, sendQ };
}

/** lsof state name → ss spelling; unknown names are kept as printed (and named in a warning). */
function ssState(printed: string): { state: string; known: boolean } {
  const up = printed.toUpperCase();
  const mapped = LSOF_STATES[up];
  if (mapped) return { state: mapped, known: true };
  const dashed = up.replace(/_/g, '-');
  if (KNOWN_STATES.has(dashed)) return { state: dashed, known: true };
  return { state: printed, known: false };
}

/** Per-process tallies (insertion order = first appearance). */
interface ProcTally {
  command: string;
  fds: Set<number>;
  noFd: boolean;
}

class LsofReader {
  private rows: FdSocketRow[] = [];
  private procs = new Map<number, ProcTally>();
  private socketKeys = new Set<string>();
  /** Sockets not in the TCP table, by family/protocol (UDP, unix, …). */
  private otherSockets = new Map<string, number>();
  private fdEndCol = -1;
  private fdTokenIdx = -1;
  private blankBeforeFd = false;
  private sawHeader = false;
  private cycles = 0;
  private skipped = 0;
  private firstSkipped: TextLine | null = null;
  private badNames = 0;
  private noState = 0;
  private unknownStates = new Set<string>();
  private namedPorts = 0;
  private duplicates = 0;
  private diagnostics: string[] = [];
  private warnings: string[] = [];
  private partial = false;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly opts: ParseOptions,
  ) {}

  run(): ParsedFdSource {
    const lines = splitLines(this.bytes, this.opts);
    for (let i = 0; i < lines.length; i++) {
      if ((i & 0x3fff) === 0x3fff) throwIfAborted(this.opts.signal);
      this.line(lines[i]!);
    }
    if (!this.sawHeader) {
      throw new IngestError('no lsof column header (COMMAND PID … FD TYPE … NODE NAME) found', this.firstSkipped?.offset ?? 0);
    }
    if (this.procs.size === 0) {
      throw new IngestError('lsof output holds no file rows', this.firstSkipped?.offset ?? 0);
    }
    this.opts.onProgress?.(1);
    return this.finish();
  }

  private skip(l: TextLine): void {
    this.skipped++;
    this.firstSkipped ??= l;
  }

  private line(l: TextLine): void {
    const text = l.text;
    if (text.trim() === '') return;
    if (HEADER.test(text)) {
      if (this.procs.size > 0) this.newCycle();
      this.header(text);
      return;
    }
    // lsof -r repeat mode separates its cycles with a marker line (`=======`, or `+r` with a time).
    if (text.startsWith('=======')) {
      if (this.procs.size > 0) this.newCycle();
      return;
    }
    // lsof's own complaints (stderr pasted along): `lsof: WARNING: can't stat() …` and its follow-up.
    if (text.startsWith('lsof:') || /^\s+Output information may be incomplete/.test(text)) {
      this.diagnostics.push(text.trim());
      return;
    }
    if (!this.sawHeader) return this.skip(l);
    this.row(l);
  }

  private header(text: string): void {
    this.sawHeader = true;
    const ts = tokens(text);
    const fd = ts.findIndex((t) => t.text === 'FD');
    this.fdTokenIdx = fd;
    this.blankBeforeFd = ts.slice(0, Math.max(fd, 0)).some((t) => t.text === 'TID' || t.text === 'TASKCMD');
    // FD values are right-aligned under the header word (`cwd`, ` 44u`: digits end where `FD` ends).
    this.fdEndCol = fd >= 0 ? ts[fd]!.end - 1 : -1;
  }

  /** Only the last cycle of a repeat-mode output is kept: without times, cycles cannot be placed. */
  private newCycle(): void {
    this.cycles++;
    this.rows = [];
    this.procs.clear();
    this.socketKeys.clear();
    this.otherSockets.clear();
    this.badNames = 0;
    this.noState = 0;
    this.unknownStates.clear();
    this.namedPorts = 0;
    this.duplicates = 0;
  }

  private row(l: TextLine): void {
    const ts = tokens(l.text);
    if (ts.length < 4) return this.skip(l);
    const command = ts[0]!.text;
    const pidTok = ts[1]!.text;
    if (!/^\d{1,10}$/.test(pidTok) || Number(pidTok) > 0x7fffffff) return this.skip(l);
    const pid = Number(pidTok);
    // Which token is FD: the header's token position holds when no column before FD can be blank;
    // with TID/TASKCMD (blank on process rows) the column position under the header is the guide.
    const byPos = ts.findIndex((t) => t.start <= this.fdEndCol && this.fdEndCol < t.end);
    const order = this.blankBeforeFd ? [byPos, this.fdTokenIdx] : [this.fdTokenIdx, byPos];
    const fi = order.find((i) => i >= 2 && i + 1 < ts.length && (NUMERIC_FD.test(ts[i]!.text) || NAMED_FD.test(ts[i]!.text)));
    if (fi === undefined) return this.skip(l);
    const fdTok = ts[fi]!;
    const typeTok = ts[fi + 1]!;
    const numeric = NUMERIC_FD.exec(fdTok.text);
    // A cut last line counts only when the TYPE column is whole (more text follows it).
    if (!l.terminated && typeTok === ts[ts.length - 1]) return;

    let proc = this.procs.get(pid);
    if (!proc) this.procs.set(pid, (proc = { command, fds: new Set(), noFd: false }));
    if (fdTok.text === 'NOFD') proc.noFd = true;
    if (!numeric) return; // cwd/rtd/txt/mem…: open files, but not descriptors
    const fd = Number(numeric[1]);
    if (proc.fds.has(fd)) {
      // Same descriptor listed again (task rows of `lsof -K`): one fd, one socket.
      this.duplicates++;
      return;
    }
    proc.fds.add(fd);

    const type = typeTok.text;
    if (INET_TYPES.has(type)) {
      // The protocol sits in the NODE column; NAME is everything after it.
      const rest = ts.slice(fi + 2, fi + 6);
      const proto = rest.find((t) => /^[A-Z][A-Z0-9]*$/.test(t.text) && t.text !== 'IPv4' && t.text !== 'IPv6');
      if (proto?.text === 'TCP') {
        this.tcp(l, l.text.slice(proto.end).trim(), command, pid, fd);
      } else {
        this.countOther(proto ? proto.text : type);
      }
    } else if (SOCKET_TYPES.has(type)) {
      // `sock … protocol: TCP`: a socket lsof could not find in /proc/net (another netns, gone).
      this.countOther(type === 'sock' ? 'unresolved (lsof type sock)' : type);
    }
  }

  private countOther(what: string): void {
    this.otherSockets.set(what, (this.otherSockets.get(what) ?? 0) + 1);
  }

  private tcp(l: TextLine, name: string, command: string, pid: number, fd: number): void {
    let addrs = name;
    let info: ReturnType<typeof parseTcpInfo> = { state: null, recvQ: 0, sendQ: 0 };
    const open = name.indexOf(' (');
    if (open >= 0) {
      const close = name.lastIndexOf(')');
      if (close < open) {
        // The state's closing parenthesis is missing: a cut last line, or a damaged row.
        if (!l.terminated) return;
        this.badNames++;
        return this.skip(l);
      }
      addrs = name.slice(0, open);
      info = parseTcpInfo(name.slice(open + 2, close));
    } else if (!l.terminated) {
      return; // cut before the state: the peer address may be cut too
    }
    const arrow = addrs.indexOf('->');
    const local = parseLsofEndpoint(arrow < 0 ? addrs : addrs.slice(0, arrow));
    const peer = arrow < 0 ? { addr: '*', port: 0, named: false } : parseLsofEndpoint(addrs.slice(arrow + 2));
    if (!local || !peer) {
      this.badNames++;
      return this.skip(l);
    }
    if (local.named || peer.named) this.namedPorts++;
    let state = UNKNOWN_STATE;
    if (info.state === null) {
      this.noState++;
    } else {
      const s = ssState(info.state);
      state = s.state;
      if (!s.known) this.unknownStates.add(s.state);
    }
    const key = `${pid}:${fd}`;
    if (this.socketKeys.has(key)) return;
    this.socketKeys.add(key);
    this.rows.push({
      state,
      localAddr: local.addr,
      localPort: local.port,
      peerAddr: peer.addr,
      peerPort: peer.port,
      recvQ: info.recvQ,
      sendQ: info.sendQ,
      process: command,
      pid,
      fd,
    });
  }

  private finish(): ParsedFdSource {
    const w = this.warnings;
    const last = this.bytes.length > 0 && this.bytes[this.bytes.length - 1] !== 10;
    if (last) {
      this.partial = true;
      w.push('input ends without a final newline: it may have been cut short (a cut last row is read only as far as it is whole)');
    }
    if (this.cycles > 0) {
      w.push(`lsof repeat output (${this.cycles + 1} cycles, no times): only the last cycle is read`);
    }
    const other = [...this.otherSockets].map(([k, n]) => `${n} ${k}`);
    if (other.length > 0) {
      const total = [...this.otherSockets.values()].reduce((a, b) => a + b, 0);
      w.push(`${plural(total, 'socket')} not in the TCP table: ${other.join(', ')}`);
    }
    if (this.noState > 0) {
      w.push(`${plural(this.noState, 'TCP row')} without a state in parentheses (lsof -T without s?): state ${UNKNOWN_STATE}`);
    }
    if (this.unknownStates.size > 0) w.push(`unknown TCP states kept as printed: ${[...this.unknownStates].join(', ')}`);
    if (this.namedPorts > 0) {
      w.push(`${plural(this.namedPorts, 'TCP row')} with service-name ports (lsof without -P): those ports are stored as 0`);
    }
    if (this.duplicates > 0) w.push(`${plural(this.duplicates, 'repeated (pid, fd) row')} (lsof -K task rows?) counted once`);
    const samples: FdCountSample[] = [];
    for (const [pid, p] of this.procs) {
      if (p.noFd) w.push(`lsof could not list the fds of pid ${pid} (NOFD): no fd count for it`);
      else samples.push({ pid, count: p.fds.size });
    }
    if (this.skipped > 0 && this.firstSkipped) {
      w.push(`${plural(this.skipped, 'line')} could not be read and ${this.skipped === 1 ? 'was' : 'were'} skipped; first at byte ${this.firstSkipped.offset}: ${quote(this.firstSkipped.text)}`);
    }
    if (this.diagnostics.length > 0) w.push(`lsof reported: ${quote(this.diagnostics[0]!)}${this.diagnostics.length > 1 ? ` (+${this.diagnostics.length - 1} more lines)` : ''}`);
    const model = buildFdModel(this.rows, samples, this.skipped);
    return { kind: 'ss', format: 'lsof', clock: mtimeClock(this.opts.mtimeMs), startNs: 0, endNs: 0, partial: this.partial, warnings: w, model };
  }
}

/**
 * Reads `lsof` column output. TCP rows → sockets (state in ss spelling, addresses, COMMAND, PID,
 * FD); per process, the number of numeric-FD rows → an fd-count sample. Throws IngestError for
 * empty/binary input or text without an lsof header and rows.
 */
export function parseLsof(bytes: Uint8Array, opts: ParseOptions = {}): ParsedFdSource {
  throwIfAborted(opts.signal);
  checkText(bytes, 'lsof output');
  return new LsofReader(bytes, opts).run();
}
