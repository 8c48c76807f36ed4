/**
 * The flame graph panel, connected: the focused source, its flame view state (store slice) and the
 * selection in its clock (selector) become two engine queries (call tree pruned to the drawn width,
 * top table) through useSourceQuery; the plain FlameView draws the answers and sends actions back.
 * Every aggregation runs in the source's engine (shared/query/stacks/stack-sources.ts).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import type { CallTreeArgs, TopTableArgs } from '../../../../shared/query/query-types.ts';
import { diffCompatible } from '../../../../shared/query/stacks/stack-sources.ts';
import type { StackProfileInfo } from '../../../../shared/query/stacks/stack-types.ts';
import { withDeltas, type TopDeltaRow, type TopRow } from '../../../../shared/query/stacks/top-table.ts';
import { bridge } from '../../bridge-client.ts';
import { useApp } from '../../store.ts';
import { useFlameView, useSourceNames, useSourceSelection } from '../../selectors.ts';
import type { FilterKind, FlameFilter } from '../../state/flame-view.ts';
import { querySource } from '../../query/query-client.ts';
import { useRequest, useSourceQueries, useSourceQuery } from '../../query/use-source-query.ts';
import { Panel } from '../Panel.tsx';
import { FlameView, validRegex, type FlameViewActions } from './FlameView.tsx';
import { saveShownPprof } from './save-pprof.ts';
import { BASE_TOP_ROWS as SERIES_BASE_TOP_ROWS, useSeriesDelta } from './series-delta.ts';
import { SeriesWindowBar } from './SeriesWindowBar.tsx';
import { PeekView } from './PeekView.tsx';
import { SourceLinesView } from './SourceLinesView.tsx';
import { rootList, useSourceRoots } from './source-roots.ts';

/** The renderer never draws more frames than this (d3-flame-graph is SVG: ~5 DOM nodes a frame). */
const MAX_NODES = 5000;
const TOP_ROWS = 300;
/** Search is a regex typed by the user: asked once typing pauses. */
const SEARCH_PAUSE_MS = 180;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Chips of one kind as one pprof-style regex (any of the functions, matched exactly). */
function filterRegex(filters: FlameFilter[], kind: FilterKind): string | undefined {
  const fns = filters.filter((f) => f.kind === kind).map((f) => escapeRe(f.fn));
  return fns.length === 0 ? undefined : `^(?:${fns.join('|')})$`;
}

/**
 * The base source's profile to diff against: the same key, else the first that measures the same
 * thing in the same unit (a trace's CPU samples never diff against goroutine counts); none otherwise.
 */
function pickBaseProfile(list: StackProfileInfo[] | undefined, cur: StackProfileInfo): StackProfileInfo | undefined {
  if (!list) return undefined;
  return list.find((p) => p.key === cur.key && diffCompatible(cur, p)) ?? list.find((p) => diffCompatible(cur, p));
}

/** Base rows asked for a diff's delta column: enough that a truncated base is rare (the delta says so then). */
const BASE_TOP_ROWS = 20_000;

const hasStacks = (s: SourceInfo) => s.status === 'ready' && s.kind !== 'ss' && s.kind !== 'error';

export function FlameGraphPanel() {
  const sources = useApp((s) => s.session.sources);
  // Sources are named as everywhere else: equal file names get the folder that tells them apart.
  const nameOf = useSourceNames();
  const focusedId = useApp((s) => s.focusedSourceId);
  const src = sources.find((s) => s.id === focusedId && s.status === 'ready');
  const view = useFlameView(src?.id);
  const act = useApp((s) => s.flame);
  const selection = useSourceSelection(src?.id);
  const [graphRef, width] = useWidthOf();

  // Stack profiles of every source with stacks (for the picker and the diff-base choice).
  const profileAsks = useMemo(() => sources.filter(hasStacks).map((s) => ({ sourceId: s.id, args: {} })), [sources]);
  const allProfiles = useSourceQueries('stackProfiles', profileAsks);
  const profiles = src ? allProfiles.get(src.id)?.profiles : undefined;
  const profile = profiles?.find((p) => p.key === view.profileKey) ?? profiles?.find((p) => p.default) ?? profiles?.[0];
  const profilesOf = (id: string) => allProfiles.get(id)?.profiles;

  const appliedSearch = useDebounced(validRegex(view.search) ? view.search : '', SEARCH_PAUSE_MS);
  // Trace-derived profiles follow the selection, in the source's own clock.
  const range = profile?.rangeable ? selection : undefined;
  const base = view.diffBaseId ? sources.find((s) => s.id === view.diffBaseId && s.status === 'ready') : undefined;
  const baseProfile = base && profile ? pickBaseProfile(profilesOf(base.id), profile) : undefined;
  const diffCandidates = profile
    ? sources.flatMap((s) => {
        const p = s.id !== src?.id && s.status === 'ready' ? pickBaseProfile(profilesOf(s.id), profile) : undefined;
        return p ? [{ id: s.id, label: `${nameOf(s)} (${p.key})` }] : [];
      })
    : [];

  const drawWidth = Math.max(200, width);
  const filters = {
    focus: filterRegex(view.filters, 'focus'),
    ignore: filterRegex(view.filters, 'ignore'),
    hide: filterRegex(view.filters, 'hide'),
    // pprof's label options ride with the filters to every query (tree, top, peek, list, Save as pprof).
    tagfocus: view.labels.tagfocus || undefined,
    tagignore: view.labels.tagignore || undefined,
    tagroot: view.labels.tagroot || undefined,
  };
  const treeArgs: CallTreeArgs | null =
    src && profile && width > 0
      ? {
          profile: profile.key,
          range,
          inverted: view.inverted,
          ...filters,
          search: appliedSearch || undefined,
          rootPath: view.rootPath.length ? view.rootPath : undefined,
          // Frames narrower than a pixel are merged in the host, before they cross the bridge.
          minFraction: 1 / drawWidth,
          maxNodes: MAX_NODES,
        }
      : null;
  // A diff is its own host request (the base's engine exports its stacks); both answer a call tree.
  const diffWith = base && baseProfile ? { baseId: base.id, baseProfile: baseProfile.key } : null;
  const topArgs: TopTableArgs | null = profile ? { profile: profile.key, range, ...filters, sortBy: view.sortBy, reverse: false, limit: TOP_ROWS } : null;
  // A snapshot of a profile series: the brushed range's deltas replace its cumulative figures, so
  // while they show, the snapshot's own tree and table are not asked (the engine would build them for nothing).
  const series = useSeriesDelta(src?.id, treeArgs, topArgs, !!diffWith);
  const seriesOn = !!series?.active;
  const tree = useRequest(
    treeArgs && !seriesOn ? JSON.stringify([src!.id, diffWith, treeArgs]) : null,
    () =>
      diffWith
        ? bridge.request('diffCallTree', { id: src!.id, ...diffWith, query: { type: 'callTree', ...treeArgs! } })
        : querySource(src!.id, 'callTree', treeArgs!),
    { scope: src?.id },
  );
  const top = useSourceQuery(src?.id, 'topTable', seriesOn ? null : topArgs);
  // A diff's top table gets delta columns: the base's table (same filters, its own whole span) joined by function.
  const baseTopArgs: TopTableArgs | null =
    diffWith && topArgs ? { profile: diffWith.baseProfile, ...filters, sortBy: 'flat', reverse: false, limit: BASE_TOP_ROWS } : null;
  const baseTop = useSourceQuery(diffWith?.baseId, 'topTable', baseTopArgs);
  const topRows: TopDeltaRow[] | TopRow[] | null = useMemo(() => {
    if (!top.data) return null;
    if (!diffWith || !baseTop.data) return top.data.table.rows;
    return withDeltas(top.data.table.rows, baseTop.data.table.rows, baseTop.data.table.rows.length < BASE_TOP_ROWS);
  }, [top.data, baseTop.data, !!diffWith]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const seriesWindow = series?.tree.data?.window ?? series?.top.data?.window;
  const shownTree = seriesOn
    ? { result: series.tree.data?.result ?? null, loading: series.tree.loading, error: series.tree.error, elapsedMs: series.tree.elapsedMs, receivedAt: series.tree.receivedAt }
    : { result: tree.data, loading: tree.loading, error: tree.error, elapsedMs: tree.elapsedMs, receivedAt: tree.receivedAt };
  const shownTop = seriesOn
    ? series.top.data && series.top.receivedAt !== null
      ? {
          // Against a pinned baseline: delta columns from the baseline window's table, as a source diff has them.
          rows: series.baseline && series.baseTop.data
            ? withDeltas(series.top.data.result.table.rows, series.baseTop.data.result.table.rows, series.baseTop.data.result.table.rows.length < SERIES_BASE_TOP_ROWS)
            : series.top.data.result.table.rows,
          receivedAt: series.top.receivedAt,
        }
      : null
    : topRows && top.receivedAt !== null
      ? { rows: topRows, receivedAt: top.receivedAt }
      : null;
  // Saving a series window writes its delta (end snapshot minus start, as pprof -base); a baseline diff is not saved.
  const seriesSave = seriesOn && seriesWindow && !series.baseline ? { baseId: seriesWindow.from.id, baseProfile: profile?.key ?? '' } : null;
  const originEpochNs = useApp((s) => s.session.originEpochNs);
  const labelKeys = useSourceQuery(src?.id, 'labelKeys', profile ? { profile: profile.key, range } : null);

  // Peek / source lines of one function, asked only while shown; the function matched exactly.
  const sideFn = view.side !== 'top' ? view.sideFn : null;
  const sideArgs = sideFn && profile ? { profile: profile.key, range, ...filters, regex: `^${escapeRe(sideFn)}$` } : null;
  const peek = useSourceQuery(src?.id, 'peek', view.side === 'peek' ? sideArgs : null);
  const [roots, setRoots] = useSourceRoots();
  const listing = useRequest(
    view.side === 'source' && sideArgs && src ? JSON.stringify([src.id, sideArgs, roots]) : null,
    () => bridge.request('sourceListing', { id: src!.id, query: { type: 'sourceLines', ...sideArgs! }, roots: rootList(roots.roots), trimPath: roots.trimPath || undefined }),
    { scope: src?.id },
  );

  const actions: FlameViewActions | null = useMemo(() => {
    if (!src) return null;
    const id = src.id;
    return {
      setProfile: (k) => act.setProfile(id, k),
      setSearch: (s) => act.setSearch(id, s),
      setInverted: (b) => act.setInverted(id, b),
      setDiffBase: (b) => act.setDiffBase(id, b),
      setSort: (k) => act.setSort(id, k),
      addFilter: (k, fn) => act.addFilter(id, k, fn),
      removeFilter: (f) => act.removeFilter(id, f),
      toggleFocus: (fn) => act.toggleFocus(id, fn),
      zoomTo: (p) => act.zoomTo(id, p),
      zoomIn: (p) => act.zoomIn(id, p),
      zoomOut: () => act.zoomOut(id),
      setLabels: (l) => act.setLabels(id, l),
      showSide: (side, fn) => act.showSide(id, side, fn),
    };
  }, [src?.id, act]);

  if (!src || !actions) {
    return (
      <Panel title="Flame graph" testId="panel-flame" empty="Pick a profile, goroutine dump or trace in the sources list to see its stacks." />
    );
  }
  // ss captures are never asked for stack profiles (they have none): say so rather than "Loading…" forever.
  if (src.kind === 'ss' || (profiles && profiles.length === 0)) {
    return (
      <Panel
        title="Flame graph"
        testId="panel-flame"
        empty={
          <span data-testid="flame-no-stacks">
            {src.kind === 'ss' ? 'ss captures have no stacks' : `${nameOf(src)} holds no stacks`}: pick a profile, goroutine dump or trace in the sources list.
          </span>
        }
      />
    );
  }
  return (
    <Panel
      title={`Flame graph · ${nameOf(src)}`}
      testId="panel-flame"
      actions={
        <>
          {shownTree.loading ? <span className="muted flame-busy">updating…</span> : null}
          {saveError && <span className="error" role="alert" data-testid="flame-save-pprof-error">{saveError}</span>}
          <button
            data-testid="flame-save-pprof"
            data-export-skip=""
            disabled={!profile || (seriesOn && !seriesSave)}
            title={
              diffWith
                ? 'Save the diff shown as .pb.gz: this profile minus the base (go tool pprof -base), filters applied'
                : 'Save the profile shown (range and filters applied) as .pb.gz for go tool pprof'
            }
            onClick={() => {
              setSaveError(null);
              if (seriesSave && seriesWindow && profile)
                saveShownPprof(seriesWindow.to.id, nameOf(seriesWindow.to.id), { profile: profile.key, ...filters }, seriesSave).catch((e: Error) => setSaveError(`Save as pprof failed: ${e.message}`));
              else if (profile) saveShownPprof(src.id, nameOf(src), { profile: profile.key, range, ...filters }, diffWith).catch((e: Error) => setSaveError(`Save as pprof failed: ${e.message}`));
            }}
          >
            Save as pprof
          </button>
        </>
      }
    >
      {series && (
        <SeriesWindowBar
          series={series.series}
          originEpochNs={originEpochNs}
          active={seriesOn}
          follow={series.follow}
          setFollow={series.setFollow}
          hasSelection={!!selection}
          outside={series.outside}
          window={seriesWindow}
          baselineWindow={series.tree.data?.baselineWindow}
          error={series.tree.error ?? series.top.error}
        />
      )}
      <FlameView
        view={view}
        profiles={profiles}
        profile={profile}
        appliedSearch={appliedSearch}
        diffCandidates={diffCandidates}
        baseName={seriesOn ? (series.baseline ? 'the baseline range' : seriesWindow ? nameOf(seriesWindow.from.id) : undefined) : base ? nameOf(base) : undefined}
        rangeLimited={!!range}
        tree={shownTree}
        top={shownTop}
        width={drawWidth}
        graphRef={graphRef}
        actions={actions}
        labelKeys={labelKeys.data?.keys}
        sideContent={
          view.side === 'peek' && sideFn ? (
            <PeekView
              fn={sideFn}
              result={peek.data?.peek ?? null}
              unit={profile?.unit ?? 'count'}
              loading={peek.loading}
              error={peek.error}
              onPeek={(fn) => actions.showSide('peek', fn)}
              onSource={(fn) => actions.showSide('source', fn)}
              onClose={() => actions.showSide('top')}
            />
          ) : view.side === 'source' && sideFn ? (
            <SourceLinesView
              fn={sideFn}
              listing={listing.data}
              loading={listing.loading}
              error={listing.error}
              roots={roots.roots}
              trimPath={roots.trimPath}
              onRoots={(r, t) => setRoots({ roots: r, trimPath: t })}
              onPeek={(fn) => actions.showSide('peek', fn)}
              onClose={() => actions.showSide('top')}
            />
          ) : null
        }
      />
    </Panel>
  );
}

/** `value`, once it has stayed the same for `ms` (the first value at once). */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
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
