/**
 * The page's export API for scripted use (the CLI's headless export drives it through Playwright):
 * wait for views, set the range and sample type, render a view to PNG/SVG bytes, write a bundle.
 * Same code as the Export menu.
 */
import { epochDiffNs } from '../../../shared/model/time.ts';
import { sessionExtent, useApp } from '../store.ts';
import { blobToBase64, exportImage, type ExportFormat, type ExportView } from './exporter.ts';
import { writeBundle } from './session-client.ts';
import { axisSpan } from '../time-domains.ts';

export interface TracedeckExportApi {
  /** Resolves when every source has settled; returns the failures (file: reason). */
  sourcesSettled(): Promise<string[]>;
  /**
   * START..END: seconds from the session start (`2.5`, `2.5s`, `300ms`), or wall-clock ISO-8601
   * times (`2026-11-22T19:37:20Z`). Returns the axis range applied.
   */
  setRange(start: string, end: string): { startNs: number; endNs: number };
  focusSourceFor(view: ExportView): void;
  render(view: ExportView, format: ExportFormat, scale: number): Promise<{ base64: string; width: number; height: number; caption: string[] }>;
  /** Writes the bundle to `dir`: a folder, or one .zip when the path ends in .zip. */
  bundle(dir: string): Promise<string>;
}

function parseTime(spec: string, origin: string, sessionStartNs: number): number {
  const s = spec.trim();
  const rel = /^(-?\d+(?:\.\d+)?)(ns|us|µs|ms|s|m)?$/.exec(s);
  if (rel) {
    const mul: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9 };
    return sessionStartNs + Number(rel[1]) * mul[rel[2] ?? 's']!;
  }
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new Error(`cannot read time "${spec}": use seconds from the session start (2.5, 300ms) or an ISO time (2026-11-22T19:37:20Z)`);
  // Sub-millisecond digits of an ISO time are kept.
  const frac = /\.(\d{4,9})/.exec(s)?.[1];
  const extraNs = frac ? Number(frac.padEnd(9, '0').slice(3)) : 0;
  return epochDiffNs((BigInt(ms) * 1_000_000n + BigInt(extraNs)).toString(), origin);
}

export const exportApi: TracedeckExportApi = {
  sourcesSettled() {
    return new Promise((resolve) => {
      const check = () => {
        const srcs = useApp.getState().session.sources;
        if (srcs.length === 0 || srcs.some((s) => s.status === 'ingesting')) return false;
        resolve(srcs.filter((s) => s.status === 'error').map((s) => `${s.name}: ${s.error ?? 'failed'}`));
        return true;
      };
      if (check()) return;
      const unsub = useApp.subscribe(() => check() && unsub());
    });
  },
  setRange(start, end) {
    const st = useApp.getState();
    const origin = st.session.originEpochNs;
    const ext = sessionExtent(st.session);
    if (!origin || !ext) throw new Error('no sources on the time axis');
    const r = axisSpan(parseTime(start, origin, ext.startNs), parseTime(end, origin, ext.startNs));
    if (!(r.endNs > r.startNs)) throw new Error(`empty range ${start}..${end}`);
    st.setSelection(r);
    return r;
  },
  focusSourceFor(view) {
    const st = useApp.getState();
    const ready = st.session.sources.filter((s) => s.status === 'ready');
    const pick = view === 'heatmap' ? ready.find((s) => s.kind === 'ss') : view === 'flame' ? ready.find((s) => s.kind !== 'ss') : view === 'trace' ? ready.find((s) => s.kind === 'gotrace') : undefined;
    if (pick) st.focusSource(pick.id);
  },
  async render(view, format, scale) {
    const r = await exportImage(view, format, scale);
    return { base64: await blobToBase64(r.blob), width: r.width, height: r.height, caption: r.caption };
  },
  bundle: async (dir) => (await writeBundle(dir, /\.zip$/i.test(dir))) ?? dir,
};

declare global {
  interface Window {
    __tracedeckExport?: TracedeckExportApi;
  }
}

export function installExportApi(): void {
  window.__tracedeckExport = exportApi;
}
