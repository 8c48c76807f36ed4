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

/**
 * Writes the postmortem bundle (a folder, or a .zip with `zip`). Returns where it went; a .zip with
 * no path (browser mode) is downloaded and its file name returned; null when the user cancelled.
 */
export async function writeBundle(dir?: string, zip = false): Promise<string | null> {
  const images = await bundleImages();
  const r = await bridge.request('exportBundle', { ...(dir ? { dir } : {}), ...(zip ? { zip } : {}), images, uiState: collectUiState() });
  if (r.cancelled) return null;
  if (r.zipBase64 !== undefined && r.zipName) {
    downloadBlob(base64ToBlob(r.zipBase64, 'application/zip'), r.zipName);
    return r.zipName;
  }
  return r.zipPath ?? r.dir ?? null;
}

function base64ToBlob(b64: string, type: string): Blob {
  const bin = atob(b64);
  const u8 = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
  return new Blob([u8], { type });
}

/** Opened sessions (request, drop, Open…, command line) apply their UI state once their sources settle. */
export function listenForOpenedSessions(): () => void {
  return bridge.on('sessionOpened', (e: SessionOpened) => {
    const notify = useApp.getState().notify;
    for (const p of e.problems) notify(p.file, p.reason);
    void applyUiStateWhenReady(e);
  });
}
