/** Runs an export action and reports its outcome in the toolbar's status line. */
import { create } from 'zustand';
import { copyImage, downloadBlob, exportImage, type ExportFormat, type ExportView } from '../../export/exporter.ts';

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
