/**
 * `ls -l /proc/PID/fd` text → socket source holding one fd-count sample per listed process (no
 * sockets: an fd listing shows no TCP state or address). See ./README.md.
 *
 *   total 0
 *   lr-x------ 1 root root 64 Nov 22 19:39 0 -> /dev/null
 *   lrwx------ 1 root root 64 Nov 22 19:39 11 -> socket:[247038]
 */
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import {
  buildFdModel,
  checkText,
  mtimeClock,
  plural,
  quote,
  splitLines,
  type ParsedFdSource,
  type TextLine,
} from './fd-model.ts';

/** A symlink line of `ls -l`: mode, links, owner, group, size, then the date (2–4 words, by locale/style). */
const LINK_LINE = /^l[-rwxsStT]{9}[.+@]?\s+\d+\s+\S+\s+\S+\s+\d+\s/;
const SOCKET = /^socket:\[\d+\]$/;
const PIPE = /^pipe:\[\d+\]$/;
/** `/proc/123/fd` in a directory header (`/proc/123/fd:`) or a pasted command (`$ ls -l /proc/123/fd`). */
const PROC_DIR = /\/proc\/(\d{1,9}|self)\/fd\b/;

/** True for `ls -l` output of a /proc fd directory (the sniff detect.ts uses). */
export function isProcFdListingText(head: string): boolean {
  // Certain on its own: a numbered symlink to a socket or pipe inode.
  if (/^l[-rwxsStT]{9}\S*\s+\d+\s+\S+\s+\S+\s+\d+\s.*\s\d+ -> '?(?:socket|pipe):\[\d+\]/m.test(head)) return true;
  // Otherwise numbered symlinks plus ls's `total N` line or a /proc/PID/fd header.
  return /^l[-rwxsStT]{9}\S*\s+\d+\s+\S+\s+\S+\s+\d+\s.*\s\d+ -> \S/m.test(head) && /^total \d+\s*$|\/proc\/\d+\/fd\b/m.test(head);
}

export type FdTargetKind = 'socket' | 'pipe' | 'file' | 'anon_inode' | 'other';

/** What a /proc fd symlink points at: `socket:[N]`, `pipe:[N]`, `/path`, `anon_inode:[eventpoll]`, … */
export function classifyFdTarget(target: string): FdTargetKind {
  if (SOCKET.test(target)) return 'socket';
  if (PIPE.test(target)) return 'pipe';
  if (target.startsWith('/')) return 'file';
  if (target.startsWith('anon_inode:')) return 'anon_inode';
  return 'other';
}

/** A target the input cut off (`socket:[24`, `pip`): classified by the prefix that is there. */
function classifyCutTarget(target: string): FdTargetKind {
  for (const [kind, word] of [['socket', 'socket:['], ['pipe', 'pipe:[']] as const) {
    if (target.startsWith(word) || word.startsWith(target)) return kind;
  }
  if ('anon_inode:'.startsWith(target)) return 'anon_inode';
  return classifyFdTarget(target);
}

/** The fds of one process as listed, by what they point at. */
export interface ProcFdGroup {
  /** From a `/proc/PID/fd` header line; 0 when the listing does not say. */
  pid: number;
  fds: number;
  byKind: Record<FdTargetKind, number>;
}

export interface ProcFdListing {
  groups: ProcFdGroup[];
  skippedLines: number;
  partial: boolean;
  warnings: string[];
}

function emptyGroup(pid: number): ProcFdGroup {
  return { pid, fds: 0, byKind: { socket: 0, pipe: 0, file: 0, anon_inode: 0, other: 0 } };
}

/** Reads the listing into per-process counts (the structured form of what the source's warnings say). */
export function readProcFdListing(bytes: Uint8Array, opts: ParseOptions = {}): ProcFdListing {
  throwIfAborted(opts.signal);
  checkText(bytes, '/proc fd listing');
  const lines = splitLines(bytes, opts);
  const groups: ProcFdGroup[] = [];
  const seen: Set<number>[] = [];
  let cur: ProcFdGroup | null = null;
  let skipped = 0;
  let firstSkipped: TextLine | null = null;
  let duplicates = 0;
  let sawLink = false;
  const diagnostics: string[] = [];
  const warnings: string[] = [];
  const open = (pid: number) => {
    cur = emptyGroup(pid);
    groups.push(cur);
    seen.push(new Set());
    return cur;
  };
  for (let i = 0; i < lines.length; i++) {
    if ((i & 0x3fff) === 0x3fff) throwIfAborted(opts.signal);
    const l = lines[i]!;
    const text = l.text;
    if (text.trim() === '' || /^total \d+\s*$/.test(text)) continue;
    if (LINK_LINE.test(text)) {
      const arrow = text.indexOf(' -> ');
      const before = arrow < 0 ? '' : text.slice(0, arrow);
      const name = before.slice(before.lastIndexOf(' ') + 1);
      let target = arrow < 0 ? '' : text.slice(arrow + 4).trim();
      // ls quotes names with shell metacharacters when writing to a terminal: `-> 'socket:[123]'`.
      if (target.length >= 2 && target.startsWith("'") && target.endsWith("'")) target = target.slice(1, -1);
      if (!/^\d{1,10}$/.test(name) || target === '') {
        if (l.terminated) {
          skipped++;
          firstSkipped ??= l;
        }
        continue;
      }
      sawLink = true;
      const g: ProcFdGroup = cur ?? open(0);
      const fd = Number(name);
      const s = seen[seen.length - 1]!;
      if (s.has(fd)) {
        duplicates++;
        continue;
      }
      s.add(fd);
      g.fds++;
      g.byKind[l.terminated ? classifyFdTarget(target) : classifyCutTarget(target)]++;
      continue;
    }
    const dir = PROC_DIR.exec(text);
    if (dir && !text.startsWith('l')) {
      open(dir[1] === 'self' ? 0 : Number(dir[1]));
      continue;
    }
    // `ls -la` adds `.` and `..`; ls's own errors (`ls: cannot open directory …`) are reported.
    if (/^d[-rwxsStT]{9}\S*\s.*\s\.\.?$/.test(text)) continue;
    if (text.startsWith('ls:')) {
      diagnostics.push(text.trim());
      continue;
    }
    skipped++;
    firstSkipped ??= l;
  }
  if (!sawLink && groups.length === 0) {
    throw new IngestError('no /proc/PID/fd entries (ls -l symlink lines `N -> target`) found', firstSkipped?.offset ?? 0);
  }
  opts.onProgress?.(1);
  const partial = bytes[bytes.length - 1] !== 10;
  if (partial) warnings.push('input ends without a final newline: it may have been cut short (a cut last entry counts only if its target is there)');
  if (duplicates > 0) warnings.push(`${plural(duplicates, 'repeated fd entry', 'repeated fd entries')} counted once`);
  if (skipped > 0 && firstSkipped) {
    const f: TextLine = firstSkipped;
    warnings.push(`${plural(skipped, 'line')} could not be read and ${skipped === 1 ? 'was' : 'were'} skipped; first at byte ${f.offset}: ${quote(f.text)}`);
  }
  if (diagnostics.length > 0) warnings.push(`ls reported: ${quote(diagnostics[0]!)}${diagnostics.length > 1 ? ` (+${diagnostics.length - 1} more lines)` : ''}`);
  return { groups, skippedLines: skipped, partial, warnings };
}

/** `46 fds: 38 sockets, 3 pipes, 4 files, 1 anon_inode, 0 other`. */
export function describeGroup(g: ProcFdGroup): string {
  const k = g.byKind;
  const who = g.pid > 0 ? `pid ${g.pid}` : 'pid unknown';
  return `${who}: ${plural(g.fds, 'fd')}: ${plural(k.socket, 'socket')}, ${plural(k.pipe, 'pipe')}, ${plural(k.file, 'file')}, ${k.anon_inode} anon_inode, ${k.other} other`;
}

/**
 * Reads `ls -l /proc/PID/fd` output: one fd-count sample per listed directory, the breakdown by
 * target in the warnings. The socket table stays empty (one empty snapshot, as for `ss -s`).
 */
export function parseProcFdListing(bytes: Uint8Array, opts: ParseOptions = {}): ParsedFdSource {
  const r = readProcFdListing(bytes, opts);
  const warnings = [
    ...r.groups.map(describeGroup),
    'an fd listing shows no TCP states or addresses: the socket table is empty, the fd count is the figure',
    ...r.warnings,
  ];
  const model = buildFdModel([], r.groups.map((g) => ({ pid: g.pid, count: g.fds })), r.skippedLines);
  return {
    kind: 'ss',
    format: 'proc fd listing',
    clock: mtimeClock(opts.mtimeMs),
    startNs: 0,
    endNs: 0,
    partial: r.partial,
    warnings,
    model,
  };
}
