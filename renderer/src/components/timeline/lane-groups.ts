/**
 * Timeline lanes grouped by where the evidence came from: the folder of an opened or dropped file,
 * the collection of a several-hosts SSH capture (its hosts' lanes together), the host of a one-host
 * SSH capture, or "dropped files". An incident folder per host reads as one block of lanes that
 * folds away. Pure.
 */
import type { SourceInfo } from '../../../../shared/bridge.ts';
import type { ProfileSeriesInfo } from '../../../../shared/query/stacks/profile-series.ts';

export interface LaneGroup {
  key: string;
  label: string;
  sources: SourceInfo[];
  /** A profile series: its snapshots, in time order, are this group's lanes (the header marks its intervals). */
  series?: ProfileSeriesInfo;
}

/** The last two folder names say enough (scenarios/conn-leak); the full path is the group's key. */
function folderLabel(dir: string): string {
  return dir.split(/[\\/]/).filter(Boolean).slice(-2).join('/') || dir;
}

/** The group a source's lane belongs to. */
export function laneGroupOf(s: SourceInfo): { key: string; label: string } {
  const o = s.origin;
  if (o.type === 'ssh') {
    if (o.fleet) return { key: `fleet:${o.fleet.key}`, label: `collection ${o.fleet.name}` };
    return { key: `ssh:${o.host}`, label: `host ${o.host}` };
  }
  if (o.type === 'file') {
    const cut = Math.max(o.path.lastIndexOf('/'), o.path.lastIndexOf('\\'));
    const dir = cut > 0 ? o.path.slice(0, cut) : o.path.slice(0, cut + 1) || '.';
    return { key: `dir:${dir}`, label: folderLabel(dir) };
  }
  if (o.folder) return { key: `upload:${o.folder}`, label: folderLabel(o.folder) };
  return { key: 'upload', label: 'dropped files' };
}

/**
 * Sources in groups, groups in the order their first source appears, sources in their own order; the
 * snapshots of a profile series form one group of their own, in time order.
 */
export function laneGroups(sources: SourceInfo[], series: readonly ProfileSeriesInfo[] = []): LaneGroup[] {
  const groups = new Map<string, LaneGroup>();
  const seriesOf = new Map(series.flatMap((x) => x.members.map((m) => [m.id, x] as const)));
  const byId = new Map(sources.map((s) => [s.id, s]));
  for (const s of sources) {
    const ser = seriesOf.get(s.id);
    if (ser) {
      if (!groups.has(ser.id)) {
        const members = ser.members.flatMap((m) => byId.get(m.id) ?? []);
        groups.set(ser.id, { key: ser.id, label: ser.label, sources: members, series: ser });
      }
      continue;
    }
    const g = laneGroupOf(s);
    let group = groups.get(g.key);
    if (!group) groups.set(g.key, (group = { ...g, sources: [] }));
    group.sources.push(s);
  }
  return [...groups.values()];
}
