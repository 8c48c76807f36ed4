/**
 * Which host a socket capture is of, as views name it when several hosts are shown together (a fleet
 * collection, or a folder per host opened at once). Pure, over SourceInfo: the renderer and the host
 * use the same names.
 */
import type { SourceId, SourceInfo } from './bridge.ts';

/** Captures over time (one host each): what a cross-host heat map joins. Listings (lsof, one `ss`) are not. */
export function isHostCapture(s: SourceInfo): boolean {
  return s.kind === 'ss' && s.status === 'ready' && (s.format === 'ss capture' || s.live === true);
}

/** The folder a file source was read from, or an upload came in (its last path component), else null. */
function folderOf(s: SourceInfo): string | null {
  if (s.origin.type === 'upload') return s.origin.folder?.split(/[\\/]/).filter(Boolean).pop() ?? null;
  if (s.origin.type !== 'file') return null;
  const parts = s.origin.path.split(/[\\/]/).filter(Boolean);
  return parts.length >= 2 ? parts[parts.length - 2]! : null;
}

/**
 * A name per source telling the hosts apart: the SSH host for a live capture; for files, the folder
 * each was read from when those differ (captures copied off servers sit in a folder per host), else
 * the source's own name (`tracedeck collect` names each host's capture after it).
 */
export function hostLabels(sources: readonly SourceInfo[]): Map<SourceId, string> {
  const out = new Map<SourceId, string>();
  const rest = sources.filter((s) => {
    if (s.origin.type === 'ssh') out.set(s.id, s.origin.host);
    return s.origin.type !== 'ssh';
  });
  const distinct = (names: (string | null)[]) => names.every((n) => n !== null) && new Set(names).size === names.length;
  const folders = rest.map(folderOf);
  const pick = distinct(folders) ? folders : distinct(rest.map((s) => s.name)) ? rest.map((s) => s.name) : null;
  rest.forEach((s, i) => out.set(s.id, pick?.[i] ?? (folders[i] ? `${folders[i]}/${s.name}` : s.name)));
  return out;
}
