/**
 * The trace timeline's view state, one per trace source (keyed by source id): its own zoom window
 * (in the trace's clock; null = follow the session's brush), what running slices are coloured by, the
 * goroutines given lanes of their own, the slice opened in the detail pane and the way back from a
 * jump, the tab (lanes or MMU). Shapes, defaults, pure transitions and reading a saved copy back.
 */
import type { LaneKind, LaneRef, MmuFlags } from '../../../shared/query/trace/timeline/timeline-types.ts';
import type { SourceSpan } from '../time-domains.ts';
import { sourceSpan } from '../time-domains.ts';

export type TraceColorBy = 'goroutine' | 'region';

/** A slice the user opened: its lane and a moment inside it (trace clock ns). */
export interface SlicePick {
  lane: LaneRef;
  t: number;
}

export interface TraceTimelineViewState {
  /** The view's window when zoomed or panned away from the brush; null follows the brush (or the whole trace). */
  window: SourceSpan | null;
  /** null: by region when the trace has user regions/tasks, else by goroutine. */
  colorBy: TraceColorBy | null;
  /** Goroutine ids with a lane of their own, in the order shown (the newest first). */
  pinned: number[];
  showThreads: boolean;
  /** The slice in the detail pane. */
  selected: SlicePick | null;
  /** Where "unblocked by G…" jumps came from (newest last): "back" returns there, window and all. */
  back: { pick: SlicePick; window: SourceSpan | null }[];
  tab: 'lanes' | 'mmu';
  mmuFlags: MmuFlags;
  /** Goroutine lane to scroll into view once drawn (set by "show in trace timeline"); cleared by the view. */
  reveal: number | null;
  /** A function (regex) whose goroutines the view should pin (a finding's "show"); resolved by the panel. */
  pinQuery: string | null;
  /** The goroutine whose slices stand out on the P and thread lanes (the last pinned or opened); null none. */
  highlight: number | null;
}

export const MAX_PINNED = 64;
export const MAX_BACK = 32;

/** What `go tool trace`'s /mmu page starts with: system view, STW, background workers and mark assist (no sweep). */
export const DEFAULT_MMU_FLAGS: MmuFlags = Object.freeze({ perProc: false, stw: true, background: true, assist: true, sweep: false });

export const DEFAULT_TRACE_TIMELINE_VIEW: TraceTimelineViewState = Object.freeze({
  window: null,
  colorBy: null,
  pinned: [],
  showThreads: false,
  selected: null,
  back: [],
  tab: 'lanes',
  mmuFlags: DEFAULT_MMU_FLAGS,
  reveal: null,
  pinQuery: null,
  highlight: null,
}) as TraceTimelineViewState;

/** Pure transitions; the store turns each into an action keyed by source id. */
export const traceTimelineTransitions = {
  /** Pins goroutine `g` (first in the list; at most MAX_PINNED kept) and asks the view to scroll to it. */
  pin(v: TraceTimelineViewState, g: number): TraceTimelineViewState {
    return { ...v, pinned: [g, ...v.pinned.filter((x) => x !== g)].slice(0, MAX_PINNED), reveal: g, highlight: g };
  },
  unpin(v: TraceTimelineViewState, g: number): TraceTimelineViewState {
    return { ...v, pinned: v.pinned.filter((x) => x !== g), highlight: v.highlight === g ? null : v.highlight };
  },
  select(v: TraceTimelineViewState, pick: SlicePick | null): TraceTimelineViewState {
    return { ...v, selected: pick, highlight: pick ? v.highlight : null };
  },
  /**
   * Follows a link to another slice (the waker's): the current pick and window go on the back stack, the
   * target's goroutine is pinned and revealed, and the window is centred on `t` when it lies outside.
   */
  jump(v: TraceTimelineViewState, to: SlicePick, shownWindow: SourceSpan): TraceTimelineViewState {
    const back = v.selected ? [...v.back, { pick: v.selected, window: v.window }].slice(-MAX_BACK) : v.back;
    const pinned = to.lane.kind === 'goroutine' ? traceTimelineTransitions.pin(v, to.lane.id) : v;
    const inside = to.t >= shownWindow.startNs && to.t <= shownWindow.endNs;
    const half = (shownWindow.endNs - shownWindow.startNs) / 2;
    const window = inside ? v.window : sourceSpan(to.t - half, to.t + half);
    return { ...pinned, selected: to, back, window, reveal: to.lane.kind === 'goroutine' ? to.lane.id : pinned.reveal };
  },
  /** Back to where the last jump started. */
  goBack(v: TraceTimelineViewState): TraceTimelineViewState {
    const last = v.back[v.back.length - 1];
    if (!last) return v;
    return { ...v, selected: last.pick, window: last.window, back: v.back.slice(0, -1), reveal: last.pick.lane.kind === 'goroutine' ? last.pick.lane.id : null };
  },
};

const LANE_KINDS: readonly LaneKind[] = ['proc', 'thread', 'goroutine'];
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function loadPick(raw: unknown): SlicePick | null {
  const p = raw as { lane?: { kind?: unknown; id?: unknown }; t?: unknown } | null;
  if (!p || typeof p !== 'object' || !p.lane || !LANE_KINDS.includes(p.lane.kind as LaneKind) || !isNum(p.lane.id) || !isNum(p.t)) return null;
  return { lane: { kind: p.lane.kind as LaneKind, id: p.lane.id }, t: p.t };
}

function loadSpan(raw: unknown): SourceSpan | null {
  const s = raw as { startNs?: unknown; endNs?: unknown } | null;
  return s && typeof s === 'object' && isNum(s.startNs) && isNum(s.endNs) && s.endNs > s.startNs ? sourceSpan(s.startNs, s.endNs) : null;
}

/** A saved trace timeline view back (unknown or damaged parts fall back to the defaults). */
export function loadTraceTimelineView(raw: unknown): TraceTimelineViewState {
  const v = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof TraceTimelineViewState, unknown>>;
  const flags = (typeof v.mmuFlags === 'object' && v.mmuFlags !== null ? v.mmuFlags : {}) as Record<string, unknown>;
  const mmuFlags: MmuFlags = {};
  for (const k of ['perProc', 'stw', 'background', 'assist', 'sweep'] as const) mmuFlags[k] = typeof flags[k] === 'boolean' ? (flags[k] as boolean) : DEFAULT_MMU_FLAGS[k];
  return {
    window: loadSpan(v.window),
    colorBy: v.colorBy === 'goroutine' || v.colorBy === 'region' ? v.colorBy : null,
    pinned: Array.isArray(v.pinned) ? [...new Set(v.pinned.filter((g): g is number => Number.isInteger(g) && (g as number) >= 0))].slice(0, MAX_PINNED) : [],
    showThreads: v.showThreads === true,
    selected: loadPick(v.selected),
    back: [],
    tab: v.tab === 'mmu' ? 'mmu' : 'lanes',
    mmuFlags,
    reveal: null,
    pinQuery: null,
    highlight: null,
  };
}

/** What a session file keeps (the transient parts — reveal, pending pin query, back stack — are left out). */
export function saveTraceTimelineView(v: TraceTimelineViewState): Partial<TraceTimelineViewState> {
  return { window: v.window, colorBy: v.colorBy, pinned: v.pinned, showThreads: v.showThreads, selected: v.selected, tab: v.tab, mmuFlags: v.mmuFlags };
}
