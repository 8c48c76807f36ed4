/**
 * What one parsed input file (or live capture) becomes: its kind, exact format variant, where it sits
 * in time, and the kind-specific model. Parsers produce these; the engine keeps them; queries read them.
 */
import type { Nanoseconds, SourceClock } from './time.ts';
import type { PprofModel } from './pprof.ts';
import type { GoroutineDumpModel } from './goroutines.ts';
import type { TraceModel } from './trace.ts';
import type { SocketCaptureModel } from './sockets.ts';

export type SourceKind = 'pprof' | 'goroutine-dump' | 'gotrace' | 'ss';

interface ParsedBase {
  /** Exact variant, e.g. `go 1.22 trace`, `goroutine debug=2`, `ss capture`, `pprof protobuf`. */
  format: string;
  clock: SourceClock;
  /** Span covered, in ns relative to clock.originEpochNs (a point in time has start == end). */
  startNs: Nanoseconds;
  endNs: Nanoseconds;
  /** True when the input was cut short and only a whole prefix was kept. */
  partial: boolean;
  /** Non-fatal problems (skipped lines, unknown states…), shown with the source. */
  warnings: string[];
}

export type ParsedSource =
  | (ParsedBase & { kind: 'pprof'; model: PprofModel })
  | (ParsedBase & { kind: 'goroutine-dump'; model: GoroutineDumpModel })
  | (ParsedBase & { kind: 'gotrace'; model: TraceModel })
  | (ParsedBase & { kind: 'ss'; model: SocketCaptureModel });
