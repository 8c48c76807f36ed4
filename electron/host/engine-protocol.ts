/** Messages between the host and one engine worker (one worker holds one source's model). */
import type { SourceQuery, QueryResult } from '../../shared/query/query-types.ts';
import type { ParsedSource } from '../../shared/model/source.ts';

export type ToEngine =
  | { type: 'open'; path?: string; bytes?: Uint8Array; mtimeMs?: number }
  | { type: 'query'; reqId: number; query: SourceQuery };

/** Everything about a parsed source except its model (which never leaves the worker). */
export type SourceHeader = Omit<ParsedSource, 'model'> & {
  figures: Record<string, unknown>;
  sizeBytes: number;
  sha256: string;
};

export type FromEngine =
  | { type: 'progress'; fraction: number }
  | { type: 'ready'; header: SourceHeader }
  | { type: 'failed'; reason: string }
  | { type: 'result'; reqId: number; result: QueryResult }
  | { type: 'queryFailed'; reqId: number; reason: string };
