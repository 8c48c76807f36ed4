/**
 * Go execution trace → ParsedSource. Reads the 16-byte `go 1.NN trace` header, runs the decoder for
 * that format generation (v1: go 1.11–1.21, v2: go 1.22+) into the model builder and counts the
 * whole-trace figures. (Blocking totals are a query over the model: shared/query/trace/trace-summary.ts.)
 */
import type { ParsedSource } from '../../model/source.ts';
import { StackTableBuilder } from '../../model/stacks.ts';
import type { SourceClock } from '../../model/time.ts';
import type { TraceModel } from '../../model/trace.ts';
import { IngestError, type ParseOptions } from '../errors.ts';
import { mtimeClock } from '../mtime-clock.ts';
import { TraceModelBuilder } from './model-builder.ts';
import { decodeTraceV1 } from './v1/decode.ts';
import { decodeTraceV2, traceHeaderMinor } from './v2/decode.ts';

export type ParsedTrace = Extract<ParsedSource, { kind: 'gotrace' }>;

export function parseTrace(bytes: Uint8Array, opts: ParseOptions = {}): ParsedTrace {
  if (bytes.length === 0) throw new IngestError('empty file', 0);
  const minor = traceHeaderMinor(bytes);
  if (minor === null) {
    const head = String.fromCharCode(...bytes.subarray(0, Math.min(16, bytes.length)));
    if (bytes.length < 16 && 'go 1.'.startsWith(head.slice(0, 5))) throw new IngestError('trace header cut short', bytes.length);
    throw new IngestError('not a Go execution trace (no "go 1.NN trace" header)', 0);
  }
  const stacks = new StackTableBuilder();
  const b = new TraceModelBuilder(stacks, bytes.length);
  if (minor >= 22) decodeTraceV2(bytes, b, stacks, opts);
  else if (minor >= 11) decodeTraceV1(bytes, b, stacks, opts);
  else throw new IngestError(`unsupported trace version go 1.${minor}`, 0);
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
