/**
 * Timeline track of a trace: goroutines by state (stacked), the live heap as a line, GC/STW bands,
 * for the whole trace or the visible window, at about `maxPoints` buckets. Bands closer together
 * than a bucket are merged, so what is drawn is bounded by pixels, not by the number of GC cycles.
 * Results are kept per model (a few recent windows): the timeline asks again for what it drew on
 * every re-render, brush and resize, and each answer is a walk over the window's transitions.
 */
import type { ParsedSource } from '../../model/source.ts';
import type { TraceModel } from '../../model/trace.ts';
import type { TrackBand, TrackData } from '../track-types.ts';
import type { TimeRange } from './trace-blocking.ts';
import { gcBands, goroutineStateSeries, heapSeries } from './trace-series.ts';

/** [start, end] pairs (sorted by start) as a band, with pairs less than `joinNs` apart merged. */
function band(label: string, flat: Float64Array, joinNs: number): TrackBand {
  const n = flat.length >> 1;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => flat[2 * a]! - flat[2 * b]!);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const i of order) {
    const s = flat[2 * i]!;
    const e = flat[2 * i + 1]!;
    const last = ends.length - 1;
    if (last >= 0 && s - ends[last]! < joinNs) ends[last] = Math.max(ends[last]!, e);
    else {
      starts.push(s);
      ends.push(e);
    }
  }
  return { label, startNs: Float64Array.from(starts), endNs: Float64Array.from(ends) };
}

const recent = new WeakMap<TraceModel, Map<string, TrackData>>();
const RECENT_SIZE = 8;

export function traceTrack(src: Extract<ParsedSource, { kind: 'gotrace' }>, maxPoints: number, range?: TimeRange): TrackData {
  const m = src.model;
  const lo = Math.max(m.startNs, range?.startNs ?? m.startNs);
  const hi = Math.min(m.endNs, range?.endNs ?? m.endNs);
  const window = range && hi > lo ? { startNs: lo, endNs: hi } : undefined;
  let cache = recent.get(m);
  if (!cache) recent.set(m, (cache = new Map()));
  const key = `${maxPoints}|${window ? `${lo}|${hi}` : ''}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // most recent last
    cache.set(key, hit);
    return hit;
  }
  const track = buildTrack(m, maxPoints, window);
  if (cache.size >= RECENT_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, track);
  return track;
}

function buildTrack(m: TraceModel, maxPoints: number, window: TimeRange | undefined): TrackData {
  const s = goroutineStateSeries(m, window, maxPoints);
  const timeNs = Float64Array.from({ length: s.buckets }, (_, i) => s.startNs + i * s.bucketNs);
  const series = s.states.map((name, k) => ({ name, values: s.values.slice(k * s.buckets, (k + 1) * s.buckets) }));
  const heap = heapSeries(m, window, maxPoints);
  const heapT: number[] = [];
  const heapV: number[] = [];
  heap.last.forEach((v, i) => {
    if (v === v) {
      heapT.push(heap.startNs + i * heap.bucketNs);
      heapV.push(v);
    }
  });
  const bands = gcBands(m, window);
  // Half a bucket: bands that would share a pixel column are drawn as one.
  const joinNs = s.bucketNs / 2;
  return {
    kind: 'series',
    unit: 'goroutines',
    timeNs,
    series,
    bands: [band('GC', bands.gc, joinNs), band('STW', bands.stw, joinNs)],
    ...(heapV.length > 1 ? { line: { name: 'heap', unit: 'bytes', timeNs: Float64Array.from(heapT), values: Float64Array.from(heapV) } } : {}),
  };
}
