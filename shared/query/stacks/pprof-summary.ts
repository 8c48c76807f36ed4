/**
 * The figures `tracedeck inspect --json` prints for a pprof profile (definitions in
 * shared/fixtures/README.md, "Reference figures"), and the weighted-stacks view of one sample type.
 */
import type { PprofModel } from '../../model/pprof.ts';
import type { WeightedStacks } from './weighted-stacks.ts';
import { topFlatRows } from './top-rows.ts';

export interface PprofFigures {
  sampleTypes: { type: string; unit: string }[];
  /** Name of the default sample type. */
  defaultSampleType: string;
  totals: Record<string, number>;
  sampleCount: number;
  /** Distinct location-id lists among samples. */
  stackCount: number;
  timeNanos: string | null;
  durationNanos: number;
  /** The 10 functions with the highest flat value for the default sample type, pprof's order. */
  top: { function: string; flat: number; cum: number }[];
}

/** The samples of one sample type (default: the profile's default type) as weighted stacks. */
export function pprofWeightedStacks(model: PprofModel, sampleType = model.defaultSampleType): WeightedStacks {
  const weight = model.sampleValues[sampleType];
  if (!weight) throw new Error(`sample type ${sampleType} out of range (profile has ${model.sampleTypes.length})`);
  return { stacks: model.stacks, sampleStack: model.sampleStack, weight };
}

export function summarizePprof(src: { model: PprofModel }): PprofFigures {
  const m = src.model;
  const totals: Record<string, number> = {};
  m.sampleTypes.forEach((t, i) => {
    const col = m.sampleValues[i]!;
    let sum = 0;
    for (let j = 0; j < col.length; j++) sum += col[j]!;
    // Duplicate type names (never in Go's profiles) keep pprof's "last one wins" reading.
    totals[t.type] = sum;
  });
  // Only the 10 rows printed: cum for those alone, not the whole table's (top-rows.ts).
  const top = m.sampleTypes.length === 0 ? [] : topFlatRows(pprofWeightedStacks(m), 10);
  return {
    sampleTypes: m.sampleTypes.map((t) => ({ type: t.type, unit: t.unit })),
    defaultSampleType: m.sampleTypes[m.defaultSampleType]?.type ?? '',
    totals,
    sampleCount: m.sampleCount,
    stackCount: m.locationStackCount,
    timeNanos: m.timeNanos,
    durationNanos: m.durationNanos,
    top,
  };
}
