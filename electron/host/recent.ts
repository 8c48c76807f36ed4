/**
 * Recently opened files and sessions (the empty state and the File menu list them), kept in
 * `$TRACEDECK_CONFIG_DIR/recent.json` (default ~/.config/tracedeck). Plain Node; no 'electron'.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RecentItem } from '../../shared/bridge.ts';

export const RECENT_MAX = 12;

export function recentFile(): string {
  return join(process.env.TRACEDECK_CONFIG_DIR || join(homedir(), '.config', 'tracedeck'), 'recent.json');
}

export function readRecent(file = recentFile()): RecentItem[] {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!Array.isArray(raw)) return [];
    return raw
      .filter((r): r is RecentItem => typeof r === 'object' && r !== null && typeof r.path === 'string' && (r.kind === 'file' || r.kind === 'session') && typeof r.openedAt === 'string')
      .slice(0, RECENT_MAX);
  } catch {
    return [];
  }
}

/** Puts `paths` first (most recent first), without duplicates. A write failure is not worth an error. */
export function addRecent(items: Omit<RecentItem, 'openedAt'>[], file = recentFile(), now = new Date()): RecentItem[] {
  const fresh = items.map((i) => ({ ...i, openedAt: now.toISOString() }));
  const list = [...fresh, ...readRecent(file).filter((r) => !items.some((i) => i.path === r.path))].slice(0, RECENT_MAX);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(list, null, 1));
  } catch {
    // read-only home: the list just stays in memory for this call
  }
  return list;
}
