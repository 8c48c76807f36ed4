/**
 * Sources that have no file of their own (browser uploads, bytes from a session file, Electron drops
 * without a path) live as files in one private temp folder (0700, files 0600) for as long as their
 * source does: the engine reads them by path, session files and bundles copy them, and the main
 * process keeps no bytes. An upload is written as it arrives (never buffered whole), the size limit
 * is enforced while streaming, and a failed, cancelled or removed upload's file is deleted.
 *
 * Plain Node; no 'electron'.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SourceId } from '../../shared/bridge.ts';

/** Thrown when an upload passes the size limit (the transport answers 413). */
export class UploadTooLargeError extends Error {
  readonly status = 413;
}

export interface UploadFilesOptions {
  /** Where the private folder is made (default: the OS temp folder). */
  parentDir?: string;
}

export class UploadFiles {
  private dir: string | null = null;
  private readonly bySource = new Map<SourceId, string>();

  constructor(private readonly opts: UploadFilesOptions = {}) {}

  /** The private folder (made on first use, mode 0700 as mkdtemp makes it). */
  folder(): string {
    this.dir ??= mkdtempSync(join(this.opts.parentDir ?? tmpdir(), 'tracedeck-uploads-'));
    return this.dir;
  }

  private newPath(): string {
    return join(this.folder(), randomBytes(12).toString('hex'));
  }

  /**
   * Writes a stream to a new private file, refusing it once it passes `limit` bytes. On any failure
   * (limit, aborted request, disk full) the partial file is deleted before the error is rethrown.
   */
  async receive(body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, limit: number, mtimeMs?: number): Promise<{ path: string; size: number }> {
    const path = this.newPath();
    let size = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit) done(new UploadTooLargeError(`upload larger than the ${limit.toLocaleString('en-US')}-byte limit`));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(body as NodeJS.ReadableStream, cap, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
      await this.stamp(path, mtimeMs);
      return { path, size };
    } catch (e) {
      await rm(path, { force: true });
      throw e;
    }
  }

  /** Writes bytes already in memory to a new private file (then the caller can let them go). */
  async write(bytes: Uint8Array, mtimeMs?: number): Promise<string> {
    const path = this.newPath();
    try {
      await writeFile(path, bytes, { flag: 'wx', mode: 0o600 });
      await this.stamp(path, mtimeMs);
      return path;
    } catch (e) {
      await rm(path, { force: true });
      throw e;
    }
  }

  /** The file's mtime is what the ingest reads as "when": the browser's lastModified, when known. */
  private async stamp(path: string, mtimeMs: number | undefined): Promise<void> {
    if (mtimeMs === undefined || !Number.isFinite(mtimeMs) || Math.abs(mtimeMs) > 8.64e15) return;
    const t = new Date(mtimeMs);
    await utimes(path, t, t);
  }

  /** The file now belongs to a source: it lives as long as the source does. */
  assign(id: SourceId, path: string): void {
    this.bySource.set(id, path);
  }

  pathOf(id: SourceId): string | undefined {
    return this.bySource.get(id);
  }

  has(id: SourceId): boolean {
    return this.bySource.has(id);
  }

  /** Deletes a file no source owns (an upload that never became one). */
  async discard(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  /** Deletes the source's file (removed, failed or cancelled). */
  async release(id: SourceId): Promise<void> {
    const p = this.bySource.get(id);
    if (!p) return;
    this.bySource.delete(id);
    await rm(p, { force: true });
  }

  /** Deletes the folder and everything in it (the host is going away). */
  dispose(): void {
    this.bySource.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
