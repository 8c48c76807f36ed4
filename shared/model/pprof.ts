/** pprof profile model — owned by the pprof ingest (shared/ingest/pprof). */
import type { StackTable } from './stacks.ts';
export interface PprofModel {
  stacks: StackTable;
}
