/**
 * The one fallback for sources that carry no clock of their own (goroutine dumps, lsof, plain ss,
 * profiles without time_nanos, traces without clock snapshots): place them by the file's mtime,
 * the moment the file was last written. Always `estimated`: a copy (git, scp, a download) moves it.
 */
import type { SourceClock } from '../model/time.ts';

export interface MtimeClockOptions {
  /** Basis shown when there is no file time either (says what the source lacks). */
  noFileTime: string;
  /**
   * Nanoseconds from the source's t=0 to the moment it was written (a trace is written when it
   * ends): the origin is then the mtime minus this. Default 0.
   */
  writtenAtNs?: number;
  /** Basis shown when the mtime is used (default "file mtime"). */
  basis?: string;
}

/** Epoch milliseconds (fractional: fs.stat keeps sub-ms) → epoch nanoseconds, exactly. */
export function epochMsToNs(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

export function mtimeClock(mtimeMs: number | undefined, opts: MtimeClockOptions): SourceClock {
  if (mtimeMs === undefined || !Number.isFinite(mtimeMs)) {
    return { originEpochNs: null, quality: 'estimated', basis: opts.noFileTime };
  }
  const origin = epochMsToNs(mtimeMs) - BigInt(Math.round(opts.writtenAtNs ?? 0));
  return { originEpochNs: origin.toString(), quality: 'estimated', basis: opts.basis ?? 'file mtime' };
}
