/** Go execution trace model — owned by the trace ingest (shared/ingest/gotrace). */
import type { StackTable } from './stacks.ts';
export interface TraceModel {
  stacks: StackTable;
}
