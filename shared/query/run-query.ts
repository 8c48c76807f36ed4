/** Routes a SourceQuery to the pure function that answers it for the source's kind. */
import type { ParsedSource } from '../model/source.ts';
import type { SourceQuery, QueryResult } from './query-types.ts';
import { summarizePprof } from './pprof-summary.ts';
import { summarizeGoroutineDump } from './goroutine-summary.ts';
import { summarizeTrace } from './trace-summary.ts';
import { summarizeSockets } from './ss-summary.ts';

/** The `inspect --json` figures of a source (without `file`/`kind`, which the caller adds). */
export function summarize(src: ParsedSource): Record<string, unknown> {
  switch (src.kind) {
    case 'pprof':
      return { ...summarizePprof(src) };
    case 'goroutine-dump':
      return { ...summarizeGoroutineDump(src) };
    case 'gotrace':
      return { ...summarizeTrace(src) };
    case 'ss':
      return { ...summarizeSockets(src) };
  }
}

export function runQuery(src: ParsedSource, q: SourceQuery): QueryResult {
  switch (q.type) {
    case 'summary':
      return { type: 'summary', figures: summarize(src) };
  }
}
