import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../store.ts';
import { availableViews, type ExportView } from '../../export/exporter.ts';
import { listenForOpenedSessions } from '../../export/session-client.ts';
import { installExportApi } from '../../export/automation.ts';
import { copyToClipboard, exportToFile, saveSessionAction, useExportStatus, writeBundleAction } from './use-export-action.ts';
import { listenForMenuCommands } from './menu-commands.ts';
import './export.css';

const NAMES: Record<ExportView, string> = {
  workspace: 'Whole workspace',
  timeline: 'Timeline',
  flame: 'Flame graph',
  heatmap: 'Heat map',
  blocking: 'Blocking',
  changes: 'What changed',
  details: 'Details',
  trace: 'Trace timeline',
};

/** The toolbar's Export menu: pictures of any view, session files, the postmortem bundle. */
export function ExportMenu() {
  const [open, setOpen] = useState(false);
  const [views, setViews] = useState<ExportView[]>([]);
  const status = useExportStatus();
  const hasSources = useApp((s) => s.session.sources.some((x) => x.status === 'ready'));
  const ref = useRef<HTMLSpanElement>(null);

  // Sessions opened any way (drop, Open…, command line) restore their UI state; the CLI drives
  // exports; Electron's File > Export menu runs the same actions as this one.
  useEffect(() => {
    installExportApi();
    const offOpened = listenForOpenedSessions();
    const offMenu = listenForMenuCommands();
    return () => {
      offOpened();
      offMenu();
    };
  }, []);
  useEffect(() => {
    if (!open) return;
    setViews(availableViews());
    const close = (e: Event) => !ref.current?.contains(e.target as Node) && setOpen(false);
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', esc);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', esc);
    };
  }, [open]);

  const act = (fn: () => Promise<void>) => () => {
    setOpen(false);
    requestAnimationFrame(() => void fn());
  };
  return (
    <span className="export-menu-wrap" ref={ref}>
      <button data-testid="export-menu" disabled={!hasSources} aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        Export ▾
      </button>
      {status.text && (
        <span className={`export-status ${status.error ? 'error' : 'muted'}`} data-testid="export-status" data-bundle={status.lastBundle ?? undefined} title={status.text}>
          {' '}
          {status.text}
        </span>
      )}
      {open && (
        <div className="export-menu" role="menu" data-export-skip="">
          <h3>Pictures</h3>
          {views.map((v) => (
            <div className="row" key={v}>
              <span>{NAMES[v]}</span>
              <button role="menuitem" data-testid={`export-${v}-png`} onClick={act(() => exportToFile(v, 'png', 1))}>
                PNG
              </button>
              <button role="menuitem" data-testid={`export-${v}-png2`} onClick={act(() => exportToFile(v, 'png', 2))}>
                2×
              </button>
              <button role="menuitem" data-testid={`export-${v}-svg`} onClick={act(() => exportToFile(v, 'svg'))}>
                SVG
              </button>
              <button role="menuitem" title="Copy as PNG" aria-label={`Copy ${NAMES[v]}`} onClick={act(() => copyToClipboard(v))}>
                Copy
              </button>
            </div>
          ))}
          <h3>Session</h3>
          <button role="menuitem" data-testid="save-session" onClick={act(() => saveSessionAction(false))}>
            Save session (file paths + hashes)…
          </button>
          <button role="menuitem" data-testid="save-session-embed" onClick={act(() => saveSessionAction(true))}>
            Save session with files embedded…
          </button>
          <h3>Postmortem</h3>
          <button role="menuitem" data-testid="write-bundle" onClick={act(() => writeBundleAction(false))}>
            Write postmortem bundle (report, images, sources, session)
          </button>
          <button role="menuitem" data-testid="write-bundle-zip" onClick={act(() => writeBundleAction(true))}>
            … as one .zip
          </button>
        </div>
      )}
    </span>
  );
}
