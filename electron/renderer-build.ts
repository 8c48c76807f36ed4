/** Builds the renderer for browser mode when dist/renderer is missing or older than its sources. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, RENDERER_DIST } from './paths.ts';

function newestMtime(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return t;
}

export function rendererIsStale(): boolean {
  const index = join(RENDERER_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return ['renderer', 'shared'].some((d) => newestMtime(join(PROJECT_ROOT, d)) > built);
}

export async function ensureRendererBuilt(log: (msg: string) => void): Promise<void> {
  if (!rendererIsStale()) return;
  log('Building the renderer (first run or sources changed)…');
  const { build } = await import('vite');
  await build({ configFile: join(PROJECT_ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}
