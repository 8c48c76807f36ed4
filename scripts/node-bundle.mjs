// One bundle of our TypeScript for Node, as the CLI (scripts/cli-bundle.mjs) and the engine worker
// (electron/worker-build.ts) are built: esbuild, ESM for Node 20, every package external (loaded
// from node_modules at run time: ssh2 has a native binding), names kept; written to a temp file beside
// the output and renamed into place, so a concurrent launch never sees half a bundle. Plain JS:
// bin/tracedeck.mjs reaches it before any TypeScript loader runs.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The newest modification time under `path`, tests, dot files and node_modules left out (editing a
 * test never forces a rebuild). With `folders`, a folder's own time counts too: a deleted file
 * changes its folder's time.
 */
export function newestMtime(path, { folders = false } = {}) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = folders ? st.mtimeMs : 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.') || name.endsWith('.test.ts')) continue;
    t = Math.max(t, newestMtime(join(path, name), { folders }));
  }
  return t;
}

/** Missing, or older than anything under `sources`. */
export function bundleIsStale(outfile, sources, opts = {}) {
  if (!existsSync(outfile)) return true;
  const built = statSync(outfile).mtimeMs;
  return sources.some((s) => newestMtime(s, opts) > built);
}

let buildsRunning = 0;

/** Bundles `entry` to `outfile` with `banner` as its first line. */
export async function buildNodeBundle({ entry, outfile, banner }) {
  // Stamped with the start time: a source saved during the build still counts as newer.
  const startedAt = new Date();
  const esbuild = await import('esbuild');
  let text;
  buildsRunning++;
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      keepNames: true,
      write: false,
      logLevel: 'silent',
      banner: { js: banner },
    });
    text = result.outputFiles[0]?.text;
    if (!text) throw new Error('esbuild produced no output');
  } finally {
    // esbuild's service process is not needed once the last build is done (it would idle on beside the server).
    if (--buildsRunning === 0) await esbuild.stop();
  }
  mkdirSync(dirname(outfile), { recursive: true });
  const tmp = join(dirname(outfile), `.${basename(outfile)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(tmp, text);
    utimesSync(tmp, startedAt, startedAt);
    renameSync(tmp, outfile);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never written
    }
    // Windows refuses to replace a file another launch has open; that launch built the same bundle.
    if (!existsSync(outfile)) throw e;
  }
}
