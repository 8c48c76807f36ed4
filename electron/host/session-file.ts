/**
 * The `.tracedeck` session file: versioned JSON holding the sources (embedded bytes, or a path with
 * its SHA-256 and size), their clocks and offsets, and the UI state (selection, annotations, per-view
 * state). Older versions are upgraded on load; path sources are verified against their hash.
 *
 * Plain Node (hashing, file reads); no 'electron'.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Annotation, SessionUiState, SourceInfo, SourceOrigin } from '../../shared/bridge.ts';
import { isEpochNsString, MAX_OFFSET_NS } from '../../shared/bridge-schemas.ts';
import type { SourceClock } from '../../shared/model/time.ts';
import { epochAdd } from '../../shared/model/time.ts';

/** The key that marks a JSON object as a session file; its value is the format version. */
export const SESSION_MARKER = 'tracedeck-session';
export const SESSION_VERSION = 2;
export const SESSION_EXT = '.tracedeck';

export type SessionSourceData =
  | { type: 'embedded'; base64: string }
  /** `relPath`: the same file relative to the session file's folder (bundles: `sources/<name>`). */
  | { type: 'path'; path: string; relPath?: string };

export interface SessionSource {
  name: string;
  origin: SourceOrigin;
  sizeBytes: number;
  sha256: string;
  /** The clock the source had when saved (a manual placement of a clock-less file included). */
  clock?: SourceClock;
  offsetNs: number;
  data: SessionSourceData;
}

export interface SessionFile {
  [SESSION_MARKER]: typeof SESSION_VERSION;
  savedAt: string;
  app: string;
  /** Axis origin when saved (informational: selection and annotations are in epoch ns). */
  originEpochNs: string | null;
  sources: SessionSource[];
  ui: SessionUiState;
}

export class SessionFileError extends Error {}

/** Cheap, certain sniff: a JSON object whose first key area names the marker (checked before ingest). */
export function isSessionBytes(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] !== 0x7b) return false;
  // The writer puts the marker first; allow a little whitespace / another key before it.
  const head = new TextDecoder().decode(bytes.subarray(i, i + 256));
  return head.includes(`"${SESSION_MARKER}"`);
}

export interface SourceForSession {
  info: SourceInfo;
  /** The raw bytes (required when embedding, or for a source with no file path). */
  bytes?: Uint8Array;
  /**
   * The file this source was read from in this session (the host's own record, never the origin:
   * an origin is descriptive and may come from someone else's session file). Absent for uploads.
   */
  path?: string;
}

export function buildSessionFile(opts: {
  sources: SourceForSession[];
  embed: boolean;
  ui: SessionUiState;
  originEpochNs: string | null;
  savedAt?: Date;
  /** Bundles: where each source's copy lives relative to the session file. */
  relPathOf?: (info: SourceInfo) => string | undefined;
}): SessionFile {
  const sources: SessionSource[] = [];
  for (const { info, bytes, path } of opts.sources) {
    if (info.status !== 'ready' || !info.sha256) continue;
    let data: SessionSourceData;
    // An upload has no path: it is embedded whatever the choice (otherwise it could not be reopened).
    // A file the saver could not embed (too large, changed) is kept as a path reference.
    if ((opts.embed && bytes) || !path) {
      if (!bytes) throw new SessionFileError(`no bytes for ${info.name} to embed`);
      data = { type: 'embedded', base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
    } else {
      const relPath = opts.relPathOf?.(info);
      data = { type: 'path', path, ...(relPath ? { relPath } : {}) };
    }
    sources.push({ name: info.name, origin: info.origin, sizeBytes: info.sizeBytes, sha256: info.sha256, clock: info.clock, offsetNs: info.offsetNs, data });
  }
  return {
    [SESSION_MARKER]: SESSION_VERSION,
    savedAt: (opts.savedAt ?? new Date()).toISOString(),
    app: 'TraceDeck',
    originEpochNs: opts.originEpochNs,
    sources,
    ui: opts.ui,
  };
}

/** JSON with the marker first (so `isSessionBytes` finds it in the first bytes). */
export function serializeSession(f: SessionFile): string {
  return JSON.stringify(f, null, 1) + '\n';
}

const EPOCH_RE = /^\d{1,30}$/;

/**
 * Version 1 (TraceDeck 0.0.x) kept paths only, the selection and notes in axis ns relative to its
 * `originEpochNs`, and offsets by path. Version 2 stores epoch ns (a reopened session can have a
 * different axis origin), embedded sources, clocks and per-view state.
 */
interface SessionFileV1 {
  [SESSION_MARKER]: 1;
  originEpochNs: string | null;
  files: { path: string; sha256: string; sizeBytes?: number; offsetNs?: number }[];
  selection?: { startNs: number; endNs: number } | null;
  notes?: { atNs: number; endNs?: number; text: string }[];
}

const basenameOf = (p: string) => p.split(/[\\/]/).pop() || p;

/** The upgrade path: any supported older version → the current one. */
export function upgradeSession(raw: unknown): SessionFile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SessionFileError('not a session file (expected a JSON object)');
  const version = (raw as Record<string, unknown>)[SESSION_MARKER];
  if (version === SESSION_VERSION) return validateV2(raw as SessionFile);
  if (version === 1) return validateV2(upgradeV1(raw as SessionFileV1));
  if (typeof version === 'number' && version > SESSION_VERSION) {
    throw new SessionFileError(`session file version ${version} is newer than this TraceDeck understands (${SESSION_VERSION})`);
  }
  throw new SessionFileError(`not a session file (no "${SESSION_MARKER}" version)`);
}

function upgradeV1(v1: SessionFileV1): SessionFile {
  const origin = v1.originEpochNs !== null && typeof v1.originEpochNs === 'string' && EPOCH_RE.test(v1.originEpochNs) ? v1.originEpochNs : null;
  if (!Array.isArray(v1.files)) throw new SessionFileError('version 1 session without a files list');
  const num = (v: unknown, what: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new SessionFileError(`version 1 session: ${what} is not a number`);
    return v;
  };
  for (const f of v1.files) {
    if (typeof f !== 'object' || f === null || typeof f.path !== 'string') throw new SessionFileError('version 1 session: a file without a path');
    if (f.offsetNs !== undefined) num(f.offsetNs, `offset of ${f.path}`);
  }
  const toEpoch = (ns: number) => (origin ? epochAdd(origin, num(ns, 'a time')) : null);
  if (v1.notes !== undefined && !Array.isArray(v1.notes)) throw new SessionFileError('version 1 session: notes is not a list');
  const sel = v1.selection && origin ? { startEpochNs: toEpoch(v1.selection.startNs)!, endEpochNs: toEpoch(v1.selection.endNs)! } : null;
  const annotations: Annotation[] = origin
    ? (v1.notes ?? []).filter((n) => typeof n === 'object' && n !== null).map((n, i) => ({
        id: `v1-${i + 1}`,
        startEpochNs: toEpoch(n.atNs)!,
        ...(n.endNs !== undefined ? { endEpochNs: toEpoch(n.endNs)! } : {}),
        text: String(n.text),
      }))
    : [];
  return {
    [SESSION_MARKER]: SESSION_VERSION,
    savedAt: new Date(0).toISOString(),
    app: 'TraceDeck (upgraded from session version 1)',
    originEpochNs: origin,
    sources: v1.files.map((f) => ({
      name: basenameOf(f.path),
      origin: { type: 'file', path: f.path },
      sizeBytes: f.sizeBytes ?? -1,
      sha256: f.sha256,
      offsetNs: f.offsetNs ?? 0,
      data: { type: 'path', path: f.path },
    })),
    ui: { selection: sel, annotations, views: {} },
  };
}

/** A session file's origin is descriptive only: kept when well-formed (strings bounded), else "upload". */
function sanitizeOrigin(o: unknown): SourceOrigin {
  const x = o as Record<string, unknown> | null;
  const str = (v: unknown) => typeof v === 'string' && v.length <= 4096;
  if (x && x.type === 'file' && str(x.path)) return { type: 'file', path: x.path as string };
  if (x && x.type === 'ssh' && str(x.host) && str(x.command) && str(x.path)) {
    const f = x.fleet as Record<string, unknown> | undefined;
    const fleet = f && typeof f === 'object' && str(f.key) && str(f.name) ? { fleet: { key: f.key as string, name: f.name as string } } : {};
    return { type: 'ssh', host: x.host as string, command: x.command as string, path: x.path as string, ...fleet };
  }
  if (x && x.type === 'upload' && str(x.folder) && x.folder) return { type: 'upload', folder: x.folder as string };
  return { type: 'upload' };
}

const EPOCH_NONNEG = (v: unknown) => typeof v === 'string' && EPOCH_RE.test(v) && isEpochNsString(v);

function validateV2(f: SessionFile): SessionFile {
  if (!Array.isArray(f.sources)) throw new SessionFileError('session file has no sources list');
  f.sources.forEach((s, i) => {
    const where = `source ${i + 1}`;
    if (typeof s !== 'object' || s === null) throw new SessionFileError(`${where}: not an object`);
    if (typeof s.name !== 'string' || !s.name || s.name.length > 4096) throw new SessionFileError(`${where}: no name`);
    if (typeof s.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(s.sha256)) throw new SessionFileError(`${s.name}: bad sha256`);
    if (typeof s.offsetNs !== 'number' || !Number.isFinite(s.offsetNs) || Math.abs(s.offsetNs) > MAX_OFFSET_NS) throw new SessionFileError(`${s.name}: bad offsetNs (a finite number within a century)`);
    if (typeof s.sizeBytes !== 'number' || !Number.isFinite(s.sizeBytes)) s.sizeBytes = -1;
    const d = s.data as Partial<SessionSourceData> | undefined;
    if (d?.type === 'embedded' ? typeof d.base64 !== 'string' : d?.type === 'path' ? typeof d.path !== 'string' || (d.relPath !== undefined && typeof d.relPath !== 'string') : true) {
      throw new SessionFileError(`${s.name}: data must be embedded bytes or a path`);
    }
    if (s.clock && !(typeof s.clock === 'object' && (s.clock.originEpochNs === null || EPOCH_NONNEG(s.clock.originEpochNs)))) throw new SessionFileError(`${s.name}: bad clock`);
    if (s.clock && !(['exact', 'estimated', 'manual'].includes(s.clock.quality) && typeof s.clock.basis === 'string')) throw new SessionFileError(`${s.name}: bad clock`);
    s.origin = sanitizeOrigin(s.origin);
  });
  const ui = (typeof f.ui === 'object' && f.ui !== null ? f.ui : {}) as Partial<SessionUiState>;
  // Times a date cannot show (or a range ending before it starts) are dropped: they broke every later export.
  const okRange = (r: unknown) => {
    const x = r as { startEpochNs?: unknown; endEpochNs?: unknown } | null;
    return !!x && typeof x === 'object' && EPOCH_NONNEG(x.startEpochNs) && EPOCH_NONNEG(x.endEpochNs) && BigInt(x.startEpochNs as string) <= BigInt(x.endEpochNs as string);
  };
  const range = (r: unknown) => (okRange(r) ? { startEpochNs: (r as { startEpochNs: string }).startEpochNs, endEpochNs: (r as { endEpochNs: string }).endEpochNs } : null);
  f.ui = {
    selection: range(ui.selection),
    viewWindow: range(ui.viewWindow),
    annotations: (Array.isArray(ui.annotations) ? ui.annotations : [])
      .filter(
        (a) =>
          typeof a === 'object' && a !== null && typeof a.text === 'string' && EPOCH_NONNEG(a.startEpochNs) && (a.endEpochNs === undefined || (EPOCH_NONNEG(a.endEpochNs) && BigInt(a.endEpochNs) >= BigInt(a.startEpochNs))),
      )
      .map((a, i) => ({ id: typeof a.id === 'string' ? a.id.slice(0, 128) : `n${i + 1}`, startEpochNs: a.startEpochNs, ...(a.endEpochNs !== undefined ? { endEpochNs: a.endEpochNs } : {}), text: a.text.slice(0, 20_000) })),
    focusedSource: typeof ui.focusedSource === 'string' ? ui.focusedSource : null,
    views: typeof ui.views === 'object' && ui.views !== null && !Array.isArray(ui.views) ? ui.views : {},
  };
  return f;
}

export function parseSessionFile(bytes: Uint8Array | string): SessionFile {
  const text = typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SessionFileError(`session file is not valid JSON: ${(e as Error).message}`);
  }
  return upgradeSession(raw);
}

export type ResolvedSource =
  | { source: SessionSource; kind: 'bytes'; bytes: Uint8Array }
  | { source: SessionSource; kind: 'path'; path: string };

export interface ResolvedSession {
  file: SessionFile;
  ready: ResolvedSource[];
  /** Sources not restored: file missing, hash changed, bad embedded data. */
  problems: { file: string; reason: string }[];
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Checks every source: embedded bytes against their hash; path sources exist and still hash the
 * same (trying `relPath` next to the session file when the absolute path is gone). A bad source is
 * reported by name; the rest load.
 */
export async function resolveSessionSources(file: SessionFile, sessionDir?: string): Promise<ResolvedSession> {
  const ready: ResolvedSource[] = [];
  const problems: { file: string; reason: string }[] = [];
  for (const s of file.sources) {
    if (s.data.type === 'embedded') {
      const bytes = new Uint8Array(Buffer.from(s.data.base64, 'base64'));
      if (sha256(bytes) !== s.sha256) problems.push({ file: s.name, reason: 'embedded bytes do not match their SHA-256 (the session file is damaged)' });
      else ready.push({ source: s, kind: 'bytes', bytes });
      continue;
    }
    const candidates = [s.data.path];
    // The copy next to the session file (a bundle's sources/): never a path that climbs out of its folder.
    if (sessionDir && s.data.relPath && !isAbsolute(s.data.relPath)) {
      const p = join(sessionDir, s.data.relPath);
      const rel = relative(resolve(sessionDir), resolve(p));
      if (rel && !rel.startsWith('..') && !isAbsolute(rel)) candidates.push(p);
    }
    let found: string | null = null;
    const reasons: string[] = [];
    for (const p of candidates) {
      try {
        const st = await stat(p);
        if (!st.isFile()) {
          reasons.push(`${p} is not a file`);
          continue;
        }
        const bytes = await readFile(p);
        const h = sha256(bytes);
        // A live SSH capture keeps growing after the save: accepted when what was saved is its unchanged start.
        if (h !== s.sha256 && s.origin.type === 'ssh' && s.sizeBytes > 0 && bytes.length > s.sizeBytes && sha256(bytes.subarray(0, s.sizeBytes)) === s.sha256) {
          found = p;
          break;
        }
        if (h !== s.sha256) {
          reasons.push(`file changed since the session was saved: SHA-256 of ${p} is ${h.slice(0, 12)}…, expected ${s.sha256.slice(0, 12)}…`);
          continue;
        }
        found = p;
        break;
      } catch (e) {
        reasons.push(`file missing: ${p} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
    if (found) ready.push({ source: s, kind: 'path', path: found });
    else problems.push({ file: s.name, reason: reasons.join('; ') });
  }
  return { file, ready, problems };
}
