/**
 * Source lines for pprof's `list`: the engine's per-line figures (shared/query/stacks/source-lines.ts)
 * beside the lines of the files, read from the source roots the user names (and GOROOT, found
 * automatically). File names in a profile are untrusted input: a name is only ever looked up UNDER a
 * root — trimmed as pprof trims (`-trim_path` prefixes, else the root's base name found in the path),
 * then its suffixes, longest first — never as given; `..` segments, NUL and symlinks leading out of
 * the root are refused, and a file must be regular and at most MAX_SOURCE_BYTES. The check is made
 * again on the opened handle (a file swapped for a FIFO or a symlink after it was found is refused,
 * never waited on), and one listing shows at most MAX_LISTING_LINES lines of MAX_LINE_CHARS each.
 *
 * Plain Node; never imports 'electron'.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { constants, existsSync, type Stats } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { ListedFile, ListedLine, SourceLinesResult, SourceListing } from '../../shared/query/stacks/source-lines.ts';

/** Biggest source file read (Go's biggest generated files are a few MB). */
export const MAX_SOURCE_BYTES = 8 * 2 ** 20;
/**
 * Lines shown after the last line with samples, and before the first when the profile does not give
 * the function's start line (pprof's margin); with it, the listing starts at the function's `func` line.
 */
const MARGIN = 5;
const run = promisify(execFile);
/** Lines shown per file at most (a function spread over a huge file is cut, saying so). */
const MAX_SHOWN_LINES = 3000;
/**
 * Lines one listing shows in all, and characters shown of one line: a profile may name one long-lined
 * file from a thousand functions, and the answer must stay a size the page can take.
 */
export const MAX_LISTING_LINES = 100_000;
export const MAX_LINE_CHARS = 2000;
/** Bytes of source one listing reads in all (a thousand functions may name a thousand large files). */
export const MAX_LISTING_READ_BYTES = 128 * 2 ** 20;
/** Opened for reading without following a last symlink and without waiting on a FIFO's writer. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

export interface SourceRootOptions {
  /** Folders the user named (a module's folder, a checkout): absolute paths. */
  roots: readonly string[];
  /** pprof's -trim_path: prefixes to cut off profile paths, ':'-separated ('' = guess from the roots' names). */
  trimPath?: string;
  /** GOROOT, searched after the roots (its src/); null for none. */
  goroot: string | null;
  /** Bytes read in all before further files are left out (default MAX_LISTING_READ_BYTES; tests use less). */
  readBudgetBytes?: number;
}

let gorootCache: Promise<string | null> | undefined;

/**
 * GOROOT: `go env GOROOT` when a go command runs here, else $GOROOT, else the places Go installs
 * put it. Null when there is none (standard-library files then read as not found). Asked once, without
 * blocking the host's event loop.
 */
export function findGoroot(): Promise<string | null> {
  gorootCache ??= (async () => {
    const ok = (d: string | undefined) => !!d && isAbsolute(d) && existsSync(join(d, 'src', 'runtime'));
    try {
      const { stdout } = await run('go', ['env', 'GOROOT'], { timeout: 5000 });
      const d = stdout.trim();
      if (ok(d)) return d;
    } catch {
      // no go command: the known places
    }
    const known = [process.env.GOROOT, '/usr/local/go', '/usr/lib/go', '/opt/homebrew/opt/go/libexec', '/usr/local/opt/go/libexec', 'C:\\Program Files\\Go'];
    return known.find(ok) ?? null;
  })();
  return gorootCache;
}

const toSlash = (p: string) => p.replace(/\\/g, '/');

/**
 * pprof's trimPath: configured prefixes (and /proc/self/cwd/) cut off the front; without any, the
 * first root whose base name appears as a path segment cuts everything up to it.
 */
export function trimProfilePath(path: string, trimPath: string | undefined, roots: readonly string[]): string {
  const p = toSlash(path);
  if (!trimPath) {
    for (const r of roots) {
      const base = toSlash(r).replace(/\/+$/, '').split('/').pop();
      if (!base) continue;
      const i = p.indexOf(`/${base}/`);
      if (i >= 0) return p.slice(i + base.length + 2);
    }
  }
  const prefixes = [...(trimPath ? trimPath.split(':').filter(Boolean) : []), '/proc/self/cwd/./', '/proc/self/cwd/'];
  for (let t of prefixes) {
    t = toSlash(t);
    if (!t.endsWith('/')) t += '/';
    if (p.startsWith(t)) return p.slice(t.length);
  }
  return p;
}

/** Relative paths to try under a root for one profile path: the trimmed path, then its suffixes, longest first. */
export function candidatePaths(path: string, trimPath: string | undefined, roots: readonly string[]): string[] {
  const out: string[] = [];
  const add = (segs: string[]) => {
    // Only plain segments: '..' or '.' could climb or alias, NUL ends paths in C.
    if (segs.length === 0 || segs.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0') || /^[A-Za-z]:$/.test(s))) return;
    const rel = segs.join('/');
    if (!out.includes(rel)) out.push(rel);
  };
  for (const p of [trimProfilePath(path, trimPath, roots), toSlash(path)]) {
    const segs = p.split('/').filter((s) => s !== '');
    for (let i = 0; i < segs.length && i < 32; i++) add(segs.slice(i));
  }
  return out;
}

/** Whether `child` (a real path) is `root` or below it. */
function within(root: string, child: string): boolean {
  return child === root || child.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The real folders to search: the user's roots (absolute, existing folders), then GOROOT/src. */
async function searchRoots(o: SourceRootOptions): Promise<string[]> {
  const out: string[] = [];
  for (const r of o.roots) {
    if (!isAbsolute(r)) throw new Error(`source root ${JSON.stringify(r)} is not an absolute path`);
    let real: string;
    try {
      real = await realpath(r);
    } catch {
      throw new Error(`source root ${r} does not exist`);
    }
    if (!(await stat(real)).isDirectory()) throw new Error(`source root ${r} is not a folder`);
    if (!out.includes(real)) out.push(real);
  }
  if (o.goroot) {
    try {
      const g = await realpath(join(o.goroot, 'src'));
      if (!out.includes(g)) out.push(g);
    } catch {
      // a GOROOT without src/ is searched no further
    }
  }
  return out;
}

/** A file located under a root: its real path there and its size when found. */
export type Found = { root: string; path: string; real: string; size: number };

/** The first candidate that is a regular file inside its root (after symlinks). */
async function locate(file: string, roots: readonly string[], trimPath: string | undefined): Promise<Found | null> {
  const cands = candidatePaths(file, trimPath, roots);
  for (const root of roots) {
    for (const rel of cands) {
      const abs = resolve(root, ...rel.split('/'));
      if (!within(root, abs)) continue;
      let real: string;
      let st: Stats;
      try {
        real = await realpath(abs);
        if (!within(root, real)) continue; // a symlink leading out of the root
        st = await stat(real);
      } catch {
        continue; // gone, or not ours to read: the next candidate
      }
      if (!st.isFile()) continue;
      return { root, path: rel, real, size: st.size };
    }
  }
  return null;
}

/**
 * The lines of a located file. The file may have changed since it was located (a race with whoever
 * owns the folder), so the opened handle is checked again: never waits on a FIFO, never follows a
 * symlink put in its place, and the handle's file must still be the one at a real path inside the root.
 */
export async function readSourceLines(f: Found): Promise<string[]> {
  let h;
  try {
    h = await open(f.real, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ELOOP' || code === 'EMLINK' ? 'became a symlink after it was found' : (e as Error).message);
  }
  try {
    const st = await h.stat();
    if (!st.isFile()) throw new Error('not a regular file');
    // A folder on the way swapped for a symlink: the path now leads elsewhere than the handle.
    const again = await realpath(f.real).catch(() => null);
    const there = again !== null && within(f.root, again) ? await stat(again).catch(() => null) : null;
    if (!there || there.dev !== st.dev || there.ino !== st.ino) throw new Error(`moved out of ${f.root} while being read`);
    if (st.size > MAX_SOURCE_BYTES) throw new Error(`larger than ${MAX_SOURCE_BYTES / 2 ** 20} MB`);
    // Bounded by the limit whatever the file grew to since stat.
    const buf = Buffer.alloc(st.size + 1);
    const { bytesRead } = await h.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_SOURCE_BYTES) throw new Error(`larger than ${MAX_SOURCE_BYTES / 2 ** 20} MB`);
    return buf.subarray(0, bytesRead).toString('utf8').split(/\r?\n/);
  } finally {
    await h.close();
  }
}

/** One line as shown: a line longer than MAX_LINE_CHARS is cut, saying so. */
const shownText = (t: string) => (t.length > MAX_LINE_CHARS ? `${t.slice(0, MAX_LINE_CHARS)}… (${(t.length - MAX_LINE_CHARS).toLocaleString('en-US')} more characters)` : t);

/** The engine's per-line figures with the lines of their files, read under the roots only. */
export async function readListing(r: SourceLinesResult, o: SourceRootOptions): Promise<SourceListing> {
  const roots = await searchRoots(o);
  const cache = new Map<string, Promise<{ found: Found | null; lines?: string[]; error?: string }>>();
  let readBudget = o.readBudgetBytes ?? MAX_LISTING_READ_BYTES;
  const load = (file: string) => {
    let p = cache.get(file);
    if (!p) {
      p = (async () => {
        const found = await locate(file, roots, o.trimPath);
        if (!found) return { found: null, error: `${file} not found under ${roots.length ? roots.join(', ') : 'any source root'}` };
        if (found.size > MAX_SOURCE_BYTES) return { found, error: `${found.path} is larger than ${MAX_SOURCE_BYTES / 2 ** 20} MB` };
        if (found.size > readBudget) return { found, error: `${found.path} not read: this listing has read its ${((o.readBudgetBytes ?? MAX_LISTING_READ_BYTES) / 2 ** 20).toFixed(0)} MB of source (a narrower regex lists fewer functions)` };
        readBudget -= found.size;
        try {
          return { found, lines: await readSourceLines(found) };
        } catch (e) {
          return { found, error: `${found.path}: ${(e as Error).message}` };
        }
      })();
      cache.set(file, p);
    }
    return p;
  };
  const functions = [];
  let budget = MAX_LISTING_LINES;
  for (const fn of r.functions) {
    const files: ListedFile[] = [];
    for (const f of fn.files) {
      const out: ListedFile = { file: f.file, flat: f.flat, cum: f.cum };
      const got = await load(f.file);
      if (got.found) out.found = { root: got.found.root, path: got.found.path };
      if (got.error || !got.lines) {
        out.error = got.error ?? 'unreadable';
      } else if (budget <= 0) {
        out.error = `not shown: this listing already shows ${MAX_LISTING_LINES.toLocaleString('en-US')} lines (a narrower regex lists fewer functions)`;
      } else {
        const text = got.lines;
        const byLine = new Map(f.lines.map((l) => [l.line, l]));
        const first = Math.max(1, f.startLine ?? (f.lines[0]?.line ?? 1) - MARGIN);
        const last = Math.min(text.length, (f.lines[f.lines.length - 1]?.line ?? 1) + MARGIN, first + Math.min(MAX_SHOWN_LINES, budget) - 1);
        const lines: ListedLine[] = [];
        for (let n = first; n <= last; n++) lines.push({ line: n, text: shownText(text[n - 1] ?? ''), flat: byLine.get(n)?.flat ?? 0, cum: byLine.get(n)?.cum ?? 0 });
        budget -= lines.length;
        out.lines = lines;
        const unshown = f.lines.filter((l) => l.line < first || l.line > last).length;
        if (unshown) out.unshown = unshown;
      }
      files.push(out);
    }
    functions.push({ function: fn.function, files });
  }
  return { total: r.total, unit: r.profile.unit, functions, truncated: r.truncated, searched: roots };
}
