/**
 * A new-format (go 1.22+) trace's figures (electron/host/trace-figures.ts) from two parts decoded at once: the
 * file is split at a generation start near its middle; the part after it is decoded elsewhere (a
 * worker thread: electron/host/trace-figures-file.ts) from a fresh scheduler state, as Go's reader
 * reads a trace that starts at any generation (every generation names the status of each goroutine
 * and P it touches); the first part is decoded here and stops at the split.
 *
 * The two equal one pass over the file when the later part began where the first part ended: every
 * goroutine and P status the later part met first names the state the first part left it in. (Event
 * times are made strictly increasing across the whole trace, as Go's reader does; a generation's
 * first events often precede the last of the one before, so the later part's times are corrected
 * for the first part's last time when they are joined: trace-figures.ts appendPart.) joinFigureParts checks exactly this and returns null
 * otherwise (or when either part could not be read as one pass would): the caller then reads the
 * trace in one pass. trace-figures.test.ts checks the join against one pass at every split point of
 * every real trace.
 */
import { StackTableBuilder } from '../../shared/model/stacks.ts';
import type { ByteSource } from '../../shared/ingest/byte-source.ts';
import { ByteWindow } from '../../shared/ingest/byte-source.ts';
import { IngestError, type ParseOptions } from '../../shared/ingest/errors.ts';
import { decodeTraceSource } from '../../shared/ingest/gotrace/parse-trace.ts';
import { decodeTraceV2, traceHeaderMinor } from '../../shared/ingest/gotrace/v2/decode.ts';
import type { Ordering } from '../../shared/ingest/gotrace/v2/order.ts';
import { Ev, WireError, WireReader } from '../../shared/ingest/gotrace/v2/wire.ts';
import { TraceFiguresSink, type FiguresPart, type TraceFigures } from './trace-figures.ts';

const BATCH_HEADER = 2 + 4 * 10;

/**
 * File offsets where generations after the first begin (each one's first batch), read from batch
 * headers only. `readAt` copies the file's bytes at an offset (a short count at the end). Stops at
 * the first header it cannot read: the decoder says what is wrong there.
 */
export function generationStarts(readAt: (into: Uint8Array, offset: number) => number, size: number, goMinor: number): number[] {
  const starts: number[] = [];
  const head = new Uint8Array(BATCH_HEADER);
  const r = new WireReader(head);
  let pos = 16;
  let gen = -1;
  let afterEnd = false;
  while (pos < size) {
    const n = readAt(head, pos);
    if (n <= 0) break;
    r.pos = 0;
    r.end = n;
    let batchGen: number;
    let dataEnd: number;
    try {
      const typ = r.byte();
      if (typ === Ev.EndOfGeneration) {
        pos += r.pos;
        afterEnd = true;
        continue;
      }
      if (typ !== Ev.EventBatch && typ !== Ev.ExperimentalBatch) break;
      if (typ === Ev.ExperimentalBatch) r.byte();
      batchGen = r.uvarint();
      r.uvarint();
      r.uvarint();
      const len = r.uvarint();
      dataEnd = pos + r.pos + len;
    } catch (e) {
      if (e instanceof WireError) break;
      throw e;
    }
    if (gen >= 0 && (goMinor >= 26 ? afterEnd : batchGen !== gen)) starts.push(pos);
    gen = batchGen;
    afterEnd = false;
    pos = dataEnd;
  }
  return starts;
}

/** The generation start nearest the middle of the file, or null when there is none worth a split. */
export function splitPoint(starts: readonly number[], size: number): number | null {
  let best: number | null = null;
  for (const s of starts) if (best === null || Math.abs(s - size / 2) < Math.abs(best - size / 2)) best = s;
  // A part of a few percent of the file is not worth a thread.
  if (best === null || best < size * 0.2 || best > size * 0.8) return null;
  return best;
}

/**
 * The part of the trace from `split` (a generation start) on, decoded from a fresh state: `src` must
 * read the file's 16-byte header and then its bytes from `split`.
 */
export function decodeLaterPart(src: ByteSource, split: number, gensBefore: number, stacks: StackTableBuilder, opts: ParseOptions = {}): FiguresPart {
  const w = new ByteWindow(src);
  const sink = new TraceFiguresSink(src.size ?? 0, true);
  let ord: Ordering | null = null;
  decodeTraceV2(w, sink, stacks, opts, {
    continuation: { offsetShift: split - 16, gensBefore },
    onOrdering: (o) => {
      o.firstStatuses = { goroutines: new Map(), procs: new Map() };
      ord = o;
    },
  });
  const part = sink.part();
  const first = (ord as Ordering | null)?.firstStatuses;
  if (first) {
    part.carriedGoroutines = [...first.goroutines];
    part.carriedProcs = [...first.procs];
  }
  return part;
}

/** Where the first part stopped: the scheduler state and what the later part must agree with. */
export interface FirstPart {
  sink: TraceFiguresSink;
  /** False when the first part ended before the split (cut short or corrupt): its figures are the trace's. */
  reachedSplit: boolean;
  gens: number;
  lastTs: number;
  goStatus: (id: number) => number | undefined;
  procStatus: (id: number) => number | undefined;
}

/** Decodes the trace in `src` up to `split` (the whole trace when it ends or breaks before). */
export function decodeFirstPart(src: ByteSource, split: number, stacks: StackTableBuilder, opts: ParseOptions = {}): FirstPart {
  const w = new ByteWindow(src);
  w.ensure(16);
  if (w.len < 16 || traceHeaderMinor(w.buf.subarray(0, 16)) === null) throw new IngestError('not a Go execution trace (no "go 1.NN trace" header)', 0);
  const sink = new TraceFiguresSink(split, false);
  const first: FirstPart = { sink, reachedSplit: false, gens: 0, lastTs: 0, goStatus: () => undefined, procStatus: () => undefined };
  decodeTraceV2(w, sink, stacks, opts, {
    stopAt: split,
    onStop: (ord: Ordering, gens, lastTs) => {
      first.reachedSplit = true;
      first.gens = gens;
      first.lastTs = lastTs;
      first.goStatus = (id) => ord.gStates.get(id)?.status;
      first.procStatus = (id) => ord.pStates.get(id)?.status;
    },
  });
  return first;
}

/**
 * The trace's figures from its two parts, or null when the later part did not begin where the first
 * one ended (read the trace in one pass then).
 */
export function joinFigureParts(first: FirstPart, later: FiguresPart): TraceFigures | null {
  if (!first.reachedSplit) return first.sink.figures();
  // A fault in the later part may come from its fresh state (a goroutine it never met): one pass.
  if (later.warnings.length > 0) return null;
  for (const [id, status] of later.carriedGoroutines) if (first.goStatus(id) !== status) return null;
  // (A P's "syscall abandoned" status is read against the state before it: equal statuses only.)
  for (const [id, status] of later.carriedProcs) if (first.procStatus(id) !== status) return null;
  first.sink.appendPart(later, first.lastTs);
  return first.sink.figures();
}

/** The figures of the trace in `src`, in one pass (any format; the fallback of a split read). */
export function traceFiguresOnePass(src: ByteSource, opts: ParseOptions = {}): TraceFigures {
  let sink!: TraceFiguresSink;
  decodeTraceSource(src, (_minor, size) => (sink = new TraceFiguresSink(size)), new StackTableBuilder(), opts);
  return sink.figures();
}
