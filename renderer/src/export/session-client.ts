/** Session files and postmortem bundles from the renderer's side: collect state, render images, ask the host. */
import type { ExportImage, SessionOpened } from '../../../shared/bridge.ts';
import { bridge } from '../bridge-client.ts';
import { useApp } from '../store.ts';
import { applyUiStateWhenReady, collectUiState } from './ui-state.ts';
import { availableViews, blobToBase64, downloadBlob, exportImage, type ExportView } from './exporter.ts';

/** Saves the session: a download in browser mode, a native save dialog in Electron. Returns where it went. */
export async function saveSessionFile(embed: boolean): Promise<string> {
  const r = await bridge.request('saveSession', { embed, uiState: collectUiState() });
  if (r.text !== undefined) {
    downloadBlob(new Blob([r.text], { type: 'application/json' }), r.fileName);
    return r.fileName;
  }
  return r.savedPath ?? '';
}

/** The pictures a bundle carries: the workspace, and each view on screen as PNG (SVG for flame graph and heat map). */
export async function bundleImages(): Promise<ExportImage[]> {
  const out: ExportImage[] = [];
  const views = availableViews().filter((v): v is ExportView => v !== 'details');
  for (const v of views) {
    const png = await exportImage(v, 'png', 1);
    out.push({ name: `${v}.png`, base64: await blobToBase64(png.blob) });
    if (v === 'flame' || v === 'heatmap' || v === 'timeline') {
      const svg = await exportImage(v, 'svg');
      out.push({ name: `${v}.svg`, base64: await blobToBase64(svg.blob) });
    }
  }
  return out;
}

export async function writeBundle(dir?: string): Promise<string> {
  const images = await bundleImages();
  const r = await bridge.request('exportBundle', { ...(dir ? { dir } : {}), images, uiState: collectUiState() });
  return r.dir;
}

/** Opened sessions (request, drop, Open…, command line) apply their UI state once their sources settle. */
export function listenForOpenedSessions(): () => void {
  return bridge.on('sessionOpened', (e: SessionOpened) => {
    const notify = useApp.getState().notify;
    for (const p of e.problems) notify(p.file, p.reason);
    void applyUiStateWhenReady(e);
  });
}
