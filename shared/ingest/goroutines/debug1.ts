/**
 * `goroutine?debug=1` (and Go 1.26's goroutineleak profile): stacks aggregated with counts.
 *
 *   goroutine profile: total 82
 *   37 @ 0x43b2f6 0x44b0bc 0x6718b5 0x46be41
 *   # labels: {"k":"v"}                                    (optional)
 *   #	0x6718b4	net/http.(*persistConn).writeLoop+0xf4	net/http/transport.go:2392
 *   <blank line>
 */
import { StringInterner } from '../../model/interner.ts';
import { IngestError } from '../errors.ts';
import { StackTableBuilder, type FrameIndex, type FrameInput } from '../../model/stacks.ts';
import { NO_STATE_TEXT, NO_WAIT, type GoroutineDumpModel, type GoroutineGroupTable } from '../../model/goroutines.ts';
import { GoroutineColumns, SkippedLines, splitFileLine, type Lines, type Progress } from './text-lines.ts';

/** Go 1.26+ writes the goroutineleak profile in the same format. */
export const DEBUG1_HEADER = /^goroutine(?:leak)? profile: total (\d+)\s*$/;
const DEBUG1_RECORD = /^(\d+) @((?: 0x[0-9a-fA-F]+)*)\s*$/;
/** A frame line with all its columns (a last line without '\n' must be one to be read). */
const WHOLE_FRAME = /^#\t0x[0-9a-fA-F]+\t+\S+\+0x[0-9a-fA-F]+\t+.*:\d+$/;

export interface PartResult {
  model: Omit<GoroutineDumpModel, 'panic'>;
  partial: boolean;
  warnings: string[];
}

interface Debug1Frame extends FrameInput {
  /** The `#` column: the return address minus one (NaN when unreadable). */
  pc: number;
}

/** `#\t0xPC\tfunc+0xOFF\tfile:line` — tabwriter pads with extra tabs, so empty columns are dropped. */
function debug1Frame(line: string): Debug1Frame | null {
  const cols = line.slice(2).split('\t').filter((c) => c !== '');
  if (cols.length === 0) return null;
  const pc = /^0x[0-9a-fA-F]+$/.test(cols[0]!) ? Number(cols[0]) : NaN;
  if (cols.length === 1) return { func: cols[0]!, file: '', line: 0, pc }; // unsymbolised pc
  const func = cols[1]!.replace(/\+0x[0-9a-fA-F]+$/, '');
  const fl = cols.length >= 3 ? splitFileLine(cols.slice(2).join(' ')) : { file: '', line: 0 };
  return { func, file: fl.file, line: fl.line, pc };
}

/**
 * Whether a record whose closing blank line is missing still holds all its frames: the `#` lines
 * end at the outermost return address of the `@` list (its last, or the one before
 * `runtime.goexit`, which is never printed), each printed as that address minus one.
 */
function reachesOutermost(pcs: number[], lastFramePc: number | null): boolean {
  if (lastFramePc === null) return pcs.length <= 1;
  const n = pcs.length;
  return lastFramePc + 1 === pcs[n - 1] || lastFramePc + 1 === pcs[n - 2];
}

export function parseDebug1(lines: Lines, header: string, progress: Progress): PartResult {
  const total = Number(DEBUG1_HEADER.exec(header)![1]);
  const b = new StackTableBuilder();
  const states = new StringInterner([NO_STATE_TEXT]);
  const labels = new StringInterner(['']);
  const gState: number[] = [];
  const gStack: number[] = [];
  const gSize: number[] = [];
  const gLabels: number[] = [];
  const warnings: string[] = [];
  const skipped = new SkippedLines();
  let partial = false;

  // The record being read: count, frames leaf first, labels, the `@` addresses.
  let count = -1;
  let frames: FrameIndex[] = [];
  let pcs: number[] = [];
  let lastFramePc: number | null = null; // null: no frame yet
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
    if (!lines.terminated && count < 0 && line.trim() !== '' && !DEBUG1_RECORD.test(line)) {
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
      pcs = rec[2]!.trim() === '' ? [] : rec[2]!.trim().split(' ').map(Number);
      lastFramePc = null;
      label = 0;
      recordOffset = lines.offset;
      continue;
    }
    if (count >= 0 && line.startsWith('# labels:')) {
      label = labels.intern(line.slice('# labels:'.length).trim());
      continue;
    }
    if (count >= 0 && line.startsWith('#\t')) {
      if (!lines.terminated && !WHOLE_FRAME.test(line)) break; // cut: the record stays open
      const f = debug1Frame(line);
      if (f) {
        frames.push(b.internFrame(f));
        lastFramePc = f.pc;
      } else skipped.add(line, lines.offset);
      continue;
    }
    skipped.add(line, lines.offset);
  }
  if (count >= 0) {
    // Go ends every record, the last one too, with a blank line; a paste often loses it. The record
    // is whole when it completes the header's total and its frames reach its outermost address.
    if (sum + count === total && reachesOutermost(pcs, lastFramePc)) flush();
    else {
      partial = true;
      warnings.push(`input ends inside the record at byte ${recordOffset} (no closing blank line); it was dropped`);
    }
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
      goroutines: new GoroutineColumns().table([]),
      groups,
    },
    partial,
    warnings,
  };
}
