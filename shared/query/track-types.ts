/**
 * The shapes of a timeline track (tracks.ts builds them; trace-track.ts builds a trace's), in the
 * source's own time. Their own module so that builders per domain need not import tracks.ts,
 * which imports them.
 */

export interface TrackSeries {
  name: string;
  values: Float64Array;
}

export interface TrackBand {
  label: string;
  startNs: Float64Array;
  endNs: Float64Array;
}

export type TrackData =
  | {
      kind: 'series';
      /** What the values count, e.g. "sockets", "goroutines". */
      unit: string;
      /** Point times; a value holds from its time to the next point's (step). */
      timeNs: Float64Array;
      series: TrackSeries[];
      bands: TrackBand[];
      /** An optional line drawn over the stack, e.g. heap bytes. */
      line?: { name: string; unit: string; timeNs: Float64Array; values: Float64Array };
    }
  | { kind: 'span'; label: string; startNs: number; endNs: number }
  | { kind: 'point'; label: string; atNs: number };
