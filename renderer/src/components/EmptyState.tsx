import { bridge } from '../bridge-client.ts';
import { useApp } from '../store.ts';
import { RecentList } from './export/RecentList.tsx';

export function EmptyState() {
  const notify = useApp((s) => s.notify);
  return (
    <div className="empty-state" data-testid="empty-state">
      <h1>Drop the evidence of an incident here</h1>
      <p>TraceDeck reads, by content (any file name, gzipped or not):</p>
      <ul>
        <li>
          <b>pprof profiles</b> — CPU, heap, block, mutex, goroutine (<code>/debug/pprof/…</code>, protobuf)
        </li>
        <li>
          <b>goroutine dumps</b> — <code>?debug=1</code>, <code>?debug=2</code>, panics and SIGQUIT output
        </li>
        <li>
          <b>Go execution traces</b> — <code>runtime/trace</code> output from Go 1.11 to today
        </li>
        <li>
          <b>socket snapshots</b> — <code>ss -tanoip</code>, <code>netstat -tanp</code>, <code>ss -s</code>, captures over time, and a process's sockets from <code>lsof -p PID</code> or <code>ls -l /proc/PID/fd</code>
        </li>
      </ul>
      <button
        className="primary"
        data-testid="open-demo"
        onClick={() => bridge.request('openDemo', {}).catch((e: Error) => notify('demo incident', e.message))}
      >
        Open the demo incident
      </button>
      <RecentList />
    </div>
  );
}
