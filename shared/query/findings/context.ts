/**
 * What the rules share: every source's facts with its place on the session axis, sorted by kind, and
 * the helpers that turn a source-relative range into evidence.
 */
import type { AxisRange, DumpFacts, Evidence, EvidenceFocus, EvidenceView, FindingFacts, ProfileFacts, SocketFacts, SourceRef, TraceFacts } from './types.ts';

export interface PlacedFacts<F extends FindingFacts = FindingFacts> {
  facts: F;
  /** Source ns + shiftNs = session-axis ns. */
  shiftNs: number;
}

export interface DiagnoseContext {
  captures: PlacedFacts<SocketFacts>[];
  /** lsof / /proc/PID/fd / single ss outputs: one moment, no trend. */
  listings: PlacedFacts<SocketFacts>[];
  dumps: PlacedFacts<DumpFacts>[];
  profiles: PlacedFacts<ProfileFacts>[];
  traces: PlacedFacts<TraceFacts>[];
}

/** Captures need this many snapshots before a trend means anything. */
export const MIN_SNAPSHOTS = 5;

export function contextOf(inputs: readonly PlacedFacts[]): DiagnoseContext {
  const c: DiagnoseContext = { captures: [], listings: [], dumps: [], profiles: [], traces: [] };
  for (const p of inputs) {
    const f = p.facts;
    if (f.kind === 'sockets') (f.snapshots >= MIN_SNAPSHOTS ? c.captures : c.listings).push(p as PlacedFacts<SocketFacts>);
    else if (f.kind === 'dump') c.dumps.push(p as PlacedFacts<DumpFacts>);
    else if (f.kind === 'profile') c.profiles.push(p as PlacedFacts<ProfileFacts>);
    else c.traces.push(p as PlacedFacts<TraceFacts>);
  }
  return c;
}

export function evidence(
  p: PlacedFacts,
  view: EvidenceView,
  range: AxisRange,
  figure: string,
  values: Record<string, number>,
  focus?: EvidenceFocus,
): Evidence {
  const ref: SourceRef = p.facts.ref;
  const e: Evidence = {
    source: ref.sourceId,
    sourceName: ref.name,
    view,
    range: { startNs: range.startNs + p.shiftNs, endNs: range.endNs + p.shiftNs },
    figure,
    values,
  };
  if (focus) e.focus = focus;
  return e;
}

/** A point in time as a range a brush can show (a dump, a profile). */
export function at(ns: number): AxisRange {
  return { startNs: ns, endNs: ns };
}
