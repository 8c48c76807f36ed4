/** The files of a drop or a folder pick, each with the folder it was in. Pure (DOM types only). */

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
