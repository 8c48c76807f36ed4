/** Sends dropped or picked files to the host: by path in Electron, by bytes in browser mode. */
import { bridge } from './bridge-client.ts';
import { useApp } from './store.ts';

export async function openFiles(files: File[]): Promise<void> {
  const paths: string[] = [];
  const uploads: File[] = [];
  for (const f of files) {
    const p = bridge.pathForFile?.(f);
    if (p) paths.push(p);
    else uploads.push(f);
  }
  if (paths.length) await bridge.request('openPaths', { paths });
  for (const f of uploads) {
    try {
      const bytes = new Uint8Array(await f.arrayBuffer());
      await bridge.request('openBytes', { name: f.name, bytes, mtimeMs: f.lastModified });
    } catch (e) {
      useApp.getState().notify(f.name, (e as Error).message);
    }
  }
}
