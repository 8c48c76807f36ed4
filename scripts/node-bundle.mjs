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

/**
 * Bundles `entry` to `outfile` (.mjs) with `banner` as its first line. With `chunkPrefix`, the bundle
 * is split (esbuild `splitting`): the entry holds what every run needs, and each module the entry
 * imports only when it runs is a chunk beside it (`<chunkPrefix><hash>.mjs`), so a run loads only its
 * own part. Chunks are named by their content and written first (a concurrent build writes the same
 * bytes under the same name), then the entry is renamed into place, so a concurrent launch never sees
 * half a bundle; chunks no build has written for an hour and the new entry does not import are removed.
 */
export async function buildNodeBundle({ entry, outfile, banner, chunkPrefix }) {
  // Stamped with the start time: a source saved during the build still counts as newer.
  const startedAt = new Date();
  const esbuild = await import('esbuild');
  let outputs;
  buildsRunning++;
  try {
    const result = await esbuild.build({
      entryPoints: { [basename(outfile, '.mjs')]: entry },
      bundle: true,
      ...(chunkPrefix ? { splitting: true, chunkNames: `${chunkPrefix}[hash]` } : {}),
      outdir: dirname(outfile),
      outExtension: { '.js': '.mjs' },
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      keepNames: true,
      write: false,
      logLevel: 'silent',
      banner: { js: banner },
    });
    outputs = result.outputFiles;
  } finally {
    // esbuild's service process is not needed once the last build is done (it would idle on beside the server).
    if (--buildsRunning === 0) await esbuild.stop();
  }
  const main = outputs.find((o) => o.path === outfile);
  if (!main) throw new Error('esbuild produced no entry');
  mkdirSync(dirname(outfile), { recursive: true });
  const chunks = outputs.filter((o) => o !== main);
  for (const c of chunks) if (!existsSync(c.path)) writeInPlace(c.path, c.text);
  writeInPlace(outfile, main.text, startedAt);
  if (chunkPrefix) removeOldChunks(dirname(outfile), chunkPrefix, new Set(chunks.map((c) => basename(c.path))));
}

function removeOldChunks(dir, prefix, current) {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.mjs') || current.has(name)) continue;
    try {
      if (Date.now() - statSync(join(dir, name)).mtimeMs > 3600_000) unlinkSync(join(dir, name));
    } catch {
      // removed by a concurrent build
    }
  }
}

/** Writes to a temp file beside `path` and renames it into place (stamped `mtime` when given). */
function writeInPlace(path, text, mtime) {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(tmp, text);
    if (mtime) utimesSync(tmp, mtime, mtime);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never written
    }
    // Windows refuses to replace a file another launch has open; that launch built the same bundle.
    if (!existsSync(path)) throw e;
  }
}
