import { Fragment } from 'react';
import type { AnnotationInstances, AnnotationTypeRow, TraceAnnotations } from '../../../../shared/query/trace/trace-annotations.ts';
import type { TimeRange } from '../../store.ts';
import { axisToDate, formatClock, formatCount, formatDuration } from '../../format.ts';

export interface InstanceKey {
  kind: 'task' | 'region';
  type: string;
}

export interface AnnotationsViewProps {
  data: TraceAnnotations;
  /** Session wall-clock origin (null: the session has no wall clock). */
  origin: string | null;
  /** axis = source + shiftNs. */
  shiftNs: number;
  open: InstanceKey | null;
  instances: AnnotationInstances | null;
  selection: TimeRange | null;
  onToggle: (k: InstanceKey) => void;
  /** A task/region instance's span (source ns) picked as the selection. */
  onPick: (startNs: number, endNs: number) => void;
}

const dur = (ns: number | null) => (ns === null ? '—' : formatDuration(ns));
const typeLabel = (t: string) => t || '(began before the trace)';

/** Start of an instance as wall clock (ms) when the session has one, else time into the trace. */
function when(origin: string | null, shiftNs: number, ns: number | null): string {
  if (ns === null) return 'before the trace';
  return origin ? formatClock(axisToDate(origin, ns + shiftNs)) : `+${formatDuration(ns)}`;
}

/** User tasks and regions by type (expandable to their instances), and the logs in the range. */
export function AnnotationsView(p: AnnotationsViewProps) {
  const { data } = p;
  if (data.tasks.length === 0 && data.regions.length === 0 && data.logsInRange === 0) {
    return <p className="muted">No user tasks, regions or logs (runtime/trace NewTask, WithRegion, Log) in this range.</p>;
  }
  return (
    <div className="trace-annotations">
      <TypeTable kind="task" title="Tasks" rows={data.tasks} {...p} />
      <TypeTable kind="region" title="Regions" rows={data.regions} {...p} />
      <h3 className="td-heading">
        Logs <span className="muted">{data.logsInRange > data.logs.length ? `first ${formatCount(data.logs.length)} of ${formatCount(data.logsInRange)}` : formatCount(data.logsInRange)}</span>
      </h3>
      {data.logs.length > 0 && (
        <table className="td-table" data-testid="trace-logs">
          <thead>
            <tr>
              <th className="time">Time</th>
              <th>Category</th>
              <th>Message</th>
              <th className="num">Goroutine</th>
              <th className="num">Task</th>
            </tr>
          </thead>
          <tbody>
            {data.logs.map((l, i) => (
              <tr key={i}>
                <td className="time">{when(p.origin, p.shiftNs, l.tNs)}</td>
                <td>{l.category}</td>
                <td className="msg" title={l.message}>
                  {l.message}
                </td>
                <td className="num">{l.goroutine ?? ''}</td>
                <td className="num">{l.task ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function TypeTable({ kind, title, rows, open, instances, onToggle, onPick, origin, shiftNs, selection }: AnnotationsViewProps & { kind: 'task' | 'region'; title: string; rows: AnnotationTypeRow[] }) {
  if (rows.length === 0) return null;
  const isOpen = (r: AnnotationTypeRow) => open?.kind === kind && open.type === r.type;
  return (
    <>
      <h3 className="td-heading">{title}</h3>
      <table className="td-table types" data-testid={`trace-${kind}-types`}>
        <thead>
          <tr>
            <th>Type</th>
            <th className="num">Count</th>
            <th className="num" title="ended inside the trace">Completed</th>
            <th className="num">Mean</th>
            <th className="num">p50</th>
            <th className="num">p90</th>
            <th className="num">Max</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <Fragment key={r.type}>
              <tr className={`td-row ${isOpen(r) ? 'open' : ''}`} data-testid={`${kind}-type`} data-type={r.type} onClick={() => onToggle({ kind, type: r.type })}>
                <td className="name">
                  <span className="twisty">{isOpen(r) ? '▾' : '▸'}</span> {typeLabel(r.type)}
                </td>
                <td className="num" data-testid="type-count">
                  {formatCount(r.count)}
                </td>
                <td className="num">{formatCount(r.completed)}</td>
                <td className="num">{dur(r.meanNs)}</td>
                <td className="num">{dur(r.p50Ns)}</td>
                <td className="num">{dur(r.p90Ns)}</td>
                <td className="num">{dur(r.maxNs)}</td>
              </tr>
              {isOpen(r) && (
                <tr className="td-detail">
                  <td colSpan={7}>
                    {!instances ? (
                      <span className="muted">loading…</span>
                    ) : (
                      <Instances kind={kind} inst={instances} origin={origin} shiftNs={shiftNs} selection={selection} onPick={onPick} />
                    )}
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Instances({
  kind,
  inst,
  origin,
  shiftNs,
  selection,
  onPick,
}: {
  kind: 'task' | 'region';
  inst: AnnotationInstances;
  origin: string | null;
  shiftNs: number;
  selection: TimeRange | null;
  onPick: (s: number, e: number) => void;
}) {
  const selected = (s: number, e: number) => selection !== null && Math.abs(selection.startNs - (s + shiftNs)) < 1 && Math.abs(selection.endNs - Math.max(e + shiftNs, s + shiftNs + 1_000)) < 1;
  return (
    <div className="td-instances">
      <table className="td-table inner" data-testid={`${kind}-instances`}>
        <thead>
          <tr>
            <th className="time">Start</th>
            <th className="num">Duration</th>
            <th className="num">Goroutine</th>
            <th className="num">{kind === 'task' ? 'Task' : 'In task'}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {inst.rows.map((r) => (
            <tr
              key={r.id}
              className={`td-instance ${selected(r.spanStartNs, r.spanEndNs) ? 'picked' : ''}`}
              data-testid={`${kind}-instance`}
              title="Select this span: every view narrows to it"
              onClick={() => onPick(r.spanStartNs, r.spanEndNs)}
            >
              <td className="time">{when(origin, shiftNs, r.startNs)}</td>
              <td className="num">{r.durationNs === null ? `≥ ${formatDuration(r.spanEndNs - r.spanStartNs)}` : formatDuration(r.durationNs)}</td>
              <td className="num">{r.goroutine ?? ''}</td>
              <td className="num">{kind === 'task' ? r.id : (r.task ?? '')}</td>
              <td className="muted pick">{r.endNs === null ? 'still open at the end' : r.startNs === null ? 'began before the trace' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {inst.total > inst.rows.length && <p className="muted">first {formatCount(inst.rows.length)} of {formatCount(inst.total)} (narrow the selection to see others)</p>}
    </div>
  );
}
