/**
 * Goroutine text dumps → GoroutineDumpModel.
 *
 * Two formats (Go's runtime/pprof and runtime/traceback.go print them; they are meant for humans,
 * so the parser is tolerant: unknown lines become one warning, never a failure):
 *
 *   debug=1   goroutine profile: total 82
 *             37 @ 0x43b2f6 0x44b0bc 0x6718b5 0x46be41
 *             # labels: {"k":"v"}                                    (optional)
 *             #	0x6718b4	net/http.(*persistConn).writeLoop+0xf4	net/http/transport.go:2392
 *             <blank line>
 *
 *   debug=2   [panic: … / fatal error: … / SIGQUIT: quit … before the first goroutine]
 *             goroutine 50 [select, 3 minutes, locked to thread]:    (also `gp=… m=… mp=…`, `{labels}`)
 *             net/http.(*persistConn).readLoop(0xc0000cf8c0)
 *             	net/http/transport.go:2213 +0xda5
 *             ...additional frames elided...
 *             created by net/http.(*Transport).dialConn in goroutine 33
 *             	net/http/transport.go:1752 +0x1791
 *             [originating from goroutine 12]:                      (ancestors; not part of the stack)
 */
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import type { ParsedSource } from '../../model/source.ts';
import { StackTableBuilder, type FrameIndex, type FrameInput, type StackIndex } from '../../model/stacks.ts';
import {
  GoroutineFlag,
  NO_GOROUTINE,
  NO_STATE_TEXT,
  NO_WAIT,
  type GoroutineDumpModel,
  type GoroutineGroupTable,
  type GoroutineTable,
} from '../../model/goroutines.ts';
import type { SourceClock } from '../../model/time.ts';

export type ParsedGoroutineDump = Extract<ParsedSource, { kind: 'goroutine-dump' }>;

/** Go 1.26+ writes the goroutineleak profile in the same format. */
const DEBUG1_HEADER = /^goroutine(?:leak)? profile: total (\d+)\s*$/;
const DEBUG1_RECORD = /^(\d+) @((?: 0x[0-9a-fA-F]+)*)\s*$/;
/** `goroutine 7` then optional `gp=0x… m=0 mp=0x…` (GOTRACEBACK=system and up), then `[`. */
const DEBUG2_HEADER = /^goroutine (\d+)((?: [a-z]+=\S*)*) \[/;
const FILE_LINE = /^\t(.*):(\d+)(?: .*)?$/;
const CREATED_BY = /^created by (.+?)(?: in goroutine (\d+))?\s*$/;
const ELIDED = /^\.\.\.(?:additional|\d+) frames elided\.\.\.\s*$/;
const ORIGINATING = /^\[originating from goroutine (\d+)\]:\s*$/;
const WAIT_MINUTES = /^(\d+) minutes?$/;
const CRASH_START = /^(panic: |fatal error: |SIG[A-Z]+: |unexpected fault address|\[signal |runtime: )/;
/** Outermost frames of goroutine 1 (runtime ones are printed with GOTRACEBACK=system and up). */
const MAIN_ROOTS = new Set(['main.main', 'runtime.main', 'runtime.goexit']);
/** How many unrecognised lines are quoted in the warning. */
const MAX_QUOTED = 3;

/** Lines of the input with their byte offsets (the decoder never turns other bytes into '\n'). */
class Lines {
  readonly text: string;
  private charPos = 0;
  private bytePos = 0;
  /** Byte offset of the line last returned. */
  offset = 0;
  /** False when the line last returned was not ended by '\n' (the input stops mid-line). */
  terminated = true;

  constructor(private readonly bytes: Uint8Array) {
    this.text = new TextDecoder('utf-8').decode(bytes);
  }

  get bytesRead(): number {
    return this.bytePos;
  }

  next(): string | null {
    if (this.charPos >= this.text.length) return null;
    this.offset = this.bytePos;
    const nl = this.text.indexOf('\n', this.charPos);
    let line: string;
    if (nl < 0) {
      line = this.text.slice(this.charPos);
      this.charPos = this.text.length;
      this.bytePos = this.bytes.length;
      this.terminated = false;
    } else {
      line = this.text.slice(this.charPos, nl);
      this.charPos = nl + 1;
      const b = this.bytes.indexOf(10, this.bytePos);
      this.bytePos = b < 0 ? this.bytes.length : b + 1;
    }
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}

/** Collects unrecognised lines into one warning instead of one per line. */
class SkippedLines {
  count = 0;
  private quoted: string[] = [];
  add(line: string, offset: number): void {
    this.count++;
    if (this.quoted.length < MAX_QUOTED) this.quoted.push(`${JSON.stringify(line.slice(0, 80))} at byte ${offset}`);
  }
  warning(where: string): string | null {
    if (this.count === 0) return null;
    return `${this.count} unrecognised line(s) ${where} skipped, e.g. ${this.quoted.join('; ')}`;
  }
}

/** Column builder for the goroutine table (sizes unknown up front). */
class GoroutineColumns {
  id: number[] = [];
  state: number[] = [];
  waitMinutes: number[] = [];
  flags: number[] = [];
  stack: number[] = [];
  creatorId: number[] = [];
  createdByFrame: number[] = [];
  labels: number[] = [];
}

class Interner {
  readonly list: string[];
  private readonly index = new Map<string, number>();
  constructor(first: string[]) {
    this.list = [];
    for (const s of first) this.get(s);
  }
  get(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

function clockFromMtime(mtimeMs: number | undefined): SourceClock {
  if (mtimeMs === undefined || !Number.isFinite(mtimeMs)) {
    return { originEpochNs: null, quality: 'estimated', basis: 'no timestamp in dump, no file mtime' };
  }
  const whole = Math.floor(mtimeMs);
  const ns = BigInt(whole) * 1_000_000n + BigInt(Math.round((mtimeMs - whole) * 1e6));
  return { originEpochNs: ns.toString(), quality: 'estimated', basis: 'file mtime' };
}

/** `file:line` of a debug=2 location line or a debug=1 column; line 0 when unparsable. */
function splitFileLine(s: string): { file: string; line: number } {
  const colon = s.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(s.slice(colon + 1))) return { file: s.slice(0, colon), line: Number(s.slice(colon + 1)) };
  return { file: s, line: 0 };
}

/**
 * The function name of a debug=2 frame line `pkg.(*T).m(args)`: everything before the argument
 * list, which is the last `(`…`)` (receivers like `(*T)` come earlier in the name).
 * Null when the line is not shaped like a call.
 */
function splitCall(line: string): { func: string; inlined: boolean } | null {
  if (!line.endsWith(')') || line.startsWith('\t') || line.startsWith(' ')) return null;
  const open = line.lastIndexOf('(');
  if (open <= 0) return null;
  // Go prints `(...)` for frames inlined into their caller (their arguments are not recoverable).
  return { func: line.slice(0, open), inlined: line.slice(open) === '(...)' };
}

interface Progress {
  tick(lines: Lines): void;
}

function progressReporter(opts: ParseOptions, total: number): Progress {
  let linesSeen = 0;
  let nextReport = 1 << 20;
  return {
    tick(lines) {
      if ((++linesSeen & 4095) === 0) throwIfAborted(opts.signal);
      if (opts.onProgress && lines.bytesRead >= nextReport) {
        nextReport = lines.bytesRead + (1 << 20);
        opts.onProgress(total === 0 ? 1 : lines.bytesRead / total);
      }
    },
  };
}

/** Parses a goroutine text dump (debug=1 or debug=2 / panic / SIGQUIT output). */
export function parseGoroutineDump(bytes: Uint8Array, opts: ParseOptions = {}): ParsedGoroutineDump {
  throwIfAborted(opts.signal);
  if (bytes.length === 0) throw new IngestError('empty input: not a goroutine dump', 0);
  const nul = bytes.subarray(0, 4096).indexOf(0);
  if (nul >= 0) throw new IngestError('binary data (NUL byte): not a goroutine text dump', nul);

  const lines = new Lines(bytes);
  const progress = progressReporter(opts, bytes.length);
  const preamble: string[] = [];
  let line: string | null;
  // Find which format this is: the first debug=1 or debug=2 header decides.
  while ((line = lines.next()) !== null) {
    progress.tick(lines);
    if (DEBUG1_HEADER.test(line)) {
      const result = parseDebug1(lines, line, progress);
      return finish(result, opts, 1, preamble);
    }
    if (DEBUG2_HEADER.test(line) && parseHeader(line) !== null) {
      const result = parseDebug2(lines, line, progress);
      return finish(result, opts, 2, preamble);
    }
    preamble.push(line);
    // Garbage with no header in the first few MiB is not a dump; stop reading it.
    if (lines.bytesRead > 8 << 20) break;
  }
  const firstText = preamble.find((l) => l.trim() !== '');
  if (firstText === undefined) throw new IngestError('empty input: only blank lines, not a goroutine dump', 0);
  throw new IngestError(
    'not a goroutine dump: no "goroutine profile: total N" header and no "goroutine N [state]:" block found',
    0,
  );
}

interface PartResult {
  model: Omit<GoroutineDumpModel, 'panic'>;
  partial: boolean;
  warnings: string[];
}

function finish(r: PartResult, opts: ParseOptions, debug: 1 | 2, preamble: string[]): ParsedGoroutineDump {
  const warnings = r.warnings;
  let panic: string | null = null;
  const start = preamble.findIndex((l) => CRASH_START.test(l));
  if (debug === 2 && start >= 0) {
    const text = preamble.slice(start);
    while (text.length > 0 && text[text.length - 1]!.trim() === '') text.pop();
    panic = text.join('\n');
    const before = preamble.slice(0, start).filter((l) => l.trim() !== '').length;
    if (before > 0) warnings.unshift(`${before} line(s) before the crash message skipped`);
  } else {
    const junk = preamble.filter((l) => l.trim() !== '').length;
    if (junk > 0) warnings.unshift(`${junk} line(s) before the first goroutine skipped`);
  }
  opts.onProgress?.(1);
  return {
    kind: 'goroutine-dump',
    format: debug === 1 ? 'goroutine debug=1' : 'goroutine debug=2',
    clock: clockFromMtime(opts.mtimeMs),
    startNs: 0,
    endNs: 0,
    partial: r.partial,
    warnings,
    model: { ...r.model, panic },
  };
}

// ---------------------------------------------------------------------------------------------
// debug=1

function parseDebug1(lines: Lines, header: string, progress: Progress): PartResult {
  const total = Number(DEBUG1_HEADER.exec(header)![1]);
  const b = new StackTableBuilder();
  const states = new Interner([NO_STATE_TEXT]);
  const labels = new Interner(['']);
  const gState: number[] = [];
  const gStack: number[] = [];
  const gSize: number[] = [];
  const gLabels: number[] = [];
  const warnings: string[] = [];
  const skipped = new SkippedLines();
  let partial = false;

  // The record being read: count, frames leaf first, labels.
  let count = -1;
  let frames: FrameIndex[] = [];
  let label = 0;
  let recordOffset = 0;
  let sum = 0;
  const flush = () => {
    gState.push(0);
    gStack.push(b.internStack(frames.slice().reverse()));
    gSize.push(count);
    gLabels.push(label);
    sum += count;
    count = -1;
  };

  if (!lines.terminated) throw new IngestError('input ends inside the "goroutine profile: total N" header', 0);
  let line: string | null;
  while ((line = lines.next()) !== null) {
    progress.tick(lines);
    if (!lines.terminated && count < 0 && line.trim() !== '') {
      partial = true;
      warnings.push(`the input ends mid-line at byte ${lines.offset}; that line was ignored`);
      break;
    }
    if (line.trim() === '') {
      if (count >= 0) flush();
      continue;
    }
    const rec = DEBUG1_RECORD.exec(line);
    if (rec) {
      // A record normally ends with a blank line; a new header also closes it.
      if (count >= 0) flush();
      count = Number(rec[1]);
      frames = [];
      label = 0;
      recordOffset = lines.offset;
      continue;
    }
    if (count >= 0 && line.startsWith('# labels:')) {
      label = labels.get(line.slice('# labels:'.length).trim());
      continue;
    }
    if (count >= 0 && line.startsWith('#\t')) {
      const f = debug1Frame(line);
      if (f) frames.push(b.internFrame(f));
      else skipped.add(line, lines.offset);
      continue;
    }
    skipped.add(line, lines.offset);
  }
  if (count >= 0) {
    // Go ends every record, the last one too, with a blank line: without it the record may be cut.
    partial = true;
    warnings.push(`input ends inside the record at byte ${recordOffset} (no closing blank line); it was dropped`);
  }
  if (gSize.length === 0 && total > 0) {
    throw new IngestError(`the profile says total ${total} but the input ends before its first record is complete`, lines.offset);
  }
  const w = skipped.warning('in the debug=1 profile');
  if (w) warnings.push(w);
  if (sum !== total) {
    if (sum < total) partial = true;
    warnings.push(`the header says total ${total} but the records add up to ${sum}`);
  }
  const n = gSize.length;
  const groups: GoroutineGroupTable = {
    count: n,
    state: Int32Array.from(gState),
    stack: Int32Array.from(gStack),
    size: Float64Array.from(gSize),
    maxWaitMinutes: new Float64Array(n).fill(NO_WAIT),
    labels: Int32Array.from(gLabels),
  };
  return {
    model: {
      stacks: b.build(),
      debug: 1,
      total,
      states: states.list,
      labels: labels.list,
      goroutines: tableFrom(new GoroutineColumns(), []),
      groups,
    },
    partial,
    warnings,
  };
}

/** `#\t0xPC\tfunc+0xOFF\tfile:line` — tabwriter pads with extra tabs, so empty columns are dropped. */
function debug1Frame(line: string): FrameInput | null {
  const cols = line.slice(2).split('\t').filter((c) => c !== '');
  if (cols.length === 0) return null;
  if (cols.length === 1) return { func: cols[0]!, file: '', line: 0 }; // unsymbolised pc
  const func = cols[1]!.replace(/\+0x[0-9a-fA-F]+$/, '');
  const fl = cols.length >= 3 ? splitFileLine(cols.slice(2).join(' ')) : { file: '', line: 0 };
  return { func, file: fl.file, line: fl.line };
}

// ---------------------------------------------------------------------------------------------
// debug=2 (and panic / SIGQUIT tracebacks, which print the same blocks)

interface Header {
  id: number;
  state: string;
  waitMinutes: number;
  locked: boolean;
  labels: string;
}

/**
 * `goroutine ID [STATE(, N minutes)(, locked to thread)]:`, or null. Go 1.27 can add pprof labels
 * (GODEBUG tracebacklabels) after the brackets, `[select] {"k": "v"}:`; a `, labels:{…}` part inside
 * the brackets is read as well.
 */
function parseHeader(line: string): Header | null {
  const m = DEBUG2_HEADER.exec(line);
  if (!m) return null;
  const body = line.slice(m[0].length).trimEnd();
  if (!body.endsWith(':')) return null;
  const inner = body.slice(0, -1);
  // State texts never contain ']' (Go's waitReason strings); label values may.
  const close = inner.indexOf(']');
  if (close < 0) return null;
  const inBracketLabels = inner.indexOf(', labels:');
  let bracket: string;
  let labels = '';
  if (inBracketLabels >= 0 && inBracketLabels < close) {
    if (!inner.endsWith(']')) return null;
    bracket = inner.slice(0, inBracketLabels);
    labels = inner.slice(inBracketLabels + ', labels:'.length, -1).trim();
  } else {
    bracket = inner.slice(0, close);
    const after = inner.slice(close + 1);
    if (after.startsWith(' {') && after.endsWith('}')) labels = after.slice(1);
    else if (after !== '') return null;
  }
  const parts = bracket.split(', ');
  const state = parts[0]!;
  let waitMinutes = NO_WAIT;
  let locked = false;
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    const wm = WAIT_MINUTES.exec(p);
    if (wm) waitMinutes = Number(wm[1]);
    else if (p === 'locked to thread') locked = true;
  }
  return { id: Number(m[1]), state, waitMinutes, locked, labels };
}

/** The goroutine block being read. */
interface Block {
  header: Header;
  offset: number;
  /** Leaf first, as printed. */
  frames: FrameIndex[];
  flags: number;
  creatorId: number;
  createdBy: FrameIndex;
  /** Set while waiting for the location line of `created by FUNC`. */
  createdByFunc: string | null;
  /** Set while waiting for the location line of a frame's function line. */
  pendingFunc: { func: string; inlined: boolean } | null;
  /** Inside `[originating from goroutine N]:` ancestor stacks, which are not this goroutine's. */
  inAncestors: boolean;
  sawCreatedBy: boolean;
  /** Function of the last frame read (the outermost so far). */
  outermostFunc: string;
}

function parseDebug2(lines: Lines, firstHeader: string, progress: Progress): PartResult {
  const b = new StackTableBuilder();
  const states = new Interner([]);
  const labels = new Interner(['']);
  const cols = new GoroutineColumns();
  const warnings: string[] = [];
  const skipped = new SkippedLines();
  let partial = false;
  // Goroutines other than 1 (main) without `created by`, for the truncation check.
  let withoutCreator = 0;

  const begin = (header: Header, offset: number): Block => ({
    header,
    offset,
    frames: [],
    flags: header.locked ? GoroutineFlag.lockedToThread : 0,
    creatorId: NO_GOROUTINE,
    createdBy: -1,
    createdByFunc: null,
    pendingFunc: null,
    inAncestors: false,
    sawCreatedBy: false,
    outermostFunc: '',
  });
  const drop = (g: Block, why: string): null => {
    partial = true;
    warnings.push(`goroutine ${g.header.id} (at byte ${g.offset}) ${why}; it was dropped`);
    return null;
  };
  /** Settles a `created by` still waiting for its location (next line was something else). */
  const settleCreatedBy = (g: Block) => {
    if (g.createdByFunc === null) return;
    g.createdBy = b.internFrame({ func: g.createdByFunc, file: '', line: 0 });
    g.createdByFunc = null;
  };
  /** The block ends (blank line, next header or EOF): keep it unless it is visibly cut. Returns null. */
  const end = (g: Block, atEof: boolean): null => {
    if (g.pendingFunc !== null && !g.inAncestors) {
      if (atEof) return drop(g, 'ends after a function line without its file:line');
      skipped.add(g.pendingFunc.func, g.offset);
    }
    if (atEof && g.createdByFunc !== null) {
      // The stack itself is whole; only the creator's location is missing.
      partial = true;
      warnings.push(`input ends after "created by ${g.createdByFunc}" without its location`);
    }
    settleCreatedBy(g);
    if (atEof) {
      if (g.frames.length === 0 && (g.flags & GoroutineFlag.stackUnavailable) === 0) {
        return drop(g, 'has a header but no frames at the end of the input');
      }
      // A cut between two frames looks like a whole block; the missing `created by` gives it away:
      // every goroutine but 1 (main) names its creator, unless this dump already showed one that
      // did not (cgo callback goroutines have none).
      if (g.header.id !== 1 && !g.sawCreatedBy && withoutCreator === 0) {
        return drop(g, 'ends without "created by" at the end of the input, unlike every other goroutine');
      }
      // Goroutine 1 names no creator, but its outermost frame is main.main (runtime.main when shown).
      const rootFunc = g.outermostFunc;
      const whole = GoroutineFlag.elided | GoroutineFlag.stackUnavailable;
      if (g.header.id === 1 && (g.flags & whole) === 0 && !MAIN_ROOTS.has(rootFunc)) {
        return drop(g, 'ends before main.main at the end of the input');
      }
    }
    const h = g.header;
    cols.id.push(h.id);
    cols.state.push(states.get(h.state));
    cols.waitMinutes.push(h.waitMinutes);
    cols.flags.push(g.flags);
    cols.stack.push(b.internStack(g.frames.slice().reverse()));
    cols.creatorId.push(g.creatorId);
    cols.createdByFrame.push(g.createdBy);
    cols.labels.push(labels.get(h.labels));
    if (h.id !== 1 && !g.sawCreatedBy) withoutCreator++;
    return null;
  };

  let cur: Block | null = begin(parseHeader(firstHeader)!, lines.offset);
  let line: string | null;
  while ((line = lines.next()) !== null) {
    progress.tick(lines);
    if (!lines.terminated) {
      // The input stops mid-line: whatever this line was, the goroutine it belongs to is cut.
      if (cur !== null) cur = drop(cur, `is cut mid-line at the end of the input (byte ${lines.offset})`);
      else if (line.trim() !== '') {
        partial = true;
        warnings.push(`the input ends mid-line at byte ${lines.offset}; that line was ignored`);
      }
      break;
    }
    if (line.startsWith('goroutine ')) {
      const h = parseHeader(line);
      if (h) {
        if (cur !== null) end(cur, false);
        cur = begin(h, lines.offset);
        continue;
      }
    }
    if (cur === null) {
      // Between blocks: blank lines, or a trailer (`exit status 2`, register dumps …).
      if (line.trim() !== '') skipped.add(line, lines.offset);
      continue;
    }
    if (line.trim() === '') {
      cur = end(cur, false);
      continue;
    }
    if (cur.createdByFunc !== null) {
      const fl = FILE_LINE.exec(line);
      if (fl) {
        cur.createdBy = b.internFrame({ func: cur.createdByFunc, file: fl[1]!, line: Number(fl[2]) });
        cur.createdByFunc = null;
        continue;
      }
      settleCreatedBy(cur);
    }
    if (cur.pendingFunc !== null) {
      const fl = FILE_LINE.exec(line);
      const pf = cur.pendingFunc;
      cur.pendingFunc = null;
      if (fl) {
        if (!cur.inAncestors) {
          cur.frames.push(b.internFrame({ func: pf.func, file: fl[1]!, line: Number(fl[2]), inlined: pf.inlined }));
          cur.outermostFunc = pf.func;
        }
        continue;
      }
      skipped.add(pf.func, lines.offset);
    }
    if (line.startsWith('created by ')) {
      const cb = CREATED_BY.exec(line);
      if (cb && !cur.inAncestors) {
        cur.createdByFunc = cb[1]!;
        cur.sawCreatedBy = true;
        if (cb[2] !== undefined) cur.creatorId = Number(cb[2]);
      }
      continue;
    }
    if (ELIDED.test(line)) {
      if (!cur.inAncestors) cur.flags |= GoroutineFlag.elided;
      continue;
    }
    if (ORIGINATING.test(line)) {
      cur.inAncestors = true;
      cur.flags |= GoroutineFlag.hasAncestors;
      continue;
    }
    if (line.trim() === 'goroutine running on other thread; stack unavailable') {
      cur.flags |= GoroutineFlag.stackUnavailable;
      continue;
    }
    const call = splitCall(line);
    if (call) {
      cur.pendingFunc = call;
      continue;
    }
    skipped.add(line, lines.offset);
  }
  if (cur !== null) end(cur, true);
  if (cols.id.length === 0) throw new IngestError('the input ends before its first goroutine is complete', lines.offset);
  const w = skipped.warning('in goroutine blocks');
  if (w) warnings.push(w);

  const n = cols.id.length;
  const { groups, groupOf } = groupDebug2(cols, n);
  return {
    model: {
      stacks: b.build(),
      debug: 2,
      total: n,
      states: states.list,
      labels: labels.list,
      goroutines: tableFrom(cols, groupOf),
      groups,
    },
    partial,
    warnings,
  };
}

/** Goroutines with the same state and stack form one group (as panicparse buckets them). */
function groupDebug2(cols: GoroutineColumns, n: number): { groups: GoroutineGroupTable; groupOf: number[] } {
  const byKey = new Map<number, Map<StackIndex, number>>();
  const state: number[] = [];
  const stack: number[] = [];
  const size: number[] = [];
  const maxWait: number[] = [];
  const labels: number[] = [];
  const firstOf: number[] = [];
  const groupOf: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const s = cols.state[i]!;
    const st = cols.stack[i]!;
    let byStack = byKey.get(s);
    if (!byStack) byKey.set(s, (byStack = new Map()));
    let g = byStack.get(st);
    if (g === undefined) {
      g = state.length;
      byStack.set(st, g);
      state.push(s);
      stack.push(st);
      size.push(0);
      maxWait.push(NO_WAIT);
      labels.push(cols.labels[i]!);
      firstOf.push(i);
    }
    size[g]!++;
    maxWait[g] = Math.max(maxWait[g]!, cols.waitMinutes[i]!);
    groupOf[i] = g;
  }
  // Largest first; ties keep the order of first appearance.
  const order = state.map((_, g) => g).sort((a, c) => size[c]! - size[a]! || firstOf[a]! - firstOf[c]!);
  const rank = new Int32Array(order.length);
  order.forEach((g, r) => (rank[g] = r));
  const pick = (col: number[]) => order.map((g) => col[g]!);
  return {
    groups: {
      count: order.length,
      state: Int32Array.from(pick(state)),
      stack: Int32Array.from(pick(stack)),
      size: Float64Array.from(pick(size)),
      maxWaitMinutes: Float64Array.from(pick(maxWait)),
      labels: Int32Array.from(pick(labels)),
    },
    groupOf: groupOf.map((g) => rank[g]!),
  };
}

function tableFrom(c: GoroutineColumns, groupOf: number[]): GoroutineTable {
  return {
    count: c.id.length,
    id: Float64Array.from(c.id),
    state: Int32Array.from(c.state),
    waitMinutes: Float64Array.from(c.waitMinutes),
    flags: Uint8Array.from(c.flags),
    stack: Int32Array.from(c.stack),
    creatorId: Float64Array.from(c.creatorId),
    createdByFrame: Int32Array.from(c.createdByFrame),
    labels: Int32Array.from(c.labels),
    group: Int32Array.from(groupOf),
  };
}
