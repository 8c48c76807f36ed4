/**
 * A new file's name, reserved by creating it (empty, exclusively): `base.txt`, else `base-2.txt`, … .
 * Choosing by existsSync alone let two collections started together (a fleet naming one host twice,
 * or aliases that clean to the same name) pick the same capture file and interleave their snapshots.
 */
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';

export function reserveFile(dir: string, base: string, ext = '.txt'): string {
  for (let i = 1; ; i++) {
    const file = path.join(dir, i === 1 ? `${base}${ext}` : `${base}-${i}${ext}`);
    try {
      closeSync(openSync(file, 'wx', 0o600));
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i >= 10_000) throw e;
    }
  }
}
