/**
 * Timeline lanes grouped by where the evidence came from: the folder of an opened file, the host of
 * an SSH capture, or "dropped files". An incident folder per host reads as one block of lanes that
 * folds away. Pure.
 */
import type { SourceInfo } from '../../../../shared/bridge.ts';

export interface LaneGroup {
  key: string;
  label: string;
  sources: SourceInfo[];
}

/** The group a source's lane belongs to. */
export function laneGroupOf(s: SourceInfo): { key: string; label: string } {
  const o = s.origin;
  if (o.type === 'ssh') return { key: `ssh:${o.host}`, label: `host ${o.host}` };
  if (o.type === 'file') {
    const cut = Math.max(o.path.lastIndexOf('/'), o.path.lastIndexOf('\\'));
    const dir = cut > 0 ? o.path.slice(0, cut) : o.path.slice(0, cut + 1) || '.';
    const parts = dir.split(/[\\/]/).filter(Boolean);
    // The last two folder names say enough (scenarios/conn-leak); the full path is the key.
    return { key: `dir:${dir}`, label: parts.slice(-2).join('/') || dir };
  }
  return { key: 'upload', label: 'dropped files' };
}

/** Sources in groups, groups in the order their first source appears, sources in their own order. */
export function laneGroups(sources: SourceInfo[]): LaneGroup[] {
  const groups = new Map<string, LaneGroup>();
  for (const s of sources) {
    const g = laneGroupOf(s);
    let group = groups.get(g.key);
    if (!group) groups.set(g.key, (group = { ...g, sources: [] }));
    group.sources.push(s);
  }
  return [...groups.values()];
}
