/**
 * The bridge's request handlers, written once and served by both transports (Electron IPC and the
 * browser-mode server). Plain Node: never imports 'electron'.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BridgeEvents, EventName, RequestArg, RequestName, RequestResult } from '../../shared/bridge.ts';
import { validateRequest } from '../../shared/bridge.ts';
import { SessionStore } from './session-store.ts';

export interface HostOptions {
  /** Engine worker entry (the .ts file under tsx, or a built bundle). */
  workerScript: string;
  /** Folder of the bundled demo incident. */
  demoDir: string;
}

type Handlers = { [K in RequestName]: (arg: RequestArg<K>) => Promise<RequestResult<K>> };
type Listener = { [E in EventName]: Set<(p: BridgeEvents[E]) => void> };

export class Host {
  readonly store: SessionStore;
  private listeners: Listener = { session: new Set(), error: new Set() };
  private handlers: Handlers;

  constructor(private readonly opts: HostOptions) {
    this.store = new SessionStore({
      workerScript: opts.workerScript,
      onChange: (s) => this.emit('session', s),
      onError: (file, reason) => this.emit('error', { file, reason }),
    });
    this.handlers = {
      getSession: async () => this.store.snapshot(),
      openPaths: async ({ paths }) => ({ ids: paths.map((p) => this.openPath(p)) }),
      openBytes: async ({ name, bytes, mtimeMs }) => ({
        id: this.store.add(name, { bytes, mtimeMs }, { type: 'upload' }, bytes.length),
      }),
      openDemo: async () => ({ ids: demoFiles(this.opts.demoDir).map((p) => this.openPath(p)) }),
      cancelIngest: async ({ id }) => ({ ok: this.store.cancel(id) }),
      removeSource: async ({ id }) => ({ ok: this.store.remove(id) }),
      setSourceOffset: async ({ id, offsetNs }) => ({ ok: this.store.setOffset(id, offsetNs) }),
      query: async ({ id, query }) => this.store.query(id, query),
    };
  }

  /** Validates and runs one request. Throws an Error whose message is safe to show. */
  async handle<K extends RequestName>(name: K, arg: unknown): Promise<RequestResult<K>> {
    const bad = validateRequest(name, arg);
    if (bad) throw new Error(`invalid ${name} request: ${bad}`);
    return (this.handlers[name] as (a: unknown) => Promise<RequestResult<K>>)(arg);
  }

  on<E extends EventName>(name: E, fn: (p: BridgeEvents[E]) => void): () => void {
    (this.listeners[name] as Set<typeof fn>).add(fn);
    return () => (this.listeners[name] as Set<typeof fn>).delete(fn);
  }

  private emit<E extends EventName>(name: E, payload: BridgeEvents[E]) {
    for (const fn of this.listeners[name] as Set<(p: BridgeEvents[E]) => void>) fn(payload);
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
    this.store.dispose();
  }
}

/** The demo incident's files (everything in the folder but its README). */
export function demoFiles(demoDir: string): string[] {
  return readdirSync(demoDir)
    .filter((n) => !/^README/i.test(n) && statSync(join(demoDir, n)).isFile())
    .sort()
    .map((n) => join(demoDir, n));
}
