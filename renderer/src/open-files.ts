/**
 * Sends dropped or picked files to the host: by path in Electron; in browser mode streamed from disk
 * by the browser (the page never holds the bytes), with progress and a Cancel button (UploadProgress).
 */
import { bridge, UploadCancelled, uploadFile } from './bridge-client.ts';
import { useApp } from './store.ts';
import { useUploads } from './uploads.ts';

type Upload = NonNullable<typeof uploadFile>;

async function streamUpload(f: File, upload: Upload): Promise<void> {
  const ctl = new AbortController();
  const list = useUploads.getState();
  const key = list.start(f.name, f.size, () => ctl.abort());
  try {
    await upload(f, (loaded, total) => useUploads.getState().progress(key, loaded, total), ctl.signal);
  } finally {
    useUploads.getState().end(key);
  }
}

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
      if (uploadFile) await streamUpload(f, uploadFile);
      else await bridge.request('openBytes', { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()), mtimeMs: f.lastModified });
    } catch (e) {
      if (e instanceof UploadCancelled) continue;
      useApp.getState().notify(f.name, (e as Error).message);
    }
  }
}
