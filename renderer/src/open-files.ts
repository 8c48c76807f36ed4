/**
 * Sends dropped or picked files to the host: by path in Electron; in browser mode streamed from disk
 * by the browser (the page never holds the bytes), with progress and a Cancel button (UploadProgress).
 */
import { bridge, UploadCancelled, uploadFile } from './bridge-client.ts';
import { useApp } from './store.ts';
import { useUploads } from './uploads.ts';
import { folderOfRelativePath, type OpenedFile } from './dropped-files.ts';

type Upload = NonNullable<typeof uploadFile>;

async function streamUpload(f: File, upload: Upload, folder: string | undefined): Promise<void> {
  const ctl = new AbortController();
  const list = useUploads.getState();
  const key = list.start(f.name, f.size, () => ctl.abort());
  try {
    await upload(f, (loaded, total) => useUploads.getState().progress(key, loaded, total), ctl.signal, folder);
  } finally {
    useUploads.getState().end(key);
  }
}

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
      if (uploadFile) await streamUpload(f, uploadFile, folder || undefined);
      else await bridge.request('openBytes', { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()), mtimeMs: f.lastModified, ...(folder ? { folder } : {}) });
    } catch (e) {
      if (e instanceof UploadCancelled) continue;
      useApp.getState().notify(f.name, (e as Error).message);
    }
  }
}
