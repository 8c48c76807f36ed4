/**
 * The name a source is shown by, everywhere it is named (sources list, pickers, lane labels,
 * captions, findings, what-changed rows, report.md). Incident folders copied off servers hold the
 * same file names once per host (`web-01/block.pb.gz`, `web-02/block.pb.gz`): a source whose name
 * another source shares is shown with the shortest folder suffix that tells it apart. Pure, over
 * SourceInfo, so the renderer and the host name a source the same way.
 */
import type { SourceId, SourceInfo } from './bridge.ts';

type Named = Pick<SourceInfo, 'id' | 'name' | 'origin'>;

/** The folders of the path a source was read from, outermost first (none for an upload). */
function foldersOf(s: Named): string[] {
  const o = s.origin;
  if (o.type === 'upload') return o.folder ? o.folder.split(/[\\/]/).filter(Boolean) : [];
  // The path ends with the file itself.
  const parts = o.path.split(/[\\/]/).filter(Boolean);
  return parts.slice(0, -1);
}

/**
 * A display name per source. Names shared by several sources get `folder/…/name`, with as few
 * trailing folders as keep those sources apart; sources that no folder tells apart (two uploads of
 * the same name, the same file opened twice) are numbered in order: `name (2)`.
 */
export function sourceDisplayNames(sources: readonly Named[]): Map<SourceId, string> {
  const out = new Map<SourceId, string>();
  const byName = new Map<string, Named[]>();
  for (const s of sources) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const [name, group] of byName) {
    if (group.length === 1) {
      out.set(group[0]!.id, name);
      continue;
    }
    const folders = group.map(foldersOf);
    const suffix = (f: string[], k: number) => f.slice(Math.max(0, f.length - k)).join('/');
    const deepest = Math.max(...folders.map((f) => f.length));
    // The fewest trailing folders that make every member's suffix distinct, when some number does.
    let depth = 0;
    for (let k = 1; k <= deepest; k++) {
      if (new Set(folders.map((f) => suffix(f, k))).size === group.length) {
        depth = k;
        break;
      }
    }
    const shown = group.map((s, i) => {
      const sfx = suffix(folders[i]!, depth > 0 ? depth : 1);
      return sfx ? `${sfx}/${name}` : name;
    });
    // What folders cannot tell apart is numbered, in the sources' order.
    const seen = new Map<string, number>();
    group.forEach((s, i) => {
      const n = (seen.get(shown[i]!) ?? 0) + 1;
      seen.set(shown[i]!, n);
      out.set(s.id, n === 1 ? shown[i]! : `${shown[i]} (${n})`);
    });
  }
  return out;
}

/** One source's display name among `all` (the session's sources). */
export function sourceDisplayName(s: Named, all: readonly Named[]): string {
  return sourceDisplayNames(all).get(s.id) ?? s.name;
}
