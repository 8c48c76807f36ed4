import { describe, expect, it } from 'vitest';
import { parseSocketText } from '../../ingest/ss/parse-ss.ts';
import { captureSnapshots, hostCapture, type HostCaptureOptions } from '../../test-support/fleet-captures.ts';
import { heatmapView } from './heatmap-view.ts';
import { mergeHostHeatmaps, type HostHeatmapPart } from './heatmap-across.ts';
import { OTHER } from './socket-series.ts';
import { runQuery } from '../run-query.ts';

// Three hosts replaying real captures, 1 s apart for 2 min, each ticking at its own phase.
const START = 1_795_000_000_000_000_000n;
const hosts: (HostCaptureOptions & { rel: string })[] = [
  { rel: 'scenarios/conn-leak-go1.27/ss-capture.txt.gz', host: 'api-1', phaseNs: 0n },
  { rel: 'scenarios/fd-leak-go1.27/ss-capture.txt.gz', host: 'api-2', phaseNs: 300_000_000n },
  { rel: 'scenarios/cpu-pool-go1.27/ss-capture.txt.gz', host: 'api-3', phaseNs: 700_000_000n },
].map((h) => ({ ...h, template: captureSnapshots(h.rel), startNs: START, intervalNs: 1_000_000_000n, snapshots: 120 }));
const texts = hosts.map((h) => hostCapture(h));
const sources = texts.map((t) => parseSocketText(new TextEncoder().encode(t), {}));
/** Axis zero = START; each capture's own clock starts at its first header (START + phase). */
const shifts = hosts.map((h) => Number(h.phaseNs));

const BINS = 60;
const RANGE = { startNs: 0, endNs: 120e9 };
const edges = Array.from({ length: BINS + 1 }, (_, i) => RANGE.startNs + ((RANGE.endNs - RANGE.startNs) * i) / BINS);

/** Oracle from the text, not the model: per snapshot, its axis time and socket lines by state and peer. */
function snapshotsOf(text: string, shift: number, origin: bigint) {
  return text
    .split(/^### ss-snapshot /m)
    .slice(1)
    .map((rec) => {
      const [head, ...lines] = rec.split('\n');
      const t = Number(BigInt(head!.split(' ')[0]!) - origin) + shift;
      const sockets = lines.filter((l) => /^[A-Z][A-Z0-9-]+\s+\d+\s+\d+\s/.test(l) && !l.startsWith('State'));
      return { t, sockets: sockets.map((l) => ({ state: l.split(/\s+/)[0]!, peer: l.split(/\s+/)[4]!.replace(/:[^:]*$/, '') })) };
    });
}
const oracle = texts.map((t, i) => snapshotsOf(t, shifts[i]!, START + hosts[i]!.phaseNs!));
/** Max over a host's snapshots in bin b of the sockets passing `keep`. */
function binMax(h: number, b: number, keep: (s: { state: string; peer: string }) => boolean): number {
  let max = -1;
  for (const s of oracle[h]!) if (s.t >= edges[b]! && (s.t < edges[b + 1]! || (b === BINS - 1 && s.t <= edges[b + 1]!))) max = Math.max(max, s.sockets.filter(keep).length);
  return max;
}

function parts(q: Parameters<typeof heatmapView>[1]): HostHeatmapPart[] {
  return sources.map((src, i) => ({
    sourceId: `s${i + 1}`,
    host: hosts[i]!.host,
    shiftNs: shifts[i]!,
    view: heatmapView(src.model, { ...q, range: { startNs: RANGE.startNs - shifts[i]!, endNs: RANGE.endNs - shifts[i]! } }),
  }));
}

describe('mergeHostHeatmaps over three real-capture hosts', () => {
  it('hosts as rows: the CLOSE-WAIT host first, every cell the host’s own max in the bin (counted from the text)', () => {
    const hm = mergeHostHeatmaps(parts({ bins: BINS, mode: 'state', state: 'CLOSE-WAIT', total: true }), { scope: 'rows', topN: 20, stateRows: false });
    expect(hm.rows[0]).toBe('api-2');
    expect(new Set(hm.rows)).toEqual(new Set(['api-1', 'api-2', 'api-3']));
    expect(hm.hasOther).toBe(false);
    // The fd-leak replay's CLOSE-WAIT peak (README: max 684), reached on host api-2 only.
    expect(hm.max).toBe(684);
    for (let r = 0; r < hm.rows.length; r++) {
      const h = hosts.findIndex((x) => x.host === hm.rows[r]);
      for (let b = 0; b < BINS; b++) {
        const want = binMax(h, b, (s) => s.state === 'CLOSE-WAIT');
        // Every bin of 2 s holds a snapshot of each host (1 s interval).
        expect(want, `host ${hm.rows[r]} bin ${b}`).toBeGreaterThanOrEqual(0);
        expect(hm.counts[r * BINS + b], `host ${hm.rows[r]} bin ${b}`).toBe(want);
      }
    }
    // Growing: the first bins hold none, the peak comes near the end.
    expect(hm.counts[0]).toBe(0);
    // A cell lists its host's snapshot: that snapshot holds as many CLOSE-WAIT sockets as the cell says.
    const peakBin = Array.from(hm.counts.slice(0, BINS)).indexOf(684);
    const host = hm.cellHost[peakBin]!;
    expect(hm.hosts[host]!.host).toBe('api-2');
    const snap = oracle[host]![hm.cellSnapshot[peakBin]!]!;
    expect(snap.sockets.filter((s) => s.state === 'CLOSE-WAIT').length).toBe(684);
    expect(hm.cellTimeNs[peakBin]).toBeCloseTo(snap.t, -3);
  });

  it('hosts as rows with top 2: the third host is folded into OTHER', () => {
    const hm = mergeHostHeatmaps(parts({ bins: BINS, mode: 'state', total: true }), { scope: 'rows', topN: 2, stateRows: false });
    expect(hm.rows).toHaveLength(3);
    expect(hm.rows[2]).toBe(OTHER);
    const folded = hosts.findIndex((h) => !hm.rows.includes(h.host));
    expect(hm.hostRow[folded]).toBe(-1);
    for (let b = 0; b < BINS; b++) expect(hm.counts[2 * BINS + b]).toBe(binMax(folded, b, () => true));
  });

  it('all hosts summed: each state cell is the sum of the hosts’ own bins', () => {
    const hm = mergeHostHeatmaps(parts({ bins: BINS, mode: 'state' }), { scope: 'sum', topN: 10, stateRows: true });
    expect(hm.rows.slice(0, 3)).toEqual(['ESTAB', 'SYN-SENT', 'SYN-RECV']);
    for (const state of ['ESTAB', 'CLOSE-WAIT', 'TIME-WAIT', 'LISTEN']) {
      const r = hm.rows.indexOf(state);
      for (let b = 0; b < BINS; b++) {
        const want = hosts.reduce((sum, _, h) => sum + binMax(h, b, (s) => s.state === state), 0);
        expect(hm.counts[r * BINS + b], `${state} bin ${b}`).toBe(want);
      }
    }
    expect(Array.from(hm.hostsInBin).every((n) => n === 3)).toBe(true);
  });

  it('all hosts summed by peer: rows re-ranked over the fleet', () => {
    const hm = mergeHostHeatmaps(parts({ bins: BINS, mode: 'peer', topN: 50 }), { scope: 'sum', topN: 3, stateRows: false });
    expect(hm.rows.length).toBeLessThanOrEqual(4);
    const top = hm.rows[0]!;
    for (let b = 0; b < BINS; b++) {
      const want = hosts.reduce((sum, _, h) => sum + binMax(h, b, (s) => s.peer === top), 0);
      expect(hm.counts[b], `${top} bin ${b}`).toBe(want);
    }
  });

  it('runQuery joins parts (mergeHeatmaps) and refuses parts of different bin counts', () => {
    const ps = parts({ bins: BINS, mode: 'state', state: 'ESTAB', total: true });
    const r = runQuery(sources[0]!, { type: 'mergeHeatmaps', parts: ps, scope: 'rows', topN: 20, stateRows: false });
    expect(r.heatmap.rows).toHaveLength(3);
    const odd = { ...ps[1]!, view: heatmapView(sources[1]!.model, { bins: BINS + 1, mode: 'state', total: true }) };
    expect(() => mergeHostHeatmaps([ps[0]!, odd], { scope: 'rows', topN: 20, stateRows: false })).toThrow(/api-2: 61 bins, expected 60/);
  });
});

describe('counts inherited across a live capture’s refresh (noteCaptureGrowth)', () => {
  const opts = { ...hosts[1]!, snapshots: 120 };
  it('a grown model’s heat maps equal those of the same capture read whole', async () => {
    const { noteCaptureGrowth } = await import('./socket-series.ts');
    const before = parseSocketText(new TextEncoder().encode(hostCapture(opts, 0, 90)), {}).model;
    const grown = parseSocketText(new TextEncoder().encode(hostCapture(opts, 0, 120)), {}).model;
    const whole = parseSocketText(new TextEncoder().encode(hostCapture(opts, 0, 120)), {}).model;
    const q = [
      { bins: 50, mode: 'state' as const },
      { bins: 50, mode: 'localPort' as const, state: 'CLOSE-WAIT' },
      { bins: 50, mode: 'state' as const, state: 'CLOSE-WAIT', total: true },
    ];
    for (const o of q) heatmapView(before, o); // builds the counts the grown model inherits
    noteCaptureGrowth(before, grown);
    for (const o of q) expect(heatmapView(grown, o)).toEqual(heatmapView(whole, o));
    // A model that is not a prefix inherits nothing (and still answers right).
    const other = parseSocketText(new TextEncoder().encode(hostCapture({ ...opts, intervalNs: 700_000_000n }, 0, 90)), {}).model;
    const grown2 = parseSocketText(new TextEncoder().encode(hostCapture(opts, 0, 120)), {}).model;
    heatmapView(other, q[0]!);
    noteCaptureGrowth(other, grown2);
    expect(heatmapView(grown2, q[0]!)).toEqual(heatmapView(whole, q[0]!));
  });
});
