/** Sends dropped or picked files to the host: by path in Electron, by bytes in browser mode. */
import { bridge } from './bridge-client.ts';
import { useApp } from './store.ts';

/** A file to open, with the folder path it had inside a dropped or picked folder ("incident/web-01"). */
export interface OpenedFile {
  file: File;
  folder?: string;
}

/** The folder part of a relative path ("incident/web-01/block.pb.gz" → "incident/web-01"), or undefined. */
export function folderOfRelativePath(rel: string): string | undefined {
  const parts = rel.split('/').filter(Boolean);
  return parts.length > 1 ? parts.slice(0, -1).join('/') : undefined;
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
      const bytes = new Uint8Array(await f.arrayBuffer());
      await bridge.request('openBytes', { name: f.name, bytes, mtimeMs: f.lastModified, ...(folder ? { folder } : {}) });
    } catch (e) {
      useApp.getState().notify(f.name, (e as Error).message);
    }
  }
}

/**
 * The files of a drop, folders walked (a whole incident folder dropped at once): each file with
 * the folder path it had inside the drop, so equal names in different folders stay apart.
 * Falls back to the flat file list where entries are not available.
 */
export async function droppedFiles(dt: DataTransfer): Promise<OpenedFile[]> {
  const entries = Array.from(dt.items ?? [])
    .map((it) => (it.kind === 'file' ? it.webkitGetAsEntry?.() : null))
    .filter((e): e is FileSystemEntry => !!e);
  if (!entries.some((e) => e.isDirectory)) return Array.from(dt.files).map((file) => ({ file }));
  const out: OpenedFile[] = [];
  const walk = async (e: FileSystemEntry): Promise<void> => {
    // Hidden files (.DS_Store, editor swap files) in a dropped folder are not evidence.
    if (e.name.startsWith('.') && e.fullPath.split('/').filter(Boolean).length > 1) return;
    if (e.isFile) {
      const file = await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej));
      out.push({ file, folder: folderOfRelativePath(e.fullPath) });
    } else if (e.isDirectory) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      // readEntries returns a batch at a time (100 in Chromium) until an empty one.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const e of entries) await walk(e);
  return out;
}
