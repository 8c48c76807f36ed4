import { describe, expect, it } from 'vitest';
import { parseSocketText } from '../../ingest/ss/parse-ss.ts';
import { captureSnapshots, hostCapture } from '../../test-support/fleet-captures.ts';
import { extendPlacementFingerprint, placementFingerprint } from './fingerprint.ts';

const opts = { template: captureSnapshots('scenarios/conn-leak-go1.27/ss-capture.txt.gz'), host: 'vm', startNs: 1_795_000_000_000_000_000n, intervalNs: 500_000_000n, snapshots: 60 };
const parse = (text: string) => parseSocketText(new TextEncoder().encode(text), {});

describe('extendPlacementFingerprint (a live capture that grew)', () => {
  it('equals the whole print: the earlier snapshots’ prints kept, the new ones added', () => {
    const first = parse(hostCapture(opts, 0, 45));
    const grown = parse(hostCapture(opts, 0, 60));
    const prev = placementFingerprint(first);
    const ext = extendPlacementFingerprint(prev, grown);
    expect(ext).toEqual(placementFingerprint(grown));
    if (ext?.type !== 'sockets' || prev?.type !== 'sockets') throw new Error(`socket prints expected, got ${prev?.type} → ${ext?.type}`);
    expect(prev.snapshots.length).toBe(45);
    expect(ext.snapshots.length).toBe(60);
    // The earlier prints are reused as they are (not computed again).
    for (const i of [0, 10, 44]) expect(ext.snapshots[i]).toBe(prev.snapshots[i]);
  });

  it('falls back to the whole print when the earlier part is not a prefix (a rewritten file)', () => {
    const other = parse(hostCapture({ ...opts, intervalNs: 400_000_000n }, 0, 45));
    const grown = parse(hostCapture(opts, 0, 60));
    const ext = extendPlacementFingerprint(placementFingerprint(other), grown);
    expect(ext).toEqual(placementFingerprint(grown));
    if (ext?.type !== 'sockets') throw new Error(`a socket print expected, got ${ext?.type}`);
    expect(ext.snapshots.length).toBe(60);
    expect(ext.snapshots[44]!.timeNs).toBe(44 * 500e6);
  });
});
