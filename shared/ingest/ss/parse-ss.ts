/**
 * `ss` / `netstat` text → SocketCaptureModel. One pass over the bytes, line by line, never decoding a
 * whole line into a string: tokens are read in place and repeated fields are interned from bytes.
 *
 * Accepts (framing documented in ./README.md):
 *  - capture files: `### ss-snapshot <epoch-ns> <host>` before each raw ss output, plus
 *    `### fd-count <epoch-ns> <host> <pid> <count>` and `### gap <epoch-ns> <host> <reason…>` lines;
 *  - one plain `ss -tan[o][i][p][e]` output (with or without header / Netid / State column);
 *  - `netstat -tan[p][o]` output;
 *  - `ss -s` (totals only).
 */
import { StringInterner } from '../../model/interner.ts';
import type { ParsedSource } from '../../model/source.ts';
import type { CollectionGap, SocketSummaryTotals, TcpInfoField } from '../../model/sockets.ts';
import { TCP_STATES, UNKNOWN_STATE } from '../../model/sockets.ts';
import type { SourceClock } from '../../model/time.ts';
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import { mtimeClock } from '../mtime-clock.ts';
import { ByteInterner } from './byte-interner.ts';
import {
  COL_SLOT,
  SocketColumns,
  TcpInfoColumns,
  buildModel,
  sortByTime,
  type FdDraft,
  type SnapshotDraft,
} from './model-builder.ts';

export type ParsedSocketSource = Extract<ParsedSource, { kind: 'ss' }>;

const SP = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const COLON = 58;
const QUOTE = 34;
const LPAREN = 40;
const RPAREN = 41;
const COMMA = 44;
const DOT = 46;
const SLASH = 47;
const STAR = 42;
const LBRACK = 91;
const RBRACK = 93;
const HASH = 35;
/** Four spaces as one Int32Array word. */
const SPACES4 = 0x20202020;

/** Space, tab, CR (and other control bytes, which only junk lines hold): one compare in hot loops. */
const isBlank = (c: number) => c <= SP;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** netstat spells states differently; these map onto ss's names (TCP_STATES indexes). */
const NETSTAT_STATES: Record<string, string> = {
  ESTABLISHED: 'ESTAB',
  SYN_SENT: 'SYN-SENT',
  SYN_RECV: 'SYN-RECV',
  FIN_WAIT1: 'FIN-WAIT-1',
  FIN_WAIT2: 'FIN-WAIT-2',
  TIME_WAIT: 'TIME-WAIT',
  CLOSE_WAIT: 'CLOSE-WAIT',
  LAST_ACK: 'LAST-ACK',
};

/** ss state-filter names (`ss state time-wait`) → state as ss prints it. */
const FILTER_STATES: Record<string, string> = {
  established: 'ESTAB',
  'syn-sent': 'SYN-SENT',
  'syn-recv': 'SYN-RECV',
  'fin-wait-1': 'FIN-WAIT-1',
  'fin-wait-2': 'FIN-WAIT-2',
  'time-wait': 'TIME-WAIT',
  closed: 'CLOSE',
  'close-wait': 'CLOSE-WAIT',
  'last-ack': 'LAST-ACK',
  listening: 'LISTEN',
  closing: 'CLOSING',
};

const NETIDS = ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6', 'u_str', 'u_dgr', 'u_seq', 'p_raw', 'p_dgr', 'nl',
  'v_str', 'v_dgr', 'xdp', 'mptcp', 'sctp', 'tipc', 'icmp6', 'udpl', 'unix'];

/** First words of lines that are not socket rows. */
const W = {
  State: 1, Netid: 2, RecvQ: 3, Proto: 4, Active: 5, Total: 6, TcpColon: 7, Transport: 8, SummaryRow: 9,
  Prompt: 10,
} as const;
const WORDS: [string, number][] = [
  ['State', W.State], ['Netid', W.Netid], ['Recv-Q', W.RecvQ], ['Proto', W.Proto], ['Active', W.Active],
  ['Total:', W.Total], ['TCP:', W.TcpColon], ['Transport', W.Transport], ['RAW', W.SummaryRow],
  ['UDP', W.SummaryRow], ['TCP', W.SummaryRow], ['INET', W.SummaryRow], ['FRAG', W.SummaryRow],
  ['$', W.Prompt], ['#', W.Prompt], ['ss', W.Prompt], ['netstat', W.Prompt], ['sudo', W.Prompt],
];

/** tcp_info keys we keep (the `key:value` ones and the `key value` rates). */
const K = {
  rtt: 1, rto: 2, ato: 3, mss: 4, cwnd: 5, ssthresh: 6, unacked: 7, retrans: 8, lost: 9, bytesSent: 10,
  bytesAcked: 11, bytesReceived: 12, bytesRetrans: 13, send: 14, pacingRate: 15, deliveryRate: 16,
} as const;
const INFO_KEYS: [string, number][] = [
  ['rtt', K.rtt], ['rto', K.rto], ['ato', K.ato], ['mss', K.mss], ['cwnd', K.cwnd], ['ssthresh', K.ssthresh],
  ['unacked', K.unacked], ['retrans', K.retrans], ['lost', K.lost], ['bytes_sent', K.bytesSent],
  ['bytes_acked', K.bytesAcked], ['bytes_received', K.bytesReceived], ['bytes_retrans', K.bytesRetrans],
  ['send', K.send], ['pacing_rate', K.pacingRate], ['delivery_rate', K.deliveryRate],
];

/** Per K code: the column (TcpInfoColumns.cols slot) of its value, of the `/b` after it, and rates. */
const CODE_COL = new Int8Array(17);
const SECOND_COL = new Int8Array(17).fill(-1);
const IS_RATE = new Uint8Array(17);
{
  const col: [number, TcpInfoField][] = [
    [K.rtt, 'rtt'], [K.rto, 'rto'], [K.ato, 'ato'], [K.mss, 'mss'], [K.cwnd, 'cwnd'], [K.ssthresh, 'ssthresh'],
    [K.unacked, 'unacked'], [K.retrans, 'retransNow'], [K.lost, 'lost'], [K.bytesSent, 'bytesSent'],
    [K.bytesAcked, 'bytesAcked'], [K.bytesReceived, 'bytesReceived'], [K.bytesRetrans, 'bytesRetrans'],
    [K.send, 'sendBps'], [K.pacingRate, 'pacingBps'], [K.deliveryRate, 'deliveryBps'],
  ];
  for (const [code, field] of col) CODE_COL[code] = COL_SLOT[field];
  SECOND_COL[K.rtt] = COL_SLOT.rttVar;
  SECOND_COL[K.retrans] = COL_SLOT.retransTotal;
  for (const code of [K.send, K.pacingRate, K.deliveryRate]) IS_RATE[code] = 1;
}

const ascii = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

/**
 * INFO_KEYS by their first two bytes: 1 + index of the first candidate, chained through PAIR_NEXT
 * (the four bytes_* keys share a pair). Most tokens of a detail line (segs_out, lastsnd, bbr:(…), …)
 * miss here and are skipped without looking for their colon.
 */
const KEY_PAIR = new Uint8Array(1 << 16);
const PAIR_NEXT = new Uint8Array(INFO_KEYS.length);
const KEY_BYTES = INFO_KEYS.map(([k]) => ascii(k));
INFO_KEYS.forEach(([k], i) => {
  const pair = (k.charCodeAt(0) << 8) | k.charCodeAt(1);
  PAIR_NEXT[i] = KEY_PAIR[pair]!;
  KEY_PAIR[pair] = i + 1;
});

const USERS = ascii('users:((');
const TIMER = ascii('timer:(');

const NETSTAT_TIMERS = new Set(['off', 'on', 'keepalive', 'timewait', 'probe']);
const PROGRESS_STEP = 4 << 20;

const decoder = new TextDecoder('utf-8');

/** Parses ss/netstat text (see module comment). Throws IngestError for empty or binary input. */
export function parseSocketText(bytes: Uint8Array, opts: ParseOptions = {}): ParsedSocketSource {
  if (bytes.length === 0) throw new IngestError('empty input: no ss or netstat output', 0);
  const bad = firstBinaryByte(bytes);
  if (bad >= 0) throw new IngestError('binary data, not ss/netstat text', bad);
  return new SsParser(bytes, opts).run();
}

/** Offset of a NUL or of too many control bytes in the first 4 KiB, else -1. */
function firstBinaryByte(b: Uint8Array): number {
  const n = Math.min(b.length, 4096);
  let ctl = 0;
  let firstCtl = -1;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) return i;
    if (c < 9 || (c > 13 && c < 32) || c === 127) {
      if (firstCtl < 0) firstCtl = i;
      ctl++;
    }
  }
  return ctl > n / 100 ? firstCtl : -1;
}

/**
 * Row counts to allocate, from the line mix of 64 pieces (1 MiB) spread over the input: socket lines run
 * from ~40 bytes (netstat) to ~600 (ss pads to its widest line, which varies by snapshot), so a fixed
 * bytes-per-row guess either regrows or over-allocates (and copies when trimming) several-fold.
 * Columns still grow when the guess is short.
 */
function estimateRows(b: Uint8Array): { sockets: number; details: number } {
  const n = b.length;
  const PIECES = 64;
  const piece = Math.min(n, 1 << 14);
  let sampled = 0;
  let lines = 0;
  let details = 0;
  for (let k = 0; k < PIECES; k++) {
    const from = Math.floor((k * (n - piece)) / (PIECES - 1));
    const to = from + piece;
    let p = from === 0 ? 0 : b.indexOf(LF, from) + 1;
    if (p <= 0 || p >= to) continue;
    const first = p;
    while (p < to) {
      const c = b[p]!;
      if (c === TAB || c === SP) {
        // Only continuation lines with fields make tcp_info rows (ss prints blank ones too).
        let q = p + 1;
        while (q < p + 16 && (b[q] === SP || b[q] === TAB)) q++;
        if (b[q]! > SP) details++;
      } else {
        lines++;
      }
      const e = b.indexOf(LF, p);
      if (e < 0) {
        p = n;
        break;
      }
      p = e + 1;
    }
    sampled += Math.min(p, n) - first;
    if (piece === n) break;
  }
  const scale = sampled > 0 ? (n / sampled) * 1.05 : 0;
  return {
    sockets: Math.min(Math.ceil(lines * scale) + 16, 1 << 24),
    details: Math.min(Math.ceil(details * scale) + 16, 1 << 24),
  };
}

/** Parsed fields of the socket line being read (kept on the parser to avoid per-line objects). */
interface LineFields {
  addr: number;
  port: number;
}

class SsParser {
  private readonly b: Uint8Array;
  /** Word view of the same buffer (from byte 0 of its ArrayBuffer): padding and line ends four bytes at a time. */
  private readonly w32: Int32Array;
  private readonly base: number;

  private readonly sockets: SocketColumns;
  private readonly info: TcpInfoColumns;
  private readonly strings = new StringInterner(['']);
  private readonly states: string[] = [...TCP_STATES, UNKNOWN_STATE];
  private readonly timerKinds: string[] = [''];

  private readonly stateIntern = new ByteInterner();
  private readonly netidIntern = new ByteInterner();
  private readonly wordIntern = new ByteInterner();
  private readonly addrIntern = new ByteInterner();
  private readonly nameIntern = new ByteInterner();
  private readonly timerIntern = new ByteInterner();
  private readonly netstatStateEntries = new Set<number>();
  /** First words of socket lines that were their state → state index. */
  private readonly leadingState = new ByteInterner();

  private snapshots: SnapshotDraft[] = [];
  private cur: SnapshotDraft | null = null;
  private curImplicit = false;
  /** After a malformed snapshot header: drop lines until the next good header. */
  private discarding = false;
  private fdCounts: FdDraft[] = [];
  private gaps: CollectionGap[] = [];
  private summary: SocketSummaryTotals | null = null;
  private summarySnapshot: SnapshotDraft | null = null;
  private baseEpoch: bigint | null = null;

  /** Row that a continuation line belongs to, or -1. */
  private lastRow = -1;
  /** Continuation lines of skipped non-TCP sockets are not garbage. */
  private afterSkippable = false;
  private filterState = -1;
  private sawCommandFilter = false;
  private noStateLines = 0;
  private sawNetstat = false;
  private sawSsSocket = false;
  private columnHeaders = 0;
  private captureHeaders = 0;
  private nonTcp = 0;
  private skipped = 0;
  private firstSkipped: { offset: number; text: string } | null = null;
  private droppedBeforeHeader = 0;
  private unknownStates = new Set<string>();
  private partial = false;
  private readonly warnings: string[] = [];
  private readonly field: LineFields = { addr: 0, port: 0 };
  private numEnd = 0;
  private readonly numOut = new Float64Array(1);
  /** Per endpoint slot (0 local, 3 peer): start, length and strings index of the address read last. */
  private readonly lastAddr = Int32Array.of(0, -1, 0, 0, -1, 0);
  /** Set by lineEnd: end of the line without its trailing spaces. */
  private inkEnd = 0;
  /** The current line's LF (or the input's end). */
  private eol = 0;

  constructor(
    bytes: Uint8Array,
    private readonly opts: ParseOptions,
  ) {
    this.b = bytes;
    this.base = bytes.byteOffset;
    this.w32 = new Int32Array(bytes.buffer, 0, bytes.buffer.byteLength >>> 2);
    const est = estimateRows(bytes);
    this.sockets = new SocketColumns(est.sockets);
    this.info = new TcpInfoColumns(est.details);
    TCP_STATES.forEach((s, i) => this.stateIntern.seed(s, i));
    this.stateIntern.seed(UNKNOWN_STATE, TCP_STATES.length);
    for (const [n, s] of Object.entries(NETSTAT_STATES)) {
      this.netstatStateEntries.add(this.stateIntern.seed(n, TCP_STATES.indexOf(s as never)));
    }
    for (const n of NETIDS) this.netidIntern.seed(n, n === 'tcp' || n === 'tcp6' ? 1 : 0);
    for (const [wd, code] of WORDS) this.wordIntern.seed(wd, code);
  }

  run(): ParsedSocketSource {
    throwIfAborted(this.opts.signal);
    const b = this.b;
    const n = b.length;
    let pos = 0;
    let nextProgress = PROGRESS_STEP;
    while (pos < n) {
      const eol = this.lineEnd(pos);
      if (eol === n) {
        if (!this.lastLineBlank(pos, n)) {
          // Cut short. The line is kept when it ends in ss's blank padding or a closing paren (cut
          // between fields, not inside a number); the input is partial either way.
          this.partial = true;
          const c = this.b[n - 1];
          if (c !== SP && c !== RPAREN) {
            this.warnings.push(`input ends mid-line (at byte ${pos}); the cut line was dropped`);
            break;
          }
          this.warnings.push('input ends without a final newline; it may have been cut short');
        }
      }
      // The parse stops at the last non-space: ss pads lines with hundreds of blanks.
      this.eol = eol;
      this.line(pos, this.inkEnd);
      pos = eol + 1;
      if (pos >= nextProgress) {
        nextProgress += PROGRESS_STEP;
        throwIfAborted(this.opts.signal);
        this.opts.onProgress?.(pos / n);
      }
    }
    this.opts.onProgress?.(1);
    return this.finish();
  }

  /**
   * Index of the first LF at or after p, else the input length; sets inkEnd to the line's end without
   * trailing spaces. Word-wise (a zero-byte test on word ^ 0x0a0a0a0a, all-space words skipped on
   * the way and remembered): several times faster than Uint8Array#indexOf, which also costs a call
   * per line, and the padding is read only once.
   */
  private lineEnd(start: number): number {
    const b = this.b;
    const n = b.length;
    const base = this.base;
    let p = start;
    while (p < n && (p + base) & 3) {
      if (b[p] === LF) return this.setInkEnd(start, p, p, p);
      p++;
    }
    const w = this.w32;
    const wEnd = (n + base) >> 2;
    let wi = (p + base) >> 2;
    // Bytes from `spacesFrom` up to word wi are known spaces.
    let spacesFrom = p;
    for (; wi < wEnd; wi++) {
      const v = w[wi]!;
      if (v === SPACES4) continue;
      const x = v ^ 0x0a0a0a0a;
      if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
      spacesFrom = ((wi + 1) << 2) - base;
    }
    const from = Math.max(p, (wi << 2) - base);
    p = from;
    while (p < n && b[p] !== LF) p++;
    return this.setInkEnd(start, p, from, spacesFrom);
  }

  /** [spacesFrom, from) are spaces, [from, eol) unknown: the line's end without trailing spaces. */
  private setInkEnd(start: number, eol: number, from: number, spacesFrom: number): number {
    const b = this.b;
    let e = eol;
    while (e > from && b[e - 1] === SP) e--;
    if (e === from) e = spacesFrom;
    while (e > start && b[e - 1] === SP) e--;
    this.inkEnd = e;
    return eol;
  }

  /** True when [start, end) holds only blanks. */
  private lastLineBlank(start: number, end: number): boolean {
    return this.skipBlanks(start, end) === end;
  }

  // ---------------------------------------------------------------- lines

  private line(start: number, end: number): void {
    const b = this.b;
    const c0 = start < end ? b[start]! : LF;
    if (c0 === TAB || c0 === SP) {
      const p = this.skipBlanks(start, end);
      if (p === end) return;
      if (this.lastRow >= 0) this.tcpInfoLine(this.lastRow, p, end);
      else if (!this.afterSkippable) this.skip(start, end);
      return;
    }
    if (c0 === LF || c0 === CR) return;
    if (c0 === HASH && end - start > 4 && b[start + 1] === HASH && b[start + 2] === HASH && b[start + 3] === SP) {
      this.headerLine(start, end);
      return;
    }
    this.lastRow = -1;
    this.afterSkippable = false;
    if (this.discarding) {
      this.skip(start, end);
      return;
    }
    const te = this.tokenEnd(start, end);
    // Most lines start with a state word already seen leading a socket line: one lookup settles it.
    const known = this.leadingState.find(b, start, te);
    if (known >= 0) {
      if (!this.socketLine(start, end, this.leadingState.values[known]!)) this.skip(start, end);
      return;
    }
    const word = this.wordIntern.find(b, start, te);
    if (word >= 0) {
      this.wordLine(this.wordIntern.values[word]!, start, end);
      return;
    }
    if (!this.socketLine(start, end, -1)) this.skip(start, end);
  }

  private skip(start: number, end: number): void {
    this.lastRow = -1;
    this.skipped++;
    if (!this.firstSkipped) {
      const text = decoder.decode(this.b.subarray(start, Math.min(end, start + 80))).trimEnd();
      this.firstSkipped = { offset: start, text };
    }
  }

  private wordLine(code: number, start: number, end: number): void {
    switch (code) {
      case W.State:
      case W.Netid:
      case W.RecvQ:
        this.columnHeaders++;
        return;
      case W.Proto:
        this.sawNetstat = true;
        return;
      case W.Active:
      case W.Transport:
        return;
      case W.SummaryRow:
        if (this.summary) return;
        this.skip(start, end);
        return;
      case W.Total:
      case W.TcpColon:
        this.summaryLine(code, start, end);
        return;
      case W.Prompt:
        this.commandLine(start, end);
        return;
    }
  }

  /** A pasted shell prompt line (`$ ss -tn state time-wait`): remember a single-state filter. */
  private commandLine(start: number, end: number): void {
    const text = decoder.decode(this.b.subarray(start, end));
    const m = /\bstate\s+([a-z0-9-]+)/i.exec(text);
    if (!m || /\bstate\b[\s\S]*\bstate\b/.test(text)) return;
    const name = FILTER_STATES[m[1]!.toLowerCase()];
    this.sawCommandFilter = true;
    this.filterState = name ? TCP_STATES.indexOf(name as never) : -1;
  }

  private summaryLine(code: number, start: number, end: number): void {
    const text = decoder.decode(this.b.subarray(start, end));
    if (!this.cur) this.openImplicit();
    const s = (this.summary ??= { epochNs: null, tcp: {}, total: null });
    this.summarySnapshot = this.cur;
    if (code === W.Total) {
      const m = /^Total:\s+(\d+)/.exec(text);
      if (m) s.total = Number(m[1]);
      else this.skip(start, end);
      return;
    }
    const m = /^TCP:\s+(\d+)(?:\s*\(([^)]*)\))?/.exec(text);
    if (!m) {
      this.skip(start, end);
      return;
    }
    s.tcp.total = Number(m[1]);
    // `estab 0, closed 2482, orphaned 0, timewait 2482` (older ss: `timewait 0/0`, `synrecv 0`).
    for (const part of (m[2] ?? '').split(',')) {
      const kv = /^\s*([a-z_-]+)\s+(\d+)/i.exec(part);
      if (kv) s.tcp[kv[1]!] = Number(kv[2]);
    }
  }

  // ---------------------------------------------------------------- ### headers

  private headerLine(start: number, end: number): void {
    this.lastRow = -1;
    this.afterSkippable = false;
    const b = this.b;
    const ks = this.skipBlanks(start + 4, end);
    const ke = this.tokenEnd(ks, end);
    const kind = decoder.decode(b.subarray(ks, ke));
    const ts = this.skipBlanks(ke, end);
    const te = this.tokenEnd(ts, end);
    let digits = te > ts && te - ts <= 21;
    for (let i = ts; i < te && digits; i++) digits = isDigit(b[i]!);
    const hs = this.skipBlanks(te, end);
    const he = this.tokenEnd(hs, end);
    const known = kind === 'ss-snapshot' || kind === 'fd-count' || kind === 'gap';
    if (!known || !digits || he === hs) {
      if (kind === 'ss-snapshot') this.discarding = true;
      this.skip(start, end);
      return;
    }
    const rel = this.relTime(decoder.decode(b.subarray(ts, te)));
    const host = this.str(decoder.decode(b.subarray(hs, he)));
    this.captureHeaders++;
    if (kind === 'ss-snapshot') {
      this.closeSnapshot();
      if (this.curImplicit) {
        // Socket lines before the first header have no time: drop them.
        this.droppedBeforeHeader += this.sockets.length;
        this.sockets.reset();
        this.info.reset();
        this.snapshots.length = 0;
        this.curImplicit = false;
      }
      this.discarding = false;
      this.cur = { timeNs: rel, host, firstRow: this.sockets.length, rowCount: 0 };
      this.snapshots.push(this.cur);
      return;
    }
    const rs = this.skipBlanks(he, end);
    if (kind === 'fd-count') {
      const pe = this.tokenEnd(rs, end);
      const cs = this.skipBlanks(pe, end);
      const ce = this.tokenEnd(cs, end);
      const pid = this.int(rs, pe);
      const count = this.int(cs, ce);
      if (pid < 0 || count < 0) {
        this.skip(start, end);
        return;
      }
      this.fdCounts.push({ timeNs: rel, host, pid, count });
      return;
    }
    let re = end;
    while (re > rs && isBlank(b[re - 1]!)) re--;
    this.gaps.push({ timeNs: rel, host: this.strings.list[host]!, reason: decoder.decode(b.subarray(rs, re)) });
  }

  /** ns since the first header seen (exact: the difference is taken in BigInt). */
  private relTime(digits: string): number {
    const v = BigInt(digits);
    if (this.baseEpoch === null) this.baseEpoch = v;
    return Number(v - this.baseEpoch);
  }

  private closeSnapshot(): void {
    if (this.cur) this.cur.rowCount = this.sockets.length - this.cur.firstRow;
  }

  private openImplicit(): void {
    this.cur = { timeNs: 0, host: 0, firstRow: this.sockets.length, rowCount: 0 };
    this.snapshots.push(this.cur);
    this.curImplicit = true;
  }

  // ---------------------------------------------------------------- socket lines

  /**
   * `[Netid] [State] Recv-Q Send-Q Local:Port Peer:Port [netstat State] [extras…]`.
   * Returns false (nothing added) when the line is not a socket row.
   */
  private socketLine(start: number, end: number, knownState: number): boolean {
    const b = this.b;
    let p = start;
    let te = this.tokenEnd(p, end);
    const netid = knownState >= 0 ? -1 : this.netidIntern.find(b, p, te);
    if (netid >= 0) {
      if (this.netidIntern.values[netid] === 0) {
        // udp/unix/… rows of `ss -a`: not ours, and neither are their continuation lines.
        this.nonTcp++;
        this.afterSkippable = true;
        return true;
      }
      p = this.skipBlanks(te, end);
      te = this.tokenEnd(p, end);
    }
    let state = -1;
    let stateStart = -1;
    let stateEnd = -1;
    if (!isDigit(b[p] ?? 0)) {
      if (knownState < 0 && !this.stateShaped(p, te)) return false;
      stateStart = p;
      stateEnd = te;
      p = this.skipBlanks(te, end);
      te = this.tokenEnd(p, end);
    }
    const recvQ = this.int(p, te);
    p = this.skipBlanks(te, end);
    te = this.tokenEnd(p, end);
    const sendQ = this.int(p, te);
    if (recvQ < 0 || sendQ < 0) return false;
    p = this.skipBlanks(te, end);
    te = this.tokenEnd(p, end);
    if (!this.endpoint(p, te, 0)) return false;
    const localAddr = this.field.addr;
    const localPort = this.field.port;
    p = this.skipBlanks(te, end);
    te = this.tokenEnd(p, end);
    if (!this.endpoint(p, te, 3)) return false;

    if (!this.cur) this.openImplicit();
    const s = this.sockets;
    const r = s.add();
    s.localAddr[r] = localAddr;
    s.localPort[r] = localPort;
    s.peerAddr[r] = this.field.addr;
    s.peerPort[r] = this.field.port;
    s.recvQ[r] = recvQ;
    s.sendQ[r] = sendQ;
    this.lastRow = r;

    // Extras: users:(…), timer:(…); netstat's State, PID/Program and Timer columns.
    p = this.skipBlanks(te, end);
    let netstatLine = false;
    if (knownState >= 0) {
      state = knownState;
    } else if (stateStart >= 0) {
      state = this.stateIndex(stateStart, stateEnd);
      // The same word leading a later line is this state again (stateIndex is a pure lookup once a
      // word has been seen); netid lines are not cached, their first word is no state.
      if (stateStart === start) this.leadingState.intern(b, stateStart, stateEnd, () => state);
    } else if (p < end && this.stateShaped(p, (te = this.tokenEnd(p, end)))) {
      // netstat prints the state after the addresses.
      state = this.stateIndex(p, te);
      netstatLine = true;
      p = this.skipBlanks(te, end);
    }
    while (p < end) {
      const c = b[p]!;
      if (c === 117 /* u */ && this.startsWith(p, end, USERS)) {
        // users:(…) and timer:(…) read up to their closing delimiter, which an unterminated one seeks
        // into the trailing blanks: give them the whole line.
        p = this.users(r, p + 8, this.eol);
      } else if (c === 116 /* t */ && this.startsWith(p, end, TIMER)) {
        p = this.ssTimer(r, p + 7, this.eol);
      } else {
        te = this.tokenEnd(p, end);
        if (isDigit(c)) {
          this.netstatPid(r, p, te);
        } else if (c >= 97 && c <= 122 && te - p <= 9 && this.until(p, te, COLON, COLON) === te) {
          if (NETSTAT_TIMERS.has(decoder.decode(b.subarray(p, te)))) te = this.netstatTimer(r, p, te, this.eol);
        }
        p = te;
      }
      p = this.skipBlanks(p, end);
    }
    if (state < 0) {
      this.noStateLines++;
      state = this.filterState >= 0 ? this.filterState : TCP_STATES.length;
    }
    s.state[r] = state;
    if (netstatLine) this.sawNetstat = true;
    else this.sawSsSocket = true;
    return true;
  }

  /** An upper-case word such as ESTAB or TIME_WAIT. */
  private stateShaped(p: number, te: number): boolean {
    const b = this.b;
    if (te === p || !(b[p]! >= 65 && b[p]! <= 90)) return false;
    for (let i = p + 1; i < te; i++) {
      const c = b[i]!;
      if (!((c >= 65 && c <= 90) || isDigit(c) || c === 45 || c === 95)) return false;
    }
    return true;
  }

  /** State index for a state word (ss or netstat spelling); unknown words are added as given. */
  private stateIndex(p: number, te: number): number {
    const b = this.b;
    const known = this.stateIntern.find(b, p, te);
    if (known >= 0 && !this.netstatStateEntries.has(known)) return this.stateIntern.values[known]!;
    const e = this.stateIntern.intern(b, p, te, (text) => {
      if (this.states.length >= 255) {
        this.unknownStates.add(text);
        return TCP_STATES.length;
      }
      this.states.push(text);
      this.unknownStates.add(text);
      return this.states.length - 1;
    });
    if (this.netstatStateEntries.has(e)) this.sawNetstat = true;
    return this.stateIntern.values[e]!;
  }

  /** `addr:port` → this.field; false when the token is not an endpoint. slot: 0 local, 3 peer. */
  private endpoint(p: number, te: number, slot: number): boolean {
    const b = this.b;
    let k = te - 1;
    while (k >= p && b[k] !== COLON) k--;
    if (k <= p || k === te - 1) return false;
    let port = 0;
    if (!(b[k + 1] === STAR && k + 2 === te)) {
      for (let i = k + 1; i < te; i++) {
        const c = b[i]!;
        if (isDigit(c)) port = port * 10 + (c - 48);
        else if ((c >= 97 && c <= 122) || c === 45) port = 0; // service name (ss without -n): unknown port
        else return false;
      }
      if (port > 65535) return false;
    }
    // Local and peer addresses each repeat row after row: compare with the one this slot read last.
    const a = this.lastAddr;
    const len = k - p;
    let same = a[slot + 1] === len;
    const q = a[slot]! - p;
    for (let i = k - 1; same && i >= p; i--) same = b[i] === b[i + q];
    if (!same) {
      let e = this.addrIntern.find(b, p, k);
      if (e < 0) e = this.addrIntern.intern(b, p, k, (raw) => this.str(normalizeAddr(raw)));
      a[slot] = p;
      a[slot + 1] = len;
      a[slot + 2] = this.addrIntern.values[e]!;
    }
    this.field.addr = a[slot + 2]!;
    this.field.port = port;
    return true;
  }

  /** `users:(("name",pid=1,fd=3),("other",pid=2,fd=4))` — keeps the first user; returns the end. */
  private users(r: number, p: number, end: number): number {
    const b = this.b;
    const s = this.sockets;
    if (b[p] === QUOTE) {
      let q = p + 1;
      while (q < end && b[q] !== QUOTE) q++;
      if (q < end) {
        s.process[r] = this.name(p + 1, q);
        let i = q + 1;
        while (i < end && b[i] === COMMA) {
          i++;
          const ks = i;
          while (i < end && b[i] !== 61 /* = */ && b[i] !== COMMA && b[i] !== RPAREN) i++;
          if (b[i] !== 61) continue;
          const ve = this.until(i + 1, end, COMMA, RPAREN);
          const v = Math.min(this.int(i + 1, ve), 0x7fffffff);
          // b[i] is the first `=` after ks: `pid=` / `fd=` start there exactly when i is 3 / 2 on.
          if (i - ks === 3 && b[ks] === 112 && b[ks + 1] === 105 && b[ks + 2] === 100) s.pid[r] = v;
          else if (i - ks === 2 && b[ks] === 102 && b[ks + 1] === 100) s.fd[r] = v;
          i = ve;
        }
        // Usually the first user ends the list: `…,fd=3))`. Nothing before i after the name can be a
        // `)` (the reads above stop at one), so unless a stray quote intervenes, that is the end.
        if (b[i] === RPAREN && b[i + 1] === RPAREN) {
          let k = q + 1;
          while (k < i && b[k] !== QUOTE) k++;
          if (k === i) return i + 2;
        }
      }
    }
    // Skip to the closing `))`, stepping over quoted names (which may hold spaces or parens).
    let inQuote = false;
    for (let i = p; i < end; i++) {
      const c = b[i]!;
      if (c === QUOTE) inQuote = !inQuote;
      else if (!inQuote && c === RPAREN && b[i + 1] === RPAREN) return i + 2;
    }
    return end;
  }

  /** `timer:(keepalive,1min2sec,0)`; returns the end of the token. */
  private ssTimer(r: number, p: number, end: number): number {
    const b = this.b;
    const ke = this.until(p, end, COMMA, RPAREN);
    const s = this.sockets;
    s.timerKind[r] = this.timerKind(p, ke);
    if (b[ke] === COMMA) {
      const de = this.until(ke + 1, end, COMMA, RPAREN);
      s.timerMs[r] = parseSsDuration(b, ke + 1, de);
      if (b[de] === COMMA) {
        const ce = this.until(de + 1, end, RPAREN, RPAREN);
        const v = this.int(de + 1, ce);
        s.timerRetrans[r] = v < 0 ? 0 : Math.min(v, 65535);
        return ce + 1;
      }
      return this.tokenEnd(de, end);
    }
    return this.tokenEnd(ke, end);
  }

  private timerKind(p: number, e: number): number {
    const found = this.timerIntern.find(this.b, p, e);
    if (found >= 0) return this.timerIntern.values[found]!;
    const k = this.timerIntern.intern(this.b, p, e, (text) => {
      if (this.timerKinds.length >= 255) return 0;
      this.timerKinds.push(text);
      return this.timerKinds.length - 1;
    });
    return this.timerIntern.values[k]!;
  }

  /** netstat -o: `keepalive (7170.47/0/0)`; returns the end of what it consumed. */
  private netstatTimer(r: number, p: number, te: number, end: number): number {
    const b = this.b;
    const ps = this.skipBlanks(te, end);
    if (b[ps] !== LPAREN) return te;
    const pe = this.tokenEnd(ps, end);
    if (!(b[p] === 111 && b[p + 1] === 102)) {
      // not "off"
      const s = this.sockets;
      s.timerKind[r] = this.timerKind(p, te);
      const secs = this.num(ps + 1, pe);
      if (secs === secs) s.timerMs[r] = Math.round(secs * 1000);
      if (b[this.numEnd] === SLASH) {
        const v = this.int(this.numEnd + 1, this.until(this.numEnd + 1, pe, SLASH, RPAREN));
        if (v >= 0) s.timerRetrans[r] = Math.min(v, 65535);
      }
    }
    return pe;
  }

  /** netstat -p: `1234/name` (or `-`). */
  private netstatPid(r: number, p: number, te: number): void {
    const slash = this.until(p, te, SLASH, SLASH);
    if (slash >= te) return;
    const pid = this.int(p, slash);
    if (pid < 0) return;
    const s = this.sockets;
    s.pid[r] = pid;
    s.process[r] = this.name(slash + 1, te);
  }

  /** Interned process name of bytes [p, e) → strings index. */
  private name(p: number, e: number): number {
    let k = this.nameIntern.find(this.b, p, e);
    if (k < 0) k = this.nameIntern.intern(this.b, p, e, (name) => this.str(name));
    return this.nameIntern.values[k]!;
  }

  // ---------------------------------------------------------------- tcp_info continuation

  private tcpInfoLine(r: number, p: number, end: number): void {
    const b = this.b;
    const t = this.info;
    let row = this.sockets.info[r]!;
    // b[end] is a blank (or past the buffer), so `b[i] > SP` alone stops every token scan, and a
    // number read with `end` as its bound stops where it would with the token's end.
    while (p < end) {
      const c0 = b[p]!;
      if (c0 <= SP) {
        p = this.skipBlanks(p, end);
        continue;
      }
      // The key is the token up to its first colon (or the whole token): match it against the
      // candidates of its first two bytes, then check that it ends there.
      let code = 0;
      let colon = p;
      for (let cand = KEY_PAIR[(c0 << 8) | b[p + 1]!]!; cand !== 0; cand = PAIR_NEXT[cand - 1]!) {
        const key = KEY_BYTES[cand - 1]!;
        const len = key.length;
        let i = 2;
        while (i < len && b[p + i] === key[i]) i++;
        if (i < len) continue;
        const after = b[p + len];
        if (after === COLON || !(after! > SP)) {
          code = INFO_KEYS[cand - 1]![1];
          colon = p + len;
          break;
        }
      }
      if (code === 0) {
        // Not a wanted key: straight to the next token.
        let q = p + 1;
        while (b[q]! > SP) q++;
        if (b[q] === SP && q + 1 < end && b[q + 1]! > SP) p = q + 1;
        else p = this.skipBlanks(q, end);
        continue;
      }
      let vs = colon + 1;
      if (b[colon] !== COLON) {
        // `send 123bps`, `pacing_rate 4.5Mbps`: the value is the next token; other keys need a colon.
        if (code !== K.send && code !== K.pacingRate && code !== K.deliveryRate) {
          p = this.skipBlanks(colon, end);
          continue;
        }
        vs = this.skipBlanks(colon, end);
      }
      if (row < 0) {
        row = t.add();
        this.sockets.info[r] = row;
      }
      // Column stores picked by table: a 16-way switch here cost more than the parsing.
      // readNum leaves its value in numOut: a double returned from a call is boxed on the heap,
      // millions of times over a capture.
      const out = this.numOut;
      this.readNum(vs, end);
      const cols = t.cols;
      cols[CODE_COL[code]!]![row] = IS_RATE[code] ? out[0]! * this.unit() : out[0]!;
      const second = SECOND_COL[code]!;
      if (second >= 0 && b[this.numEnd] === SLASH) {
        this.readNum(this.numEnd + 1, end);
        cols[second]![row] = out[0]!;
      }
      // The rest of the value token (`bps`, …) after the number(s) just read.
      let q = this.numEnd;
      while (b[q]! > SP) q++;
      if (b[q] === SP && q + 1 < end && b[q + 1]! > SP) p = q + 1;
      else p = this.skipBlanks(q, end);
    }
  }

  /** Multiplier of an ss rate suffix after the number just read (`bps`, `Kbps`, `M`, …; a blank: 1). */
  private unit(): number {
    switch (this.b[this.numEnd]) {
      case 75: case 107: return 1e3; // K k
      case 77: return 1e6;
      case 71: return 1e9;
      case 84: return 1e12;
      default: return 1;
    }
  }

  // ---------------------------------------------------------------- small readers

  private skipBlanks(p: number, end: number): number {
    const b = this.b;
    while (p < end && (p + this.base) & 3 && isBlank(b[p]!)) p++;
    if (p < end && b[p] === SP) {
      // Aligned: ss pads lines with hundreds of spaces.
      const w = this.w32;
      let wi = (p + this.base) >>> 2;
      while (p + 4 <= end && w[wi] === SPACES4) {
        p += 4;
        wi++;
      }
    }
    while (p < end && isBlank(b[p]!)) p++;
    return p;
  }

  private tokenEnd(p: number, end: number): number {
    const b = this.b;
    while (p < end && b[p]! > SP) p++;
    return p;
  }

  /** First index in [p, end) holding c1 or c2, else end. */
  private until(p: number, end: number, c1: number, c2: number): number {
    const b = this.b;
    while (p < end && b[p] !== c1 && b[p] !== c2) p++;
    return p;
  }

  /** True when [p, end) starts with the bytes of s. */
  private startsWith(p: number, end: number, s: Uint8Array): boolean {
    if (end - p < s.length) return false;
    const b = this.b;
    for (let i = 0; i < s.length; i++) if (b[p + i] !== s[i]) return false;
    return true;
  }

  /** Non-negative integer spanning all of [p, e), else -1. */
  private int(p: number, e: number): number {
    const b = this.b;
    if (p >= e) return -1;
    let v = 0;
    for (let i = p; i < e; i++) {
      const c = b[i]!;
      if (!isDigit(c)) return -1;
      v = v * 10 + (c - 48);
    }
    this.numEnd = e;
    return v > 0xffffffff ? -1 : v;
  }

  /** Leading decimal number of [p, e) (sets numEnd after it), or NaN. */
  private num(p: number, e: number): number {
    this.readNum(p, e);
    return this.numOut[0]!;
  }

  /** num() into numOut[0]. */
  private readNum(p: number, e: number): void {
    const b = this.b;
    let i = p;
    // Up to 9 digits in a small integer (cheaper than the double multiply-add), the rest as a
    // double: the same value either way while it stays below 2^53, which 15 digits do not reach.
    let small = 0;
    const smallEnd = Math.min(e, p + 9);
    while (i < smallEnd && isDigit(b[i]!)) small = small * 10 + (b[i++]! - 48);
    let v = small;
    while (i < e && isDigit(b[i]!)) v = v * 10 + (b[i++]! - 48);
    let any = i > p;
    if (i < e && b[i] === DOT) {
      i++;
      let frac = 0;
      let scale = 1;
      const fs = i;
      while (i < e && isDigit(b[i]!)) {
        frac = frac * 10 + (b[i++]! - 48);
        scale *= 10;
      }
      if (i > fs) {
        v += frac / scale;
        any = true;
      }
    }
    this.numEnd = i;
    this.numOut[0] = any ? v : NaN;
  }

  private str(s: string): number {
    return this.strings.intern(s);
  }

  // ---------------------------------------------------------------- result

  private finish(): ParsedSocketSource {
    this.closeSnapshot();
    const capture = this.captureHeaders > 0;
    const w = this.warnings;
    if (!capture && this.sockets.length === 0 && this.columnHeaders === 0 && !this.summary && !this.sawNetstat) {
      const why = this.firstSkipped ? `; first line read: "${this.firstSkipped.text}"` : '';
      throw new IngestError(`no ss or netstat output found${why}`, this.firstSkipped?.offset ?? 0);
    }
    if (this.skipped > 0) {
      const f = this.firstSkipped;
      w.push(
        `${this.skipped} unreadable line(s) skipped` + (f ? ` (first at byte ${f.offset}: "${f.text}")` : ''),
      );
    }
    if (this.droppedBeforeHeader > 0) {
      w.push(`${this.droppedBeforeHeader} socket line(s) before the first ### ss-snapshot header dropped (no time)`);
    }
    if (this.nonTcp > 0) w.push(`${this.nonTcp} non-TCP socket line(s) ignored`);
    if (this.unknownStates.size > 0) w.push(`unknown state(s) kept as given: ${[...this.unknownStates].join(', ')}`);
    if (this.noStateLines > 0) {
      w.push(
        this.filterState >= 0
          ? `${this.noStateLines} socket line(s) had no State column; state ${this.states[this.filterState]} taken from the ss state filter`
          : `${this.noStateLines} socket line(s) had no State column (state-filtered ss output${this.sawCommandFilter ? ' with a multi-state filter' : ''}); state set to ${UNKNOWN_STATE}`,
      );
    }
    if (!capture && this.columnHeaders > 1) {
      w.push(`${this.columnHeaders} column headers without ### ss-snapshot framing: read as one snapshot`);
    }
    if (sortByTime(this.snapshots)) w.push('snapshots were out of time order; sorted by their header time');
    if (sortByTime(this.fdCounts)) w.push('fd-count lines were out of time order; sorted');
    sortByTime(this.gaps);

    let format: string;
    let clock: SourceClock;
    let shift = 0;
    const startNs = 0;
    let endNs = 0;
    if (capture) {
      format = 'ss capture';
      // Each list is sorted: its first and last items bound it (no spread: lists can be long).
      let lo = Infinity;
      let hi = -Infinity;
      for (const list of [this.snapshots, this.fdCounts, this.gaps]) {
        if (list.length === 0) continue;
        lo = Math.min(lo, list[0]!.timeNs);
        hi = Math.max(hi, list[list.length - 1]!.timeNs);
      }
      shift = lo;
      endNs = hi - lo;
      clock = {
        originEpochNs: (this.baseEpoch! + BigInt(shift)).toString(),
        quality: 'exact',
        basis: 'capture headers',
      };
      if (this.summary && this.summarySnapshot) {
        this.summary.epochNs = (this.baseEpoch! + BigInt(this.summarySnapshot.timeNs)).toString();
      }
    } else {
      format = this.summary && this.sockets.length === 0 ? 'ss summary' : this.sawNetstat && !this.sawSsSocket ? 'netstat' : 'ss';
      if (this.snapshots.length === 0) this.openImplicit();
      clock = mtimeClock(this.opts.mtimeMs, { noFileTime: 'no clock (no file time)' });
      if (this.summary) this.summary.epochNs = clock.originEpochNs;
    }
    const model = buildModel({
      snapshots: this.snapshots,
      shiftNs: shift,
      sockets: this.sockets,
      tcpInfo: this.info,
      strings: this.strings.list,
      states: this.states,
      timerKinds: this.timerKinds,
      fdCounts: this.fdCounts,
      gaps: this.gaps,
      summary: this.summary,
      skippedLines: this.skipped,
    });
    return { kind: 'ss', format, clock, startNs, endNs, partial: this.partial, warnings: w, model };
  }
}

/** `[::1]` → `::1`, `[fe80::1]%eth0` → `fe80::1%eth0`; anything else as printed. */
export function normalizeAddr(raw: string): string {
  if (raw.charCodeAt(0) !== LBRACK) return raw;
  const close = raw.indexOf(String.fromCharCode(RBRACK));
  if (close < 0) return raw;
  return raw.slice(1, close) + raw.slice(close + 1);
}

/**
 * ss's timer text, in milliseconds. iproute2 prints `[Nmin][N(sec|.)][NNNms]`: `59sec`, `200ms`,
 * `1.004ms` (1 s + 4 ms), `2min`, `1min5sec`, `` (0); older versions print fractions such as
 * `7.9sec`. A dot followed by `ms` is the first form, by `sec`/`s`/`min` a fraction.
 */
export function parseSsDuration(b: Uint8Array, p: number, e: number): number {
  let ms = 0;
  let i = p;
  while (i < e) {
    let v = 0;
    const s = i;
    while (i < e && isDigit(b[i]!)) v = v * 10 + (b[i++]! - 48);
    if (i === s) break;
    let frac = 0;
    let scale = 1;
    const dotted = b[i] === DOT && i < e;
    if (dotted) {
      i++;
      while (i < e && isDigit(b[i]!)) {
        frac = frac * 10 + (b[i++]! - 48);
        scale *= 10;
      }
    }
    const c0 = i < e ? b[i]! : 0;
    const c1 = i + 1 < e ? b[i + 1]! : 0;
    if (c0 === 109 /* m */ && c1 === 115 /* s */) {
      ms += dotted ? v * 1000 + frac : v;
      i += 2;
    } else if (c0 === 109 && c1 === 105 /* i */) {
      ms += (v + frac / scale) * 60000;
      i += 3;
    } else if (c0 === 115 /* s */) {
      ms += (v + frac / scale) * 1000;
      i += b[i + 1] === 101 /* e */ ? 3 : 1;
    } else {
      ms += dotted ? (v + frac / scale) * 1000 : v;
      break;
    }
  }
  return Math.min(Math.round(ms), 0xffffffff);
}
