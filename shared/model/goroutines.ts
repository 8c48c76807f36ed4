/** Goroutine dump model — owned by the goroutine-dump ingest (shared/ingest/goroutines). */
import type { StackTable } from './stacks.ts';
export interface GoroutineDumpModel {
  stacks: StackTable;
}
