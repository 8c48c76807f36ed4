import { useEffect, useState } from 'react';
import type { SocketView } from '../../../../shared/query/sockets/socket-heatmap.ts';
import { processText, type SocketColumn, type SocketSort } from '../../../../shared/query/sockets/heatmap-view.ts';
import { formatBytes, formatCount } from '../../format.ts';

const num = (v: number | undefined, digits = 0) => (v === undefined ? '' : v.toFixed(digits));

function timer(t: SocketView['timer']): string {
  if (!t) return '';
  const left = t.remainingMs >= 1000 ? `${(t.remainingMs / 1000).toFixed(t.remainingMs >= 10_000 ? 0 : 1)} s` : `${t.remainingMs} ms`;
  return `${t.kind} ${left}${t.retrans ? ` ×${t.retrans}` : ''}`;
}

/** The columns in order: the owning process first (whose side of the connection this is). */
const COLUMNS: { column: SocketColumn; label: string; numeric?: boolean; title?: string }[] = [
  { column: 'process', label: 'Process' },
  { column: 'local', label: 'Local' },
  { column: 'peer', label: 'Peer' },
  { column: 'state', label: 'State' },
  { column: 'recvQ', label: 'Recv-Q', numeric: true, title: 'bytes received, not yet read by the process' },
  { column: 'sendQ', label: 'Send-Q', numeric: true, title: 'bytes sent, not yet acknowledged by the peer' },
  { column: 'timer', label: 'Timer' },
  { column: 'rtt', label: 'rtt ms', numeric: true, title: 'smoothed round-trip time' },
  { column: 'cwnd', label: 'cwnd', numeric: true },
  { column: 'retrans', label: 'retrans', numeric: true, title: 'retransmitted now / total' },
  { column: 'sent', label: 'sent', numeric: true },
  { column: 'received', label: 'received', numeric: true },
];

export interface SocketTableProps {
  /** The page of sockets to show, already sorted and filtered by the query. */
  sockets: SocketView[];
  /** Sockets in the cell, and those the filter keeps. */
  total: number;
  matched: number;
  /** Queued bytes over the matched sockets (all of them, not only this page). */
  recvQ: number;
  sendQ: number;
  sort: SocketSort | null;
  filter: string;
  onSort(sort: SocketSort | null): void;
  onFilter(filter: string): void;
}

/**
 * The sockets of one heat-map cell, as `ss` shows them plus the tcp_info columns that matter most.
 * Every header sorts (numbers largest first on the first click; a third click goes back to the owner
 * order); the filter and the totals cover the whole cell, not just the page shown.
 */
export function SocketTable(p: SocketTableProps) {
  // The filter box types freely; the parent (which queries) hears it once typing pauses.
  const [text, setText] = useState(p.filter);
  useEffect(() => setText(p.filter), [p.filter]);
  useEffect(() => {
    if (text === p.filter) return;
    const t = setTimeout(() => p.onFilter(text), 200);
    return () => clearTimeout(t);
  }, [text]);

  const clickHeader = (column: SocketColumn, numeric: boolean) => {
    const s = p.sort;
    const firstDesc = numeric; // big queues / rtts are what one looks for
    if (!s || s.column !== column) p.onSort({ column, desc: firstDesc });
    else if (s.desc === firstDesc) p.onSort({ column, desc: !firstDesc });
    else p.onSort(null);
  };

  return (
    <div className="socket-table-box">
      <div className="socket-table-tools">
        <input
          type="search"
          placeholder="Filter: address, port, state, process, pid…"
          aria-label="Filter sockets"
          data-testid="socket-filter"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <span className="muted" data-testid="socket-totals" data-matched={p.matched} data-recvq={p.recvQ} data-sendq={p.sendQ}>
          {p.matched === p.total ? `${formatCount(p.total)} sockets` : `${formatCount(p.matched)} of ${formatCount(p.total)} sockets`} · Recv-Q{' '}
          <b>{formatBytes(p.recvQ)}</b> · Send-Q <b>{formatBytes(p.sendQ)}</b>
        </span>
      </div>
      <div className="socket-table-wrap">
        <table className="socket-table" data-testid="socket-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => {
                const on = p.sort?.column === c.column;
                return (
                  <th
                    key={c.column}
                    className={c.numeric ? 'n' : undefined}
                    title={c.title}
                    aria-sort={on ? (p.sort!.desc ? 'descending' : 'ascending') : 'none'}
                    data-testid={`socket-sort-${c.column}`}
                  >
                    <button className="th-sort" onClick={() => clickHeader(c.column, !!c.numeric)}>
                      {c.label}
                      <span className="sort-mark">{on ? (p.sort!.desc ? ' ▼' : ' ▲') : ''}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {p.sockets.map((s) => {
              const i = s.tcpInfo;
              return (
                <tr key={s.row} data-testid="socket-row" data-recvq={s.recvQ} data-pid={s.process?.pid ?? ''}>
                  <td>{processText(s.process)}</td>
                  <td>{s.local}</td>
                  <td>{s.peer}</td>
                  <td>{s.state}</td>
                  <td className="n">{formatCount(s.recvQ)}</td>
                  <td className="n">{formatCount(s.sendQ)}</td>
                  <td>{timer(s.timer)}</td>
                  <td className="n">{num(i?.rtt, 3)}</td>
                  <td className="n">{num(i?.cwnd)}</td>
                  <td className="n">{i && (i.retransNow !== undefined || i.retransTotal !== undefined) ? `${i.retransNow ?? 0}/${i.retransTotal ?? 0}` : ''}</td>
                  <td className="n">{i?.bytesSent !== undefined ? formatBytes(i.bytesSent) : ''}</td>
                  <td className="n">{i?.bytesReceived !== undefined ? formatBytes(i.bytesReceived) : ''}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr className="socket-totals-row">
              <td colSpan={4}>{p.matched === p.total ? 'Total' : `Total of ${formatCount(p.matched)} matching`}</td>
              <td className="n">{formatCount(p.recvQ)}</td>
              <td className="n">{formatCount(p.sendQ)}</td>
              <td colSpan={6} />
            </tr>
          </tfoot>
        </table>
        {p.matched > p.sockets.length && (
          <p className="muted" data-testid="socket-table-more">
            Showing the first {formatCount(p.sockets.length)} of {formatCount(p.matched)}.
          </p>
        )}
        {p.matched === 0 && p.total > 0 && <p className="muted">No socket of this cell matches “{p.filter}”.</p>}
      </div>
    </div>
  );
}
