/**
 * Go execution trace → ParsedSource. Reads the 16-byte `go 1.NN trace` header, runs the decoder for
 * that format generation (v1: go 1.11–1.21, v2: go 1.22+) into the model builder and counts the
 * whole-trace figures. (Blocking totals are a query over the model: shared/query/trace/trace-summary.ts.)
 */
import type { ParsedSource } from '../../model/source.ts';
import { StackTableBuilder } from '../../model/stacks.ts';
import type { SourceClock } from '../../model/time.ts';
import type { TraceModel } from '../../model/trace.ts';
import { bytesSource, ByteWindow, MAX_WINDOW, type ByteSource } from '../byte-source.ts';
import { IngestError, type ParseOptions } from '../errors.ts';
import { mtimeClock } from '../mtime-clock.ts';
import type { TraceEventSink } from './events.ts';
import { TraceModelBuilder } from './model-builder.ts';
import { decodeTraceV1 } from './v1/decode.ts';
import { decodeTraceV2, traceHeaderMinor } from './v2/decode.ts';

export type ParsedTrace = Extract<ParsedSource, { kind: 'gotrace' }>;

export function parseTrace(bytes: Uint8Array, opts: ParseOptions = {}): ParsedTrace {
  return parseTraceSource(bytesSource(bytes), opts);
}

/**
 * Old-format traces are ordered as a whole (v1/order.ts merges every event by time, holding byte
 * offsets in 32 bits), so they are read into one buffer, at most this big: the largest array there
 * is. New-format traces stream through a window of one generation, any size.
 */
export const V1_WHOLE_LIMIT = MAX_WINDOW - 1;

/** Parses a trace read from `src` in chunks (a file of any size: never one buffer for all of it). */
export function parseTraceSource(src: ByteSource, opts: ParseOptions = {}): ParsedTrace {
  const stacks = new StackTableBuilder();
  let b!: TraceModelBuilder;
  const minor = decodeTraceSource(src, (m, size) => (b = new TraceModelBuilder(stacks, size, m < 22)), stacks, opts);
  const base = b.finish();
  let gcCount = 0;
  for (let i = 0; i < base.gcCycles.count; i++) if (base.gcCycles.start[i] === base.gcCycles.start[i]) gcCount++;
  const model: TraceModel = {
    ...base,
    figures: {
      goroutines: base.goroutines.count,
      procs: b.procCount,
      gcCount,
      cpuSamples: base.cpuSamples.count,
    },
  };

  let clock: SourceClock;
  if (model.wallAtZeroEpochNs !== null) {
    clock = { originEpochNs: model.wallAtZeroEpochNs, quality: 'exact', basis: 'trace clock snapshot' };
  } else {
    // Written when it stops: the mtime marks its end.
    clock = mtimeClock(opts.mtimeMs, {
      noFileTime: 'no wall clock in trace and no file time',
      writtenAtNs: model.endNs,
      basis: 'file mtime minus trace duration',
    });
  }
  return {
    kind: 'gotrace',
    format: `go 1.${minor} trace`,
    clock,
    startNs: 0,
    endNs: model.endNs,
    partial: model.partial,
    warnings: b.warnings.slice(),
    model,
  };
}

/**
 * Reads the header and runs the decoder for its format into the sink `sinkFor` makes (given the minor
 * version and the input size); returns the minor version. Throws IngestError naming what is wrong.
 */
export function decodeTraceSource(src: ByteSource, sinkFor: (minor: number, size: number) => TraceEventSink, stacks: StackTableBuilder, opts: ParseOptions = {}): number {
  const w = new ByteWindow(src);
  w.ensure(16);
  if (w.len === 0) throw new IngestError('empty file', 0);
  const minor = traceHeaderMinor(w.buf.subarray(0, w.len));
  if (minor === null) {
    const head = String.fromCharCode(...w.buf.subarray(0, Math.min(16, w.len)));
    if (w.len < 16 && 'go 1.'.startsWith(head.slice(0, 5))) throw new IngestError('trace header cut short', w.len);
    throw new IngestError('not a Go execution trace (no "go 1.NN trace" header)', 0);
  }
  const sink = sinkFor(minor, w.size);
  if (minor >= 22) decodeTraceV2(w, sink, stacks, opts);
  else if (minor >= 11) {
    // One allocation of the file's size when it is known (growing by doubling would hold twice the
    // file), else doubling: a stream of unknown size never gets a 4 GiB buffer up front.
    let want = w.size > w.len ? w.size : 2 * w.len;
    for (;;) {
      w.ensure(Math.min(V1_WHOLE_LIMIT, want) + 1);
      if (w.eof || w.len > V1_WHOLE_LIMIT) break;
      want = 2 * w.len;
    }
    if (w.len > V1_WHOLE_LIMIT || !w.eof) throw new IngestError(`old-format (go 1.${minor}) trace over 4 GiB: only go 1.22+ traces are read in parts`);
    decodeTraceV1(w.buf.subarray(0, w.len), sink, stacks, opts);
  } else throw new IngestError(`unsupported trace version go 1.${minor}`, 0);
  return minor;
}
