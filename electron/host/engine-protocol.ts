/**
 * Messages between the host and one engine process (one process holds one source's model), and the
 * interface the host starts those processes through (Node's child_process in the CLI and browser
 * mode, Electron's utilityProcess in the app; see engine-process.ts and electron/main.ts).
 */
import type { SourceQuery, QueryResult } from '../../shared/query/query-types.ts';
import type { ParsedSource } from '../../shared/model/source.ts';
import type { PlacementFingerprint, SocketSnapshotPrint } from '../../shared/query/placement/fingerprint.ts';
import type { SeriesIdentity } from '../../shared/query/stacks/profile-series.ts';

export type ToEngine =
  | { type: 'open'; path?: string; maxBytes?: number; bytes?: Uint8Array; mtimeMs?: number; figuresOnly?: boolean }
  | { type: 'query'; reqId: number; query: SourceQuery }
  /** Parse the (grown) file again; the current model stays unless the new parse succeeds. */
  | { type: 'reload'; reqId: number; path: string; maxBytes?: number };

/** Everything about a parsed source except its model (which never leaves the engine). */
export type SourceHeader = Omit<ParsedSource, 'model'> & {
  figures: Record<string, unknown>;
  /** Only the figures were read (an `open` with figuresOnly): the engine holds no model. */
  figuresOnly?: boolean;
  sizeBytes: number;
  sha256: string;
  /** What the content says about when it was taken, for pairing clockless sources (SessionStore). */
  fingerprint?: PlacementFingerprint | null;
  /**
   * Instead of `fingerprint`, after a reload that only appended snapshots: the prints of the new
   * snapshots (from index `from`), to add to the print the host holds (resending a 30-min capture's
   * whole print on every refresh cost more than parsing the new snapshot).
   */
  fingerprintTail?: { from: number; snapshots: SocketSnapshotPrint[]; summary: Record<string, number> | null };
  /** The profile series this snapshot can join (shared/query/stacks/profile-series.ts), if any. */
  seriesIdentity?: SeriesIdentity | null;
};

export type FromEngine =
  /** The engine is listening (messages sent before this could be lost on some channels). */
  | { type: 'hello' }
  | { type: 'progress'; fraction: number }
  | { type: 'ready'; header: SourceHeader }
  | { type: 'failed'; reason: string }
  | { type: 'result'; reqId: number; result: QueryResult }
  | { type: 'queryFailed'; reqId: number; reason: string }
  | { type: 'reloaded'; reqId: number; header: SourceHeader }
  | { type: 'reloadFailed'; reqId: number; reason: string };

/** How an engine process ended, as far as its parent can tell. */
export interface EngineExit {
  code: number | null;
  signal: string | null;
  /** The end of what it wrote to stderr (V8 prints its fatal errors there: "heap out of memory", "invalid size"). */
  stderrTail: string;
  /** The platform's own verdict when it gives one (Electron's child-process-gone reason, e.g. "oom"). */
  reason?: string;
}

/** One running engine process, seen from the host. */
export interface EngineProcess {
  readonly pid: number | undefined;
  send(m: ToEngine): void;
  onMessage(fn: (m: FromEngine) => void): void;
  /** Called once, after the process has ended and its stderr is read. */
  onExit(fn: (exit: EngineExit) => void): void;
  /** Ends the process at once (SIGKILL): a cancelled parse stops and its memory is returned. */
  kill(): void;
  /** Whether this process keeps the host alive (a spare does not, until it is taken). */
  setRef(ref: boolean): void;
}

export interface EngineSpawnOptions {
  /** V8 heap limit of the process (--max-old-space-size). */
  maxHeapMb: number;
}

/** Starts engine processes from an entry script (a .ts under tsx, or a bundle). */
export type EngineSpawner = (script: string, opts: EngineSpawnOptions) => EngineProcess;
