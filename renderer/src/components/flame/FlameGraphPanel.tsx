/**
 * The flame graph panel, connected: reads the focused source and the selection from the store,
 * asks the host for a call tree pruned to the drawn width (and a top table), and hands both to the
 * plain components. Every aggregation runs in the source's engine (shared/query/stack-sources.ts).
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import type { CallTreeQuery, QueryResult } from '../../../../shared/query/query-types.ts';
import type { StackProfileInfo } from '../../../../shared/query/stack-sources.ts';
import type { TopRow, TopSortKey } from '../../../../shared/query/top-table.ts';
import type { CallTree, DiffCallTree } from '../../../../shared/query/call-tree.ts';
import { bridge } from '../../bridge-client.ts';
import { useApp } from '../../store.ts';
import { formatValue } from '../../format.ts';
import { Panel } from '../Panel.tsx';
import { FlameGraph } from './FlameGraph.tsx';
import { TopTable } from './TopTable.tsx';
import { usePersistedViewState } from '../../export/view-state.ts';

type FilterKind = 'focus' | 'ignore' | 'hide';
interface Filter {
  kind: FilterKind;
  fn: string;
}

/** The renderer never draws more frames than this (d3-flame-graph is SVG: ~5 DOM nodes a frame). */
const MAX_NODES = 5000;
const TOP_ROWS = 300;
const TOP_SORT_KEYS: readonly TopSortKey[] = ['flat', 'flatPct', 'cum', 'cumPct', 'function'];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Chips of one kind as one pprof-style regex (any of the functions, matched exactly). */
function filterRegex(filters: Filter[], kind: FilterKind): string | undefined {
  const fns = filters.filter((f) => f.kind === kind).map((f) => escapeRe(f.fn));
  return fns.length === 0 ? undefined : `^(?:${fns.join('|')})$`;
}

function validRegex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

/** Stack profiles of every ready source (for the picker and the diff-base choice). */
function useStackProfiles(sources: SourceInfo[]): Map<string, StackProfileInfo[]> {
  const [profiles, setProfiles] = useState(new Map<string, StackProfileInfo[]>());
  const ready = sources.filter((s) => s.status === 'ready' && s.kind !== 'ss' && s.kind !== 'error');
  const key = ready.map((s) => s.id).join(',');
  useEffect(() => {
    let live = true;
    for (const s of ready) {
      if (profiles.has(s.id)) continue;
      bridge.request('query', { id: s.id, query: { type: 'stackProfiles' } }).then(
        (r) => {
          if (live && r.type === 'stackProfiles') setProfiles((m) => new Map(m).set(s.id, r.profiles));
        },
        () => {},
      );
    }
    return () => {
      live = false;
    };
  }, [key]);
  return profiles;
}

interface TreeState {
  tree: CallTree | DiffCallTree;
  profile: StackProfileInfo;
  diff: boolean;
  queryMs: number;
  /** performance.now() when the result arrived (the bench times redraws from it). */
  receivedAt: number;
}

export function FlameGraphPanel() {
  const sources = useApp((s) => s.session.sources);
  const focusedId = useApp((s) => s.focusedSourceId);
  const selection = useApp((s) => s.selection);
  const src = sources.find((s) => s.id === focusedId && s.status === 'ready');
  const allProfiles = useStackProfiles(sources);
  const profiles = src ? allProfiles.get(src.id) : undefined;

  const [profileKey, setProfileKey] = useState<string | null>(null);
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [inverted, setInverted] = useState(false);
  const [filters, setFilters] = useState<Filter[]>([]);
  const [rootPath, setRootPath] = useState<string[]>([]);
  const [baseId, setBaseId] = useState<string | null>(null);
  const [sortBy, setSortBy] = useState<TopSortKey>('flat');
  const [menu, setMenu] = useState<{ x: number; y: number; path: string[]; name: string } | null>(null);
  const [result, setResult] = useState<TreeState | null>(null);
  const [top, setTop] = useState<{ rows: TopRow[]; total: number; at: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [graphRef, width] = useWidthOf();

  // A new source starts from its default view.
  useEffect(() => {
    setProfileKey(null);
    setFilters([]);
    setRootPath([]);
    setBaseId(null);
    setResult(null);
    setTop(null);
    setError(null);
  }, [src?.id]);
  // Session files keep this view's state per source (after the reset above, so a restore wins).
  // The diff base is kept by name (source ids are new in a reopened session).
  const diffBaseName = (baseId && sources.find((s) => s.id === baseId)?.name) || null;
  usePersistedViewState('flame', src?.name, { profileKey, filters, inverted, rootPath, search: searchInput, diffBase: diffBaseName, sortBy }, (v) => {
    setProfileKey(v.profileKey ?? null);
    setFilters(Array.isArray(v.filters) ? v.filters : []);
    setInverted(!!v.inverted);
    setRootPath(Array.isArray(v.rootPath) ? v.rootPath : []);
    setSearchInput(typeof v.search === 'string' ? v.search : '');
    const b = typeof v.diffBase === 'string' ? sources.find((s) => s.name === v.diffBase && s.id !== src?.id && s.status === 'ready') : undefined;
    setBaseId(b?.id ?? null);
    setSortBy(TOP_SORT_KEYS.includes(v.sortBy) ? v.sortBy : 'flat');
  });

  // "Show in flame graph" from another view (blocking view, what changed): focus on that function,
  // in the profile it names. Runs after the reset and restore above, so the request wins.
  const focusRequest = useApp((s) => s.flameFocusRequest);
  useEffect(() => {
    if (!focusRequest || focusRequest.sourceId !== src?.id) return;
    if (focusRequest.profile) setProfileKey(focusRequest.profile);
    setRootPath([]);
    setFilters([{ kind: 'focus', fn: focusRequest.fn }]);
    document.querySelector('.panel-slot.slot-flame')?.scrollIntoView({ block: 'nearest' });
    // Only a new request (seq) re-applies it.
  }, [focusRequest?.seq, src?.id]);

  const profile = profiles?.find((p) => p.key === profileKey) ?? profiles?.find((p) => p.default) ?? profiles?.[0];

  // Search is a regex typed by the user: query once typing pauses, and only when it compiles.
  useEffect(() => {
    const t = setTimeout(() => setSearch(validRegex(searchInput) ? searchInput : ''), 180);
    return () => clearTimeout(t);
  }, [searchInput]);

  // Trace-derived profiles follow the selection, converted to the source's own clock.
  const shift = src?.axisShiftNs ?? 0;
  const range = useMemo(
    () => (profile?.rangeable && selection ? { startNs: selection.startNs - shift, endNs: selection.endNs - shift } : undefined),
    [profile?.rangeable, selection, shift],
  );

  const base = baseId ? sources.find((s) => s.id === baseId && s.status === 'ready') : undefined;
  const baseProfile = base && profile ? pickBaseProfile(allProfiles.get(base.id), profile) : undefined;
  const diffCandidates = profile
    ? sources.filter((s) => s.id !== src?.id && s.status === 'ready' && pickBaseProfile(allProfiles.get(s.id), profile))
    : [];

  const drawWidth = Math.max(200, width);
  const seq = useRef(0);
  useEffect(() => {
    if (!src || !profile || width <= 0) return;
    const q: CallTreeQuery = {
      type: 'callTree',
      profile: profile.key,
      range,
      inverted,
      focus: filterRegex(filters, 'focus'),
      ignore: filterRegex(filters, 'ignore'),
      hide: filterRegex(filters, 'hide'),
      search: search || undefined,
      rootPath: rootPath.length ? rootPath : undefined,
      // Frames narrower than a pixel are merged in the host, before they cross the bridge.
      minFraction: 1 / drawWidth,
      maxNodes: MAX_NODES,
    };
    const my = ++seq.current;
    const t0 = performance.now();
    setLoading(true);
    const req: Promise<QueryResult> =
      base && baseProfile
        ? bridge.request('diffCallTree', { id: src.id, baseId: base.id, baseProfile: baseProfile.key, query: q })
        : bridge.request('query', { id: src.id, query: q });
    req.then(
      (r) => {
        if (my !== seq.current) return;
        setLoading(false);
        if (r.type !== 'callTree') return;
        setError(null);
        const now = performance.now();
        setResult({ tree: r.tree, profile: r.profile, diff: r.diff, queryMs: now - t0, receivedAt: now });
      },
      (e: Error) => {
        if (my !== seq.current) return;
        setLoading(false);
        setError(e.message);
      },
    );
  }, [src?.id, profile?.key, range, inverted, filters, search, rootPath, drawWidth, base?.id, baseProfile?.key]);

  const topSeq = useRef(0);
  useEffect(() => {
    if (!src || !profile) return;
    const my = ++topSeq.current;
    bridge
      .request('query', {
        id: src.id,
        query: {
          type: 'topTable',
          profile: profile.key,
          range,
          focus: filterRegex(filters, 'focus'),
          ignore: filterRegex(filters, 'ignore'),
          hide: filterRegex(filters, 'hide'),
          sortBy,
          reverse: false,
          limit: TOP_ROWS,
        },
      })
      .then(
        (r) => {
          if (my === topSeq.current && r.type === 'topTable') setTop({ rows: r.table.rows, total: r.table.total, at: performance.now() });
        },
        () => {},
      );
  }, [src?.id, profile?.key, range, filters, sortBy]);

  const addFilter = (kind: FilterKind, fn: string) => {
    setRootPath([]);
    setFilters((fs) => [...fs.filter((f) => f.fn !== fn), { kind, fn }]);
  };
  const focusedFn = filters.find((f) => f.kind === 'focus')?.fn ?? null;

  if (!src) {
    return (
      <Panel title="Flame graph" testId="panel-flame">
        <p className="muted">Pick a profile, goroutine dump or trace in the sources list to see its stacks.</p>
      </Panel>
    );
  }
  // ss captures are never asked for stack profiles (they have none): say so rather than "Loading…" forever.
  if (src.kind === 'ss' || (profiles && profiles.length === 0)) {
    return (
      <Panel title="Flame graph" testId="panel-flame">
        <p className="muted" data-testid="flame-no-stacks">
          {src.kind === 'ss' ? 'ss captures have no stacks' : `${src.name} holds no stacks`}: pick a profile, goroutine dump or trace in the sources list.
        </p>
      </Panel>
    );
  }

  const tree = result?.tree;
  const unit = result?.profile.unit ?? profile?.unit ?? 'count';
  const total = tree?.total ?? 0;
  const matchedPct = tree?.matched !== undefined && total > 0 ? (100 * tree.matched) / total : null;

  return (
    <Panel
      title={`Flame graph · ${src.name}`}
      testId="panel-flame"
      actions={loading ? <span className="muted flame-busy">updating…</span> : null}
    >
      <div className="flame-panel" data-testid="flame-panel" data-state={loading ? 'loading' : 'ready'} data-query-ms={result?.queryMs.toFixed(1)} data-result-at={result?.receivedAt}>
        <div className="flame-controls">
          <label>
            Profile{' '}
            <select
              data-testid="flame-profile"
              value={profile?.key ?? ''}
              onChange={(e) => {
                setProfileKey(e.target.value);
                setRootPath([]);
              }}
            >
              {profiles?.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <input
            type="search"
            className={`flame-search ${validRegex(searchInput) ? '' : 'invalid'}`}
            placeholder="Search (regex)"
            aria-label="Search functions (regex)"
            data-testid="flame-search"
            value={searchInput}
            onChange={(e) => setSearchInput(e.target.value)}
          />
          <label className="flame-toggle">
            <input
              type="checkbox"
              data-testid="flame-inverted"
              checked={inverted}
              onChange={(e) => {
                setInverted(e.target.checked);
                setRootPath([]);
              }}
            />{' '}
            Inverted (bottom-up)
          </label>
          <label>
            Diff against{' '}
            <select
              data-testid="flame-diff-base"
              value={base?.id ?? ''}
              onChange={(e) => {
                setBaseId(e.target.value || null);
                setRootPath([]);
              }}
            >
              <option value="">— none —</option>
              {diffCandidates.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({pickBaseProfile(allProfiles.get(s.id), profile!)!.key})
                </option>
              ))}
            </select>
          </label>
          {range && <span className="muted" data-testid="flame-range">selected range only</span>}
        </div>

        <div className="flame-status">
          {matchedPct !== null && (
            <span className="flame-matched" data-testid="flame-matched">
              {matchedPct.toFixed(2)}% of total matched ({formatValue(tree!.matched!, unit)} of {formatValue(total, unit)})
            </span>
          )}
          {filters.map((f) => (
            <span key={f.fn} className={`chip chip-${f.kind}`} data-testid="flame-chip" data-kind={f.kind} data-function={f.fn}>
              {f.kind}: {f.fn}
              <button
                className="icon"
                aria-label={`Remove ${f.kind} ${f.fn}`}
                onClick={() => {
                  setRootPath([]);
                  setFilters((fs) => fs.filter((x) => x !== f));
                }}
              >
                ×
              </button>
            </span>
          ))}
          {result?.diff && (
            <span className="diff-legend" data-testid="flame-diff-legend">
              <span className="swatch grow" /> grew vs {base?.name} <span className="swatch shrink" /> shrank
            </span>
          )}
          <span className="muted flame-total" data-testid="flame-total">
            total {formatValue(total, unit)}
            {result?.diff && ` · base ${formatValue((tree as DiffCallTree).baseTotal, unit)}`}
            {tree?.truncated && ` · ${tree.nodeCount.toLocaleString('en-US')} frames drawn, narrower ones merged`}
          </span>
        </div>

        <nav className="flame-breadcrumb" aria-label="Zoom path" data-testid="flame-breadcrumb">
          <button className="link" onClick={() => setRootPath([])} data-testid="flame-crumb" disabled={rootPath.length === 0}>
            all
          </button>
          {rootPath.map((name, i) => (
            <span key={i}>
              {' › '}
              <button className="link" data-testid="flame-crumb" onClick={() => setRootPath(rootPath.slice(0, i + 1))} disabled={i === rootPath.length - 1}>
                {name}
              </button>
            </span>
          ))}
          {rootPath.length > 0 && (
            <button className="flame-reset" data-testid="flame-reset" onClick={() => setRootPath([])}>
              Reset zoom
            </button>
          )}
          {tree?.rootPathFound === false && <span className="muted"> (not in this profile)</span>}
        </nav>

        {error && (
          <p className="panel-error" role="alert" data-testid="flame-error">
            {error}
          </p>
        )}

        <div className="flame-body">
          <div className="flame-graph-col" ref={graphRef}>
            {tree && total > 0 ? (
              <FlameGraph
                root={tree.root}
                total={total}
                baseTotal={result?.diff ? (tree as DiffCallTree).baseTotal : undefined}
                unit={unit}
                width={drawWidth}
                // Root on top in both modes, as pprof's web UI draws it: the widest frames show first
                // whatever the panel's height (a deep stack no longer opens on empty space).
                icicle
                diff={!!result?.diff}
                search={search}
                onZoom={(path) => {
                  // Clicking the drawn root steps one level out.
                  if (path.length === 0) setRootPath((p) => p.slice(0, -1));
                  else setRootPath((p) => [...p, ...path]);
                }}
                onContextMenu={(path, name, x, y) => setMenu({ x, y, path, name })}
              />
            ) : tree ? (
              <p className="muted" data-testid="flame-empty">
                No samples {range ? 'in the selected range' : filters.length ? 'left after the filters' : 'in this profile'}.
              </p>
            ) : (
              <p className="muted">Loading…</p>
            )}
          </div>
          {/* data-result-at: when the table's answer arrived (page clock), for bench/flame-bench.ts. */}
          <div className="flame-top-col" data-testid="flame-top" data-result-at={top?.at.toFixed(1)}>
            {top && (
              <TopTable
                rows={top.rows}
                unit={unit}
                sortBy={sortBy}
                onSort={setSortBy}
                focused={focusedFn}
                onPick={(fn) => {
                  setRootPath([]);
                  // A row click focuses on that function alone (again: back to everything).
                  setFilters((fs) =>
                    focusedFn === fn ? fs.filter((f) => f.kind !== 'focus') : [...fs.filter((f) => f.kind !== 'focus' && f.fn !== fn), { kind: 'focus', fn }],
                  );
                }}
              />
            )}
          </div>
        </div>
      </div>
      {menu && (
        <FrameMenu
          {...menu}
          onClose={() => setMenu(null)}
          onZoom={() => setRootPath((p) => [...p, ...menu.path])}
          onFilter={(kind) => addFilter(kind, menu.name)}
        />
      )}
    </Panel>
  );
}

/**
 * Content width of an element that may mount later than the panel (a callback ref, unlike
 * useElementWidth, which observes only what exists on first mount).
 */
function useWidthOf(): [(el: HTMLDivElement | null) => void, number] {
  const [width, setWidth] = useState(0);
  const ro = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: HTMLDivElement | null) => {
    ro.current?.disconnect();
    ro.current = null;
    if (!el) return;
    setWidth(el.clientWidth);
    ro.current = new ResizeObserver(([e]) => setWidth(Math.floor(e?.contentRect.width ?? 0)));
    ro.current.observe(el);
  }, []);
  return [ref, width];
}

/** The base source's profile to diff against: the same key, else the first of the same unit. */
function pickBaseProfile(list: StackProfileInfo[] | undefined, cur: StackProfileInfo): StackProfileInfo | undefined {
  if (!list) return undefined;
  return list.find((p) => p.key === cur.key && p.unit === cur.unit) ?? list.find((p) => p.unit === cur.unit);
}

function FrameMenu(props: {
  x: number;
  y: number;
  name: string;
  onClose(): void;
  onZoom(): void;
  onFilter(kind: FilterKind): void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const close = (e: Event) => {
      if (!ref.current?.contains(e.target as Node)) props.onClose();
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', esc);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', esc);
    };
  });
  const act = (fn: () => void) => () => {
    fn();
    props.onClose();
  };
  // Keep the whole menu inside the window (a frame near the bottom or right edge opens it there).
  const [pos, setPos] = useState({ left: props.x, top: props.y });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({
      left: Math.max(4, Math.min(props.x, window.innerWidth - r.width - 4)),
      top: Math.max(4, Math.min(props.y, window.innerHeight - r.height - 4)),
    });
  }, [props.x, props.y]);
  return (
    <div className="flame-menu" ref={ref} style={pos} role="menu" data-testid="flame-menu">
      <div className="flame-menu-title">{props.name}</div>
      <button role="menuitem" onClick={act(props.onZoom)}>
        Zoom here
      </button>
      <button role="menuitem" data-testid="menu-focus" onClick={act(() => props.onFilter('focus'))}>
        Focus (only stacks through it)
      </button>
      <button role="menuitem" data-testid="menu-ignore" onClick={act(() => props.onFilter('ignore'))}>
        Ignore (drop stacks through it)
      </button>
      <button role="menuitem" data-testid="menu-hide" onClick={act(() => props.onFilter('hide'))}>
        Hide (merge into its caller)
      </button>
    </div>
  );
}
