/**
 * The flame graph view, plain props: the controls, the filter chips, the zoom path, the graph and
 * the top table for one source's call tree. It never queries and holds no view state (only the
 * open context menu): what it shows comes from the connected FlameGraphPanel, every change goes
 * back up as an action.
 */
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { LabelKeySummary } from '../../../../shared/query/stacks/stack-labels.ts';
import type { StackProfileInfo } from '../../../../shared/query/stacks/stack-types.ts';
import type { TopDeltaRow, TopRow, TopSortKey } from '../../../../shared/query/stacks/top-table.ts';
import type { DiffCallTree } from '../../../../shared/query/stacks/call-tree.ts';
import type { CallTreeResult } from '../../../../shared/query/query-types.ts';
import type { SourceId } from '../../../../shared/bridge.ts';
import type { FilterKind, FlameFilter, FlameLabels, FlameSide, FlameViewState } from '../../state/flame-view.ts';
import { formatValue } from '../../format.ts';
import { FlameGraph } from './FlameGraph.tsx';
import { TopTable } from './TopTable.tsx';

export interface FlameViewActions {
  setProfile(key: string): void;
  setSearch(search: string): void;
  setInverted(inverted: boolean): void;
  setDiffBase(id: SourceId | null): void;
  setSort(sortBy: TopSortKey): void;
  addFilter(kind: FilterKind, fn: string): void;
  removeFilter(f: FlameFilter): void;
  toggleFocus(fn: string): void;
  zoomTo(path: string[]): void;
  zoomIn(path: string[]): void;
  zoomOut(): void;
  setLabels(labels: Partial<FlameLabels>): void;
  /** The area under the graph: top table, or peek / source lines of a function. */
  showSide(side: FlameSide, fn?: string | null): void;
}

export interface FlameViewProps {
  view: FlameViewState;
  profiles: StackProfileInfo[] | undefined;
  profile: StackProfileInfo | undefined;
  /** The search regex the tree was asked with (typed text that compiles, after a pause). */
  appliedSearch: string;
  /** Sources to diff against, with the profile each would use. */
  diffCandidates: { id: SourceId; label: string }[];
  baseName: string | undefined;
  /** The tree covers only the selected range (trace-derived profiles). */
  rangeLimited: boolean;
  tree: { result: CallTreeResult | null; loading: boolean; error: string | null; elapsedMs: number | null; receivedAt: number | null };
  /** Top rows; with delta columns in a diff. */
  top: { rows: TopRow[] | TopDeltaRow[]; receivedAt: number } | null;
  /** The graph column's width in px, and the ref that measures it. */
  width: number;
  graphRef(el: HTMLDivElement | null): void;
  actions: FlameViewActions;
  /** The profile's label keys (pprof -tags), for the label controls' suggestions; [] when it has none. */
  labelKeys: LabelKeySummary[] | undefined;
  /** What peek / source lines show when view.side is not 'top' (the connected panel queries it). */
  sideContent: ReactNode;
}

export function validRegex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

export function FlameView(props: FlameViewProps) {
  const { view, profiles, profile, actions, tree: answer } = props;
  const [menu, setMenu] = useState<{ x: number; y: number; path: string[]; name: string } | null>(null);
  const result = answer.result;
  const tree = result?.tree;
  const unit = result?.profile.unit ?? profile?.unit ?? 'count';
  const total = tree?.total ?? 0;
  const matchedPct = tree?.matched !== undefined && total > 0 ? (100 * tree.matched) / total : null;
  const focusedFn = view.filters.find((f) => f.kind === 'focus')?.fn ?? null;
  const { rootPath, filters } = view;

  return (
    <>
      <div
        className="flame-panel"
        data-testid="flame-panel"
        data-state={answer.loading ? 'loading' : 'ready'}
        data-query-ms={answer.elapsedMs?.toFixed(1)}
        data-result-at={answer.receivedAt ?? undefined}
      >
        <div className="flame-controls">
          <label>
            Profile{' '}
            <select data-testid="flame-profile" value={profile?.key ?? ''} onChange={(e) => actions.setProfile(e.target.value)}>
              {profiles?.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <input
            type="search"
            className={`flame-search ${validRegex(view.search) ? '' : 'invalid'}`}
            placeholder="Search (regex)"
            aria-label="Search functions (regex)"
            data-testid="flame-search"
            value={view.search}
            onChange={(e) => actions.setSearch(e.target.value)}
          />
          <label className="flame-toggle">
            <input type="checkbox" data-testid="flame-inverted" checked={view.inverted} onChange={(e) => actions.setInverted(e.target.checked)} /> Inverted
            (bottom-up)
          </label>
          <label>
            Diff against{' '}
            <select data-testid="flame-diff-base" value={props.baseName ? (view.diffBaseId ?? '') : ''} onChange={(e) => actions.setDiffBase(e.target.value || null)}>
              <option value="">— none —</option>
              {props.diffCandidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          {props.rangeLimited && (
            <span className="muted" data-testid="flame-range">
              selected range only
            </span>
          )}
        </div>

        <LabelControls labels={view.labels} keys={props.labelKeys} onChange={actions.setLabels} />

        <div className="flame-status">
          {matchedPct !== null && (
            <span className="flame-matched" data-testid="flame-matched">
              {matchedPct.toFixed(2)}% of total matched ({formatValue(tree!.matched!, unit)} of {formatValue(total, unit)})
            </span>
          )}
          {filters.map((f) => (
            <span key={f.fn} className={`chip chip-${f.kind}`} data-testid="flame-chip" data-kind={f.kind} data-function={f.fn}>
              {f.kind}: {f.fn}
              <button className="icon" aria-label={`Remove ${f.kind} ${f.fn}`} onClick={() => actions.removeFilter(f)}>
                ×
              </button>
            </span>
          ))}
          {result?.diff && (
            <span className="diff-legend" data-testid="flame-diff-legend">
              <span className="swatch grow" /> grew vs {props.baseName} <span className="swatch shrink" /> shrank
            </span>
          )}
          <span className="muted flame-total" data-testid="flame-total" data-loading={tree ? undefined : 'true'}>
            {/* Before the first answer there is no total to show: "total 0 B" read as an empty profile. */}
            {tree ? `total ${formatValue(total, unit)}` : answer.error ? 'no total' : `loading ${profile?.label ?? 'profile'}…`}
            {result?.diff && ` · base ${formatValue((tree as DiffCallTree).baseTotal, unit)}`}
            {tree?.truncated && ` · ${tree.nodeCount.toLocaleString('en-US')} frames drawn, narrower ones merged`}
          </span>
        </div>

        <nav className="flame-breadcrumb" aria-label="Zoom path" data-testid="flame-breadcrumb">
          <button className="link" onClick={() => actions.zoomTo([])} data-testid="flame-crumb" disabled={rootPath.length === 0}>
            all
          </button>
          {rootPath.map((name, i) => (
            <span key={i}>
              {' › '}
              <button className="link" data-testid="flame-crumb" onClick={() => actions.zoomTo(rootPath.slice(0, i + 1))} disabled={i === rootPath.length - 1}>
                {name}
              </button>
            </span>
          ))}
          {rootPath.length > 0 && (
            <button className="flame-reset" data-testid="flame-reset" onClick={() => actions.zoomTo([])}>
              Reset zoom
            </button>
          )}
          {tree?.rootPathFound === false && <span className="muted"> (not in this profile)</span>}
        </nav>

        {answer.error && (
          <p className="panel-error" role="alert" data-testid="flame-error">
            {answer.error}
          </p>
        )}

        <div className="flame-body" data-export-stack="">
          <div className="flame-graph-col" ref={props.graphRef}>
            {tree && total > 0 ? (
              <FlameGraph
                root={tree.root}
                total={total}
                baseTotal={result?.diff ? (tree as DiffCallTree).baseTotal : undefined}
                unit={unit}
                width={props.width}
                // Root on top in both modes, as pprof's web UI draws it: the widest frames show first
                // whatever the panel's height (a deep stack no longer opens on empty space).
                icicle
                diff={!!result?.diff}
                search={props.appliedSearch}
                // Clicking the drawn root steps one level out.
                onZoom={(path) => (path.length === 0 ? actions.zoomOut() : actions.zoomIn(path))}
                onContextMenu={(path, name, x, y) => setMenu({ x, y, path, name })}
              />
            ) : tree ? (
              <p className="muted" data-testid="flame-empty">
                No samples {props.rangeLimited ? 'in the selected range' : filters.length ? 'left after the filters' : 'in this profile'}.
              </p>
            ) : (
              <p className="muted">Loading…</p>
            )}
          </div>
          <nav className="flame-side-tabs" role="tablist" aria-label="Under the graph" data-export-skip="">
            {(['top', 'peek', 'source'] as const).map((side) => (
              <button
                key={side}
                role="tab"
                aria-selected={view.side === side}
                data-testid={`flame-side-${side}`}
                disabled={side !== 'top' && !view.sideFn}
                onClick={() => actions.showSide(side, view.sideFn)}
              >
                {side === 'top' ? 'Top functions' : side === 'peek' ? `Callers & callees${view.sideFn ? ` · ${view.sideFn}` : ''}` : 'Source lines'}
              </button>
            ))}
          </nav>
          {/* data-result-at: when the table's answer arrived (page clock), for bench/flame-bench.ts. */}
          <div className="flame-top-col" data-testid="flame-top" data-result-at={props.top?.receivedAt.toFixed(1)} hidden={view.side !== 'top'}>
            {props.top && (
              <TopTable
                rows={props.top.rows}
                unit={unit}
                sortBy={view.sortBy}
                onSort={actions.setSort}
                focused={focusedFn}
                onPick={actions.toggleFocus}
                onPeek={(fn) => actions.showSide('peek', fn)}
              />
            )}
          </div>
          {view.side !== 'top' && <div className="flame-side">{props.sideContent}</div>}
        </div>
      </div>
      {menu && (
        <FrameMenu
          {...menu}
          onClose={() => setMenu(null)}
          onZoom={() => actions.zoomIn(menu.path)}
          onFilter={(kind) => actions.addFilter(kind, menu.name)}
          onSide={(side) => actions.showSide(side, menu.name)}
        />
      )}
    </>
  );
}

function FrameMenu(props: {
  x: number;
  y: number;
  name: string;
  onClose(): void;
  onZoom(): void;
  onFilter(kind: FilterKind): void;
  onSide(side: 'peek' | 'source'): void;
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
      <button role="menuitem" data-testid="menu-peek" onClick={act(() => props.onSide('peek'))}>
        Callers &amp; callees (peek)
      </button>
      <button role="menuitem" data-testid="menu-source" onClick={act(() => props.onSide('source'))}>
        Source lines (list)
      </button>
    </div>
  );
}

/**
 * pprof's label options as inputs (applied on Enter or when the field is left): keep / drop samples by
 * label (-tagfocus / -tagignore: `key=regex`, `regex`, or a numeric range like `bytes=1kb:64kb`), and
 * group the graph under `key:value` root frames (-tagroot). Suggestions from the profile's own labels.
 */
function LabelControls({ labels, keys, onChange }: { labels: FlameLabels; keys: LabelKeySummary[] | undefined; onChange(l: Partial<FlameLabels>): void }) {
  if (!keys || (keys.length === 0 && !labels.tagfocus && !labels.tagignore && !labels.tagroot)) return null;
  const pairs = keys.flatMap((k) => k.values.map((v) => `${k.key}=${v.value}`));
  const field = (name: keyof FlameLabels, label: string, hint: string, options: string[]) => (
    <label title={hint}>
      {label}{' '}
      <DraftInput testId={`flame-${name}`} value={labels[name]} list={`flame-${name}-options`} placeholder={name === 'tagroot' ? 'label key(s)' : 'key=value'} onCommit={(v) => onChange({ [name]: v })} />
      <datalist id={`flame-${name}-options`}>
        {options.map((o) => (
          <option key={o} value={o} />
        ))}
      </datalist>
    </label>
  );
  return (
    <div className="flame-labels" data-testid="flame-labels">
      <span className="muted">Labels</span>
      {field('tagfocus', 'keep', 'pprof -tagfocus: only samples with this label (key=regex, regex on key:value, or key=1kb:64kb)', pairs)}
      {field('tagignore', 'drop', 'pprof -tagignore: drop samples with this label', pairs)}
      {field('tagroot', 'group by', 'pprof -tagroot: the graph under a key:value frame per label value (keys separated by commas)', keys.map((k) => k.key))}
      {keys.length > 0 && (
        <span className="muted flame-label-keys" data-testid="flame-label-keys">
          {keys.map((k) => `${k.key} (${k.valueCount})`).join(' · ')}
        </span>
      )}
    </div>
  );
}

/** A text input whose value is committed on Enter or blur (a filter applied per keystroke would query per keystroke). */
function DraftInput(props: { value: string; testId: string; list: string; placeholder: string; onCommit(v: string): void }) {
  const [draft, setDraft] = useState(props.value);
  useEffect(() => setDraft(props.value), [props.value]);
  const commit = () => draft.trim() !== props.value && props.onCommit(draft.trim());
  return (
    <input
      data-testid={props.testId}
      list={props.list}
      value={draft}
      placeholder={props.placeholder}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}
