import { describe, expect, it } from 'vitest';
import { droppedFiles, folderOfRelativePath } from './dropped-files.ts';

/** File-system entries as Chromium hands them out for a drop (readEntries in batches, then empty). */
function fileEntry(fullPath: string): FileSystemFileEntry {
  const name = fullPath.split('/').pop()!;
  return { isFile: true, isDirectory: false, name, fullPath, file: (ok: (f: File) => void) => ok(new File([fullPath], name)) } as unknown as FileSystemFileEntry;
}
function dirEntry(fullPath: string, children: FileSystemEntry[]): FileSystemDirectoryEntry {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.split('/').pop()!,
    fullPath,
    createReader: () => {
      const batches = [children.slice(0, 1), children.slice(1), []];
      return { readEntries: (ok: (e: FileSystemEntry[]) => void) => ok(batches.shift() ?? []) };
    },
  } as unknown as FileSystemDirectoryEntry;
}
const drop = (entries: FileSystemEntry[], files: File[] = []) =>
  ({ items: entries.map((e) => ({ kind: 'file', webkitGetAsEntry: () => e })), files }) as unknown as DataTransfer;

describe('droppedFiles', () => {
  it('walks dropped folders: every file with the folder it was in (hidden files left out)', async () => {
    const got = await droppedFiles(
      drop([
        dirEntry('/incident', [
          dirEntry('/incident/web-01', [fileEntry('/incident/web-01/block.pb.gz'), fileEntry('/incident/web-01/.DS_Store')]),
          dirEntry('/incident/web-02', [fileEntry('/incident/web-02/block.pb.gz')]),
        ]),
        fileEntry('/notes.txt'),
      ]),
    );
    expect(got.map((f) => [f.folder, f.file.name])).toEqual([
      ['incident/web-01', 'block.pb.gz'],
      ['incident/web-02', 'block.pb.gz'],
      [undefined, 'notes.txt'],
    ]);
  });

  it('takes plain files as they are when no folder was dropped', async () => {
    const f = new File(['x'], 'trace.out');
    const got = await droppedFiles(drop([fileEntry('/trace.out')], [f]));
    expect(got).toEqual([{ file: f }]);
  });

  it('reads the folder of a picked file from its relative path', () => {
    expect(folderOfRelativePath('incident/web-01/block.pb.gz')).toBe('incident/web-01');
    expect(folderOfRelativePath('block.pb.gz')).toBeUndefined();
    expect(folderOfRelativePath('')).toBeUndefined();
  });
});
