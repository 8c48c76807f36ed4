import { useEffect, useRef, useState } from 'react';
import type { ExportView } from '../../export/exporter.ts';
import { copyToClipboard, exportToFile } from './use-export-action.ts';
import './export.css';

/** The export control in a panel header: PNG 1× / 2×, SVG, copy. */
export function ExportButton({ view, label }: { view: ExportView; label: string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => !ref.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  const act = (fn: () => Promise<void>) => () => {
    setOpen(false);
    // Let the menu close before the picture is taken.
    requestAnimationFrame(() => void fn());
  };
  return (
    <span className="panel-export" ref={ref} data-export-skip="">
      <button aria-label={`Export ${label}`} title={`Export ${label} as an image`} data-testid={`panel-export-${view}`} onClick={() => setOpen((v) => !v)}>
        ⤓
      </button>
      {open && (
        <div className="export-menu" role="menu">
          <button role="menuitem" data-testid={`panel-export-${view}-png`} onClick={act(() => exportToFile(view, 'png', 1))}>
            PNG
          </button>
          <button role="menuitem" data-testid={`panel-export-${view}-png2`} onClick={act(() => exportToFile(view, 'png', 2))}>
            PNG 2×
          </button>
          <button role="menuitem" data-testid={`panel-export-${view}-svg`} onClick={act(() => exportToFile(view, 'svg'))}>
            SVG
          </button>
          <button role="menuitem" data-testid={`panel-export-${view}-copy`} onClick={act(() => copyToClipboard(view))}>
            Copy image
          </button>
        </div>
      )}
    </span>
  );
}
