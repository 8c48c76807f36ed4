/**
 * The tables' view state: the trace details panel per trace (tab, the task/region type listed, the
 * goroutine-analysis group opened and its sort) and the goroutine tables' expanded row (per trace,
 * and one for the dumps). Shapes, defaults, and reading a session file's copy back. Pure.
 */
export type AnalysisSortKey = 'name' | 'goroutines' | 'total' | number;

export interface TraceDetailsViewState {
  tab: 'annotations' | 'goroutines';
  /** The task or region type whose instances are listed. */
  open: { kind: 'task' | 'region'; type: string } | null;
  /** The goroutine-analysis row (start function) whose goroutines are listed. */
  openGroup: string | null;
  sort: { key: AnalysisSortKey; desc: boolean };
}

export const DEFAULT_TRACE_DETAILS_VIEW: TraceDetailsViewState = Object.freeze({
  tab: 'annotations',
  open: null,
  openGroup: null,
  sort: { key: 'total', desc: true },
}) as TraceDetailsViewState;

/** The key of the dumps table's expanded row (trace tables use the trace's source id). */
export const DUMPS_TABLE = 'dumps';

/**
 * The row of a dumps table that stands for a one-dump group key (`state|functions`): the same key,
 * or, when a debug=1 dump (no states) is among the dumps, the table's stateless `|functions` key.
 */
export function dumpsRowKey(rowKeys: readonly string[], groupKey: string | null): string | null {
  if (groupKey === null || rowKeys.includes(groupKey)) return groupKey;
  const stateless = `|${groupKey.slice(groupKey.indexOf('|') + 1)}`;
  return rowKeys.includes(stateless) ? stateless : groupKey;
}

export function loadTraceDetailsView(raw: unknown): TraceDetailsViewState {
  const v = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof TraceDetailsViewState, unknown>>;
  const o = v.open as { kind?: unknown; type?: unknown } | null | undefined;
  const s = v.sort as { key?: unknown; desc?: unknown } | null | undefined;
  const sortKey = s && (['name', 'goroutines', 'total'].includes(s.key as string) || (typeof s.key === 'number' && Number.isInteger(s.key) && s.key >= 0)) ? (s.key as AnalysisSortKey) : undefined;
  return {
    tab: v.tab === 'goroutines' ? 'goroutines' : 'annotations',
    open: o && (o.kind === 'task' || o.kind === 'region') && typeof o.type === 'string' ? { kind: o.kind, type: o.type } : null,
    openGroup: typeof v.openGroup === 'string' ? v.openGroup : null,
    sort: sortKey !== undefined ? { key: sortKey, desc: s!.desc === true } : DEFAULT_TRACE_DETAILS_VIEW.sort,
  };
}
