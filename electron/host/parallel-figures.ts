/**
 * A new-format (go 1.22+) trace's figures (trace-figures.ts) from two parts read at once: the file is
 * split at a generation start near FIRST_SHARE of its bytes; the part after it is decoded by a LaterPart (in a
 * worker thread: figures-part-worker.ts, as the first part) from a fresh scheduler state, as Go's reader reads a trace
 * that starts at any generation (each generation names the status of every goroutine and P it
 * touches); the first part is decoded here and stops at the split.
 *
 * The two equal one pass over the file when the later part began where the first one ended: every
 * goroutine and P status the later part met first is the status the first part left it in. Then
 * what crosses between the parts is per goroutine, never per transition:
 *  - each part's walk summary (walk-summary.ts: Go's blocking walk and goroutine-summary windows,
 *    the later part's from "not tracking"), joined by goroutine id;
 *  - the later part's first transitions (trace-figures.ts KEPT_TRANSITIONS), walked at the join:
 *    Go's reader makes each event time exceed the one before, across generations, and a
 *    generation's first events often precede the last ones of the generation before, so those
 *    times are only known once the first part has ended. When a transition after them would move
 *    too, the join declines.
 * When the statuses disagree, either part breaks off, or transitions come out of time order,
 * figuresInParts returns null and the caller reads the trace in one pass. trace-figures.test.ts checks parts against one pass at every
 * generation start of every real trace.
 */
import { StackTableBuilder } from '../../shared/model/stacks.ts';
import type { ByteSource } from '../../shared/ingest/byte-source.ts';
import { ByteWindow } from '../../shared/ingest/byte-source.ts';
import { IngestError, type ParseOptions } from '../../shared/ingest/errors.ts';
import { decodeTraceSource } from '../../shared/ingest/gotrace/parse-trace.ts';
import { decodeTraceV2, traceHeaderMinor } from '../../shared/ingest/gotrace/v2/decode.ts';
import type { Ordering } from '../../shared/ingest/gotrace/v2/order.ts';
import { Ev, WireError, WireReader } from '../../shared/ingest/gotrace/v2/wire.ts';
import { figureWarnings, FiguresRows, KEPT_TRANSITIONS, onePartFigures, walkedTimesHold, walkFirstTransitions, type FirstTransitions, type PartCounts, type TraceFigures } from './trace-figures.ts';
import { joinSummaries, summaryTotals, TooManyGoroutines, type SummaryColumns } from './walk-summary.ts';

const BATCH_HEADER = 2 + 4 * 10;
/** Batch headers generationStarts reads at most (a real 1 GB trace has tens of thousands). */
const MAX_HEADERS = 1 << 20;

/**
 * File offsets where generations after the first begin (each one's first batch), read from batch
 * headers only. `readAt` copies the file's bytes at an offset (a short count at the end). Stops at
 * the first header it cannot read (the decoder says what is wrong there), after the first start at or
 * past `until`, or after MAX_HEADERS headers.
 */
export function generationStarts(readAt: (into: Uint8Array, offset: number) => number, size: number, goMinor: number, until = Infinity): number[] {
  const starts: number[] = [];
  // A real trace has a batch per few KB; a crafted one of one-byte markers must not cost a read each.
  let headers = 0;
  const head = new Uint8Array(BATCH_HEADER);
  const r = new WireReader(head);
  let pos = 16;
  let gen = -1;
  let afterEnd = false;
  while (pos < size && headers++ < MAX_HEADERS) {
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
    if (gen >= 0 && (goMinor >= 26 ? afterEnd : batchGen !== gen)) {
      starts.push(pos);
      if (pos >= until) break;
    }
    gen = batchGen;
    afterEnd = false;
    pos = dataEnd;
  }
  return starts;
}

/**
 * The first part's share of the file: a little over half. Both parts start at once (each in a worker
 * thread); read together, the later one costs a few percent more per byte (on the bench trace ~30 ms
 * per MB, split at 48% or 54%: the later part or the first ended last).
 */
export const FIRST_SHARE = 0.52;

/** The generation start nearest FIRST_SHARE of the file, or null when there is none worth a split. */
export function splitPoint(starts: readonly number[], size: number): number | null {
  const want = size * FIRST_SHARE;
  let best: number | null = null;
  for (const s of starts) if (best === null || Math.abs(s - want) < Math.abs(best - want)) best = s;
  // A part of a few percent of the file is not worth a thread.
  if (best === null || best < size * 0.2 || best > size * 0.8) return null;
  return best;
}

/** What the later part reports once decoded (plain data: it crosses threads). */
export interface LaterDecoded {
  counts: PartCounts;
  /** [id, wire status] of each goroutine and P its decoder met first in a status. */
  carriedGoroutines: [number, number][];
  carriedProcs: [number, number][];
  /** Its walk after its first transitions, from "not tracking", and those transitions. */
  walk: SummaryColumns;
  first: FirstTransitions;
}

/** The later part's side of the exchange (here in tests, a worker thread in the engine). */
export interface LaterPartApi {
  /** Null when it could not be decoded there. */
  decoded(): Promise<LaterDecoded | null>;
  /** Stops it; resolves once it has stopped. */
  cancel(): void | Promise<void>;
}

/**
 * The part of the trace from `split` (a generation start) on, decoded from a fresh state: `src` reads
 * the file's 16-byte header and then its bytes from `split`. Throws what the decoder throws.
 */
export class LaterPart {
  readonly rows: FiguresRows;
  readonly decoded: LaterDecoded;

  constructor(src: ByteSource, split: number, gensBefore: number, opts: ParseOptions = {}, keep = KEPT_TRANSITIONS) {
    const w = new ByteWindow(src);
    this.rows = new FiguresRows(true, keep);
    let ord: Ordering | null = null;
    decodeTraceV2(w, this.rows, new StackTableBuilder(), opts, {
      continuation: { offsetShift: split - 16, gensBefore },
      onOrdering: (o) => {
        o.firstStatuses = { goroutines: new Map(), procs: new Map() };
        ord = o;
      },
    });
    const first = (ord as Ordering | null)?.firstStatuses;
    this.decoded = {
      counts: this.rows.counts(),
      carriedGoroutines: first ? [...first.goroutines] : [],
      carriedProcs: first ? [...first.procs] : [],
      walk: this.rows.walk.c,
      first: this.rows.first!,
    };
  }
}

/** Wire statuses by id (plain data: they cross threads). */
export interface Statuses {
  ids: Float64Array;
  status: Float64Array;
}

/** The first part, decoded (plain data: it crosses threads), and the scheduler state the later part must agree with. */
export interface FirstPart {
  counts: PartCounts;
  walk: SummaryColumns;
  /** False when the first part ended before the split (cut short or corrupt): its figures are the trace's. */
  reachedSplit: boolean;
  /** It stopped past the split (not a generation start to the decoder): read in one pass. */
  overran: boolean;
  lastTs: number;
  /** Each goroutine's and P's status where it stopped. */
  goStatuses: Statuses;
  procStatuses: Statuses;
}

function statusesOf(states: { entries(): Iterable<[number, { status: number }]> }): Statuses {
  const all = [...states.entries()];
  return { ids: Float64Array.from(all, ([id]) => id), status: Float64Array.from(all, ([, st]) => st.status) };
}

/** Decodes the trace in `src` up to `split` (the whole trace when it ends or breaks before). */
export function decodeFirstPart(src: ByteSource, split: number, opts: ParseOptions = {}): FirstPart {
  const w = new ByteWindow(src);
  w.ensure(16);
  if (w.len < 16 || traceHeaderMinor(w.buf.subarray(0, 16)) === null) throw new IngestError('not a Go execution trace (no "go 1.NN trace" header)', 0);
  const rows = new FiguresRows();
  const none: Statuses = { ids: new Float64Array(0), status: new Float64Array(0) };
  let reachedSplit = false;
  let overran = false;
  let lastTs = 0;
  let goStatuses = none;
  let procStatuses = none;
  decodeTraceV2(w, rows, new StackTableBuilder(), opts, {
    stopAt: split,
    onStop: (ord: Ordering, _gens, last, at) => {
      // Stopped past the split: the split was no generation start to the decoder, and the parts
      // would overlap. (The header scan and the decoder agree on every well-formed trace.)
      if (at !== split) {
        overran = true;
        return;
      }
      reachedSplit = true;
      lastTs = last;
      goStatuses = statusesOf(ord.gStates);
      procStatuses = statusesOf(ord.pStates);
    },
  });
  return { counts: rows.counts(), walk: rows.walk.c, reachedSplit, overran, lastTs, goStatuses, procStatuses };
}

/**
 * The trace's figures from the first part and the later one, or null when the later part did not
 * begin where the first ended, or broke off (read the trace in one pass then).
 */
export async function figuresInParts(first: FirstPart, later: LaterPartApi): Promise<TraceFigures | null> {
  if (first.overran) {
    void later.cancel();
    return null;
  }
  if (!first.reachedSplit) {
    void later.cancel();
    return onePartFigures(first.counts, first.walk);
  }
  const d = await later.decoded();
  // A fault in the later part may come from its fresh state (a goroutine it never met): one pass.
  if (d === null || d.counts.warnings.length > 0 || !agrees(first, d)) {
    void later.cancel();
    return null;
  }
  // Transitions the later part walked as they came must keep their times after the first part's end.
  if (!walkedTimesHold(d.first, first.lastTs)) {
    void later.cancel();
    return null;
  }
  const a = first.counts;
  const c = d.counts;
  const base = a.firstT;
  let endNs = Math.max(0, a.maxT - base);
  if (c.events > 0) endNs = Math.max(endNs, Math.max(c.maxT, first.lastTs + c.events) - base);
  const laterWalk = joinSummaries(walkFirstTransitions(d.first, d.walk.ids, d.walk.n, first.lastTs), d.walk);
  const walk = joinSummaries(first.walk, laterWalk);
  const blockingNs = summaryTotals(walk);
  if (blockingNs === null) {
    void later.cancel();
    return null;
  }
  const procs = new Set(a.procIds);
  for (const p of c.procIds) procs.add(p);
  const counts: PartCounts = {
    ...c,
    bigProcs: a.bigProcs + c.bigProcs,
    warnings: [...a.warnings, ...c.warnings],
  };
  return {
    goMinor: a.goMinor,
    durationNs: endNs,
    goroutines: walk.n,
    gcCount: a.gcBegins + c.gcBegins,
    procs: procs.size,
    cpuSamples: a.cpuSamples + c.cpuSamples,
    partial: c.partial || !c.ended,
    warnings: figureWarnings(counts),
    blockingNs,
  };
}

/** Every status the later part met first is the one the first part ended with (wire statuses, equal). */
function agrees(first: FirstPart, d: LaterDecoded): boolean {
  const byId = (s: Statuses) => new Map(Array.from(s.ids, (id, i) => [id, s.status[i]!]));
  const go = byId(first.goStatuses);
  for (const [id, status] of d.carriedGoroutines) if (go.get(id) !== status) return false;
  // (A P's "syscall abandoned" status is read against the state before it: equal statuses only.)
  const proc = byId(first.procStatuses);
  for (const [id, status] of d.carriedProcs) if (proc.get(id) !== status) return false;
  return true;
}

/** The later part decoded in this thread (tests: the same exchange as with the worker, without one). */
export function localLaterPart(src: ByteSource, split: number, gensBefore: number, keep = KEPT_TRANSITIONS): LaterPartApi {
  let part: LaterPart | null = null;
  try {
    part = new LaterPart(src, split, gensBefore, {}, keep);
  } catch (e) {
    if (!(e instanceof IngestError) && !(e instanceof WireError)) throw e;
  }
  return {
    decoded: async () => part?.decoded ?? null,
    cancel: () => {},
  };
}

/**
 * The figures of the trace in `src`, in one pass (any format; the fallback of a split read). Null when
 * its transitions came out of time order (a damaged trace can), or it names more goroutines than a
 * summary holds (walk-summary.ts MAX_GOROUTINE_ROWS): then only the model reads it as Go does.
 */
export function traceFiguresOnePass(src: ByteSource, opts: ParseOptions = {}): TraceFigures | null {
  let rows!: FiguresRows;
  try {
    decodeTraceSource(src, () => (rows = new FiguresRows()), new StackTableBuilder(), opts);
  } catch (e) {
    if (e instanceof TooManyGoroutines) return null;
    throw e;
  }
  return onePartFigures(rows.counts(), rows.walk.c);
}
