import type { SocketView } from '../../../../shared/query/socket-heatmap.ts';
import { formatBytes, formatCount } from '../../format.ts';

const num = (v: number | undefined, digits = 0) => (v === undefined ? '' : v.toFixed(digits));

function timer(t: SocketView['timer']): string {
  if (!t) return '';
  const left = t.remainingMs >= 1000 ? `${(t.remainingMs / 1000).toFixed(t.remainingMs >= 10_000 ? 0 : 1)} s` : `${t.remainingMs} ms`;
  return `${t.kind} ${left}${t.retrans ? ` ×${t.retrans}` : ''}`;
}

function proc(p: SocketView['process']): string {
  if (!p) return '';
  return `${p.name || '?'}${p.pid !== null ? ` (${p.pid}${p.fd !== null ? `, fd ${p.fd}` : ''})` : ''}`;
}

/** The sockets of one heat-map cell, as `ss` shows them plus the tcp_info columns that matter most. */
export function SocketTable({ sockets, total }: { sockets: SocketView[]; total: number }) {
  return (
    <div className="socket-table-wrap">
      <table className="socket-table" data-testid="socket-table">
        <thead>
          <tr>
            <th>Local</th>
            <th>Peer</th>
            <th>State</th>
            <th className="n">Recv-Q</th>
            <th className="n">Send-Q</th>
            <th>Timer</th>
            <th>Process</th>
            <th className="n" title="smoothed round-trip time">rtt ms</th>
            <th className="n">cwnd</th>
            <th className="n" title="retransmitted now / total">retrans</th>
            <th className="n">sent</th>
            <th className="n">received</th>
          </tr>
        </thead>
        <tbody>
          {sockets.map((s) => {
            const i = s.tcpInfo;
            return (
              <tr key={s.row} data-testid="socket-row">
                <td>{s.local}</td>
                <td>{s.peer}</td>
                <td>{s.state}</td>
                <td className="n">{formatCount(s.recvQ)}</td>
                <td className="n">{formatCount(s.sendQ)}</td>
                <td>{timer(s.timer)}</td>
                <td>{proc(s.process)}</td>
                <td className="n">{num(i?.rtt, 3)}</td>
                <td className="n">{num(i?.cwnd)}</td>
                <td className="n">{i && (i.retransNow !== undefined || i.retransTotal !== undefined) ? `${i.retransNow ?? 0}/${i.retransTotal ?? 0}` : ''}</td>
                <td className="n">{i?.bytesSent !== undefined ? formatBytes(i.bytesSent) : ''}</td>
                <td className="n">{i?.bytesReceived !== undefined ? formatBytes(i.bytesReceived) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {total > sockets.length && (
        <p className="muted" data-testid="socket-table-more">
          Showing the first {formatCount(sockets.length)} of {formatCount(total)}.
        </p>
      )}
    </div>
  );
}
