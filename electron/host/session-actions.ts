/**
 * The session and bundle requests (saveSession, openSession, exportBundle) and the detection of a
 * `.tracedeck` file among opened paths/bytes. Kept out of handlers.ts so the Host stays a router.
 * Plain Node; no 'electron'.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { ExportBundleResult, ExportImage, SessionOpened, SessionUiState, SourceId, SourceInfo } from '../../shared/bridge.ts';
import type { SessionStore } from './session-store.ts';
import { buildSessionFile, isSessionBytes, parseSessionFile, resolveSessionSources, serializeSession, SESSION_EXT } from './session-file.ts';
import type { UploadFiles } from './upload-files.ts';
import { bundleSourceNames, bundleZipBytes, writeBundle, writeBundleZip, zipTopFolder } from './bundle.ts';
import { addRecent } from './recent.ts';
import { formatSize, readInput, reasonOf } from './ingest-input.ts';
import { MAX_FILE_BYTES } from './limits.ts';

/** What the session code needs from the Host. */
export interface SessionHost {
  readonly store: SessionStore;
  /** Private copies of sources with no file of their own (uploads, embedded session sources). */
  readonly uploads: UploadFiles;
  emitSessionOpened(e: SessionOpened): void;
  /** Electron: a native save dialog; returns the chosen path or null (cancelled). */
  saveDialog?: (defaultName: string, text: string) => Promise<string | null>;
  /** Electron: asks where a bundle goes (a folder, or a .zip file); null when cancelled. */
  bundleDialog?: (defaultPath: string, zip: boolean) => Promise<string | null>;
}

/** True when the file at `path` starts like a session file (reads only its first bytes). */
export function isSessionPath(path: string): boolean {
  let fd: number | null = null;
  try {
    // Only regular files: opening a FIFO here would block this event loop until a writer came.
    if (!statSync(path).isFile()) return false;
    fd = openSync(path, 'r');
    const head = new Uint8Array(512);
    const n = readSync(fd, head, 0, head.length, 0);
    return isSessionBytes(head.subarray(0, n));
  } catch {
    return false; // the ingest reports unreadable files with their reason
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * The file a source was read from in this session: its private upload copy, or the path the host
 * itself opened. Never the origin (descriptive data, possibly from someone else's session file).
 */
export function sourceFile(h: SessionHost, info: SourceInfo): string | undefined {
  return h.uploads.pathOf(info.id) ?? h.store.readPathOf(info.id);
}

/** SHA-256 of a file's first `size` bytes, streamed (a 1 GB source is never held whole). */
async function prefixSha256(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  if (size > 0) for await (const c of createReadStream(path, { start: 0, end: size - 1 })) hash.update(c as Buffer);
  return hash.digest('hex');
}

/**
 * The file to copy for a source, when it still holds exactly what was ingested (same SHA-256 over
 * the ingested length); otherwise why not.
 */
async function verifiedFile(h: SessionHost, info: SourceInfo): Promise<{ path: string } | { reason: string }> {
  const path = sourceFile(h, info);
  if (!path || !info.sha256) return { reason: 'no file of its own in this session' };
  try {
    // A pipe or device read once cannot be read again: opening a FIFO with no writer would block
    // one of Node's I/O threads for good (and the export with it).
    if (!(await stat(path)).isFile()) return { reason: `${path} is a pipe or device, not a file (it can be read only once)` };
    if ((await prefixSha256(path, info.sizeBytes)) !== info.sha256) return { reason: `${path} changed since it was opened (SHA-256 differs)` };
  } catch (e) {
    return { reason: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  return { path };
}

/**
 * Bytes embedded in one session file, all sources together: the file is one JSON string, base64 adds
 * a third, and V8 strings end near 512 M characters.
 */
export const MAX_EMBED_BYTES = 256 * 2 ** 20;

/**
 * The bytes to embed for a ready source, read with the file limit (a FIFO or /dev/zero cannot run on)
 * and checked against the hash it was parsed with; or why not.
 */
async function bytesToEmbed(h: SessionHost, info: SourceInfo, budget: number): Promise<{ bytes: Uint8Array } | { reason: string }> {
  if (info.sizeBytes > budget) return { reason: `too large to embed (${formatSize(info.sizeBytes)}; ${formatSize(budget)} of the ${formatSize(MAX_EMBED_BYTES)} session limit left)` };
  const file = sourceFile(h, info);
  if (!file) return { reason: 'no file of its own in this session' };
  let bytes: Uint8Array;
  try {
    // A pipe or device gave its bytes once; reading it again would wait or run on.
    if (!statSync(file).isFile()) return { reason: 'it was read from a pipe or device, which cannot be read again' };
    bytes = (await readInput({ path: file, maxBytes: info.sizeBytes })).bytes;
  } catch (e) {
    return { reason: `cannot be read: ${reasonOf(e)}` };
  }
  if (createHash('sha256').update(bytes).digest('hex') !== info.sha256) return { reason: 'changed since it was opened' };
  return { bytes };
}

export async function saveSession(
  h: SessionHost,
  embed: boolean,
  ui: SessionUiState,
): Promise<{ fileName: string; text?: string; savedPath?: string; leftOut?: { file: string; reason: string }[] }> {
  const snap = h.store.snapshot();
  // Sources that did not load are left out; one that cannot be embedded stays a path reference if it has a path.
  const leftOut: { file: string; reason: string }[] = [];
  const sources: { info: SourceInfo; path?: string; bytes?: Uint8Array }[] = [];
  let budget = MAX_EMBED_BYTES;
  for (const info of snap.sources) {
    if (info.status !== 'ready' || !info.sha256) {
      leftOut.push({ file: info.name, reason: `left out of the session: ${info.status === 'error' ? `it did not load (${info.error})` : `it is ${info.status}`}` });
      continue;
    }
    // Uploads have no path to point at: their bytes go in whatever was asked.
    const path = h.uploads.has(info.id) ? undefined : h.store.readPathOf(info.id);
    if (!embed && path) {
      sources.push({ info, path });
      continue;
    }
    const got = await bytesToEmbed(h, info, budget);
    if ('bytes' in got) {
      budget -= got.bytes.length;
      sources.push({ info, path, bytes: got.bytes });
    } else {
      leftOut.push({ file: info.name, reason: `${path ? 'saved as a path, not embedded' : 'left out of the session'}: ${got.reason}` });
      if (path) sources.push({ info, path });
    }
  }
  const text = serializeSession(buildSessionFile({ sources, embed, ui, originEpochNs: snap.originEpochNs }));
  const more = leftOut.length ? { leftOut } : {};
  const fileName = `incident-${stamp(new Date())}${SESSION_EXT}`;
  if (h.saveDialog) {
    const savedPath = await h.saveDialog(fileName, text);
    if (savedPath) addRecent([{ path: savedPath, kind: 'session' }]);
    return savedPath ? { fileName: basename(savedPath), savedPath, ...more } : { fileName, ...more };
  }
  return { fileName, text, ...more };
}

/**
 * Restores a session: verified sources are added (bytes or paths) with their saved clock and offset;
 * the others are reported by name. Emits sessionOpened so the renderer applies the UI state.
 */
export async function openSession(h: SessionHost, bytes: Uint8Array, name: string, sessionDir?: string): Promise<SessionOpened> {
  const file = parseSessionFile(bytes);
  const resolved = await resolveSessionSources(file, sessionDir);
  const ids: SourceId[] = [];
  for (const r of resolved.ready) {
    const s = r.source;
    let id: SourceId;
    if (r.kind === 'bytes') {
      // Embedded bytes become a private file (for later saves and bundles); the origin stays descriptive.
      const copy = await h.uploads.write(r.bytes);
      id = h.store.add(s.name, { bytes: r.bytes }, s.origin.type === 'file' ? { type: 'upload' } : s.origin, r.bytes.length);
      h.uploads.assign(id, copy);
    } else {
      id = h.store.addPath(r.path, s.sizeBytes);
    }
    h.store.restorePlacement(id, s.clock, s.offsetNs);
    ids.push(id);
  }
  const opened: SessionOpened = { name, ids, uiState: file.ui, problems: resolved.problems };
  h.emitSessionOpened(opened);
  return opened;
}

/**
 * A session file's bytes, refused before it is read when over MAX_FILE_BYTES (as any input is): a
 * session is parsed whole, and a crafted one could be an upload of any size behind a session header.
 * Opened without blocking and checked as opened: a path swapped for a FIFO after isSessionPath looked
 * at it is refused, not waited on.
 */
export async function readSessionFile(path: string): Promise<Uint8Array> {
  const h = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await h.stat();
    if (!st.isFile()) throw new Error('session file is not a regular file');
    const size = st.size;
    if (size > MAX_FILE_BYTES) throw new Error(`session file is larger than the ${formatSize(MAX_FILE_BYTES)} limit (${formatSize(size)})`);
    const buf = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await h.read(buf, at, size - at, at);
      if (bytesRead === 0) break; // shrank meanwhile: what is there
      at += bytesRead;
    }
    return buf.subarray(0, at);
  } finally {
    await h.close();
  }
}

/** openPaths with session files picked out (by content) and restored instead of ingested. */
export async function openPathsOrSessions(h: SessionHost, paths: string[], openPath: (p: string) => SourceId, onError: (file: string, reason: string) => void): Promise<SourceId[]> {
  const ids: SourceId[] = [];
  const recent: { path: string; kind: 'file' | 'session' }[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (!isSessionPath(abs)) {
      ids.push(openPath(abs));
      recent.push({ path: abs, kind: 'file' });
      continue;
    }
    recent.push({ path: abs, kind: 'session' });
    try {
      const r = await openSession(h, await readSessionFile(abs), basename(abs), dirname(abs));
      ids.push(...r.ids);
    } catch (e) {
      onError(basename(abs), (e as Error).message);
    }
  }
  if (recent.length) addRecent(recent.reverse());
  return ids;
}

export function defaultBundleDir(now = new Date()): string {
  const root = process.env.TRACEDECK_BUNDLE_DIR || join(homedir(), 'tracedeck-bundles');
  return join(root, stamp(now));
}

/** 2026-11-22T12-00-01 (local time; safe in file names on every OS). */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

/**
 * Writes the postmortem bundle: a folder, or with `zip` one .zip file (`dir` is then its path).
 * Without `dir`, Electron asks where; browser mode writes folders to the default place and hands a
 * .zip back to download.
 */
export async function exportBundle(h: SessionHost, dir: string | undefined, images: ExportImage[], ui: SessionUiState, zip = false): Promise<ExportBundleResult> {
  let chosen = dir;
  if (chosen === undefined && h.bundleDialog) {
    const picked = await h.bundleDialog(defaultBundleDir() + (zip ? '.zip' : ''), zip);
    if (!picked) return { cancelled: true };
    chosen = picked;
  }
  if (zip && chosen !== undefined && !/\.zip$/i.test(chosen)) chosen += '.zip';
  // A .zip's folder is where unzipping it next to itself puts the files (the session's fallback paths point there).
  const zipPath = zip ? resolve(chosen ?? `${defaultBundleDir()}.zip`) : undefined;
  const top = zipPath ? zipTopFolder(basename(zipPath)) : '';
  const snap = h.store.snapshot();
  const target = zipPath ? join(dirname(zipPath), top) : resolve(chosen ?? defaultBundleDir());
  const ready = snap.sources.filter((s) => s.status === 'ready');
  // Only what the user opened in this session and still reads the same is copied.
  const checked = await Promise.all(ready.map(async (info) => ({ info, file: await verifiedFile(h, info) })));
  const leftOut = checked.flatMap((c) => ('reason' in c.file ? [{ name: c.info.name, reason: c.file.reason }] : []));
  const sources = checked.flatMap((c) => ('path' in c.file ? [{ info: c.info, path: c.file.path }] : []));
  const infos = sources.map((s) => s.info);
  const names = bundleSourceNames(infos);
  // The bundle's session points at the original paths and, as a fallback, at its own sources/ copy.
  // An upload has no path of its own: in the bundle it is the copy in sources/.
  const sessionPath = (info: SourceInfo): string =>
    h.uploads.has(info.id) ? join(target, 'sources', names.get(info.id)!) : sources.find((s) => s.info === info)!.path;
  const sessionText = serializeSession(
    buildSessionFile({
      sources: sources.map((s) => ({ info: s.info, path: sessionPath(s.info) })),
      embed: false,
      ui,
      originEpochNs: snap.originEpochNs,
      relPathOf: (info) => (names.has(info.id) ? `sources/${names.get(info.id)}` : undefined),
    }),
  );
  // Findings go into report.md; a failure there must not cost the engineer the bundle.
  const findings = infos.length ? await h.store.findingsAcross(infos.map((i) => i.id)).then((r) => r.findings, () => undefined) : undefined;
  const input = {
    sources,
    leftOut,
    findings,
    originEpochNs: snap.originEpochNs,
    ui,
    images: images.map((im) => ({ name: im.name, bytes: new Uint8Array(Buffer.from(im.base64, 'base64')) })),
    sessionText,
  };
  if (zipPath && chosen === undefined) {
    // Browser mode, no path: the page downloads the archive.
    const bytes = await bundleZipBytes(top, input);
    return { zipName: basename(zipPath), zipBase64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
  }
  if (zipPath) {
    await mkdir(dirname(zipPath), { recursive: true });
    await writeBundleZip(zipPath, top, input);
    return { zipPath };
  }
  await writeBundle(target, input);
  addRecent([{ path: join(target, 'session.tracedeck'), kind: 'session' }]);
  return { dir: target };
}
