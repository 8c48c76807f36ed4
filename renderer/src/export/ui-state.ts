/**
 * The UI state a session file keeps: collected from the store (its view slices included), and applied back once
 * the restored sources are on the axis. Times are wall-clock epoch ns (the axis origin may differ).
 */
import type { SessionOpened, SessionUiState } from '../../../shared/bridge.ts';
import { epochAdd, epochDiffNs } from '../../../shared/model/time.ts';
import { useApp, type TimeRange } from '../store.ts';
import { restoreViewSlices, saveViewSlices, sourceByName } from './view-state.ts';
import { sourceDisplayNames } from '../../../shared/source-names.ts';
import { normalizeLayout } from '../components/layout/layout-model.ts';
import { axisSpan } from '../time-domains.ts';

const LAYOUT_KEY = 'layout';

function toEpoch(origin: string | null, r: TimeRange | null): SessionUiState['selection'] {
  if (!origin || !r) return null;
  return { startEpochNs: epochAdd(origin, r.startNs), endEpochNs: epochAdd(origin, r.endNs) };
}

function toAxis(origin: string | null, r: SessionUiState['selection'] | undefined): TimeRange | null {
  if (!origin || !r) return null;
  return axisSpan(epochDiffNs(r.startEpochNs, origin), epochDiffNs(r.endEpochNs, origin));
}

export function collectUiState(): SessionUiState {
  const st = useApp.getState();
  const origin = st.session.originEpochNs;
  const focused = st.session.sources.find((s) => s.id === st.focusedSourceId);
  return {
    selection: toEpoch(origin, st.selection),
    viewWindow: toEpoch(origin, st.viewWindow),
    annotations: st.annotations,
    focusedSource: focused ? (sourceDisplayNames(st.session.sources).get(focused.id) ?? focused.name) : null,
    views: { ...saveViewSlices(st), [LAYOUT_KEY]: st.layout },
  };
}

/**
 * Applies a restored session's UI state once all its sources have settled (ready or failed), so the
 * axis origin is final before epoch times are turned back into axis times.
 */
export function applyUiStateWhenReady(opened: SessionOpened): Promise<void> {
  return new Promise((resolve) => {
    const settled = () => {
      const mine = useApp.getState().session.sources.filter((s) => opened.ids.includes(s.id));
      return mine.length === opened.ids.length && !mine.some((s) => s.status === 'ingesting');
    };
    const apply = () => {
      applyUiState(opened.uiState);
      resolve();
    };
    if (settled()) return apply();
    // Unsubscribe before applying: applying sets the store, which would call this listener again.
    const unsub = useApp.subscribe(() => {
      if (!settled()) return;
      unsub();
      apply();
    });
  });
}

export function applyUiState(ui: SessionUiState): void {
  const st = useApp.getState();
  const origin = st.session.originEpochNs;
  const focusId = ui.focusedSource ? sourceByName(st.session.sources)(ui.focusedSource) : undefined;
  const focus = focusId ? st.session.sources.find((s) => s.id === focusId) : undefined;
  const { [LAYOUT_KEY]: layout, ...views } = ui.views;
  useApp.setState({
    ...restoreViewSlices(views, st.session.sources),
    selection: toAxis(origin, ui.selection),
    viewWindow: toAxis(origin, ui.viewWindow),
    annotations: ui.annotations,
    ...(focus ? { focusedSourceId: focus.id } : {}),
    ...(layout ? { layout: normalizeLayout(layout) } : {}),
  });
}
