/**
 * The flame graph drawing (d3-flame-graph, SVG) of a call tree the host already pruned to what
 * fits the width. Plain props: it never queries; clicks and context menus go back up as paths.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { select } from 'd3-selection';
import flamegraph, { type FlameGraph as Chart, type FlameHierarchyNode } from 'd3-flame-graph';
import 'd3-flame-graph/dist/d3-flamegraph.css';
import type { FlameNode } from '../../../../shared/query/stacks/call-tree.ts';
import { formatValue } from '../../format.ts';
import './flame.css';

type Node = FlameHierarchyNode<FlameNode>;

export interface FlameGraphProps {
  root: FlameNode;
  /** Percentages are of this (the whole profile after filters), not of the zoomed root. */
  total: number;
  baseTotal?: number;
  unit: string;
  width: number;
  /** Draw root at the top (icicle) — used for bottom-up trees. */
  icicle: boolean;
  diff: boolean;
  /** Regex; matching frames (name or file) are highlighted. */
  search: string;
  /** Path of function names from the drawn root to the clicked frame (empty = the root). */
  onZoom(path: string[]): void;
  onContextMenu(path: string[], name: string, x: number, y: number): void;
}

function compileSearch(s: string): RegExp | null {
  if (!s) return null;
  try {
    return new RegExp(s);
  } catch {
    return null;
  }
}

/** Names from the drawn root (excluded) down to `d`. */
function pathOf(d: Node): string[] {
  return d
    .ancestors()
    .reverse()
    .slice(1)
    .map((n) => n.data.name);
}

const pct = (v: number, of: number) => (of === 0 ? '0%' : `${((100 * v) / of).toFixed(2)}%`);

/** pprof -diff_base colours: growth red, shrink blue, by the change relative to the larger side. */
export function diffColor(n: FlameNode): string {
  const base = n.baseValue ?? 0;
  const delta = n.delta ?? n.value - base;
  const scale = Math.max(Math.abs(n.value), Math.abs(base));
  if (scale === 0 || delta === 0) return 'rgb(215,215,215)';
  const k = Math.min(1, Math.abs(delta) / scale);
  const fade = Math.round(225 * (1 - k));
  return delta > 0 ? `rgb(255,${fade},${fade})` : `rgb(${fade},${fade},255)`;
}

export function FlameGraph(props: FlameGraphProps) {
  const host = useRef<HTMLDivElement>(null);
  const tipEl = useRef<HTMLDivElement>(null);
  const chart = useRef<Chart<FlameNode> | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const [, setDrawn] = useState(0);

  // One chart per mount; options that depend on props read `latest` at draw time.
  useLayoutEffect(() => {
    const el = host.current!;
    const tip = Object.assign(() => {}, {
      show(event: MouseEvent, d: Node) {
        const t = tipEl.current;
        if (!t) return;
        t.replaceChildren(...tooltipLines(d.data, latest.current));
        t.style.display = 'block';
        // Fixed to the viewport (never clipped by the scroll area); flipped above/left near edges.
        const w = t.offsetWidth;
        const h = t.offsetHeight;
        const x = event.clientX + 14 + w > window.innerWidth ? event.clientX - w - 10 : event.clientX + 14;
        const y = event.clientY + 16 + h > window.innerHeight ? event.clientY - h - 10 : event.clientY + 16;
        t.style.left = `${Math.max(4, x)}px`;
        t.style.top = `${Math.max(4, y)}px`;
      },
      hide() {
        if (tipEl.current) tipEl.current.style.display = 'none';
      },
    });
    const c = flamegraph<FlameNode>()
      .cellHeight(18)
      .minFrameSize(1)
      .transitionDuration(0)
      .sort(false)
      .selfValue(false)
      .resetHeightOnZoom(true)
      .tooltip(tip)
      // Type arguments shortened as pprof draws them; the tooltip keeps the full name.
      .getName((d) => d.data.display ?? d.data.name)
      .setDetailsHandler(() => {})
      .setSearchHandler(() => {})
      .setSearchMatch((d, term) => {
        const re = compileSearch(term);
        return !!re && (re.test(d.data.name) || (d.data.file !== undefined && re.test(d.data.file)));
      })
      .setColorMapper((d, original) => {
        if (d.highlight) return '#e600e6';
        return latest.current.diff ? diffColor(d.data) : original;
      })
      .onClick((d) => latest.current.onZoom(pathOf(d)));
    chart.current = c;
    const onContext = (e: MouseEvent) => {
      const g = (e.target as Element).closest('g.frame') as (Element & { __data__?: Node }) | null;
      const d = g?.__data__;
      if (!d) return;
      e.preventDefault();
      tip.hide();
      latest.current.onContextMenu(pathOf(d), d.data.name, e.clientX, e.clientY);
    };
    el.addEventListener('contextmenu', onContext);
    return () => {
      el.removeEventListener('contextmenu', onContext);
      c.destroy();
      chart.current = null;
    };
  }, []);

  // Keyboard: a frame cursor (a path of names from the drawn root), outlined and read out.
  const cursor = useRef<string[]>([]);
  const [cursorText, setCursorText] = useState('');
  const framesByPath = () => {
    const out = new Map<string, { g: Element; d: Node }>();
    for (const g of host.current?.querySelectorAll('g.frame') ?? []) {
      const d = (g as Element & { __data__?: Node }).__data__;
      if (d) out.set(pathOf(d).join('\u0000'), { g, d });
    }
    return out;
  };
  const showCursor = (path: string[] | null) => {
    const frames = framesByPath();
    host.current?.querySelectorAll('g.frame.kbd-cursor').forEach((g) => g.classList.remove('kbd-cursor'));
    if (!path) return setCursorText('');
    const hit = frames.get(path.join('\u0000')) ?? frames.get('');
    if (!hit) return setCursorText('');
    cursor.current = pathOf(hit.d);
    hit.g.classList.add('kbd-cursor');
    hit.g.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
    host.current?.setAttribute('data-cursor', hit.d.data.name);
    const v = formatValue(hit.d.data.value, latest.current.unit);
    setCursorText(`${hit.d.data.name}: ${v} (${pct(hit.d.data.value, latest.current.total)})`);
  };
  const onKey = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return;
    const frames = framesByPath();
    const cur = frames.get(cursor.current.join('\u0000')) ?? frames.get('');
    if (!cur) return;
    const drawn = (n: Node | null | undefined) => !!n && frames.has(pathOf(n).join('\u0000'));
    const d = cur.d;
    // Towards the leaves: the widest drawn child; towards the root: the parent (drawn root = top of the path).
    const child = () => (d.children ?? []).filter(drawn).sort((a, b) => (b.value ?? 0) - (a.value ?? 0))[0];
    const sibling = (step: 1 | -1) => {
      const sibs = (d.parent?.children ?? []).filter(drawn);
      return sibs[sibs.indexOf(d) + step];
    };
    const leafward = latest.current.icicle ? 'ArrowDown' : 'ArrowUp';
    const rootward = latest.current.icicle ? 'ArrowUp' : 'ArrowDown';
    const next = e.key === leafward ? child() : e.key === rootward ? d.parent : e.key === 'ArrowLeft' ? sibling(-1) : e.key === 'ArrowRight' ? sibling(1) : undefined;
    if (next && drawn(next)) {
      e.preventDefault();
      showCursor(pathOf(next));
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      latest.current.onZoom(pathOf(d));
    } else if (e.key === 'Escape') {
      e.preventDefault();
      cursor.current = [];
      latest.current.onZoom([]);
    } else if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      e.preventDefault();
      const r = cur.g.getBoundingClientRect();
      latest.current.onContextMenu(pathOf(d), d.data.name, r.left + 8, r.bottom);
    } else if (e.key.startsWith('Arrow')) e.preventDefault();
  };

  // Redraw on new data or layout options (transitions are off: a big tree redraws in one go).
  useEffect(() => {
    const c = chart.current;
    const el = host.current;
    if (!c || !el || props.width <= 0) return;
    c.width(props.width).inverted(props.icicle);
    const sel = select(el.querySelector('.flame-svg-host') as HTMLDivElement);
    if (sel.select('svg').empty()) sel.datum(props.root).call(c);
    else c.update(props.root);
    if (props.search) c.search(props.search);
    // A flame (root at the bottom) opens scrolled to its root.
    if (!props.icicle) el.scrollTop = el.scrollHeight;
    else el.scrollTop = 0;
    el.dataset.drawnAt = String(performance.now());
    // For the bench and e2e: the frame after the redraw, i.e. when it is on screen.
    requestAnimationFrame(() => (el.dataset.paintedAt = String(performance.now())));
    setDrawn((n) => n + 1);
    // The keyboard cursor survives a redraw when its frame still is drawn (else it goes to the root).
    if (el.contains(document.activeElement)) showCursor(cursor.current);
  }, [props.root, props.width, props.icicle, props.diff, props.search]);

  return (
    <div
      className={`flame-scroll ${props.icicle ? 'flame-down' : 'flame-up'}`}
      ref={host}
      data-testid="flame-graph"
      tabIndex={0}
      role="tree"
      aria-label="Flame graph: arrows move between frames (parent, child, sibling), Enter zooms, Esc resets"
      onKeyDown={onKey}
      onFocus={(e) => e.target === e.currentTarget && e.currentTarget.matches(':focus-visible') && showCursor(cursor.current)}
      onBlur={() => showCursor(null)}
    >
      <div className="flame-svg-host" />
      <span className="sr-only" aria-live="polite" data-testid="flame-cursor-text">
        {cursorText}
      </span>
      <div className="flame-tip" ref={tipEl} data-testid="flame-tooltip" role="tooltip" />
    </div>
  );
}

function tooltipLines(n: FlameNode, p: FlameGraphProps): HTMLElement[] {
  const line = (label: string, text: string, cls = '') => {
    const div = document.createElement('div');
    div.className = `tip-row ${cls}`;
    const a = document.createElement('span');
    a.className = 'tip-label';
    a.textContent = label;
    const b = document.createElement('span');
    b.textContent = text;
    div.append(a, b);
    return div;
  };
  const title = document.createElement('div');
  title.className = 'tip-title';
  title.textContent = n.name;
  const out = [title];
  if (n.file) {
    const f = document.createElement('div');
    f.className = 'tip-file';
    f.textContent = n.file;
    out.push(f);
  }
  const v = (x: number) => formatValue(x, p.unit);
  out.push(line('total', `${v(n.value)} (${pct(n.value, p.total)})`), line('self', `${v(n.self)} (${pct(n.self, p.total)})`));
  if (p.diff) {
    const base = n.baseValue ?? 0;
    const delta = n.delta ?? n.value - base;
    out.push(
      line('base', `${v(base)} (${pct(base, p.baseTotal ?? 0)})`),
      line('delta', `${delta > 0 ? '+' : delta < 0 ? '−' : ''}${v(Math.abs(delta))}${base !== 0 ? ` (${delta >= 0 ? '+' : '−'}${pct(Math.abs(delta), base)})` : ''}`, delta > 0 ? 'grow' : delta < 0 ? 'shrink' : ''),
    );
  }
  const hint = document.createElement('div');
  hint.className = 'tip-hint';
  hint.textContent = 'click: zoom · right-click: focus / ignore / hide';
  out.push(hint);
  return out;
}
