// Starts the TypeScript engine worker under tsx (CLI, browser mode, tests). Messages sent before the
// worker's listener attaches are queued by the port, so nothing is lost during this import.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
