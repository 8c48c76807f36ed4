/** Sends dropped or picked files to the host: by path in Electron, by bytes in browser mode. */
import { bridge } from './bridge-client.ts';
import { useApp } from './store.ts';
import { folderOfRelativePath, type OpenedFile } from './dropped-files.ts';

export async function openFiles(files: Array<File | OpenedFile>): Promise<void> {
  const paths: string[] = [];
  const uploads: OpenedFile[] = [];
  for (const entry of files) {
    const f = entry instanceof File ? { file: entry, folder: folderOfRelativePath(entry.webkitRelativePath ?? '') } : entry;
    const p = bridge.pathForFile?.(f.file);
    if (p) paths.push(p);
    else uploads.push(f);
  }
  if (paths.length) await bridge.request('openPaths', { paths });
  for (const { file: f, folder } of uploads) {
    try {
      const bytes = new Uint8Array(await f.arrayBuffer());
      await bridge.request('openBytes', { name: f.name, bytes, mtimeMs: f.lastModified, ...(folder ? { folder } : {}) });
    } catch (e) {
      useApp.getState().notify(f.name, (e as Error).message);
    }
  }
}
