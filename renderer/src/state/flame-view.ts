/**
 * The flame graph's view state, one per source (keyed by source id): which profile, the filter
 * chips, inverted, the zoom path, the search as typed, the diff base and the top table's sort.
 * Pure transitions here; the store (store.ts) holds them and exposes them as actions, so
 * "show in flame graph" from another view is one action, not a request stored as state.
 */
import type { SourceId } from '../../../shared/bridge.ts';
import type { TopSortKey } from '../../../shared/query/stacks/top-table.ts';

export type FilterKind = 'focus' | 'ignore' | 'hide';
export interface FlameFilter {
  kind: FilterKind;
  fn: string;
}

/** pprof's label options as typed (-tagfocus, -tagignore, -tagroot); '' for none. */
export interface FlameLabels {
  tagfocus: string;
  tagignore: string;
  tagroot: string;
}

/** What the area under the graph shows: the top table, one function's callers and callees (peek), or its source lines. */
export type FlameSide = 'top' | 'peek' | 'source';

export interface FlameViewState {
  /** StackProfileInfo.key; null: the source's default profile. */
  profileKey: string | null;
  filters: FlameFilter[];
  inverted: boolean;
  /** Zoom: the function path from the root to the frame drawn as the root. */
  rootPath: string[];
  /** The search regex as typed (the query uses it once it compiles). */
  search: string;
  /** Another source to diff against; null: no diff. */
  diffBaseId: SourceId | null;
  sortBy: TopSortKey;
  labels: FlameLabels;
  side: FlameSide;
  /** The function peek / source lines show (null with side 'top'). */
  sideFn: string | null;
}

export const NO_LABELS: FlameLabels = Object.freeze({ tagfocus: '', tagignore: '', tagroot: '' }) as FlameLabels;

export const TOP_SORT_KEYS: readonly TopSortKey[] = ['flat', 'flatPct', 'cum', 'cumPct', 'function'];

export const DEFAULT_FLAME_VIEW: FlameViewState = Object.freeze({
  profileKey: null,
  filters: [],
  inverted: false,
  rootPath: [],
  search: '',
  diffBaseId: null,
  sortBy: 'flat',
  labels: NO_LABELS,
  side: 'top',
  sideFn: null,
}) as FlameViewState;

/** Each transition of the view; what changes the drawn tree's shape also resets the zoom. */
export const flameTransitions = {
  setProfile: (v: FlameViewState, profileKey: string): FlameViewState => ({ ...v, profileKey, rootPath: [] }),
  setInverted: (v: FlameViewState, inverted: boolean): FlameViewState => ({ ...v, inverted, rootPath: [] }),
  setSearch: (v: FlameViewState, search: string): FlameViewState => ({ ...v, search }),
  setDiffBase: (v: FlameViewState, diffBaseId: SourceId | null): FlameViewState => ({ ...v, diffBaseId, rootPath: [] }),
  setSort: (v: FlameViewState, sortBy: TopSortKey): FlameViewState => ({ ...v, sortBy }),
  /** A chip for `fn` (replacing any other chip of the same function). */
  addFilter: (v: FlameViewState, kind: FilterKind, fn: string): FlameViewState => ({
    ...v,
    rootPath: [],
    filters: [...v.filters.filter((f) => f.fn !== fn), { kind, fn }],
  }),
  removeFilter: (v: FlameViewState, f: FlameFilter): FlameViewState => ({
    ...v,
    rootPath: [],
    filters: v.filters.filter((x) => !(x.fn === f.fn && x.kind === f.kind)),
  }),
  /** A top-table row click: focus on that function alone; the same again: back to everything. */
  toggleFocus: (v: FlameViewState, fn: string): FlameViewState => {
    const focused = v.filters.find((f) => f.kind === 'focus')?.fn;
    const rest = v.filters.filter((f) => f.kind !== 'focus' && f.fn !== fn);
    return { ...v, rootPath: [], filters: focused === fn ? v.filters.filter((f) => f.kind !== 'focus') : [...rest, { kind: 'focus', fn }] };
  },
  /** Label filters and grouping; a new grouping changes the tree's shape, so the zoom resets. */
  setLabels: (v: FlameViewState, labels: Partial<FlameLabels>): FlameViewState => {
    const next = { ...v.labels, ...labels };
    return { ...v, labels: next, rootPath: next.tagroot !== v.labels.tagroot ? [] : v.rootPath };
  },
  /** The area under the graph: the top table, or peek / source lines of `fn`. */
  showSide: (v: FlameViewState, side: FlameSide, fn: string | null = null): FlameViewState => ({ ...v, side, sideFn: side === 'top' ? null : fn }),
  /** Zoom to a path from the root ([] = the whole tree). */
  zoomTo: (v: FlameViewState, rootPath: string[]): FlameViewState => ({ ...v, rootPath }),
  /** Zoom into a frame below the current root (its path relative to it). */
  zoomIn: (v: FlameViewState, path: string[]): FlameViewState => ({ ...v, rootPath: [...v.rootPath, ...path] }),
  zoomOut: (v: FlameViewState): FlameViewState => ({ ...v, rootPath: v.rootPath.slice(0, -1) }),
  /** "Show in flame graph" from another view: only `fn`'s stacks, in the profile it names. */
  showFunction: (v: FlameViewState, fn: string, profileKey?: string): FlameViewState => ({
    ...v,
    ...(profileKey ? { profileKey } : {}),
    rootPath: [],
    filters: [{ kind: 'focus', fn }],
  }),
};

/** What a session file keeps of one source's flame view (the diff base by name: ids change on reopen). */
export interface SavedFlameView {
  profileKey: string | null;
  filters: FlameFilter[];
  inverted: boolean;
  rootPath: string[];
  search: string;
  diffBase: string | null;
  sortBy: TopSortKey;
  labels?: FlameLabels;
  side?: FlameSide;
  sideFn?: string | null;
}

export function saveFlameView(v: FlameViewState, nameOf: (id: SourceId) => string | undefined): SavedFlameView {
  const { diffBaseId, ...rest } = v;
  return { ...rest, diffBase: (diffBaseId && nameOf(diffBaseId)) || null };
}

/** A saved flame view back, tolerating older or hand-edited files (unknown fields take defaults). */
export function loadFlameView(raw: unknown, idOf: (name: string) => SourceId | undefined): FlameViewState {
  const v = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof SavedFlameView, unknown>>;
  const strings = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
  const filters = Array.isArray(v.filters)
    ? v.filters.filter((f): f is FlameFilter => typeof f?.fn === 'string' && ['focus', 'ignore', 'hide'].includes(f?.kind))
    : [];
  return {
    profileKey: typeof v.profileKey === 'string' ? v.profileKey : null,
    filters: filters.map((f) => ({ kind: f.kind, fn: f.fn })),
    inverted: v.inverted === true,
    rootPath: strings(v.rootPath),
    search: typeof v.search === 'string' ? v.search : '',
    diffBaseId: (typeof v.diffBase === 'string' && idOf(v.diffBase)) || null,
    sortBy: TOP_SORT_KEYS.includes(v.sortBy as TopSortKey) ? (v.sortBy as TopSortKey) : 'flat',
    labels: loadLabels(v.labels),
    side: v.side === 'peek' || v.side === 'source' ? v.side : 'top',
    sideFn: (v.side === 'peek' || v.side === 'source') && typeof v.sideFn === 'string' ? v.sideFn : null,
  };
}

function loadLabels(raw: unknown): FlameLabels {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  return { tagfocus: str(o.tagfocus), tagignore: str(o.tagignore), tagroot: str(o.tagroot) };
}
