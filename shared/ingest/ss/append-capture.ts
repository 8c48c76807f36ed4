/**
 * Growing a parsed `ss capture` by the snapshots appended to its file, without re-reading the rest:
 * a live capture used to be parsed whole on every refresh (seconds at 10k snapshots). The caller
 * parses only the new bytes (they start at a `###` line: captures are re-read at record boundaries)
 * and appends that parse here. Columns live in buffers with spare room, so an append
 * costs about the size of what was appended; each result's columns are views of exact length, and
 * earlier results stay valid (appends only write past their end).
 *
 * `append` answers null when the result could differ from a whole parse, and the caller then parses
 * the file whole: the new part has warnings (their counts and byte offsets are per parse), was cut
 * short, holds an `ss -s` summary, or starts before what is already loaded (out of time order).
 */
import type { FdCountTable, SnapshotTable, SocketCaptureModel, SocketTable, TcpInfoTable } from '../../model/sockets.ts';
import { TCP_INFO_FIELDS } from '../../model/sockets.ts';
import type { ParsedSource } from '../../model/source.ts';

type SocketSource = Extract<ParsedSource, { kind: 'ss' }>;

type Typed = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/**
 * A column with room to grow; `view()` is exactly its length. Spare room is an eighth at first and
 * growth is by half: a live capture's columns are big and grow by little at a time.
 */
class Column<T extends Typed> {
  private buf: T;
  length = 0;

  constructor(first: T) {
    this.buf = new (first.constructor as new (n: number) => T)(first.length + Math.max(1024, first.length >>> 3));
    this.buf.set(first as never);
    this.length = first.length;
  }

  /** Room for n more rows; returns the offset they start at. */
  reserve(n: number): number {
    const need = this.length + n;
    if (need > this.buf.length) {
      const b = new (this.buf.constructor as new (n: number) => T)(Math.max(need, Math.ceil(this.buf.length * 1.5)));
      b.set(this.buf.subarray(0, this.length) as never);
      this.buf = b;
    }
    const at = this.length;
    this.length = need;
    return at;
  }

  /** Appends src as is. */
  push(src: T): void {
    const at = this.reserve(src.length);
    this.buf.set(src as never, at);
  }

  /** Appends src with each value passed through f (index remaps, time shifts). */
  pushMapped(src: ArrayLike<number>, f: (v: number) => number): void {
    const at = this.reserve(src.length);
    const b = this.buf;
    for (let i = 0; i < src.length; i++) b[at + i] = f(src[i]!);
  }

  view(): T {
    return this.buf.subarray(0, this.length) as T;
  }
}

/** An interned name table grown by name (addresses, hosts, states, timer kinds). */
class Names {
  readonly list: string[];
  private readonly index = new Map<string, number>();

  constructor(first: readonly string[]) {
    this.list = [...first];
    first.forEach((s, i) => {
      if (!this.index.has(s)) this.index.set(s, i);
    });
  }

  /** Index in this table of each of other's entries. */
  remap(other: readonly string[]): Int32Array {
    const out = new Int32Array(other.length);
    other.forEach((s, i) => {
      let j = this.index.get(s);
      if (j === undefined) {
        j = this.list.length;
        this.list.push(s);
        this.index.set(s, j);
      }
      out[i] = j;
    });
    return out;
  }
}

const SOCKET_PLAIN = ['localPort', 'peerPort', 'recvQ', 'sendQ', 'timerMs', 'timerRetrans', 'pid', 'fd'] as const;

export class CaptureAppender {
  private readonly originEpochNs: bigint;
  private readonly strings: Names;
  private readonly states: Names;
  private readonly timerKinds: Names;
  private readonly snap: { timeNs: Column<Float64Array>; host: Column<Int32Array>; firstRow: Column<Uint32Array>; rowCount: Column<Uint32Array> };
  private readonly sock: { [K in keyof Omit<SocketTable, 'length'>]: Column<SocketTable[K]> };
  private readonly info: Record<string, Column<Float32Array | Float64Array>>;
  private readonly fd: { timeNs: Column<Float64Array>; host: Column<Int32Array>; pid: Column<Int32Array>; count: Column<Float64Array> };
  private gaps: SocketCaptureModel['gaps'];
  private skipped: number;
  private endNs: number;
  /** The base's fields besides its model (which is not kept: its columns were copied). */
  private readonly head: Omit<SocketSource, 'model' | 'endNs'>;

  private constructor(base: SocketSource) {
    const { model: m, endNs: _endNs, ...head } = base;
    this.head = head;
    this.originEpochNs = BigInt(base.clock.originEpochNs!);
    this.strings = new Names(m.strings);
    this.states = new Names(m.states);
    this.timerKinds = new Names(m.timerKinds);
    this.snap = {
      timeNs: new Column(m.snapshots.timeNs),
      host: new Column(m.snapshots.host),
      firstRow: new Column(m.snapshots.firstRow),
      rowCount: new Column(m.snapshots.rowCount),
    };
    const s = m.sockets;
    this.sock = {
      state: new Column(s.state),
      localAddr: new Column(s.localAddr),
      localPort: new Column(s.localPort),
      peerAddr: new Column(s.peerAddr),
      peerPort: new Column(s.peerPort),
      recvQ: new Column(s.recvQ),
      sendQ: new Column(s.sendQ),
      timerKind: new Column(s.timerKind),
      timerMs: new Column(s.timerMs),
      timerRetrans: new Column(s.timerRetrans),
      process: new Column(s.process),
      pid: new Column(s.pid),
      fd: new Column(s.fd),
      info: new Column(s.info),
    };
    this.info = Object.fromEntries(TCP_INFO_FIELDS.map((k) => [k, new Column(m.tcpInfo[k])]));
    this.fd = {
      timeNs: new Column(m.fdCounts.timeNs),
      host: new Column(m.fdCounts.host),
      pid: new Column(m.fdCounts.pid),
      count: new Column(m.fdCounts.count),
    };
    this.gaps = m.gaps;
    this.skipped = m.skippedLines;
    this.endNs = base.endNs;
  }

  /** An appender for a parsed capture, or null when it is not one (only `ss capture` sources with a clock grow). */
  static from(src: ParsedSource): CaptureAppender | null {
    if (src.kind !== 'ss' || src.format !== 'ss capture' || src.clock.originEpochNs === null || src.model.summary !== null) return null;
    return new CaptureAppender(src);
  }

  /** The capture with `delta` (a parse of the bytes appended since) added, or null: parse it whole. */
  append(delta: ParsedSource): SocketSource | null {
    if (delta.kind !== 'ss' || delta.format !== 'ss capture' || delta.partial || delta.warnings.length > 0) return null;
    const d = delta.model;
    if (d.summary !== null || delta.clock.originEpochNs === null) return null;
    const shift = Number(BigInt(delta.clock.originEpochNs) - this.originEpochNs);
    // Times must continue where the loaded part ends, as a whole parse would sort them.
    const lastOf = (c: Column<Float64Array>) => (c.length > 0 ? c.view()[c.length - 1]! : -Infinity);
    if (shift < 0) return null;
    if (d.snapshots.length > 0 && d.snapshots.timeNs[0]! + shift < lastOf(this.snap.timeNs)) return null;
    if (d.fdCounts.length > 0 && d.fdCounts.timeNs[0]! + shift < lastOf(this.fd.timeNs)) return null;
    const lastGap = this.gaps.at(-1);
    if (d.gaps.length > 0 && lastGap && d.gaps[0]!.timeNs + shift < lastGap.timeNs) return null;

    const str = this.strings.remap(d.strings);
    const st = this.states.remap(d.states);
    const tk = this.timerKinds.remap(d.timerKinds);
    const rowBase = this.sock.state.length;
    const infoBase = this.info.rtt!.length;
    const strOrNone = (v: number) => (v < 0 ? v : str[v]!);

    const ds = d.snapshots;
    this.snap.timeNs.pushMapped(ds.timeNs, (t) => t + shift);
    this.snap.host.pushMapped(ds.host, (h) => str[h]!);
    this.snap.firstRow.pushMapped(ds.firstRow, (r) => r + rowBase);
    this.snap.rowCount.push(ds.rowCount);

    const k = d.sockets;
    this.sock.state.pushMapped(k.state, (v) => st[v]!);
    this.sock.localAddr.pushMapped(k.localAddr, strOrNone);
    this.sock.peerAddr.pushMapped(k.peerAddr, strOrNone);
    this.sock.process.pushMapped(k.process, strOrNone);
    this.sock.timerKind.pushMapped(k.timerKind, (v) => tk[v]!);
    this.sock.info.pushMapped(k.info, (v) => (v < 0 ? v : v + infoBase));
    for (const c of SOCKET_PLAIN) (this.sock[c] as Column<Typed>).push(k[c]);
    for (const f of TCP_INFO_FIELDS) this.info[f]!.push(d.tcpInfo[f]);

    const df = d.fdCounts;
    this.fd.timeNs.pushMapped(df.timeNs, (t) => t + shift);
    this.fd.host.pushMapped(df.host, (h) => str[h]!);
    this.fd.pid.push(df.pid);
    this.fd.count.push(df.count);

    if (d.gaps.length > 0) this.gaps = [...this.gaps, ...d.gaps.map((g) => ({ ...g, timeNs: g.timeNs + shift }))];
    this.skipped += d.skippedLines;
    this.endNs = Math.max(this.endNs, delta.endNs + shift);
    return this.current();
  }

  /** The source as it stands: the base's clock and warnings, every column a view of exact length. */
  private current(): SocketSource {
    const n = this.snap.timeNs.length;
    const snapshots: SnapshotTable = {
      length: n,
      timeNs: this.snap.timeNs.view(),
      host: this.snap.host.view(),
      firstRow: this.snap.firstRow.view(),
      rowCount: this.snap.rowCount.view(),
    };
    const sockets = { length: this.sock.state.length } as Record<string, unknown>;
    for (const [key, col] of Object.entries(this.sock)) sockets[key] = col.view();
    const tcpInfo = { length: this.info.rtt!.length } as Record<string, unknown>;
    for (const f of TCP_INFO_FIELDS) tcpInfo[f] = this.info[f]!.view();
    const fdCounts: FdCountTable = {
      length: this.fd.timeNs.length,
      timeNs: this.fd.timeNs.view(),
      host: this.fd.host.view(),
      pid: this.fd.pid.view(),
      count: this.fd.count.view(),
    };
    const model: SocketCaptureModel = {
      snapshotCount: n,
      snapshots,
      sockets: sockets as unknown as SocketTable,
      tcpInfo: tcpInfo as unknown as TcpInfoTable,
      // Copies: a model handed out earlier keeps the tables it was built with.
      strings: [...this.strings.list],
      states: [...this.states.list],
      timerKinds: [...this.timerKinds.list],
      fdCounts,
      gaps: this.gaps,
      summary: null,
      skippedLines: this.skipped,
    };
    return { ...this.head, endNs: this.endNs, model };
  }
}
