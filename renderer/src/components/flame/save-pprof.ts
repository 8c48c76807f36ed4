/**
 * "Save as pprof": the profile the flame graph shows (one profile of the focused source, its range
 * and its focus / ignore / hide), built as pprof bytes in the source's engine (the shownPprof query,
 * shared/query/stacks/shown-pprof.ts), gzipped here and downloaded as `.pb.gz` — a Blob behind a download
 * link, which browser mode and Electron (its save dialog) both handle, so there is one path.
 */
import type { ShownPprofArgs } from '../../../../shared/query/stacks/stack-types.ts';
import { bridge } from '../../bridge-client.ts';
import { downloadBlob } from '../../export/exporter.ts';
import { querySource } from '../../query/query-client.ts';

/** gzip with the platform's CompressionStream (the engine's queries are synchronous; this is not). */
export async function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** `block.pb.gz` + `delay` → `block-delay.pb.gz`; a range adds `-range`, filters `-filtered`, a diff `-delta`. */
export function pprofFileName(sourceName: string, profileKey: string, args: ShownPprofArgs, diff = false): string {
  const base = sourceName.replace(/\.(pb\.gz|pb|pprof|gz|out|txt)$/i, '').replace(/[^\w.-]+/g, '_').slice(0, 80) || 'profile';
  const parts = [base, profileKey.replace(/[^\w.-]+/g, '_')];
  if (args.range) parts.push('range');
  if (args.focus || args.ignore || args.hide || args.tagfocus || args.tagignore) parts.push('filtered');
  if (args.tagroot) parts.push('by-label');
  if (diff) parts.push('delta');
  return `${parts.join('-')}.pb.gz`;
}

/**
 * Asks the source's engine for the shown profile — with `diff`, minus the base source's (the host
 * routes it as it routes the diff's call tree) — and downloads it; resolves with the file name.
 */
export async function saveShownPprof(
  sourceId: string,
  sourceName: string,
  args: ShownPprofArgs & { profile: string },
  diff: { baseId: string; baseProfile: string } | null = null,
): Promise<string> {
  const r = diff
    ? await bridge.request('diffPprof', { id: sourceId, ...diff, query: { type: 'shownPprof', ...args } })
    : await querySource(sourceId, 'shownPprof', args);
  const name = pprofFileName(sourceName, r.profile.key, args, !!diff);
  downloadBlob(new Blob([(await gzipBytes(r.bytes)) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), name);
  return name;
}
