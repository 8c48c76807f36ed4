/**
 * Pictures of the app for postmortems: any panel, the timeline or the whole workspace as a
 * self-contained SVG (text stays text) with a caption strip, and as PNG at 1× or 2× (the SVG drawn
 * on a canvas). Download, clipboard and the bytes for bundles and the CLI all start here.
 */
import { EXPORT_VIEWS, type ExportViewName, type SourceInfo } from '../../../shared/bridge.ts';
import { useApp } from '../store.ts';
import { selectFlameSource, selectHeatmapSource, selectTraceTimelineSource } from '../selectors.ts';
import { captionHeight, captionLines, captionSvg } from './caption.ts';
import { esc, serializeElement, wrapText, type SerializedPart } from './dom-to-svg.ts';
import { onExportStage } from './stage.ts';

// The list lives in the bridge contract: the Electron menu names the same views.
export { EXPORT_VIEWS };
export type ExportView = ExportViewName;

const TITLES: Record<ExportView, string> = {
  workspace: 'Workspace',
  timeline: 'Timeline',
  flame: 'Flame graph',
  heatmap: 'Connections heat map',
  blocking: 'Goroutine blocking',
  changes: 'What changed',
  details: 'Details',
  trace: 'Trace timeline',
};

export function exportTarget(view: ExportView): HTMLElement | null {
  if (view === 'workspace') return document.querySelector<HTMLElement>('.app');
  if (view === 'timeline') return document.querySelector<HTMLElement>('[data-testid="timeline"]');
  return document.querySelector<HTMLElement>(`[data-export-id="${view}"]`) ?? document.querySelector<HTMLElement>(`[data-testid="panel-${view}"]`);
}

/** Views that exist on screen now. */
export function availableViews(): ExportView[] {
  return EXPORT_VIEWS.filter((v) => exportTarget(v) !== null);
}

function readySources(): SourceInfo[] {
  return useApp.getState().session.sources.filter((s) => s.status === 'ready');
}

/** The sources a picture shows: the flame graph's and the heat map's (the same selectors the views use), else all. */
function viewSources(view: ExportView): SourceInfo[] {
  const st = useApp.getState();
  if (view === 'flame') {
    const f = selectFlameSource(st);
    return f ? [f] : readySources();
  }
  if (view === 'heatmap') {
    const one = selectHeatmapSource(st);
    return one ? [one] : [];
  }
  if (view === 'trace') {
    const t = selectTraceTimelineSource(st);
    return t ? [t] : [];
  }
  return readySources();
}

const labelOf = (el: Element): string => {
  const aria = el.getAttribute('aria-label');
  if (aria) return aria;
  const lab = el.closest('label');
  if (!lab) return '';
  const clone = lab.cloneNode(true) as Element;
  clone.querySelectorAll('select, option, input').forEach((n) => n.remove());
  return clone.textContent?.trim() ?? '';
};

/** Active filters and view settings, read from the controls on screen (what the picture shows). */
export function viewFilters(el: Element): string[] {
  const out: string[] = [];
  for (const b of el.querySelectorAll('[aria-pressed="true"]')) {
    const group = b.closest('[role="group"]')?.getAttribute('aria-label');
    out.push(`${group ? `${group.toLowerCase()}: ` : ''}${b.textContent?.trim()}`);
  }
  for (const s of el.querySelectorAll<HTMLSelectElement>('select')) {
    const v = s.selectedOptions[0]?.textContent?.trim();
    if (!v || v.startsWith('—')) continue;
    const l = labelOf(s);
    out.push(l ? `${l.toLowerCase()}: ${v}` : v);
  }
  for (const i of el.querySelectorAll<HTMLInputElement>('input')) {
    if ((i.type === 'checkbox' && i.checked) || (i.type === 'search' && i.value) || (i.type === 'text' && i.value)) {
      const l = labelOf(i) || i.placeholder;
      out.push(i.type === 'checkbox' ? l : `${l.replace(/\s*\(.*\)$/, '').toLowerCase()}: ${i.value}`);
    }
  }
  for (const c of el.querySelectorAll('[data-testid="flame-chip"]')) out.push(`${c.getAttribute('data-kind')}: ${c.getAttribute('data-function')}`);
  const crumbs = [...el.querySelectorAll('[data-testid="flame-crumb"]')].slice(1).map((c) => c.textContent?.trim());
  if (crumbs.length) out.push(`zoom: ${crumbs.join(' › ')}`);
  return [...new Set(out)].filter((x) => x.trim());
}

function theme(el: Element) {
  const cs = getComputedStyle(el);
  const v = (n: string, fb: string) => cs.getPropertyValue(n).trim() || fb;
  return { bg: v('--panel', '#ffffff'), page: v('--bg', '#f7f7f8'), fg: v('--fg', '#1d1f23'), muted: v('--muted', '#6a7079'), border: v('--border', '#d9dce1'), font: cs.fontFamily || 'system-ui, sans-serif' };
}

export interface RenderedSvg {
  svg: string;
  width: number;
  height: number;
  caption: string[];
}

/** The view as one self-contained SVG document: the picture, then the caption strip. */
export function renderSvg(view: ExportView): RenderedSvg {
  const el = exportTarget(view);
  if (!el) throw new Error(`nothing to export: the ${TITLES[view]} is not on screen`);
  let part: SerializedPart;
  let filters: string[];
  if (view === 'workspace') {
    // Every panel in full, whatever the workspace column has scrolled out of view.
    const bar = el.querySelector('.toolbar');
    part = serializeElement(el, {
      cropTop: bar ? bar.getBoundingClientRect().bottom - el.getBoundingClientRect().top : 0,
      noClip: (e) => !e.closest('.panel, [data-testid="timeline"]') || e.classList.contains('panel'),
      skip: (e) => e.classList.contains('toolbar') || e.classList.contains('notices') || e.getAttribute('role') === 'tooltip' || e.getAttribute('role') === 'menu',
    });
    filters = (['flame', 'heatmap', 'blocking'] as ExportView[]).flatMap((v) => {
      const t = exportTarget(v);
      return t ? viewFilters(t).map((f) => `${TITLES[v].toLowerCase()} ${f}`) : [];
    });
  } else {
    part = serializeElement(el, { skip: (e) => e.getAttribute('role') === 'tooltip' || e.getAttribute('role') === 'menu' });
    filters = viewFilters(el);
  }
  const title = view === 'flame' || view === 'heatmap' ? `${TITLES[view]}` : TITLES[view];
  const th = theme(document.documentElement);
  const width = Math.max(part.width, 480);
  // Long caption lines wrap to the picture's width.
  const caption = captionLines({ title, sources: viewSources(view), filters }).flatMap((l) => wrapText(l, `12px ${th.font}`, width - 24));
  const height = part.height + captionHeight(caption);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(th.font)}">`,
    `<title>${esc(caption.join(' — '))}</title>`,
    `<defs>${part.defs}</defs>`,
    `<rect width="${width}" height="${height}" fill="${esc(view === 'workspace' ? th.page : th.bg)}"/>`,
    part.body,
    captionSvg(caption, part.height, width, th),
    '</svg>',
  ].join('\n');
  return { svg, width, height, caption };
}

/** Draws an SVG document on a canvas at `scale` × its size. */
export async function svgToPng(svg: string, width: number, height: number, scale: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the exported SVG did not load as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export type ExportFormat = 'png' | 'svg';

export interface ExportedImage {
  blob: Blob;
  fileName: string;
  width: number;
  height: number;
  caption: string[];
}

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * Every picture is laid out again first (stage.ts): a view alone at the export width with all its
 * rows and no controls; the workspace at its own width, every panel grown to all its rows.
 */
export async function renderView(view: ExportView): Promise<RenderedSvg> {
  const el = exportTarget(view);
  if (!el) return renderSvg(view);
  // The workspace keeps its controls; its layout rows and every panel grow to their content.
  if (view === 'workspace') return onExportStage(el, () => renderSvg(view), { keepControls: true, autoHeight: '.layout-row, .panels, .workspace' });
  return onExportStage(el, () => renderSvg(view));
}

export async function exportImage(view: ExportView, format: ExportFormat, scale = 1): Promise<ExportedImage> {
  const r = await renderView(view);
  if (format === 'svg') {
    return { blob: new Blob([r.svg], { type: 'image/svg+xml' }), fileName: `tracedeck-${view}-${stamp()}.svg`, width: r.width, height: r.height, caption: r.caption };
  }
  const blob = await svgToPng(r.svg, r.width, r.height, scale);
  return {
    blob,
    fileName: `tracedeck-${view}-${stamp()}${scale !== 1 ? `@${scale}x` : ''}.png`,
    width: Math.round(r.width * scale),
    height: Math.round(r.height * scale),
    caption: r.caption,
  };
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copies a PNG of the view where the Clipboard API allows it (secure context, permission). */
export async function copyImage(view: ExportView, scale = 1): Promise<void> {
  if (typeof ClipboardItem === 'undefined' || !navigator.clipboard?.write) throw new Error('this browser does not allow copying images to the clipboard');
  const png = exportImage(view, 'png', scale).then((r) => r.blob);
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
}

export async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
