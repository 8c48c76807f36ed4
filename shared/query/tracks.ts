/**
 * What the timeline draws for one source, in the source's own time: a stacked series (sockets by
 * state, goroutines by state), bands (GC, STW, collection gaps), a span (a profile's window) or a
 * point (a goroutine dump). Compact: at most `maxPoints` points per series.
 */
import type { ParsedSource } from '../model/source.ts';
import { fdCountSeries, queuedBytes, socketsByState } from './sockets/socket-series.ts';
import { traceTrack } from './trace/trace-track.ts';
import type { TrackData, TrackSeries } from './track-types.ts';

export type { TrackBand, TrackData, TrackSeries } from './track-types.ts';

export interface TrackOptions {
  /** Points per series at most (the renderer passes about its pixel width). */
  maxPoints?: number;
  /**
   * Only this window (source ns; the timeline asks for what is visible, padded): its points are
   * spent on it, so zooming in shows detail. Series outside it are left out (one point before it
   * is kept: a step holds until the next point).
   */
  range?: { startNs: number; endNs: number };
}

/** The points of a step series inside [lo, hi], with the one before lo (its value holds into the window). */
function crop(timeNs: Float64Array, series: TrackSeries[], lo: number, hi: number): { timeNs: Float64Array; series: TrackSeries[] } {
  let a = 0;
  while (a < timeNs.length && timeNs[a]! < lo) a++;
  a = Math.max(0, a - 1);
  let b = a;
  while (b < timeNs.length && timeNs[b]! <= hi) b++;
  return { timeNs: timeNs.subarray(a, b), series: series.map((s) => ({ name: s.name, values: s.values.subarray(a, b) })) };
}

/** Keeps at most `max` points by taking the maximum of each run (peaks stay visible). */
export function decimate(timeNs: Float64Array, series: TrackSeries[], max: number): { timeNs: Float64Array; series: TrackSeries[] } {
  const n = timeNs.length;
  if (n <= max || max < 2) return { timeNs, series };
  const step = n / max;
  const t = new Float64Array(max);
  const out = series.map((s) => ({ name: s.name, values: new Float64Array(max) }));
  for (let i = 0; i < max; i++) {
    const a = Math.floor(i * step);
    const b = Math.max(a + 1, Math.floor((i + 1) * step));
    t[i] = timeNs[a]!;
    series.forEach((s, k) => {
      let m = -Infinity;
      for (let j = a; j < b && j < n; j++) m = Math.max(m, s.values[j]!);
      out[k]!.values[i] = m;
    });
  }
  return { timeNs: t, series: out };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const TIME_UNIT_NS: Record<string, number> = { nanoseconds: 1, microseconds: 1e3, milliseconds: 1e6, seconds: 1e9 };
const BYTE_UNIT: Record<string, number> = { bytes: 1, kilobytes: 2 ** 10, megabytes: 2 ** 20, gigabytes: 2 ** 30 };

/** A profile total in its unit, for a track label: 19.25 µs, 402.99 KiB, 1,234. */
export function formatInUnit(v: number, unit: string): string {
  // Legacy profiles name coarser units (java contention: microseconds): scale to ns / bytes first.
  const toNs = TIME_UNIT_NS[unit];
  if (toNs !== undefined && toNs !== 1) return formatInUnit(v * toNs, 'nanoseconds');
  const toBytes = BYTE_UNIT[unit];
  if (toBytes !== undefined && toBytes !== 1) return formatInUnit(v * toBytes, 'bytes');
  const a = Math.abs(v);
  if (unit === 'nanoseconds') {
    if (a >= 1e9) return `${(v / 1e9).toFixed(2)} s`;
    if (a >= 1e6) return `${(v / 1e6).toFixed(2)} ms`;
    if (a >= 1e3) return `${(v / 1e3).toFixed(2)} µs`;
    return `${Math.round(v)} ns`;
  }
  if (unit === 'bytes') {
    if (a >= 2 ** 30) return `${(v / 2 ** 30).toFixed(2)} GiB`;
    if (a >= 2 ** 20) return `${(v / 2 ** 20).toFixed(2)} MiB`;
    if (a >= 2 ** 10) return `${(v / 2 ** 10).toFixed(2)} KiB`;
    return `${v} B`;
  }
  return unit && unit !== 'count' ? `${fmt(v)} ${unit}` : fmt(v);
}

export function trackOf(src: ParsedSource, opts: TrackOptions = {}): TrackData {
  const max = Math.max(2, Math.min(opts.maxPoints ?? 2000, 20000));
  switch (src.kind) {
    case 'ss': {
      if (src.model.sockets.length === 0) {
        const sum = src.model.summary;
        const fd = fdCountSeries(src.model)[0];
        const label = sum
          ? `TCP ${Object.entries(sum.tcp).map(([k, v]) => `${k} ${fmt(v)}`).join(' · ')}`
          : fd
            ? `${fmt(fd.values[fd.values.length - 1]!)} open fds${fd.pid ? ` (pid ${fd.pid})` : ''}`
            : src.format;
        return { kind: 'point', label, atNs: src.startNs };
      }
      const s = socketsByState(src.model);
      const all = { timeNs: s.timeNs, series: s.series.map((x) => ({ name: x.name, values: Float64Array.from(x.values) })) };
      const seen = opts.range ? crop(all.timeNs, all.series, opts.range.startNs, opts.range.endNs) : all;
      const d = decimate(Float64Array.from(seen.timeNs), seen.series.map((x) => ({ name: x.name, values: Float64Array.from(x.values) })), max);
      const gaps = src.model.gaps;
      // A gap lasts until the next snapshot (nothing was observed in between).
      const snapT = src.model.snapshots.timeNs;
      const gapEnd = (t: number) => snapT.find((x) => x > t) ?? t;
      // The busiest process's fd count, as a line over the sockets (fd leaks read next to socket states);
      // without fd counts, the bytes waiting unread in Recv-Q (a reader that stopped reads as a climb).
      const fd = fdCountSeries(src.model).sort((a, b) => Math.max(...b.values) - Math.max(...a.values))[0];
      const q = fd ? null : queuedBytes(src.model);
      const line =
        fd && fd.values.length > 0
          ? { name: `fds (pid ${fd.pid})`, unit: 'fds', timeNs: fd.timeNs, values: fd.values }
          : q && q.recvQ.some((v) => v > 0)
            ? { name: 'Recv-Q', unit: 'bytes', timeNs: q.timeNs, values: q.recvQ }
            : null;
      return {
        kind: 'series',
        unit: 'sockets',
        timeNs: d.timeNs,
        series: d.series,
        ...(line ? { line } : {}),
        bands: gaps.length
          ? [{ label: 'collection gap', startNs: Float64Array.from(gaps, (g) => g.timeNs), endNs: Float64Array.from(gaps, (g) => gapEnd(g.timeNs)) }]
          : [],
      };
    }
    case 'gotrace':
      return traceTrack(src, max, opts.range);
    case 'pprof': {
      const m = src.model;
      const t = m.sampleTypes[m.defaultSampleType];
      let total = 0;
      const col = m.sampleValues[m.defaultSampleType];
      if (col) for (let i = 0; i < col.length; i++) total += col[i]!;
      const label = t ? `${t.type}: ${formatInUnit(total, t.unit)}` : 'profile';
      return { kind: 'span', label, startNs: src.startNs, endNs: Math.max(src.endNs, src.startNs) };
    }
    case 'goroutine-dump': {
      return { kind: 'point', label: `${fmt(src.model.total)} goroutines`, atNs: src.startNs };
    }
  }
}
