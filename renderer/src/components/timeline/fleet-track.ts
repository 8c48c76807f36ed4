/**
 * The timeline's "all hosts" socket lane: with several hosts' captures open, their sockets by state
 * summed over the hosts, as a stacked track over the visible window. The sum is the host's
 * `heatmapAcross` (each capture's engine draws its part, one joins them); this only reshapes its
 * rows into a track's series (no aggregation here).
 */
import type { SourceInfo } from '../../../../shared/bridge.ts';
import type { TrackData } from '../../../../shared/query/tracks.ts';
import { bridge } from '../../bridge-client.ts';
import { useRequest } from '../../query/use-source-query.ts';
import type { TimeRange } from '../../store.ts';

type SeriesTrack = Extract<TrackData, { kind: 'series' }>;

export function useFleetTrack(fleet: SourceInfo[], view: TimeRange | null, plotW: number): SeriesTrack | null {
  const several = fleet.length >= 2 && view !== null && plotW > 0;
  // About one bin per 2 px of the window; live captures re-ask as they grow (sizes in the key).
  const bins = Math.max(1, Math.min(4000, Math.floor(plotW / 2)));
  const arg = several ? { ids: fleet.map((s) => s.id), range: { startNs: view.startNs, endNs: view.endNs }, bins, scope: 'sum' as const, mode: 'state' as const } : null;
  const version = fleet.map((s) => `${s.id}:${s.sizeBytes}:${s.axisShiftNs ?? ''}`).join(',');
  const r = useRequest(arg ? JSON.stringify(['heatmapAcross', arg, version]) : null, () => bridge.request('heatmapAcross', arg!), { debounceMs: 300, scope: 'fleet-track' });
  const hm = several ? r.data : null;
  if (!hm) return null;
  const n = hm.shownBin.length;
  const series = hm.rows
    .map((name, i) => ({ name, values: Float64Array.from(hm.counts.subarray(i * n, (i + 1) * n)) }))
    .filter((s) => s.values.some((v) => v > 0));
  return { kind: 'series', unit: 'sockets', timeNs: hm.binEdgesNs.slice(0, n), series, bands: [] };
}
