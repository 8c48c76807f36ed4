/** Runs an export action and reports its outcome in the toolbar's status line. */
import { create } from 'zustand';
import { copyImage, downloadBlob, exportImage, type ExportFormat, type ExportView } from '../../export/exporter.ts';
import { saveSessionFile, writeBundle } from '../../export/session-client.ts';

export const useExportStatus = create<{ text: string; error: boolean; busy: boolean; lastBundle: string | null }>(() => ({
  text: '',
  error: false,
  busy: false,
  lastBundle: null,
}));

export async function runExport<T>(label: string, fn: () => Promise<T>, done: (r: T) => string): Promise<void> {
  useExportStatus.setState({ text: `${label}…`, error: false, busy: true });
  try {
    const r = await fn();
    useExportStatus.setState({ text: done(r), error: false, busy: false });
  } catch (e) {
    useExportStatus.setState({ text: `${label} failed: ${(e as Error).message}`, error: true, busy: false });
  }
}

export function exportToFile(view: ExportView, format: ExportFormat, scale = 1): Promise<void> {
  return runExport(
    `Exporting ${view}`,
    async () => {
      const r = await exportImage(view, format, scale);
      downloadBlob(r.blob, r.fileName);
      return r;
    },
    (r) => `Saved ${r.fileName} (${r.width}×${r.height})`,
  );
}

export function copyToClipboard(view: ExportView): Promise<void> {
  return runExport(`Copying ${view}`, () => copyImage(view), () => `Copied the ${view} picture to the clipboard`);
}

export function saveSessionAction(embed: boolean): Promise<void> {
  return runExport(
    'Saving session',
    () => saveSessionFile(embed),
    (p) => (p ? (embed ? `Session saved with its files: ${p}` : `Session saved: ${p}`) : 'Session not saved'),
  );
}

export function writeBundleAction(zip: boolean): Promise<void> {
  return runExport(
    zip ? 'Writing postmortem bundle (.zip)' : 'Writing postmortem bundle',
    () => writeBundle(undefined, zip),
    (where) => {
      if (where === null) return 'Bundle not written (cancelled)';
      useExportStatus.setState({ lastBundle: where });
      return `Bundle written to ${where}`;
    },
  );
}
