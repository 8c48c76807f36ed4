/** Where things are in a source checkout (CLI, browser mode, tests). Plain Node. */
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RENDERER_DIST = join(PROJECT_ROOT, 'dist', 'renderer');
export const ENGINE_WORKER_TS = join(PROJECT_ROOT, 'electron', 'host', 'engine-worker.ts');
/** ENGINE_WORKER_TS bundled to plain JS by worker-build.ts (the CLI and browser mode run this one). */
export const ENGINE_WORKER_DIST = join(PROJECT_ROOT, 'dist', 'engine-worker', 'engine-worker.mjs');
export const DEMO_DIR = join(PROJECT_ROOT, 'assets', 'demo');
