/**
 * Finds a runnable Electron binary WITHOUT triggering the electron package's lazy download (which
 * fails on machines without internet). Plain Node; never imports 'electron'.
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export type ElectronProbe = { ok: true; path: string } | { ok: false; reason: string };

export function probeElectron(projectRoot: string): ElectronProbe {
  const pkg = join(projectRoot, 'node_modules', 'electron');
  if (!existsSync(pkg)) return { ok: false, reason: 'the electron package is not installed' };
  const pathFile = join(pkg, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const bin = override ? join(override, rel || 'electron') : rel ? join(pkg, 'dist', rel) : '';
  if (!bin || !existsSync(bin)) return { ok: false, reason: 'the Electron binary was never downloaded (no network access to fetch it)' };
  const r = spawnSync(bin, ['--version'], { timeout: 15000, encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (r.status !== 0) return { ok: false, reason: `the Electron binary does not run here (${(r.stderr || r.error?.message || '').trim().split('\n')[0]})` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no display (DISPLAY/WAYLAND_DISPLAY unset)' };
  }
  return { ok: true, path: bin };
}
