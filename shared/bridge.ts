/**
 * The typed contract between the UI and the host: one map of requests → responses and one map of
 * events. Two transports carry it unchanged: Electron IPC (electron/preload.ts + electron/main.ts) and
 * browser mode (electron/server.ts: HTTP POST + WebSocket on 127.0.0.1). Handlers live once, in
 * electron/host/handlers.ts.
 */
import type { SourceKind } from './model/source.ts';
import type { SourceClock, EpochNsString, Nanoseconds } from './model/time.ts';
import type { SourceQuery, QueryResult, CallTreeQuery } from './query/query-types.ts';
import type { SourceRange } from './query/stack-sources.ts';
import type { GoroutineGroupsResult } from './query/goroutine-groups.ts';
import type { WcRange, WhatChangedResult } from './query/what-changed.ts';

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
  /** A capture still growing (SSH collection): re-read as data arrives. */
  live?: boolean;
}

export interface SessionInfo {
  /**
   * Increases with every snapshot the host takes. Snapshots reach the renderer by two paths (the
   * getSession reply and pushed events) that can cross: the renderer keeps the highest one.
   */
  seq: number;
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

/** Live collection over SSH: key file or ssh-agent only (passwords are never accepted). */
export interface StartCollectionArgs {
  /** Hostname, IP or ~/.ssh/config alias; `user@host` accepted. */
  host: string;
  port?: number;
  user?: string;
  /** Private key file (unencrypted; a passphrase-protected key belongs in ssh-agent). */
  keyPath?: string;
  /** Default true: try ssh-agent (SSH_AUTH_SOCK) first. */
  useAgent?: boolean;
  /** Time between snapshots, ms (default 1000). */
  intervalMs?: number;
  /** Also count /proc/PID/fd entries each tick. */
  pid?: number;
  /** Only sockets with one of these local or peer ports. */
  filterPorts?: number[];
  /** Also fetch a pprof endpoint over the same connection at an interval (see setPprofSchedule). */
  pprofSchedule?: PprofSchedule;
}

/** "Every everyS seconds fetch KIND" over a collection's connection; each fetch becomes a source. */
export interface PprofSchedule {
  kind: SshPprofKind;
  /** The program's pprof listener on the host's 127.0.0.1. */
  port: number;
  /** Seconds between the starts of two fetches (1..86400); a fetch still running delays the next. */
  everyS: number;
  /** profile / trace only: 1..everyS (default 30 for profile, 1 for trace, as Go's). */
  seconds?: number;
  /** 0 (default) protobuf; 1 text; 2 goroutine only: every stack, STOPS THE WORLD on each fetch. */
  debug?: 0 | 1 | 2;
}

/** A collection's pprof schedule and how it went so far. */
export interface PprofScheduleState extends PprofSchedule {
  /** Fetches that became sources. */
  fetched: number;
  /** Fetches that failed (the schedule and the collection go on). */
  failed: number;
  /** A fetch is running now. */
  fetching: boolean;
  /** The last failure's reason. */
  lastError?: string;
  /** Set when the schedule ended by itself (the collection goes on). */
  ended?: string;
}

export type CollectionState = 'connecting' | 'connected' | 'disconnected' | 'reconnecting' | 'stopped' | 'error';

/** An unknown host key waiting for the user's yes/no (answered with answerHostKey). */
export interface HostKeyPromptInfo {
  requestId: string;
  collectionId: string;
  host: string;
  port: number;
  keyType: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** Key types known_hosts already holds for this host (non-empty: the host changed key type). */
  knownKeyTypes: string[];
}

export interface CollectionInfo {
  collectionId: string;
  /** Increases with every report the host makes (the listCollections reply and events can cross: keep the highest). */
  seq: number;
  /** The live `ss` source the capture feeds. */
  sourceId: SourceId;
  /** What the user typed (host or alias). */
  host: string;
  /** user@host:port as resolved. */
  target: string;
  /** The remote `hostname`, once connected. */
  remoteHostname?: string;
  /** The capture file on this machine (kept after stop: it is a source you can reopen). */
  capturePath: string;
  state: CollectionState;
  snapshots: number;
  /** Reconnect attempts since the last successful connection. */
  attempts: number;
  /** The ss command line in use, once connected. */
  command?: string;
  /** Last disconnect reason, warning or error. */
  message?: string;
  /** False once stopped, cancelled or failed. */
  running: boolean;
  hostKeyPrompt?: HostKeyPromptInfo;
  /** The interval pprof fetch, when one is set. */
  pprofSchedule?: PprofScheduleState;
}

/** A note pinned to a time (or a range) on the timeline. Wall-clock epoch ns: it survives a new axis origin. */
export interface Annotation {
  id: string;
  startEpochNs: EpochNsString;
  /** Absent for a note pinned to one moment. */
  endEpochNs?: EpochNsString;
  text: string;
}

/** What a session file keeps of the UI; the host reads selection and annotations (reports), the rest is opaque. */
export interface SessionUiState {
  /** The selected range in wall-clock epoch ns (the axis origin may differ when reopened). */
  selection: { startEpochNs: EpochNsString; endEpochNs: EpochNsString } | null;
  viewWindow?: { startEpochNs: EpochNsString; endEpochNs: EpochNsString } | null;
  annotations: Annotation[];
  /** Name of the focused source. */
  focusedSource?: string | null;
  /** Per-view state (sample type, filters, zoom…) and layout, opaque to the host. */
  views: Record<string, unknown>;
}

/** A recently opened file or session (paths only: uploads have none). */
export interface RecentItem {
  path: string;
  kind: 'file' | 'session';
  openedAt: string;
}

/** Images travel as base64: over the browser-mode wire a Uint8Array would become a JSON array of numbers. */
export interface ExportImage {
  name: string;
  base64: string;
}

/** Where a postmortem bundle went: a folder, a .zip file, or .zip bytes for the page to download. */
export interface ExportBundleResult {
  /** The folder written (folder bundles). */
  dir?: string;
  /** The .zip written (zip bundles with a path). */
  zipPath?: string;
  /** A .zip to download (browser mode, no path given): its file name and bytes. */
  zipName?: string;
  zipBase64?: string;
  /** The user cancelled the Electron save dialog. */
  cancelled?: boolean;
}

/** A session file was opened (by request, drop or Open…): its sources are ingesting; apply uiState. */
export interface SessionOpened {
  name: string;
  ids: SourceId[];
  uiState: SessionUiState;
  /** Sources that could not be restored (missing file, changed hash), by file name. */
  problems: { file: string; reason: string }[];
}

export const SSH_PPROF_KINDS = ['goroutine', 'block', 'mutex', 'heap', 'allocs', 'threadcreate', 'profile', 'trace'] as const;
export type SshPprofKind = (typeof SSH_PPROF_KINDS)[number];

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
  /** Goroutine groups across several dumps (time order), a count per dump: leaks show as growth. */
  goroutineGroupsAcross: [{ ids: SourceId[] }, GoroutineGroupsResult];
  /**
   * "What changed" in `selection` against `baseline` (axis ns), across sources `ids`: each source's
   * engine computes its part, the first one joins them.
   */
  whatChangedAcross: [{ ids: SourceId[]; selection: WcRange; baseline: WcRange[]; limit?: number }, WhatChangedResult];
  /**
   * The call tree of source `id` as a diff against source `baseId` (pprof -diff_base): the base's
   * engine exports its stacks (`baseProfile`, default query.profile; `baseRange` in the base's own
   * clock), the current source's engine builds the diff tree.
   */
  diffCallTree: [{ id: SourceId; baseId: SourceId; query: CallTreeQuery; baseProfile?: string; baseRange?: SourceRange }, QueryResult];
  /** Starts collecting `ss` snapshots over SSH into a capture file that is a live source. */
  startCollection: [StartCollectionArgs, { collectionId: string; sourceId: SourceId }];
  /** Finishes the snapshot in flight and disconnects; the file and the source stay. */
  stopCollection: [{ collectionId: string }, { ok: boolean }];
  /** Stops at once (what was received stays). */
  cancelCollection: [{ collectionId: string }, { ok: boolean }];
  answerHostKey: [{ requestId: string; accept: boolean }, { ok: boolean }];
  listCollections: [Record<string, never>, { collections: CollectionInfo[] }];
  /** Fetches a Go pprof endpoint on the host's 127.0.0.1:port over the collection's connection; the result is a new source. */
  fetchPprofOverSsh: [{ collectionId: string; kind: SshPprofKind; port: number; seconds?: number; debug?: 0 | 1 | 2 }, { sourceId: SourceId }];
  /** Sets (replaces) or, with null, clears a running collection's interval pprof fetch. */
  setPprofSchedule: [{ collectionId: string; schedule: PprofSchedule | null }, { ok: boolean }];
  /** The session as a .tracedeck file: browser mode gets the text to download; Electron saves it through a dialog. */
  saveSession: [{ embed: boolean; uiState: SessionUiState }, { fileName: string; text?: string; savedPath?: string; leftOut?: { file: string; reason: string }[] }];
  /** Restores a .tracedeck file's sources and offsets; the renderer applies the returned uiState. */
  openSession: [{ bytes: Uint8Array; name?: string }, SessionOpened];
  /**
   * Writes a postmortem folder (report.md, images/, sources/, session.tracedeck), or the same as one
   * .zip when `zip`; `dir` is then the .zip's path. Without `dir`: Electron asks where (a cancelled
   * dialog answers `cancelled`); browser mode writes folders to ~/tracedeck-bundles/<time> and hands a
   * .zip back as `zipBase64` to download.
   */
  exportBundle: [{ dir?: string; zip?: boolean; images: ExportImage[]; uiState: SessionUiState }, ExportBundleResult];
  /** Recently opened files and sessions, most recent first. */
  listRecent: [Record<string, never>, { items: RecentItem[] }];
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
  /** An SSH collection's status changed. */
  collection: CollectionInfo;
  /** An unknown SSH host key: show the fingerprint, ask once, answer with answerHostKey. */
  hostKeyPrompt: HostKeyPromptInfo;
  /** A session file was opened (also by drop or Open…): apply its UI state once its sources are ready. */
  sessionOpened: SessionOpened;
  /** Electron's application menu asks the page to run an export action (browser mode never sends it). */
  menuCommand: { command: MenuCommand };
}
export type EventName = keyof BridgeEvents;
/** Events the Host emits (menuCommand comes from the Electron shell, not the host). */
export type HostEventName = Exclude<EventName, 'menuCommand'>;

/** Views the page can export as pictures (the renderer's exporter; the Electron menu lists them). */
export const EXPORT_VIEWS = ['workspace', 'timeline', 'flame', 'heatmap', 'blocking', 'changes', 'details'] as const;
export type ExportViewName = (typeof EXPORT_VIEWS)[number];

/**
 * A menu action the page runs with its own exporter, so the File > Export menu and the toolbar's
 * Export menu give the same picture, bundle and session file.
 */
export type MenuCommand =
  | { kind: 'exportImage'; view: ExportViewName; format: 'png' | 'svg'; scale: 1 | 2 }
  | { kind: 'copyImage'; view: ExportViewName }
  | { kind: 'writeBundle'; zip: boolean }
  | { kind: 'saveSession'; embed: boolean };

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
  'goroutineGroupsAcross',
  'whatChangedAcross',
  'diffCallTree',
  'startCollection',
  'stopCollection',
  'cancelCollection',
  'answerHostKey',
  'listCollections',
  'fetchPprofOverSsh',
  'setPprofSchedule',
  'saveSession',
  'openSession',
  'exportBundle',
  'listRecent',
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
    case 'listRecent':
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
    case 'goroutineGroupsAcross':
      return Array.isArray(o.ids) && o.ids.length > 0 && o.ids.length <= 200 && o.ids.every((x) => typeof x === 'string')
        ? null
        : 'ids must be a non-empty array of source ids';
    case 'whatChangedAcross': {
      const range = (r: unknown) =>
        typeof r === 'object' && r !== null && Number.isFinite((r as WcRange).startNs) && Number.isFinite((r as WcRange).endNs);
      if (!(Array.isArray(o.ids) && o.ids.length > 0 && o.ids.length <= 200 && o.ids.every((x) => typeof x === 'string'))) return 'ids must be a non-empty array of source ids';
      if (!range(o.selection)) return 'selection must be {startNs, endNs}';
      if (!(Array.isArray(o.baseline) && o.baseline.length <= 8 && o.baseline.every(range))) return 'baseline must be up to 8 {startNs, endNs} ranges';
      if (o.limit !== undefined && !(Number.isInteger(o.limit) && (o.limit as number) > 0 && (o.limit as number) <= 100)) return 'limit must be an integer in 1..100';
      return null;
    }
    case 'diffCallTree':
      if (!str('id') || !str('baseId')) return 'id and baseId required';
      if (o.baseProfile !== undefined && typeof o.baseProfile !== 'string') return 'baseProfile must be a string';
      if (o.baseRange !== undefined && !(typeof o.baseRange === 'object' && o.baseRange !== null && Number.isFinite((o.baseRange as { startNs?: unknown }).startNs) && Number.isFinite((o.baseRange as { endNs?: unknown }).endNs))) return 'baseRange must be {startNs, endNs}';
      return typeof o.query === 'object' && o.query !== null && (o.query as { type?: unknown }).type === 'callTree'
        ? null
        : "query must be a {type: 'callTree'} query";
    case 'startCollection':
    case 'stopCollection':
    case 'cancelCollection':
    case 'answerHostKey':
    case 'listCollections':
    case 'fetchPprofOverSsh':
    case 'setPprofSchedule':
      return validateSshRequest(name, o);
    case 'saveSession':
      return typeof o.embed === 'boolean' && isUiState(o.uiState) ? null : 'embed (boolean) and uiState required';
    case 'openSession':
      if (!(o.bytes instanceof Uint8Array)) return 'bytes must be a Uint8Array';
      return o.name === undefined || typeof o.name === 'string' ? null : 'name must be a string';
    case 'exportBundle':
      if (o.dir !== undefined && (typeof o.dir !== 'string' || o.dir.length === 0 || o.dir.length > 4096 || o.dir.includes('\0'))) return 'dir must be a folder path';
      if (!isUiState(o.uiState)) return 'uiState required';
      if (o.zip !== undefined && typeof o.zip !== 'boolean') return 'zip must be a boolean';
      return Array.isArray(o.images) &&
        o.images.length <= 32 &&
        o.images.every((i: unknown) => {
          const im = i as { name?: unknown; base64?: unknown };
          return typeof im === 'object' && im !== null && typeof im.name === 'string' && /^[\w.-]{1,100}$/.test(im.name) && typeof im.base64 === 'string';
        })
        ? null
        : 'images must be up to 32 {name, base64} (plain file names)';
    case 'query':
      return str('id') && typeof o.query === 'object' && o.query !== null && typeof (o.query as { type?: unknown }).type === 'string'
        ? null
        : 'id and query {type} required';
  }
}

function isUiState(v: unknown): boolean {
  const u = v as Partial<SessionUiState> | null;
  return typeof u === 'object' && u !== null && Array.isArray(u.annotations) && typeof u.views === 'object' && u.views !== null && (u.selection === null || typeof u.selection === 'object');
}

const isInt = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** SSH requests: every field checked, unknown fields refused (a `password` never gets through). */
function validateSshRequest(name: RequestName, o: Record<string, unknown>): string | null {
  const allowed: Partial<Record<RequestName, string[]>> = {
    startCollection: ['host', 'port', 'user', 'keyPath', 'useAgent', 'intervalMs', 'pid', 'filterPorts', 'pprofSchedule'],
    stopCollection: ['collectionId'],
    cancelCollection: ['collectionId'],
    answerHostKey: ['requestId', 'accept'],
    listCollections: [],
    fetchPprofOverSsh: ['collectionId', 'kind', 'port', 'seconds', 'debug'],
    setPprofSchedule: ['collectionId', 'schedule'],
  };
  for (const k of Object.keys(o)) {
    if (/pass(word|phrase)?$/i.test(k)) return 'passwords are not accepted: use a key file or ssh-agent';
    if (!allowed[name]?.includes(k)) return `unknown field ${k}`;
  }
  const id = (k: string) => typeof o[k] === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(o[k] as string);
  switch (name) {
    case 'startCollection':
      // Host or alias, optionally user@; IPv6 in brackets or bare. No spaces, no leading '-'.
      if (typeof o.host !== 'string' || !/^(?!-)[A-Za-z0-9._@:%[\]-]{1,255}$/.test(o.host)) return 'host must be a hostname, IP or ~/.ssh/config alias';
      if (o.port !== undefined && !isInt(o.port, 1, 65535)) return 'port must be an integer 1..65535';
      if (o.user !== undefined && (typeof o.user !== 'string' || !/^(?!-)[A-Za-z0-9._@-]{1,64}$/.test(o.user))) return 'user must be a user name';
      if (o.keyPath !== undefined && (typeof o.keyPath !== 'string' || o.keyPath.length === 0 || o.keyPath.length > 4096 || o.keyPath.includes('\0'))) return 'keyPath must be a file path';
      if (o.useAgent !== undefined && typeof o.useAgent !== 'boolean') return 'useAgent must be a boolean';
      if (o.intervalMs !== undefined && !isInt(o.intervalMs, 100, 3_600_000)) return 'intervalMs must be an integer 100..3600000';
      if (o.pid !== undefined && !isInt(o.pid, 1, 4_194_304)) return 'pid must be a process id';
      if (o.filterPorts !== undefined && !(Array.isArray(o.filterPorts) && o.filterPorts.length <= 32 && o.filterPorts.every((p) => isInt(p, 1, 65535)))) {
        return 'filterPorts must be up to 32 ports 1..65535';
      }
      return o.pprofSchedule === undefined ? null : validatePprofSchedule(o.pprofSchedule);
    case 'stopCollection':
    case 'cancelCollection':
      return id('collectionId') ? null : 'collectionId required';
    case 'answerHostKey':
      return id('requestId') && typeof o.accept === 'boolean' ? null : 'requestId and accept (boolean) required';
    case 'listCollections':
      return null;
    case 'fetchPprofOverSsh': {
      if (!id('collectionId')) return 'collectionId required';
      const kind = o.kind as SshPprofKind;
      if (!SSH_PPROF_KINDS.includes(kind)) return `kind must be one of ${SSH_PPROF_KINDS.join(', ')}`;
      if (!isInt(o.port, 1, 65535)) return 'port must be an integer 1..65535';
      const timed = kind === 'profile' || kind === 'trace';
      if (o.seconds !== undefined && !(timed && isInt(o.seconds, 1, 3600))) return 'seconds (1..3600) is for profile and trace only';
      if (o.debug !== undefined && !(!timed && isInt(o.debug, 0, 2) && (o.debug !== 2 || kind === 'goroutine'))) return 'debug must be 0, 1 or (goroutine only) 2';
      return null;
    }
    case 'setPprofSchedule':
      if (!id('collectionId')) return 'collectionId required';
      if (o.schedule === null) return null;
      return o.schedule === undefined ? 'schedule required (null clears it)' : validatePprofSchedule(o.schedule);
    default:
      return 'not an SSH request';
  }
}

/** A pprof schedule: the fetch's own rules, plus an interval no shorter than a timed fetch. */
function validatePprofSchedule(v: unknown): string | null {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'pprofSchedule must be an object';
  for (const k of Object.keys(o)) if (!['kind', 'port', 'everyS', 'seconds', 'debug'].includes(k)) return `unknown pprofSchedule field ${k}`;
  const kind = o.kind as SshPprofKind;
  if (!SSH_PPROF_KINDS.includes(kind)) return `pprofSchedule.kind must be one of ${SSH_PPROF_KINDS.join(', ')}`;
  if (!isInt(o.port, 1, 65535)) return 'pprofSchedule.port must be an integer 1..65535';
  if (!isInt(o.everyS, 1, 86_400)) return 'pprofSchedule.everyS must be an integer 1..86400 (seconds)';
  const timed = kind === 'profile' || kind === 'trace';
  if (o.seconds !== undefined && !(timed && isInt(o.seconds, 1, 3600))) return 'pprofSchedule.seconds (1..3600) is for profile and trace only';
  if (o.debug !== undefined && !(!timed && isInt(o.debug, 0, 2) && (o.debug !== 2 || kind === 'goroutine'))) return 'pprofSchedule.debug must be 0, 1 or (goroutine only) 2';
  // Go serves one CPU profile at a time: overlapping fetches would only fail.
  const seconds = timed ? ((o.seconds as number | undefined) ?? (kind === 'profile' ? 30 : 1)) : 0;
  if (seconds > (o.everyS as number)) return `pprofSchedule.everyS must be at least the ${kind}'s ${seconds} s`;
  return null;
}
