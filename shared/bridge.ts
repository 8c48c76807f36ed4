/**
 * The typed contract between the UI and the host: one map of requests → responses and one map of
 * events. Two transports carry it unchanged: Electron IPC (electron/preload.ts + electron/main.ts) and
 * browser mode (electron/server.ts: HTTP POST + WebSocket on 127.0.0.1). Handlers live once, in
 * electron/host/handlers.ts. Request arguments are declared once, as the schemas the host validates
 * them with (bridge-schemas.ts); the types here come from those schemas.
 */
import type { SourceKind } from './model/source.ts';
import type { SourceClock, EpochNsString, Nanoseconds } from './model/time.ts';
import type { SourceQuery, QueryResult, CallTreeQuery, QueryResultOf, SourceQueryOf } from './query/query-types.ts';
import type { SourceRange } from './query/stacks/stack-types.ts';
import type { SourceListing } from './query/stacks/source-lines.ts';
import type { GoroutineGroupsResult } from './query/dumps/goroutine-groups.ts';
import type { WhatChangedResult } from './query/what-changed.ts';
import type { AnnotationArg, PprofScheduleArg, SchemaArg, SessionUiStateArg, StartCollectionArg } from './bridge-schemas.ts';
import type { DiagnoseResult } from './query/findings/types.ts';
import type { HeatmapAcross } from './query/sockets/heatmap-across.ts';
import type { ProfileSeriesInfo, SeriesWindowInfo } from './query/stacks/profile-series.ts';

export type SourceId = string;

export type SourceStatus = 'ingesting' | 'ready' | 'error' | 'cancelled';

export type SourceOrigin =
  | { type: 'file'; path: string }
  /** `folder`: the folder path inside what was dropped or picked ("incident/web-01"), when a folder was. */
  | { type: 'upload'; folder?: string }
  /**
   * `fleet`: the several-hosts collection this capture is one host of (startFleetCollection): `key`
   * is unique to that collection, `name` is what the user asked for ("web-01 web-02", "web-*").
   */
  | { type: 'ssh'; host: string; command: string; path: string; fleet?: { key: string; name: string } };

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
  /**
   * Clock quality 'paired': the timed source whose content this one matched (a goroutine profile
   * for a dump, an ss capture for a listing). `undoPairing` puts the source back on its own clock.
   */
  pairedWith?: { id: SourceId; name: string };
}

export interface SessionInfo {
  /**
   * Increases with every snapshot the host takes. Snapshots reach the renderer by two paths (the
   * getSession reply and pushed events) that can cross: the renderer keeps the highest one.
   */
  seq: number;
  /**
   * Wall-clock zero of the session axis: the earliest origin among sources placed exactly, by
   * pairing or by hand (among all when none is), or null when empty.
   */
  originEpochNs: EpochNsString | null;
  sources: SourceInfo[];
  /**
   * The span (axis ns) of the sources whose time is known (exact, paired, manual): what default
   * ranges, captions and exports frame. Estimated sources far away (file mtimes after a copy) do
   * not stretch it. Absent when no source's time is known.
   */
  evidenceSpan?: { startNs: Nanoseconds; endNs: Nanoseconds };
  /** Snapshots of one process's cumulative profiles, as series on the axis (shared/query/stacks/profile-series.ts). */
  profileSeries?: ProfileSeriesInfo[];
}

export type FileBytes = SchemaArg<'openBytes'>;

/** Live collection over SSH: key file or ssh-agent only (passwords are never accepted). Fields: bridge-schemas.ts. */
export type StartCollectionArgs = StartCollectionArg;

/**
 * Several hosts at once (a fleet): one collection per host, each with its own connection, capture
 * file, live source, reconnects and pprof fetches, all carrying the same fleetId. An entry with `*`
 * or `?` stands for every Host name of the ssh config it matches. Fields: bridge-schemas.ts.
 */
export type StartFleetCollectionArgs = SchemaArg<'startFleetCollection'>;

/** "Every everyS seconds fetch KIND" over a collection's connection; each fetch becomes a source. Fields: bridge-schemas.ts. */
export type PprofSchedule = PprofScheduleArg;

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
  /** The fleet this host's collection belongs to (startFleetCollection), if any. */
  fleetId?: string;
  /** Snapshots taken back out (output past the per-snapshot cap, or ended by the command timeout); a gap marks each. */
  droppedSnapshots?: number;
  /** Set when a bound stopped the collection (e.g. the capture reached the file limit): shown, never silent. */
  limit?: string;
}

/** A note pinned to a time (or a range) on the timeline. Wall-clock epoch ns: it survives a new axis origin. */
export type Annotation = AnnotationArg;

/** What a session file keeps of the UI; the host reads selection and annotations (reports), the rest is opaque. */
export type SessionUiState = SessionUiStateArg;

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

/** One host of a fleet: its collection and live source. */
export interface FleetMember {
  host: string;
  collectionId: string;
  sourceId: SourceId;
}

/** One host's part of a fleet-wide pprof fetch: a source, or why not. */
export interface FleetPprofResult {
  collectionId: string;
  host: string;
  sourceId?: SourceId;
  error?: string;
}

export const SSH_PPROF_KINDS = ['goroutine', 'goroutineleak', 'block', 'mutex', 'heap', 'allocs', 'threadcreate', 'profile', 'trace', 'custom'] as const;
export type SshPprofKind = (typeof SSH_PPROF_KINDS)[number];

/** request name → [argument, response] */
export interface BridgeRequests {
  getSession: [SchemaArg<'getSession'>, SessionInfo];
  openPaths: [SchemaArg<'openPaths'>, { ids: SourceId[] }];
  openBytes: [FileBytes, { id: SourceId }];
  openDemo: [SchemaArg<'openDemo'>, { ids: SourceId[] }];
  cancelIngest: [SchemaArg<'cancelIngest'>, { ok: boolean }];
  removeSource: [SchemaArg<'removeSource'>, { ok: boolean }];
  setSourceOffset: [SchemaArg<'setSourceOffset'>, { ok: boolean }];
  /** Puts a source placed by pairing (clock 'paired') back on its own clock, and keeps it there. */
  undoPairing: [SchemaArg<'undoPairing'>, { ok: boolean }];
  /**
   * One query of one source's engine: `query` is `{ type: name, ...arguments }` of query-types.ts's
   * QueryMap, the result that map's result for the name (the renderer's querySource types both). The
   * query's own arguments are checked by shared/query/query-schemas.ts (page queries only).
   */
  query: [{ id: SourceId; query: SourceQuery }, QueryResult];
  /**
   * pprof's `list`: flat / cum per source line of the functions matching `query.regex`, beside the
   * lines of their files, read by the host under `roots` (folders the user named) and GOROOT only.
   */
  sourceListing: [{ id: SourceId; query: SourceQueryOf<'sourceLines'>; roots: string[]; trimPath?: string }, SourceListing];
  /** Goroutine groups across several dumps (time order), a count per dump: leaks show as growth. */
  goroutineGroupsAcross: [SchemaArg<'goroutineGroupsAcross'>, GoroutineGroupsResult];
  /**
   * "What changed" in `selection` against `baseline` (axis ns), across sources `ids`: each source's
   * engine computes its part, the first one joins them.
   */
  whatChangedAcross: [SchemaArg<'whatChangedAcross'>, WhatChangedResult];
  /**
   * One heat map over several hosts' captures `ids` (range in axis ns): all hosts summed (`sum`, rows
   * as `mode`) or one row per host (`rows`, each host's `state` total, or every socket). Each capture's
   * engine draws its part, the first one joins them (shared/query/sockets/heatmap-across.ts).
   */
  heatmapAcross: [SchemaArg<'heatmapAcross'>, HeatmapAcross];
  /** Ranked findings (incident patterns) over sources `ids`: each engine computes its facts, one joins them on the axis. */
  findings: [SchemaArg<'findings'>, DiagnoseResult];
  /**
   * The call tree of source `id` as a diff against source `baseId` (pprof -diff_base): the base's
   * engine exports its stacks (`baseProfile`, default query.profile; `baseRange` in the base's own
   * clock), the current source's engine builds the diff tree.
   */
  diffCallTree: [{ id: SourceId; baseId: SourceId; query: CallTreeQuery; baseProfile?: string; baseRange?: SourceRange }, QueryResultOf<'callTree'>];
  /**
   * The flame graph of a profile series over `range` (axis ns): the merged deltas of the intervals the
   * range uses (profile-series.ts, boundary rule), a goroutine series as growth per stack, or with
   * `baseline` that delta against the baseline range's. Says which window each side really used.
   */
  seriesCallTree: [SchemaArg<'seriesCallTree'>, SeriesAnswer<QueryResultOf<'callTree'>>];
  /** The top table of the same window (pprof -top -base start end). */
  seriesTopTable: [SchemaArg<'seriesTopTable'>, SeriesAnswer<QueryResultOf<'topTable'>>];
  /** "Save as pprof" of that diff: source `id`'s shown profile minus `baseId`'s (pprof -base), as pprof bytes. */
  diffPprof: [{ id: SourceId; baseId: SourceId; query: SourceQueryOf<'shownPprof'>; baseProfile?: string }, QueryResultOf<'shownPprof'>];
  /** Starts collecting `ss` snapshots over SSH into a capture file that is a live source. */
  startCollection: [StartCollectionArgs, { collectionId: string; sourceId: SourceId }];
  /** Finishes the snapshot in flight and disconnects; the file and the source stay. */
  stopCollection: [SchemaArg<'stopCollection'>, { ok: boolean }];
  /** Stops at once (what was received stays). */
  cancelCollection: [SchemaArg<'cancelCollection'>, { ok: boolean }];
  answerHostKey: [SchemaArg<'answerHostKey'>, { ok: boolean }];
  listCollections: [SchemaArg<'listCollections'>, { collections: CollectionInfo[] }];
  /** Fetches a Go pprof endpoint on the host's 127.0.0.1:port over the collection's connection; the result is a new source. */
  fetchPprofOverSsh: [SchemaArg<'fetchPprofOverSsh'>, { sourceId: SourceId }];
  /** Sets (replaces) or, with null, clears a running collection's interval pprof fetch. */
  setPprofSchedule: [SchemaArg<'setPprofSchedule'>, { ok: boolean }];
  /** Starts one collection per host (patterns expanded over the ssh config); a host that cannot start is reported, the others run. */
  startFleetCollection: [StartFleetCollectionArgs, { fleetId: string; collections: FleetMember[]; failed: Array<{ host: string; error: string }> }];
  /** Stops (or, with cancel, cancels) every collection of a fleet. */
  stopFleet: [SchemaArg<'stopFleet'>, { ok: boolean }];
  /** The same pprof fetch from every connected host of a fleet, each over its own connection; one source per host. */
  fetchPprofFleet: [SchemaArg<'fetchPprofFleet'>, { results: FleetPprofResult[] }];
  /** The session as a .tracedeck file: browser mode gets the text to download; Electron saves it through a dialog. */
  saveSession: [SchemaArg<'saveSession'>, { fileName: string; text?: string; savedPath?: string; leftOut?: { file: string; reason: string }[] }];
  /** Restores a .tracedeck file's sources and offsets; the renderer applies the returned uiState. */
  openSession: [SchemaArg<'openSession'>, SessionOpened];
  /**
   * Writes a postmortem folder (report.md, images/, sources/, session.tracedeck), or the same as one
   * .zip when `zip`; `dir` is then the .zip's path. Without `dir`: Electron asks where (a cancelled
   * dialog answers `cancelled`); browser mode writes folders to ~/tracedeck-bundles/<time> and hands a
   * .zip back as `zipBase64` to download.
   */
  exportBundle: [SchemaArg<'exportBundle'>, ExportBundleResult];
  /** Recently opened files and sessions, most recent first. */
  listRecent: [SchemaArg<'listRecent'>, { items: RecentItem[] }];
}

/** A series answer and the window(s) it was computed over. */
export interface SeriesAnswer<R> {
  result: R;
  window: SeriesWindowInfo;
  baselineWindow?: SeriesWindowInfo;
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
export const EXPORT_VIEWS = ['workspace', 'timeline', 'flame', 'heatmap', 'blocking', 'changes', 'details', 'trace'] as const;
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
  'undoPairing',
  'query',
  'sourceListing',
  'goroutineGroupsAcross',
  'whatChangedAcross',
  'heatmapAcross',
  'findings',
  'diffCallTree',
  'seriesCallTree',
  'seriesTopTable',
  'diffPprof',
  'startCollection',
  'stopCollection',
  'cancelCollection',
  'answerHostKey',
  'listCollections',
  'fetchPprofOverSsh',
  'setPprofSchedule',
  'startFleetCollection',
  'stopFleet',
  'fetchPprofFleet',
  'saveSession',
  'openSession',
  'exportBundle',
  'listRecent',
];

export function isRequestName(s: unknown): s is RequestName {
  return typeof s === 'string' && (REQUEST_NAMES as readonly string[]).includes(s);
}
