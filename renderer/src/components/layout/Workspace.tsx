import { useRef, type ReactNode } from 'react';
import { useApp } from '../../store.ts';
import { resizeRow, resizeSources, resizeSplit, type SlotId } from './layout-model.ts';
import './layout.css';

const KEY_PX = 24;
const KEY_SHARE = 0.04;

/**
 * A drag handle between two areas: pointer drag, or focus it and use the arrow keys (Shift for
 * bigger steps). `onMove(delta)` gets px along its axis.
 */
export function SplitHandle({
  orientation,
  label,
  value,
  onMove,
  testId,
}: {
  /** 'vertical' = a vertical bar that moves left/right. */
  orientation: 'vertical' | 'horizontal';
  label: string;
  value?: number;
  onMove: (deltaPx: number, viaKeyboard: boolean) => void;
  testId?: string;
}) {
  const last = useRef<number | null>(null);
  const along = (e: { clientX: number; clientY: number }) => (orientation === 'vertical' ? e.clientX : e.clientY);
  return (
    <div
      role="separator"
      aria-orientation={orientation}
      aria-label={label}
      aria-valuenow={value === undefined ? undefined : Math.round(value)}
      tabIndex={0}
      data-testid={testId}
      className={`split-handle ${orientation}`}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.preventDefault();
        (e.target as Element).setPointerCapture?.(e.pointerId);
        last.current = along(e);
      }}
      onPointerMove={(e) => {
        if (last.current === null) return;
        const p = along(e);
        if (p !== last.current) onMove(p - last.current, false);
        last.current = p;
      }}
      onPointerUp={() => (last.current = null)}
      onPointerCancel={() => (last.current = null)}
      onKeyDown={(e) => {
        const step = e.shiftKey ? KEY_PX * 4 : KEY_PX;
        const back = orientation === 'vertical' ? 'ArrowLeft' : 'ArrowUp';
        const fwd = orientation === 'vertical' ? 'ArrowRight' : 'ArrowDown';
        if (e.key === back) onMove(-step, true);
        else if (e.key === fwd) onMove(step, true);
        else return;
        e.preventDefault();
      }}
    />
  );
}

/**
 * The workspace under the timeline: the sources column, then the panel slots in rows as the
 * store's `layout` says, with handles between every slot and below every row.
 */
export function Workspace({ sources, slots }: { sources: ReactNode; slots: Record<SlotId, ReactNode> }) {
  const layout = useApp((s) => s.layout);
  const setLayout = useApp((s) => s.setLayout);
  const rowRefs = useRef<(HTMLDivElement | null)[]>([]);
  const get = () => useApp.getState().layout;
  return (
    <div className="workspace" style={{ ['--sources-w' as string]: `${layout.sourcesWidth}px` }} data-testid="workspace" data-preset={layout.preset}>
      {sources}
      <SplitHandle orientation="vertical" label="Resize the sources list" value={layout.sourcesWidth} testId="split-sources" onMove={(d) => setLayout(resizeSources(get(), d))} />
      <main className="panels layout">
        {layout.rows.map((row, r) => (
          <div key={row.slots.join('+')} className="layout-row-wrap">
            <div className="layout-row" style={{ height: row.height }} ref={(el) => void (rowRefs.current[r] = el)} data-testid="layout-row" data-slots={row.slots.join(' ')}>
              {row.slots.map((id, i) => (
                <div key={id} className="layout-cell" style={{ flex: `${row.widths[i]} 1 0` }}>
                  <div className={`panel-slot slot-${id}`}>{slots[id]}</div>
                  {i + 1 < row.slots.length && (
                    <SplitHandle
                      orientation="vertical"
                      label={`Resize ${id} and ${row.slots[i + 1]}`}
                      value={row.widths[i]! * 100}
                      testId={`split-${id}`}
                      onMove={(d, key) => {
                        const w = rowRefs.current[r]?.clientWidth ?? 1000;
                        setLayout(resizeSplit(get(), r, i, key ? Math.sign(d) * KEY_SHARE : d / w));
                      }}
                    />
                  )}
                </div>
              ))}
            </div>
            <SplitHandle orientation="horizontal" label={`Resize the ${row.slots.join(' and ')} row`} value={row.height} testId={`split-row-${r}`} onMove={(d) => setLayout(resizeRow(get(), r, d))} />
          </div>
        ))}
      </main>
    </div>
  );
}
