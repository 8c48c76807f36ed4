/**
 * The typed contract between the UI and the host: one map of requests → responses and one map of
 * events. Two transports carry it unchanged: Electron IPC (electron/preload.ts + electron/main.ts) and
 * browser mode (electron/server.ts: HTTP POST + WebSocket on 127.0.0.1). Handlers live once, in
 * electron/host/handlers.ts.
 */
import type { SourceKind } from './model/source.ts';
import type { SourceClock, EpochNsString, Nanoseconds } from './model/time.ts';
import type { SourceQuery, QueryResult } from './query/query-types.ts';

export type SourceId = string;

export type SourceStatus = 'ingesting' | 'ready' | 'error' | 'cancelled';

export type SourceOrigin =
  | { type: 'file'; path: string }
  | { type: 'upload' }
  | { type: 'ssh'; host: string; command: string; path: string };

/** What the UI knows about a source (small; the model itself stays in the host's engine). */
export interface SourceInfo {
  id: SourceId;
  name: string;
  kind: SourceKind | 'error';
  format: string;
  origin: SourceOrigin;
  status: SourceStatus;
  /** 0..1 while ingesting. */
  progress: number;
  /** The reason, when status is 'error'. */
  error?: string;
  sizeBytes: number;
  sha256?: string;
  clock?: SourceClock;
  /** Placement on the session axis (ns relative to SessionInfo.originEpochNs), offset included. */
  axisStartNs?: Nanoseconds;
  axisEndNs?: Nanoseconds;
  /**
   * Session-axis time = source time + axisShiftNs. Queries take and return source-relative ns
   * (the source's own clock); views convert with this.
   */
  axisShiftNs?: Nanoseconds;
  /** User-applied shift on top of the source's own clock. */
  offsetNs: Nanoseconds;
  partial?: boolean;
  warnings?: string[];
  /** The `inspect` figures for this source. */
  figures?: Record<string, unknown>;
}

export interface SessionInfo {
  /** Wall-clock zero of the session axis (the earliest source origin), or null when empty. */
  originEpochNs: EpochNsString | null;
  sources: SourceInfo[];
}

export interface FileBytes {
  name: string;
  bytes: Uint8Array;
  /** File modification time (epoch ms), when the browser knows it. */
  mtimeMs?: number;
}

/** request name → [argument, response] */
export interface BridgeRequests {
  getSession: [Record<string, never>, SessionInfo];
  openPaths: [{ paths: string[] }, { ids: SourceId[] }];
  openBytes: [FileBytes, { id: SourceId }];
  openDemo: [Record<string, never>, { ids: SourceId[] }];
  cancelIngest: [{ id: SourceId }, { ok: boolean }];
  removeSource: [{ id: SourceId }, { ok: boolean }];
  setSourceOffset: [{ id: SourceId; offsetNs: Nanoseconds }, { ok: boolean }];
  query: [{ id: SourceId; query: SourceQuery }, QueryResult];
}

export type RequestName = keyof BridgeRequests;
export type RequestArg<K extends RequestName> = BridgeRequests[K][0];
export type RequestResult<K extends RequestName> = BridgeRequests[K][1];

/** event name → payload */
export interface BridgeEvents {
  /** The whole session, after any change (sources are few; progress is throttled). */
  session: SessionInfo;
  /** A failure worth telling the user about, naming the file and the reason. */
  error: { file: string; reason: string };
}
export type EventName = keyof BridgeEvents;

/** What both transports give the renderer. */
export interface Bridge {
  request<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<RequestResult<K>>;
  on<E extends EventName>(name: E, fn: (payload: BridgeEvents[E]) => void): () => void;
  /** Electron only: the filesystem path of a dropped/picked File (webUtils), so the host reads it itself. */
  pathForFile?(file: File): string | null;
}

export const REQUEST_NAMES: readonly RequestName[] = [
  'getSession',
  'openPaths',
  'openBytes',
  'openDemo',
  'cancelIngest',
  'removeSource',
  'setSourceOffset',
  'query',
];

export function isRequestName(s: unknown): s is RequestName {
  return typeof s === 'string' && (REQUEST_NAMES as readonly string[]).includes(s);
}

/** Argument validation shared by both transports: the host never trusts the page. */
export function validateRequest(name: RequestName, arg: unknown): string | null {
  const o = arg as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'argument must be an object';
  const str = (k: string) => typeof o[k] === 'string' && (o[k] as string).length > 0 && (o[k] as string).length < 4096;
  switch (name) {
    case 'getSession':
    case 'openDemo':
      return null;
    case 'openPaths':
      return Array.isArray(o.paths) && o.paths.length <= 1000 && o.paths.every((p) => typeof p === 'string' && p.length < 4096)
        ? null
        : 'paths must be an array of strings';
    case 'openBytes':
      if (!str('name')) return 'name must be a non-empty string';
      if (!(o.bytes instanceof Uint8Array)) return 'bytes must be a Uint8Array';
      if (o.mtimeMs !== undefined && typeof o.mtimeMs !== 'number') return 'mtimeMs must be a number';
      return null;
    case 'cancelIngest':
    case 'removeSource':
      return str('id') ? null : 'id must be a string';
    case 'setSourceOffset':
      return str('id') && typeof o.offsetNs === 'number' && Number.isFinite(o.offsetNs) ? null : 'id and finite offsetNs required';
    case 'query':
      return str('id') && typeof o.query === 'object' && o.query !== null && typeof (o.query as { type?: unknown }).type === 'string'
        ? null
        : 'id and query {type} required';
  }
}
