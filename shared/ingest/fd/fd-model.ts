/**
 * What the lsof and /proc fd readers share: splitting text into lines with byte offsets, the
 * file-mtime clock, and assembling their (small) results into a one-snapshot SocketCaptureModel.
 * Built here rather than with shared/ingest/ss's growable columns: these inputs are a few thousand
 * rows at most, and keeping the two folders independent lets each change its internals freely.
 */
import { StringInterner } from '../../model/interner.ts';
import type { ParsedSource } from '../../model/source.ts';
import type { SocketCaptureModel, TcpInfoTable } from '../../model/sockets.ts';
import { TCP_INFO_F32, TCP_INFO_F64, TCP_STATES, UNKNOWN_STATE } from '../../model/sockets.ts';
import type { SourceClock } from '../../model/time.ts';
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import { mtimeClock as fileMtimeClock } from '../mtime-clock.ts';

export type ParsedFdSource = Extract<ParsedSource, { kind: 'ss' }>;

/** One TCP socket as an fd reader saw it; state already in ss spelling. */
export interface FdSocketRow {
  state: string;
  localAddr: string;
  localPort: number;
  peerAddr: string;
  peerPort: number;
  recvQ: number;
  sendQ: number;
  process: string | null;
  pid: number;
  fd: number;
}

/** Open-fd count of one process at the listing's moment (pid 0 = not known). */
export interface FdCountSample {
  pid: number;
  count: number;
}

export interface TextLine {
  text: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** False for a last line the input cut off (no newline after it). */
  terminated: boolean;
}

const utf8 = new TextDecoder('utf-8');

/** Offset of a NUL, or of the first control byte when they are >1% of the first 4 KiB; else -1. */
export function binaryOffset(b: Uint8Array): number {
  const n = Math.min(b.length, 4096);
  let ctl = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) return i;
    if (c < 9 || (c > 13 && c < 32)) {
      ctl++;
      if (first < 0) first = i;
    }
  }
  return ctl > n / 100 ? first : -1;
}

/** Rejects empty and binary input with the reason a user can act on. */
export function checkText(b: Uint8Array, what: string): void {
  if (b.length === 0) throw new IngestError(`empty input: no ${what}`, 0);
  const bad = binaryOffset(b);
  if (bad >= 0) throw new IngestError(`binary data, not ${what} text`, bad);
}

/**
 * Lines with their byte offsets (CR before LF dropped). Reports progress and honours the abort
 * signal every 64 Ki lines, so a huge paste cannot run unobserved.
 */
export function splitLines(b: Uint8Array, opts: ParseOptions): TextLine[] {
  const out: TextLine[] = [];
  let start = 0;
  while (start < b.length) {
    let end = b.indexOf(10, start);
    const terminated = end >= 0;
    if (!terminated) end = b.length;
    let stop = end;
    if (stop > start && b[stop - 1] === 13) stop--;
    out.push({ text: utf8.decode(b.subarray(start, stop)), offset: start, terminated });
    start = end + 1;
    if ((out.length & 0xffff) === 0) {
      throwIfAborted(opts.signal);
      opts.onProgress?.(start / b.length);
    }
  }
  return out;
}

/** No clock inside these listings: placed at the file's mtime when known (as the ss reader does). */
export function mtimeClock(mtimeMs: number | undefined): SourceClock {
  return fileMtimeClock(mtimeMs, { noFileTime: 'no clock (no file time)' });
}

function emptyTcpInfo(): TcpInfoTable {
  const t: Record<string, unknown> = { length: 0 };
  for (const k of TCP_INFO_F32) t[k] = new Float32Array(0);
  for (const k of TCP_INFO_F64) t[k] = new Float64Array(0);
  return t as unknown as TcpInfoTable;
}

/**
 * One snapshot at t=0 (host '' — a listing names no host) holding `rows`, plus one fd-count sample
 * per process at the same moment.
 */
export function buildFdModel(rows: readonly FdSocketRow[], samples: readonly FdCountSample[], skippedLines: number): SocketCaptureModel {
  const strings = new StringInterner(['']);
  const intern = (s: string) => strings.intern(s);
  const states: string[] = [...TCP_STATES, UNKNOWN_STATE];
  const stateIdx = new Map(states.map((s, i) => [s, i]));
  const n = rows.length;
  const sockets = {
    length: n,
    state: new Uint8Array(n),
    localAddr: new Int32Array(n),
    localPort: new Uint16Array(n),
    peerAddr: new Int32Array(n),
    peerPort: new Uint16Array(n),
    recvQ: new Uint32Array(n),
    sendQ: new Uint32Array(n),
    timerKind: new Uint8Array(n),
    timerMs: new Uint32Array(n),
    timerRetrans: new Uint16Array(n),
    process: new Int32Array(n),
    pid: new Int32Array(n),
    fd: new Int32Array(n),
    info: new Int32Array(n).fill(-1),
  };
  rows.forEach((r, i) => {
    let st = stateIdx.get(r.state);
    // Uint8 state column: past 255 distinct names, the rest fold into UNKNOWN.
    if (st === undefined && states.length < 256) {
      st = states.length;
      states.push(r.state);
      stateIdx.set(r.state, st);
    }
    sockets.state[i] = st ?? stateIdx.get(UNKNOWN_STATE)!;
    sockets.localAddr[i] = intern(r.localAddr);
    sockets.localPort[i] = r.localPort;
    sockets.peerAddr[i] = intern(r.peerAddr);
    sockets.peerPort[i] = r.peerPort;
    sockets.recvQ[i] = r.recvQ;
    sockets.sendQ[i] = r.sendQ;
    sockets.process[i] = r.process === null ? -1 : intern(r.process);
    sockets.pid[i] = r.pid;
    sockets.fd[i] = r.fd;
  });
  return {
    snapshotCount: 1,
    snapshots: {
      length: 1,
      timeNs: new Float64Array(1),
      host: new Int32Array(1),
      firstRow: new Uint32Array(1),
      rowCount: Uint32Array.of(n),
    },
    sockets,
    tcpInfo: emptyTcpInfo(),
    strings: strings.list,
    states,
    timerKinds: [''],
    fdCounts: {
      length: samples.length,
      timeNs: new Float64Array(samples.length),
      host: new Int32Array(samples.length),
      pid: Int32Array.from(samples, (s) => s.pid),
      count: Float64Array.from(samples, (s) => s.count),
    },
    gaps: [],
    summary: null,
    skippedLines,
  };
}

/** `N thing(s)` for warnings. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A line quoted in a warning, cut to a readable length. */
export function quote(s: string): string {
  const t = s.trim();
  return JSON.stringify(t.length > 120 ? `${t.slice(0, 117)}...` : t);
}
