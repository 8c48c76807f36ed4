/**
 * The bridge's request handlers, written once and served by both transports (Electron IPC and the
 * browser-mode server). Plain Node: never imports 'electron'.
 */
import { findGoroot, readListing } from './source-files.ts';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { BridgeEvents, HostEventName, RequestArg, RequestName, RequestResult, SessionInfo, SourceId, SourceOrigin } from '../../shared/bridge.ts';
import { validateRequestArg } from '../../shared/bridge-schemas.ts';
import { SessionStore } from './session-store.ts';
import { Collections, type CollectionsOptions } from './collections.ts';
import { exportBundle, isSessionPath, openPathsOrSessions, openSession, readSessionFile, saveSession, type SessionHost } from './session-actions.ts';
import { isSessionBytes } from './session-file.ts';
import { UploadFiles } from './upload-files.ts';
import { readRecent } from './recent.ts';

export interface HostOptions {
  /** Engine worker entry (the .ts file under tsx, or a built bundle). */
  workerScript: string;
  /** Folder of the bundled demo incident. */
  demoDir: string;
  /** SSH collection settings (capture folder, known_hosts, ssh config); see collections.ts. */
  ssh?: Omit<CollectionsOptions, 'store' | 'onStatus' | 'onHostKeyPrompt'>;
  /** Electron: a native save dialog for session files (browser mode downloads them instead). */
  saveDialog?: (defaultName: string, text: string) => Promise<string | null>;
  /** Electron: asks where a postmortem bundle goes (a folder, or a .zip file); null when cancelled. */
  bundleDialog?: (defaultPath: string, zip: boolean) => Promise<string | null>;
  /** Where the private folder of uploaded files is made (default: the OS temp folder). */
  uploadParentDir?: string;
}

/** An upload's origin: with the folder it came in, when a folder was dropped or picked. */
const uploadOrigin = (folder?: string): SourceOrigin => (folder ? { type: 'upload', folder } : { type: 'upload' });

type Handlers = { [K in RequestName]: (arg: RequestArg<K>) => Promise<RequestResult<K>> };
type Listener = { [E in HostEventName]: Set<(p: BridgeEvents[E]) => void> };

export class Host implements SessionHost {
  readonly store: SessionStore;
  /** Private files of sources that have none of their own (uploads, embedded session sources). */
  readonly uploads: UploadFiles;
  readonly saveDialog: HostOptions['saveDialog'];
  readonly bundleDialog: HostOptions['bundleDialog'];
  readonly collections: Collections;
  private listeners: Listener = { session: new Set(), error: new Set(), collection: new Set(), hostKeyPrompt: new Set(), sessionOpened: new Set() };
  private handlers: Handlers;

  constructor(private readonly opts: HostOptions) {
    this.saveDialog = opts.saveDialog;
    this.bundleDialog = opts.bundleDialog;
    this.uploads = new UploadFiles({ parentDir: opts.uploadParentDir });
    this.store = new SessionStore({
      workerScript: opts.workerScript,
      onChange: (s) => {
        this.releaseFailedUploads(s);
        this.emit('session', s);
      },
      onError: (file, reason) => this.emit('error', { file, reason }),
    });
    this.collections = new Collections({
      ...opts.ssh,
      store: this.store,
      onStatus: (c) => this.emit('collection', c),
      onHostKeyPrompt: (p) => this.emit('hostKeyPrompt', p),
    });
    this.handlers = {
      getSession: async () => this.store.snapshot(),
      // A .tracedeck file (found by content) restores its session instead of being ingested.
      openPaths: async ({ paths }) => ({ ids: await openPathsOrSessions(this, paths, (p) => this.openPath(p), (file, reason) => this.emit('error', { file, reason })) }),
      openBytes: async ({ name, bytes, mtimeMs, folder }) => {
        if (isSessionBytes(bytes)) return { id: (await openSession(this, bytes, name)).ids[0] ?? '' };
        // The engine gets the bytes as before; the private copy serves later saves and bundles.
        const copy = await this.uploads.write(bytes, mtimeMs);
        const id = this.store.add(name, { bytes, mtimeMs }, uploadOrigin(folder), bytes.length);
        this.uploads.assign(id, copy);
        return { id };
      },
      openDemo: async () => ({ ids: this.openDemo() }),
      cancelIngest: async ({ id }) => {
        // A live source's Cancel ends its collection (what was received stays).
        const c = this.collections.collectionOf(id);
        return { ok: c ? await this.collections.cancel(c) : this.store.cancel(id) };
      },
      removeSource: async ({ id }) => {
        this.collections.sourceRemoved(id);
        await this.uploads.release(id);
        return { ok: this.store.remove(id) };
      },
      setSourceOffset: async ({ id, offsetNs }) => ({ ok: this.store.setOffset(id, offsetNs) }),
      undoPairing: async ({ id }) => ({ ok: this.store.undoPairing(id) }),
      query: async ({ id, query }) => this.store.query(id, query),
      sourceListing: async ({ id, query, roots, trimPath }) =>
        readListing(await this.store.query(id, query), { roots, trimPath, goroot: await findGoroot() }),
      goroutineGroupsAcross: async ({ ids, tagfocus, tagignore }) => this.store.goroutineGroupsAcross(ids, { tagfocus, tagignore }),
      whatChangedAcross: async ({ ids, selection, baseline, limit }) => this.store.whatChangedAcross(ids, selection, baseline, limit),
      heatmapAcross: async (a) => this.store.heatmapAcross(a),
      findings: async ({ ids }) => this.store.findingsAcross(ids),
      diffCallTree: async (a) => this.store.diffCallTree(a.id, a.baseId, a.query, a.baseProfile, a.baseRange),
      seriesCallTree: async (a) => this.store.seriesCallTree(a.seriesId, a.range, a.query, a.baseline),
      seriesTopTable: async (a) => this.store.seriesTopTable(a.seriesId, a.range, a.query),
      diffPprof: async (a) => this.store.diffPprof(a.id, a.baseId, a.query, a.baseProfile),
      startCollection: async (a) => this.collections.start(a),
      stopCollection: async ({ collectionId }) => ({ ok: await this.collections.stop(collectionId) }),
      cancelCollection: async ({ collectionId }) => ({ ok: await this.collections.cancel(collectionId) }),
      answerHostKey: async ({ requestId, accept }) => ({ ok: this.collections.answerHostKey(requestId, accept) }),
      listCollections: async () => ({ collections: this.collections.list() }),
      fetchPprofOverSsh: async (a) => this.collections.fetchPprof(a),
      setPprofSchedule: async ({ collectionId, schedule }) => ({ ok: this.collections.setPprofSchedule(collectionId, schedule) }),
      startFleetCollection: async (a) => this.collections.startFleet(a),
      stopFleet: async ({ fleetId, cancel }) => ({ ok: await this.collections.stopFleet(fleetId, cancel) }),
      fetchPprofFleet: async (a) => this.collections.fetchPprofFleet(a),
      saveSession: async ({ embed, uiState }) => {
        const r = await saveSession(this, embed, uiState);
        for (const l of r.leftOut ?? []) this.emit('error', l); // the user learns what the file lacks
        return r;
      },
      openSession: async ({ bytes, name }) => openSession(this, bytes, name ?? 'session.tracedeck'),
      exportBundle: async ({ dir, zip, images, uiState }) => exportBundle(this, dir, images, uiState, zip ?? false),
      listRecent: async () => ({ items: readRecent() }),
    };
  }

  /** Validates and runs one request. Throws an Error whose message is safe to show. */
  async handle<K extends RequestName>(name: K, arg: unknown): Promise<RequestResult<K>> {
    const bad = validateRequestArg(name, arg);
    if (bad) throw new Error(`invalid ${name} request: ${bad}`);
    return (this.handlers[name] as (a: unknown) => Promise<RequestResult<K>>)(arg);
  }

  /**
   * A browser upload already streamed to a private file (electron/server.ts): it becomes a source
   * read from that file, or, when it is a session file, restores that session (the file then goes).
   * `name` and `mtimeMs` are checked as openBytes' are.
   */
  async openUploadedFile(name: string, path: string, size: number, mtimeMs?: number, folder?: string): Promise<{ id: SourceId }> {
    const bad = validateRequestArg('openBytes', { name, bytes: new Uint8Array(0), ...(mtimeMs !== undefined ? { mtimeMs } : {}), ...(folder !== undefined ? { folder } : {}) });
    if (bad) {
      await this.uploads.discard(path);
      throw new Error(`invalid openBytes request: ${bad}`);
    }
    if (isSessionPath(path)) {
      try {
        return { id: (await openSession(this, await readSessionFile(path), name)).ids[0] ?? '' };
      } finally {
        await this.uploads.discard(path);
      }
    }
    const id = this.store.add(name, { path }, uploadOrigin(folder), size);
    this.uploads.assign(id, path);
    return { id };
  }

  /** A failed or cancelled upload keeps its place in the list (with the reason), not its file. */
  private releaseFailedUploads(s: SessionInfo): void {
    for (const src of s.sources) {
      if ((src.status === 'error' || src.status === 'cancelled') && this.uploads.has(src.id)) void this.uploads.release(src.id);
    }
  }

  on<E extends HostEventName>(name: E, fn: (p: BridgeEvents[E]) => void): () => void {
    (this.listeners[name] as Set<typeof fn>).add(fn);
    return () => (this.listeners[name] as Set<typeof fn>).delete(fn);
  }

  emitSessionOpened(e: BridgeEvents['sessionOpened']): void {
    this.emit('sessionOpened', e);
  }

  private emit<E extends HostEventName>(name: E, payload: BridgeEvents[E]) {
    for (const fn of this.listeners[name] as Set<(p: BridgeEvents[E]) => void>) fn(payload);
  }

  /** Opens the demo incident, placing clock-less files where its placement.json says they belong. */
  private openDemo(): string[] {
    const placement = demoPlacement(this.opts.demoDir);
    return demoFiles(this.opts.demoDir).map((p) => {
      const id = this.openPath(p);
      const place = placement[basename(p)];
      if (place) this.store.placeAt(id, place.epochNs, place.basis);
      return id;
    });
  }

  private openPath(p: string): string {
    const path = resolve(p);
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      // The engine reports the read error with the file name.
    }
    // A too-large file still goes through the engine, so the refusal shows as a source error naming it.
    return this.store.addPath(path, size);
  }

  dispose(): void {
    void this.collections.dispose();
    this.store.dispose();
    this.uploads.dispose();
  }
}

const DEMO_PLACEMENT = 'placement.json';

/** The demo incident's files (everything in the folder but its README and placement file). */
export function demoFiles(demoDir: string): string[] {
  return readdirSync(demoDir)
    .filter((n) => !/^README/i.test(n) && n !== DEMO_PLACEMENT && statSync(join(demoDir, n)).isFile())
    .sort()
    .map((n) => join(demoDir, n));
}

function demoPlacement(demoDir: string): Record<string, { epochNs: string; basis: string }> {
  const p = join(demoDir, DEMO_PLACEMENT);
  if (!existsSync(p)) return {};
  const raw = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  const out: Record<string, { epochNs: string; basis: string }> = {};
  for (const [name, v] of Object.entries(raw)) {
    const e = v as { epochNs?: unknown; basis?: unknown };
    if (typeof e === 'object' && e && typeof e.epochNs === 'string' && /^\d+$/.test(e.epochNs)) {
      out[name] = { epochNs: e.epochNs, basis: typeof e.basis === 'string' ? e.basis : 'demo placement' };
    }
  }
  return out;
}
