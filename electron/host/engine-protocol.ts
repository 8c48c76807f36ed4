/** Messages between the host and one engine worker (one worker holds one source's model). */
import type { SourceQuery, QueryResult } from '../../shared/query/query-types.ts';
import type { ParsedSource } from '../../shared/model/source.ts';
import type { PlacementFingerprint } from '../../shared/query/placement/fingerprint.ts';

export type ToEngine =
  | { type: 'open'; path?: string; maxBytes?: number; bytes?: Uint8Array; mtimeMs?: number }
  | { type: 'query'; reqId: number; query: SourceQuery }
  /** Parse the (grown) file again; the current model stays unless the new parse succeeds. */
  | { type: 'reload'; reqId: number; path: string; maxBytes?: number };

/** Everything about a parsed source except its model (which never leaves the worker). */
export type SourceHeader = Omit<ParsedSource, 'model'> & {
  figures: Record<string, unknown>;
  sizeBytes: number;
  sha256: string;
  /** What the content says about when it was taken, for pairing clockless sources (SessionStore). */
  fingerprint?: PlacementFingerprint | null;
};

export type FromEngine =
  | { type: 'progress'; fraction: number }
  | { type: 'ready'; header: SourceHeader }
  | { type: 'failed'; reason: string }
  | { type: 'result'; reqId: number; result: QueryResult }
  | { type: 'queryFailed'; reqId: number; reason: string }
  | { type: 'reloaded'; reqId: number; header: SourceHeader }
  | { type: 'reloadFailed'; reqId: number; reason: string };
