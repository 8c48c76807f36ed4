/**
 * Captures of a fleet made from real ss output: each host replays the snapshots of one real fixture
 * capture (its `ss -tanoip` lines verbatim: padding, `-i` details, users, timers), re-stamped onto a
 * common clock at the fleet's interval under the host's own name. A long capture stretches the real
 * one (snapshot i shows real snapshot ⌊i·T/N⌋), so a leak that grew over 30 s grows over 30 min.
 * For tests, benches and e2e; never for the app.
 */
import { gunzipSync } from 'node:zlib';
import { readFixture } from './fixtures.ts';

/** The bodies (lines after the header) of a fixture capture's snapshots, in order. */
export function captureSnapshots(rel: string): string[] {
  const text = gunzipSync(readFixture(rel)).toString('latin1');
  const starts = [...text.matchAll(/^### ss-snapshot [^\n]*\n/gm)];
  return starts.map((m, i) => text.slice(m.index! + m[0].length, i + 1 < starts.length ? starts[i + 1]!.index : text.length));
}

export interface HostCaptureOptions {
  /** Snapshot bodies (captureSnapshots). */
  template: readonly string[];
  host: string;
  startNs: bigint;
  intervalNs: bigint;
  snapshots: number;
  /** This host's sampling phase after startNs (hosts do not tick together). */
  phaseNs?: bigint;
}

/** One host's capture text, snapshots `from` … `to - 1` (to append a capture as a live collector would). */
export function hostCapture(o: HostCaptureOptions, from = 0, to = o.snapshots): string {
  const parts: string[] = [];
  const t = o.template.length;
  for (let i = from; i < to; i++) {
    const ns = o.startNs + (o.phaseNs ?? 0n) + BigInt(i) * o.intervalNs;
    parts.push(`### ss-snapshot ${ns} ${o.host}\n`, o.template[Math.floor((i * t) / o.snapshots)]!);
  }
  return parts.join('');
}
