/**
 * The `mmu` query: the MMU curve of a trace (or of a selected range) at the window sizes Go's /mmu page
 * plots, and optionally the ten worst windows of one size (the page's details list). The utilization
 * series and the whole-trace curve are cached per model and flag set, as Go's page caches per flags.
 */
import type { TraceModel } from '../../../model/trace.ts';
import type { SourceRange } from '../../stacks/stack-types.ts';
import type { MmuFlags, MmuResult } from '../timeline/timeline-types.ts';
import { MmuCurve, type UtilSeries } from './mmu-curve.ts';
import { mmuPlotWindows } from './mmu-plot.ts';
import { clipUtilSeries } from './mmu-range.ts';
import { mutatorUtilization } from './mutator-util.ts';

export interface MmuArgs {
  range?: SourceRange;
  flags: MmuFlags;
  /** Window size (ns) to list the worst windows of. */
  worstFor?: number;
}

/** How many worst windows a result lists (Go's page lists 10). */
export const MMU_WORST_WINDOWS = 10;

/** The flags Go's /mmu page starts with: system view, STW + background workers + mark assists. */
export const GO_PAGE_DEFAULT_FLAGS: Readonly<MmuFlags> = { stw: true, background: true, assist: true };

export const MMU_FLAG_NAMES = ['stw', 'background', 'assist', 'sweep', 'perProc'] as const;

/** Only the flags that are set, in one order: equal flag sets get equal keys and equal results. */
export function normalizeMmuFlags(flags: MmuFlags): MmuFlags {
  const out: MmuFlags = {};
  for (const name of MMU_FLAG_NAMES) if (flags[name]) out[name] = true;
  return out;
}

const flagsKey = (flags: MmuFlags): string => MMU_FLAG_NAMES.filter((n) => flags[n]).join('|');

interface Cached {
  series: UtilSeries[];
  curve: MmuCurve;
}
const cache = new WeakMap<TraceModel, Map<string, Cached>>();

function whole(model: TraceModel, flags: MmuFlags): Cached {
  let byFlags = cache.get(model);
  if (!byFlags) cache.set(model, (byFlags = new Map()));
  const key = flagsKey(flags);
  let c = byFlags.get(key);
  if (!c) {
    const series = mutatorUtilization(model, flags);
    c = { series, curve: new MmuCurve(series) };
    byFlags.set(key, c);
  }
  return c;
}

/** The utilization series of a model for these flags (cached; do not modify). */
export function mutatorUtilizationCached(model: TraceModel, flags: MmuFlags): readonly UtilSeries[] {
  return whole(model, normalizeMmuFlags(flags)).series;
}

export function mmuQuery(model: TraceModel, args: MmuArgs): MmuResult {
  const flags = normalizeMmuFlags(args.flags);
  const all = whole(model, flags);
  let curve = all.curve;
  let range: SourceRange = { startNs: model.startNs, endNs: model.endNs };
  if (args.range) {
    range = { startNs: args.range.startNs, endNs: args.range.endNs };
    curve = new MmuCurve(clipUtilSeries(all.series, range.startNs, range.endNs));
  }
  const plot = mmuPlotWindows(curve);
  let worst: MmuResult['worst'] = null;
  if (args.worstFor !== undefined && !curve.empty) {
    const windowNs = Math.max(1, Math.trunc(args.worstFor));
    worst = { windowNs, windows: curve.worst(windowNs, MMU_WORST_WINDOWS).map((w) => ({ start: w.start, mmu: w.util })) };
  }
  return { flags, range, curve: plot.windowsNs.map((windowNs) => ({ windowNs, mmu: curve.mmu(windowNs) })), worst };
}
