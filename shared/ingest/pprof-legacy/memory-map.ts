/**
 * The memory-map section legacy profiles end with: /proc/self/maps lines, or the brief form
 * `start-end: file [(@offset)] [buildid]`. Only executable (or permission-less) entries become
 * mappings, as in pprof. Lines that are neither may be `attr=value`, which later lines can use as
 * `$attr` (pprof's substitution); anything else is ignored.
 */
import type { LineReader } from './text-lines.ts';

export interface LegacyMapping {
  start: bigint;
  limit: bigint;
  offset: bigint;
  file: string;
  buildId: string;
}

const HEX = '[0-9A-Fa-f]';
const HEX_RANGE = `\\s*(?:0x)?(${HEX}+)[\\s-]?\\s*(?:0x)?(${HEX}+):?`;
const PERM = `(?:\\s+([-rwxp]+))?`;
const PROC_MAPS = new RegExp(`^${HEX_RANGE}${PERM}(?:\\s+(${HEX}+))?\\s+${HEX}+:${HEX}+\\s+\\d+(?:\\s+(\\S+))?`);
const BRIEF_MAPS = new RegExp(`^${HEX_RANGE}${PERM}(?:\\s+(\\S+))?(?:\\s+\\(@(${HEX}+)\\))?(?:\\s+(${HEX}+))?`);
const GLOG_PREFIX = /^[^[\]]+:[0-9]+]\s/;
/** Real map lines are short; longer ones are not tried (the patterns backtrack on long junk). */
const MAX_MAP_LINE = 1024;

type Entry = LegacyMapping | 'skip' | null;

function parseEntry(line: string): Entry {
  if (line.length > MAX_MAP_LINE) return null;
  // Two addresses of at most 16 digits each: a longer leading hex run is not a mapping, and would
  // make the patterns below backtrack for a long time.
  if ((/^\s*(?:0x)?([0-9A-Fa-f]*)/.exec(line)?.[1]?.length ?? 0) > 34) return null;
  let start: string, end: string, perm: string | undefined, file: string | undefined, offset: string | undefined;
  let buildId: string | undefined;
  const p = PROC_MAPS.exec(line);
  if (p) {
    [, start, end, perm, offset, file] = p as unknown as [string, string, string, string?, string?, string?];
  } else {
    const b = BRIEF_MAPS.exec(line);
    if (!b) return null;
    [, start, end, perm, file, offset, buildId] = b as unknown as [string, string, string, string?, string?, string?, string?];
  }
  if (perm && !perm.includes('x')) return 'skip';
  // ParseUint(…, 16, 64): more than 16 significant hex digits does not fit.
  const fits = (h: string) => h.replace(/^0+/, '').length <= 16;
  if (!fits(start) || !fits(end) || (offset !== undefined && !fits(offset))) return null;
  return {
    start: BigInt(`0x${start}`),
    limit: BigInt(`0x${end}`),
    offset: offset ? BigInt(`0x${offset}`) : 0n,
    file: file ?? '',
    buildId: buildId ?? '',
  };
}

/** Reads mapping lines until the end of the input. */
export function readMemoryMap(lines: LineReader): LegacyMapping[] {
  const out: LegacyMapping[] = [];
  const attrs: [string, string][] = [];
  for (let raw = lines.next(); raw !== null; raw = lines.next()) {
    let line = raw.length <= MAX_MAP_LINE ? raw.replace(GLOG_PREFIX, '') : raw;
    for (const [k, v] of attrs) line = line.split(k).join(v);
    const e = parseEntry(line);
    if (e === 'skip') continue;
    if (e) {
      out.push(e);
      continue;
    }
    const eq = line.indexOf('=');
    // Capped: substitution is per line, and real maps define a handful at most.
    if (eq >= 0 && attrs.length < 64) attrs.push([`$${line.slice(0, eq).trim()}`, line.slice(eq + 1).trim()]);
  }
  return out;
}
