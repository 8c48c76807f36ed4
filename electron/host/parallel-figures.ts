/**
 * A new-format (go 1.22+) trace's figures (trace-figures.ts) from two parts read at once: the file is
 * split at a generation start near FIRST_SHARE of its bytes; the part after it is decoded by a LaterPart (in a
 * worker thread: figures-part-worker.ts) from a fresh scheduler state, as Go's reader reads a trace
 * that starts at any generation (each generation names the status of every goroutine and P it
 * touches); the first part is decoded here and stops at the split.
 *
 * The two equal one pass over the file when the later part began where the first one ended: every
 * goroutine and P status the later part met first is the status the first part left it in. Then,
 * per goroutine only (never per transition), the parts exchange what one pass would have carried
 * across the split:
 *  - event times: Go's reader makes each exceed the one before, across generations, and a
 *    generation's first events often precede the last ones of the generation before: the later
 *    part's times are corrected with the first part's last time (FiguresRows.toRel);
 *  - Go's goroutine-summary windows (first run, end), merged by goroutine id;
 *  - blocking intervals open at the split: each part walks its own rows, the later one from "not
 *    tracking", and the difference one pass makes is added back (boundaryCorrection).
 * When the statuses disagree, or either part breaks off, figuresInParts returns null and the caller
 * reads the trace in one pass. trace-figures.test.ts checks parts against one pass at every
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
import { boundaryCorrection, figureWarnings, FiguresRows, KINDS, onePartFigures, type BlockingTotals, type FirstCloses, type PartCounts, type PartWindows, type TraceFigures } from './trace-figures.ts';

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
 * The first part's share of the file: a little over half, as the later part's thread starts later
 * (it loads its code first) and keeps more per event.
 */
export const FIRST_SHARE = 0.55;

/** The generation start nearest FIRST_SHARE of the file, or null when there is none worth a split. */
export function splitPoint(starts: readonly number[], size: number): number | null {
  const want = size * FIRST_SHARE;
  let best: number | null = null;
  for (const s of starts) if (best === null || Math.abs(s - want) < Math.abs(best - want)) best = s;
  // A part of a few percent of the file is not worth a thread.
  if (best === null || best < size * 0.2 || best > size * 0.8) return null;
  return best;
}

/** What the later part reports once decoded. */
export interface LaterDecoded {
  counts: PartCounts;
  /** [id, wire status] of each goroutine and P its decoder met first in a status. */
  carriedGoroutines: [number, number][];
  carriedProcs: [number, number][];
}

/** The later part's side of the exchange (here in tests, a worker thread in the engine). */
export interface LaterPartApi {
  /** Null when it could not be decoded there. */
  decoded(): Promise<LaterDecoded | null>;
  windows(base: number, lastTs: number): Promise<PartWindows>;
  walk(lo: Float64Array, hi: Float64Array): Promise<{ totals: BlockingTotals; firstClose: FirstCloses }>;
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

  constructor(src: ByteSource, split: number, gensBefore: number, opts: ParseOptions = {}) {
    const w = new ByteWindow(src);
    this.rows = new FiguresRows(src.size ?? 0, true);
    let ord: Ordering | null = null;
    decodeTraceV2(w, this.rows, new StackTableBuilder(), opts, {
      continuation: { offsetShift: split - 16, gensBefore },
      onOrdering: (o) => {
        o.firstStatuses = { goroutines: new Map(), procs: new Map() };
        ord = o;
      },
    });
    const first = (ord as Ordering | null)?.firstStatuses;
    this.decoded = { counts: this.rows.counts(), carriedGoroutines: first ? [...first.goroutines] : [], carriedProcs: first ? [...first.procs] : [] };
  }

  windows(base: number, lastTs: number): PartWindows {
    this.rows.toRel(base, lastTs);
    return this.rows.windows(true);
  }

  walk(lo: Float64Array, hi: Float64Array): { totals: BlockingTotals; firstClose: FirstCloses } {
    const { totals, firstClose } = this.rows.walk(lo, hi, true);
    return { totals, firstClose: firstClose! };
  }
}

/** Where the first part stopped: its rows, and the scheduler state the later part must agree with. */
export interface FirstPart {
  rows: FiguresRows;
  /** False when the first part ended before the split (cut short or corrupt): its figures are the trace's. */
  reachedSplit: boolean;
  /** It stopped past the split (not a generation start to the decoder): read in one pass. */
  overran: boolean;
  lastTs: number;
  goStatus: (id: number) => number | undefined;
  procStatus: (id: number) => number | undefined;
}

/** Decodes the trace in `src` up to `split` (the whole trace when it ends or breaks before). */
export function decodeFirstPart(src: ByteSource, split: number, opts: ParseOptions = {}): FirstPart {
  const w = new ByteWindow(src);
  w.ensure(16);
  if (w.len < 16 || traceHeaderMinor(w.buf.subarray(0, 16)) === null) throw new IngestError('not a Go execution trace (no "go 1.NN trace" header)', 0);
  const rows = new FiguresRows(split, false);
  const first: FirstPart = { rows, reachedSplit: false, overran: false, lastTs: 0, goStatus: () => undefined, procStatus: () => undefined };
  decodeTraceV2(w, rows, new StackTableBuilder(), opts, {
    stopAt: split,
    onStop: (ord: Ordering, _gens, lastTs, at) => {
      // Stopped past the split: the split was no generation start to the decoder, and the parts
      // would overlap. (The header scan and the decoder agree on every well-formed trace.)
      if (at !== split) {
        first.overran = true;
        return;
      }
      first.reachedSplit = true;
      first.lastTs = lastTs;
      first.goStatus = (id) => ord.gStates.get(id)?.status;
      first.procStatus = (id) => ord.pStates.get(id)?.status;
    },
  });
  return first;
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
    return onePartFigures(first.rows);
  }
  const d = await later.decoded();
  // A fault in the later part may come from its fresh state (a goroutine it never met): one pass.
  if (d === null || d.counts.warnings.length > 0 || !agrees(first, d)) {
    void later.cancel();
    return null;
  }
  const rows = first.rows;
  const base = rows.firstT;
  // Both parts' windows at once (the later part's are asked for first: it works while these are made).
  const laterWindows = later.windows(base, first.lastTs);
  rows.toRel(base, null);
  const w1 = rows.windows(false);
  const w2 = await laterWindows;
  const c = d.counts;
  let endNs = Math.max(0, rows.maxT - base);
  if (c.events > 0) endNs = Math.max(endNs, Math.max(c.maxT, first.lastTs + c.events) - base);

  // Final windows by goroutine id: the later part's after a reset in it, else the first run from the
  // first part and the last end from the later one (each when it has one).
  const run = new Map<number, number>();
  const end = new Map<number, number>();
  w1.ids.forEach((id, r) => {
    run.set(id, w1.run[r]!);
    end.set(id, w1.end[r]!);
  });
  w2.ids.forEach((id, r) => {
    const r1 = run.get(id);
    if (w2.reset[r] === 1 || r1 === undefined) {
      run.set(id, w2.run[r]!);
      end.set(id, w2.end[r]!);
    } else {
      if (r1 !== r1) run.set(id, w2.run[r]!);
      if (w2.end[r] === w2.end[r]) end.set(id, w2.end[r]!);
    }
  });
  const loOf = (id: number) => {
    const v = run.get(id)!;
    return v === v ? v : -Infinity;
  };
  const hiOf = (id: number) => {
    const v = end.get(id)!;
    return v === v ? v : endNs;
  };
  const windowsFor = (ids: Float64Array) => ({ lo: ids.map(loOf), hi: ids.map(hiOf) });
  const lw = windowsFor(w2.ids);
  const laterWalk = later.walk(lw.lo, lw.hi);
  const fw = windowsFor(w1.ids);
  const mine = rows.walk(fw.lo, fw.hi, false);
  const theirs = await laterWalk;
  const corr = boundaryCorrection(mine.end, theirs.firstClose, loOf, hiOf);
  const blockingNs = { sync: 0, net: 0, syscall: 0, sched: 0 };
  for (const k of KINDS) blockingNs[k] = mine.totals[k] + theirs.totals[k] + corr[k];

  const procs = new Set(rows.procIds);
  for (const p of c.procIds) procs.add(p);
  const counts: PartCounts = {
    ...c,
    bigProcs: rows.bigProcs + c.bigProcs,
    warnings: [...rows.warnings, ...c.warnings],
  };
  return {
    goMinor: rows.goMinor,
    durationNs: endNs,
    goroutines: run.size,
    gcCount: rows.gcBegins + c.gcBegins,
    procs: procs.size,
    cpuSamples: rows.cpuSamples + c.cpuSamples,
    partial: c.partial || !c.ended,
    warnings: figureWarnings(counts),
    blockingNs,
  };
}

/** Every status the later part met first is the one the first part ended with (wire statuses, equal). */
function agrees(first: FirstPart, d: LaterDecoded): boolean {
  for (const [id, status] of d.carriedGoroutines) if (first.goStatus(id) !== status) return false;
  // (A P's "syscall abandoned" status is read against the state before it: equal statuses only.)
  for (const [id, status] of d.carriedProcs) if (first.procStatus(id) !== status) return false;
  return true;
}

/** The later part decoded in this thread (tests: the same exchange as with the worker, without one). */
export function localLaterPart(src: ByteSource, split: number, gensBefore: number): LaterPartApi {
  let part: LaterPart | null = null;
  try {
    part = new LaterPart(src, split, gensBefore);
  } catch (e) {
    if (!(e instanceof IngestError) && !(e instanceof WireError)) throw e;
  }
  return {
    decoded: async () => part?.decoded ?? null,
    windows: async (base, lastTs) => part!.windows(base, lastTs),
    walk: async (lo, hi) => part!.walk(lo, hi),
    cancel: () => {},
  };
}

/** The figures of the trace in `src`, in one pass (any format; the fallback of a split read). */
export function traceFiguresOnePass(src: ByteSource, opts: ParseOptions = {}): TraceFigures {
  let rows!: FiguresRows;
  decodeTraceSource(src, (_minor, size) => (rows = new FiguresRows(size)), new StackTableBuilder(), opts);
  return onePartFigures(rows);
}
