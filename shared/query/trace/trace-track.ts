/** Timeline track of a trace: goroutines by state (stacked), the live heap as a line, GC/STW bands. */
import type { ParsedSource } from '../../model/source.ts';
import type { TrackBand, TrackData } from '../track-types.ts';
import { gcBands, goroutineStateSeries, heapSeries } from './trace-series.ts';

function pairs(label: string, flat: Float64Array): TrackBand {
  const n = flat.length >> 1;
  const startNs = new Float64Array(n);
  const endNs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    startNs[i] = flat[2 * i]!;
    endNs[i] = flat[2 * i + 1]!;
  }
  return { label, startNs, endNs };
}

export function traceTrack(src: Extract<ParsedSource, { kind: 'gotrace' }>, maxPoints: number): TrackData {
  const m = src.model;
  const s = goroutineStateSeries(m, undefined, maxPoints);
  const timeNs = Float64Array.from({ length: s.buckets }, (_, i) => s.startNs + i * s.bucketNs);
  const series = s.states.map((name, k) => ({ name, values: s.values.slice(k * s.buckets, (k + 1) * s.buckets) }));
  const heap = heapSeries(m, undefined, maxPoints);
  const heapT: number[] = [];
  const heapV: number[] = [];
  heap.last.forEach((v, i) => {
    if (v === v) {
      heapT.push(heap.startNs + i * heap.bucketNs);
      heapV.push(v);
    }
  });
  const bands = gcBands(m);
  return {
    kind: 'series',
    unit: 'goroutines',
    timeNs,
    series,
    bands: [pairs('GC', bands.gc), pairs('STW', bands.stw)],
    ...(heapV.length > 1 ? { line: { name: 'heap', unit: 'bytes', timeNs: Float64Array.from(heapT), values: Float64Array.from(heapV) } } : {}),
  };
}
