/**
 * Old-format Go execution traces (headers `go 1.11 trace` … `go 1.21 trace`), decoded and converted
 * into the normalized event stream the way Go 1.22+'s internal/trace converts them, so that figures
 * computed on the stream equal those of `go tool trace`.
 *
 *   index (pass 1)   → batches per P, strings, stacks, frequency, CPU samples
 *   merge (pass 2)   → one global order, 16 bytes per event (ticks, record offset, goroutine)
 *   convert (pass 3) → checked, converted, streamed into the sink
 *
 * Memory: the input plus ~16 bytes per event; no per-event objects.
 */
import type { StackTableBuilder } from '../../../model/stacks.ts';
import { IngestError, type ParseOptions } from '../../errors.ts';
import type { TraceEventSink } from '../events.ts';
import { convertEvents } from './convert.ts';
import { indexTrace } from './index.ts';
import { applySyscallExitTimes, mergeBatches } from './order.ts';
import { readHeader } from './wire.ts';

/**
 * Ticks per second assumed when a cut trace lost its footer (the frequency record is written last):
 * real old traces run at 43–63 M ticks/s (TSC/64 on x86, nanotime/16 elsewhere).
 */
export const FALLBACK_TICKS_PER_SEC = 50_000_000;

export interface DecodeV1Stats {
  /** Events of Go's converted stream, as `go tool trace -d=parsed` counts them (syncs included). */
  convertedEvents: number;
  partial: boolean;
}

export function decodeTraceV1(bytes: Uint8Array, sink: TraceEventSink, stacks: StackTableBuilder, opts: ParseOptions): void {
  decodeTraceV1WithStats(bytes, sink, stacks, opts);
}

export function decodeTraceV1WithStats(
  bytes: Uint8Array,
  sink: TraceEventSink,
  stacks: StackTableBuilder,
  opts: ParseOptions,
): DecodeV1Stats {
  const version = readHeader(bytes);
  if (bytes.length >= 2 ** 32) throw new IngestError('old trace format: inputs of 4 GiB and more are not supported');
  const ix = indexTrace(bytes, version, opts, 0.3);
  const cut = ix.cutAt >= 0;
  if (cut && ix.batchStart.length === 0) {
    throw new IngestError('old trace format: the input is cut before its first complete batch', ix.cutAt);
  }
  let guessedFrequency = false;
  if (ix.ticksPerSec === 0) {
    if (!cut) throw new IngestError('old trace format: no frequency record (EvFrequency)', bytes.length);
    ix.ticksPerSec = FALLBACK_TICKS_PER_SEC;
    guessedFrequency = true;
  }
  const merged = mergeBatches(bytes, ix, opts, 0.3, 0.6);
  applySyscallExitTimes(bytes, ix, merged);
  opts.onProgress?.(0.65);

  sink.begin({ goMinor: version, ticksPerSec: ix.ticksPerSec });
  if (cut) {
    sink.warning?.(`trace is cut at byte ${ix.cutAt}: the incomplete last batch was dropped`, ix.cutAt);
    if (guessedFrequency) {
      sink.warning?.(
        `trace is cut before its footer: the tick frequency is unknown, so times assume ${FALLBACK_TICKS_PER_SEC} ticks/s ` +
          '(order exact, durations approximate) and stacks are missing',
        ix.cutAt,
      );
    }
  }
  if (merged.stuck) {
    sink.warning?.(
      `trace is cut: ${merged.forced} events whose ordering dependencies were lost with the cut were ordered by time alone`,
      merged.stuckAt,
    );
  }
  const res = convertEvents(bytes, ix, merged, sink, stacks, opts, cut, 0.65, 1);
  opts.onProgress?.(1);
  // The stack table comes after the events: a file cut inside it (even on a record boundary) leaves
  // events pointing at stacks it never defines. Their stacks are lost, so the source is partial.
  if (res.missingStacks > 0 && !guessedFrequency) {
    sink.warning?.(
      `the stack table is cut short: ${res.missingStacks} events refer to stacks the trace does not hold, and are shown without them`,
      res.missingStackAt,
    );
  }
  if (!cut && res.missingStacks > 0) {
    sink.end(true, bytes.length);
    return { convertedEvents: res.converted, partial: true };
  }
  if (!cut) {
    sink.end(false, bytes.length);
    return { convertedEvents: res.converted, partial: false };
  }
  // Partial: report the first byte not represented in the stream.
  let lastGood = ix.cutAt;
  if (res.stoppedAt < merged.n && res.stopOffset < lastGood) lastGood = res.stopOffset;
  sink.end(true, lastGood);
  return { convertedEvents: res.converted, partial: true };
}
