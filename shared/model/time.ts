/**
 * Time on the session axis.
 *
 * Every source stores its timestamps as float64 nanoseconds *relative* to its own origin
 * (`originEpochNs`), because epoch nanoseconds exceed 2^53 and would lose precision as numbers.
 * The session places each source on the shared axis with `offsetNs`.
 */

/** Nanoseconds relative to some origin (a source's origin, or the session axis). */
export type Nanoseconds = number;

/** Absolute Unix-epoch nanoseconds as a decimal string (exceeds 2^53, so never a plain number). */
export type EpochNsString = string;

/** How a source's placement on the wall clock is known. */
export type ClockQuality =
  | 'exact' // pprof TimeNanos, trace clock snapshots, capture headers
  | 'estimated' // file mtime, durations
  | 'paired' // no clock of its own, placed by a timed source with the same content (SourceInfo.pairedWith)
  | 'manual'; // the user moved it

export interface SourceClock {
  /** Wall-clock time of the source's t=0, or null when nothing at all is known (placed by estimate). */
  originEpochNs: EpochNsString | null;
  quality: ClockQuality;
  /** Why we believe this placement, shown to the user (e.g. "pprof time_nanos", "file mtime"). */
  basis: string;
}

/** Difference of two epoch-ns strings as a float number of nanoseconds (a - b). */
export function epochDiffNs(a: EpochNsString, b: EpochNsString): Nanoseconds {
  return Number(BigInt(a) - BigInt(b));
}

/** epoch + delta (delta may be fractional; it is rounded to whole nanoseconds). */
export function epochAdd(epoch: EpochNsString, deltaNs: Nanoseconds): EpochNsString {
  return (BigInt(epoch) + BigInt(Math.round(deltaNs))).toString();
}
