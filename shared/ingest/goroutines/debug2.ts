/**
 * `goroutine?debug=2` dumps and the tracebacks of panics, fatal errors and SIGQUIT, which print
 * the same blocks:
 *
 *   goroutine 50 [select, 3 minutes, locked to thread]:    (also `gp=… m=… mp=…`, then `{labels}`)
 *   net/http.(*persistConn).readLoop(0xc0000cf8c0)
 *   	net/http/transport.go:2213 +0xda5                      (`fp=… sp=… pc=…` at GOTRACEBACK=system)
 *   ...additional frames elided...
 *   created by net/http.(*Transport).dialConn in goroutine 33
 *   	net/http/transport.go:1752 +0x1791
 *   [originating from goroutine 12]:                      (ancestors; not part of the stack)
 *
 * Dumps turn up inside other text (test logs indent them by 4 or 8 spaces, pastes mix tabs and
 * spaces, cgo frames have ` ??:0` locations, `exit status 2` follows without a blank line), so lines
 * are read by their content, not their indentation. A run of blocks is one *snapshot*; text that is
 * not part of a block ends it. A file can hold several (a test that logs all stacks, then panics):
 * the one after a crash message is read (the largest of those), else the largest, and the others
 * are named in a warning.
 */
import { StringInterner } from '../../model/interner.ts';
import { StackTableBuilder, type FrameIndex, type StackIndex } from '../../model/stacks.ts';
import { GoroutineFlag, NO_GOROUTINE, NO_WAIT, type GoroutineGroupTable } from '../../model/goroutines.ts';
import { IngestError } from '../errors.ts';
import { GoroutineColumns, SkippedLines, type Lines, type Progress } from './text-lines.ts';
import type { PartResult } from './debug1.ts';

/** `goroutine 7` then optional `gp=0x… m=0 mp=0x…` (GOTRACEBACK=system and up), then `[`. */
export const DEBUG2_HEADER = /^goroutine (\d+)((?: [a-z]+=\S*)*) \[/;
/** `t.Log` puts its `file.go:LINE: ` before the first line it logs: a dump's first header, often. */
const TEST_LOG_PREFIX = /^\S+\.go:\d+: (?=goroutine )/;
/** `file:line`, then ` +0xOFF` (absent for inlined frames) and `fp=… sp=… pc=…` (system tracebacks). */
const LOCATION = /^(.*):(\d+)( \+0x[0-9a-fA-F]+)?(?: [a-z]+=0x[0-9a-fA-F]+)*$/;
const CREATED_BY = /^created by (.+?)(?: in goroutine (\d+))?$/;
const ELIDED = /^\.\.\.(?:additional|\d+) frames elided\.\.\.$/;
const ORIGINATING = /^\[originating from goroutine (\d+)\]:$/;
const UNAVAILABLE = 'goroutine running on other thread; stack unavailable';
const WAIT_MINUTES = /^(\d+) minutes?$/;
/** First line of a crash message (`[signal …` and `runtime: …` follow a panic or stand alone). */
export const CRASH_START = /^\s*(panic: |fatal error: |SIG[A-Z]+: |unexpected fault address|\[signal |runtime: )/;
/** Lines that follow a dump and say nothing about it: `go run`/`go test` endings, register dumps. */
export const KNOWN_TRAILER = /^\s*(exit status \d+|FAIL|FAIL\s.*|ok\s.*|PASS|[a-z][a-z0-9]{0,6}\s+0x[0-9a-fA-F]+)\s*$/;
/** Outermost frames of goroutine 1 (runtime ones are printed with GOTRACEBACK=system and up). */
const MAIN_ROOTS = new Set(['main.main', 'runtime.main', 'runtime.goexit']);

export interface Header {
  id: number;
  state: string;
  waitMinutes: number;
  locked: boolean;
  labels: string;
}

/** The header in a line (leading blanks removed), or null: also after a `t.Log` prefix. */
export function headerIn(content: string): Header | null {
  if (content.startsWith('goroutine ')) return parseHeader(content);
  const m = TEST_LOG_PREFIX.exec(content);
  return m ? parseHeader(content.slice(m[0].length)) : null;
}

/**
 * `goroutine ID [STATE(, N minutes)(, locked to thread)]:` (leading blanks already removed), or
 * null. Go 1.27 adds pprof labels after the brackets, `[select] {job: ingest, tenant: "a b"}:`
 * (GODEBUG tracebacklabels; older `{"k": "v"}` too); a `, labels:{…}` part inside the brackets is
 * read as well.
 */
export function parseHeader(content: string): Header | null {
  const m = DEBUG2_HEADER.exec(content);
  if (!m) return null;
  const body = content.slice(m[0].length).trimEnd();
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

/**
 * The function of a frame line `pkg.(*T).m(args)`: everything before the argument list, which is
 * the last `(`…`)` (receivers like `(*T)` come earlier). Null when the line is not shaped like a
 * call: Go names have no blanks (but for `interface {}`/`struct {…}` in generic shapes), so test
 * output such as `--- FAIL: TestX (0.00s)` is not taken for one.
 */
function splitCall(content: string): { func: string; inlined: boolean } | null {
  if (!content.endsWith(')')) return null;
  const open = content.lastIndexOf('(');
  if (open <= 0) return null;
  const func = content.slice(0, open);
  if (/\s/.test(func.replace(/(?:interface|struct) \{[^}]*\}/g, ''))) return null;
  // Go prints `(...)` for frames inlined into their caller (their arguments are not recoverable).
  return { func, inlined: content.slice(open) === '(...)' };
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

/** One run of goroutine blocks: its own tables, so that the snapshots not chosen leave no trace. */
class Snapshot {
  private readonly b = new StackTableBuilder();
  private readonly states = new StringInterner([]);
  private readonly labels = new StringInterner(['']);
  private readonly cols = new GoroutineColumns();
  private readonly ids = new Set<number>();
  readonly skipped = new SkippedLines();
  readonly warnings: string[] = [];
  partial = false;
  /** Goroutines other than 1 (main) without `created by`, for the truncation check. */
  private withoutCreator = 0;
  cur: Block | null = null;

  /**
   * @param before the text between the previous snapshot (or the start) and this one
   * @param offset byte offset of its first header
   */
  constructor(
    readonly before: string[],
    readonly offset: number,
  ) {}

  get count(): number {
    return this.cols.id.length;
  }

  /** Whether `id` was already read here (a second dump of the same process starts a new snapshot). */
  has(id: number): boolean {
    return this.ids.has(id) || this.cur?.header.id === id;
  }

  begin(header: Header, offset: number): void {
    if (this.cur !== null) this.end(false);
    this.cur = {
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
    };
  }

  /** Drops the block being read, saying why. */
  drop(why: string): void {
    const g = this.cur!;
    this.partial = true;
    this.warnings.push(`goroutine ${g.header.id} (at byte ${g.offset}) ${why}; it was dropped`);
    this.cur = null;
  }

  /** Whether a line that the input ends in without '\n' is whole: a location with its offset. */
  completesAtEof(content: string): boolean {
    const g = this.cur;
    if (g === null || (g.pendingFunc === null && g.createdByFunc === null)) return false;
    const m = LOCATION.exec(content);
    return m !== null && m[3] !== undefined;
  }

  /** Settles a `created by` still waiting for its location (next line was something else). */
  private settleCreatedBy(g: Block): void {
    if (g.createdByFunc === null) return;
    g.createdBy = this.b.internFrame({ func: g.createdByFunc, file: '', line: 0 });
    g.createdByFunc = null;
  }

  /**
   * Reads one non-blank line of the current block (leading blanks removed). False when the line
   * is no part of a goroutine block: the block ended before it.
   */
  line(content: string, offset: number): boolean {
    const g = this.cur!;
    const loc = LOCATION.exec(content);
    if (g.createdByFunc !== null) {
      if (loc) {
        g.createdBy = this.b.internFrame({ func: g.createdByFunc, file: loc[1]!, line: Number(loc[2]) });
        g.createdByFunc = null;
        return true;
      }
      this.settleCreatedBy(g);
    }
    if (g.pendingFunc !== null) {
      const pf = g.pendingFunc;
      g.pendingFunc = null;
      if (loc) {
        if (!g.inAncestors) {
          g.frames.push(this.b.internFrame({ func: pf.func, file: loc[1]!, line: Number(loc[2]), inlined: pf.inlined }));
          g.outermostFunc = pf.func;
        }
        return true;
      }
      this.skipped.add(pf.func, offset);
    }
    if (content.startsWith('created by ')) {
      const cb = CREATED_BY.exec(content);
      if (cb && !g.inAncestors) {
        g.createdByFunc = cb[1]!;
        g.sawCreatedBy = true;
        if (cb[2] !== undefined) g.creatorId = Number(cb[2]);
      }
      return true;
    }
    if (ELIDED.test(content)) {
      if (!g.inAncestors) g.flags |= GoroutineFlag.elided;
      return true;
    }
    if (ORIGINATING.test(content)) {
      g.inAncestors = true;
      g.flags |= GoroutineFlag.hasAncestors;
      return true;
    }
    if (content === UNAVAILABLE) {
      g.flags |= GoroutineFlag.stackUnavailable;
      return true;
    }
    const call = splitCall(content);
    if (call) {
      g.pendingFunc = call;
      return true;
    }
    if (loc) {
      // A location with no function line before it: dump-shaped, but nothing to attach it to.
      this.skipped.add(content, offset);
      return true;
    }
    return false;
  }

  /** The block ends (blank line, next header, other text or EOF): keep it unless it is visibly cut. */
  end(atEof: boolean): void {
    const g = this.cur;
    if (g === null) return;
    if (g.pendingFunc !== null && !g.inAncestors) {
      if (atEof) return this.drop('ends after a function line without its file:line');
      this.skipped.add(g.pendingFunc.func, g.offset);
    }
    if (atEof && g.createdByFunc !== null) {
      // The stack itself is whole; only the creator's location is missing.
      this.partial = true;
      this.warnings.push(`input ends after "created by ${g.createdByFunc}" without its location`);
    }
    this.settleCreatedBy(g);
    if (atEof) {
      if (g.frames.length === 0 && (g.flags & GoroutineFlag.stackUnavailable) === 0) {
        return this.drop('has a header but no frames at the end of the input');
      }
      // A cut between two frames looks like a whole block; the missing `created by` gives it away:
      // every goroutine but 1 (main) names its creator, unless this dump already showed one that
      // did not (cgo callback goroutines have none).
      if (g.header.id !== 1 && !g.sawCreatedBy && this.withoutCreator === 0) {
        return this.drop('ends without "created by" at the end of the input, unlike every other goroutine');
      }
      // Goroutine 1 names no creator, but its outermost frame is main.main (runtime.main when shown).
      const whole = GoroutineFlag.elided | GoroutineFlag.stackUnavailable;
      if (g.header.id === 1 && (g.flags & whole) === 0 && !MAIN_ROOTS.has(g.outermostFunc)) {
        return this.drop('ends before main.main at the end of the input');
      }
    }
    const h = g.header;
    const c = this.cols;
    c.id.push(h.id);
    c.state.push(this.states.intern(h.state));
    c.waitMinutes.push(h.waitMinutes);
    c.flags.push(g.flags);
    c.stack.push(this.b.internStack(g.frames.slice().reverse()));
    c.creatorId.push(g.creatorId);
    c.createdByFrame.push(g.createdBy);
    c.labels.push(this.labels.intern(h.labels));
    this.ids.add(h.id);
    if (h.id !== 1 && !g.sawCreatedBy) this.withoutCreator++;
    this.cur = null;
  }

  result(): PartResult {
    const w = this.skipped.warning('in goroutine blocks');
    if (w) this.warnings.push(w);
    const n = this.count;
    const { groups, groupOf } = groupByStateAndStack(this.cols, n);
    return {
      model: {
        stacks: this.b.build(),
        debug: 2,
        total: n,
        states: this.states.list,
        labels: this.labels.list,
        goroutines: this.cols.table(groupOf),
        groups,
      },
      partial: this.partial,
      warnings: this.warnings,
    };
  }
}

export interface Debug2Result extends PartResult {
  /** The text before the snapshot read (where a crash message is). */
  before: string[];
}

/**
 * Reads every snapshot from the first header on, and returns the one that matters.
 * @param first the first header line (leading blanks removed), already read from `lines`
 */
export function parseDebug2(lines: Lines, first: Header, preamble: string[], progress: Progress): Debug2Result {
  const snapshots: Snapshot[] = [];
  let snap = new Snapshot(preamble, lines.offset);
  snapshots.push(snap);
  snap.begin(first, lines.offset);
  /** False once other text ended the snapshot: a header then starts a new one. */
  let open = true;
  /** Text since the last snapshot ended. */
  let between: string[] = [];
  let cutWarning: string | null = null;
  const startSnapshot = (h: Header) => {
    if (snap.cur !== null) snap.end(false);
    snap = new Snapshot(between, lines.offset);
    snapshots.push(snap);
    between = [];
    open = true;
    snap.begin(h, lines.offset);
  };
  const closeSnapshot = (line: string) => {
    if (open) {
      if (snap.cur !== null) snap.end(false);
      open = false;
      between = [];
    }
    between.push(line);
  };

  let line: string | null;
  while ((line = lines.next()) !== null) {
    progress.tick(lines);
    const content = line.trim();
    if (!lines.terminated) {
      // The input stops without a final '\n': a whole last line is read, a cut one is not.
      if (content === '') break;
      if (open && snap.cur !== null) {
        if (snap.completesAtEof(content)) snap.line(content, lines.offset);
        else if (KNOWN_TRAILER.test(content)) closeSnapshot(line);
        else snap.drop(`is cut mid-line at the end of the input (byte ${lines.offset})`);
      } else if (KNOWN_TRAILER.test(content) || (!open && !content.startsWith('goroutine '))) {
        closeSnapshot(line);
      } else {
        // Between blocks, or a header after other text: what follows a dump there is more of it.
        cutWarning = `the input ends mid-line at byte ${lines.offset}; that line was ignored`;
      }
      break;
    }
    if (content === '') {
      if (open) snap.end(false);
      else between.push(line);
      continue;
    }
    const h = headerIn(content);
    if (h) {
      if (open && !snap.has(h.id)) snap.begin(h, lines.offset);
      else startSnapshot(h);
      continue;
    }
    if (open && snap.cur !== null && snap.line(content, lines.offset)) continue;
    closeSnapshot(line);
  }
  if (open) snap.end(true);

  const read = snapshots.filter((s) => s.count > 0);
  if (read.length === 0) {
    const cut = snapshots.find((s) => s.warnings.length > 0);
    throw new IngestError('the input ends before its first goroutine is complete', cut?.offset ?? lines.offset);
  }
  const crashed = read.filter((s) => s.before.some((l) => CRASH_START.test(l)));
  const pool = crashed.length > 0 ? crashed : read;
  const chosen = pool.reduce((best, s) => (s.count > best.count ? s : best));
  const r = chosen.result();
  if (cutWarning !== null) {
    r.partial = true;
    r.warnings.push(cutWarning);
  }
  if (read.length > 1) {
    const others = read.filter((s) => s !== chosen);
    const why = crashed.length > 0 ? 'the one after the crash message' : 'the largest';
    r.warnings.push(
      `the input holds ${read.length} goroutine dumps; read ${why} (at byte ${chosen.offset}), skipped ` +
        others.map((s) => `${s.count} goroutine(s) at byte ${s.offset}`).join(', '),
    );
  }
  if (chosen === snapshots[snapshots.length - 1]) {
    const after = between.filter((l) => l.trim() !== '' && !KNOWN_TRAILER.test(l)).length;
    if (!open && after > 0) r.warnings.push(`${after} line(s) of other text after the goroutines skipped`);
  }
  return { ...r, before: chosen.before };
}

/** Goroutines with the same state and stack form one group (as panicparse buckets them). */
function groupByStateAndStack(cols: GoroutineColumns, n: number): { groups: GoroutineGroupTable; groupOf: number[] } {
  const byKey = new Map<number, Map<StackIndex, number>>();
  const state: number[] = [];
  const stack: number[] = [];
  const size: number[] = [];
  const maxWait: number[] = [];
  const labels: number[] = [];
  const firstOf: number[] = [];
  const groupOf: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const s = cols.state.a[i]!;
    const st = cols.stack.a[i]!;
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
      labels.push(cols.labels.a[i]!);
      firstOf.push(i);
    }
    size[g]!++;
    maxWait[g] = Math.max(maxWait[g]!, cols.waitMinutes.a[i]!);
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
