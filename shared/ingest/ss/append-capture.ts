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
import { Column } from '../../model/column.ts';
import { StringInterner } from '../../model/interner.ts';

type SocketSource = Extract<ParsedSource, { kind: 'ss' }>;

type Typed = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/**
 * A column that starts as a copy of a loaded one with spare room. Growth is by half: a live capture's
 * columns are big and grow by little at a time.
 */
function columnFrom<T extends Typed>(first: T): Column<T> {
  return new Column(first, 0, 1.5);
}

const SOCKET_PLAIN = ['localPort', 'peerPort', 'recvQ', 'sendQ', 'timerMs', 'timerRetrans', 'pid', 'fd'] as const;

export class CaptureAppender {
  private readonly originEpochNs: bigint;
  private readonly strings: StringInterner;
  private readonly states: StringInterner;
  private readonly timerKinds: StringInterner;
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
    this.strings = new StringInterner(m.strings);
    this.states = new StringInterner(m.states);
    this.timerKinds = new StringInterner(m.timerKinds);
    this.snap = {
      timeNs: columnFrom(m.snapshots.timeNs),
      host: columnFrom(m.snapshots.host),
      firstRow: columnFrom(m.snapshots.firstRow),
      rowCount: columnFrom(m.snapshots.rowCount),
    };
    const s = m.sockets;
    this.sock = {
      state: columnFrom(s.state),
      localAddr: columnFrom(s.localAddr),
      localPort: columnFrom(s.localPort),
      peerAddr: columnFrom(s.peerAddr),
      peerPort: columnFrom(s.peerPort),
      recvQ: columnFrom(s.recvQ),
      sendQ: columnFrom(s.sendQ),
      timerKind: columnFrom(s.timerKind),
      timerMs: columnFrom(s.timerMs),
      timerRetrans: columnFrom(s.timerRetrans),
      process: columnFrom(s.process),
      pid: columnFrom(s.pid),
      fd: columnFrom(s.fd),
      info: columnFrom(s.info),
    };
    this.info = Object.fromEntries(TCP_INFO_FIELDS.map((k) => [k, columnFrom(m.tcpInfo[k])]));
    this.fd = {
      timeNs: columnFrom(m.fdCounts.timeNs),
      host: columnFrom(m.fdCounts.host),
      pid: columnFrom(m.fdCounts.pid),
      count: columnFrom(m.fdCounts.count),
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
    const lastOf = (c: Column<Float64Array>) => (c.length > 0 ? c.a[c.length - 1]! : -Infinity);
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
    this.snap.rowCount.pushAll(ds.rowCount);

    const k = d.sockets;
    this.sock.state.pushMapped(k.state, (v) => st[v]!);
    this.sock.localAddr.pushMapped(k.localAddr, strOrNone);
    this.sock.peerAddr.pushMapped(k.peerAddr, strOrNone);
    this.sock.process.pushMapped(k.process, strOrNone);
    this.sock.timerKind.pushMapped(k.timerKind, (v) => tk[v]!);
    this.sock.info.pushMapped(k.info, (v) => (v < 0 ? v : v + infoBase));
    for (const c of SOCKET_PLAIN) (this.sock[c] as Column<Typed>).pushAll(k[c]);
    for (const f of TCP_INFO_FIELDS) this.info[f]!.pushAll(d.tcpInfo[f]);

    const df = d.fdCounts;
    this.fd.timeNs.pushMapped(df.timeNs, (t) => t + shift);
    this.fd.host.pushMapped(df.host, (h) => str[h]!);
    this.fd.pid.pushAll(df.pid);
    this.fd.count.pushAll(df.count);

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
      timeNs: this.snap.timeNs.done(),
      host: this.snap.host.done(),
      firstRow: this.snap.firstRow.done(),
      rowCount: this.snap.rowCount.done(),
    };
    const sockets = { length: this.sock.state.length } as Record<string, unknown>;
    for (const [key, col] of Object.entries(this.sock)) sockets[key] = col.done();
    const tcpInfo = { length: this.info.rtt!.length } as Record<string, unknown>;
    for (const f of TCP_INFO_FIELDS) tcpInfo[f] = this.info[f]!.done();
    const fdCounts: FdCountTable = {
      length: this.fd.timeNs.length,
      timeNs: this.fd.timeNs.done(),
      host: this.fd.host.done(),
      pid: this.fd.pid.done(),
      count: this.fd.count.done(),
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
