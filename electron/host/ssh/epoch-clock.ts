import type { EpochNsString } from '../../../shared/model/time.ts';

/**
 * Local wall clock in epoch nanoseconds: Date.now() (ms) read once at construction, advanced by the
 * monotonic process.hrtime.bigint(). Readings from one instance never go backwards and have ns
 * resolution; a new instance (one per SSH connection) re-reads the wall clock, so NTP steps are
 * picked up at the next connection rather than mid-capture.
 */
export class EpochClock {
  private readonly anchorNs: bigint;
  private readonly anchorHr: bigint;
  constructor() {
    this.anchorHr = process.hrtime.bigint();
    this.anchorNs = BigInt(Date.now()) * 1_000_000n;
  }
  nowNs(): EpochNsString {
    return (this.anchorNs + (process.hrtime.bigint() - this.anchorHr)).toString();
  }
}
