/**
 * pprof profile model — owned by the pprof ingest (shared/ingest/pprof).
 *
 * Struct-of-arrays, one row per sample as stored in the file (samples are not merged):
 *
 *   sampleStack[i]        StackIndex into `stacks` (root first; -1 = a sample with no frames)
 *   sampleValues[t][i]    value of sample i for sample type t (one Float64Array column per type)
 *   labels.start[i] .. labels.start[i+1]-1    that sample's labels in the label columns
 *
 * Values are JS numbers (int64 in the file; exact below 2^53, which real profiles stay under).
 */
import type { StackTable, StringIndex } from './stacks.ts';

export interface PprofValueType {
  type: string;
  unit: string;
}

/**
 * Sample labels, flattened. Label i of the whole profile has a key, and either a string value
 * (`str[i] >= 0`) or a numeric one (`num[i]`, with `unit[i] >= 0` when the file gives a unit).
 * Strings are indexes into `stacks.strings` (labels share the stack table's string interning).
 */
export interface PprofLabels {
  /** Length sampleCount + 1: sample i owns entries start[i] .. start[i+1]-1. */
  start: Int32Array;
  key: Int32Array;
  /** String value, or -1 for a numeric label. */
  str: Int32Array;
  num: Float64Array;
  /** Unit of a numeric label, or -1. */
  unit: Int32Array;
  count: number;
}

export interface PprofMapping {
  id: number;
  memoryStart: number;
  memoryLimit: number;
  fileOffset: number;
  file: string;
  buildId: string;
  hasFunctions: boolean;
  hasFilenames: boolean;
  hasLineNumbers: boolean;
  hasInlineFrames: boolean;
}

export interface PprofModel {
  stacks: StackTable;
  sampleTypes: PprofValueType[];
  /** Index into sampleTypes: the file's default_sample_type, else the last type (as pprof does). */
  defaultSampleType: number;
  sampleCount: number;
  sampleStack: Int32Array;
  /** One column per sample type, each of length sampleCount. */
  sampleValues: Float64Array[];
  labels: PprofLabels;
  /** Profile start as Unix-epoch ns, decimal string (exceeds 2^53), or null when absent. */
  timeNanos: string | null;
  durationNanos: number;
  period: number;
  periodType: PprofValueType | null;
  comments: string[];
  mappings: PprofMapping[];
  /** drop_frames / keep_frames as stored (already applied to the stacks at parse time). */
  dropFrames: string;
  keepFrames: string;
  /** Distinct location-id lists among samples (pprof's notion of "stacks", before frame merging). */
  locationStackCount: number;
  /**
   * Function.start_line of the functions that give one (the line of `func`), one entry per name and
   * file: where pprof's `list` starts a function's source. Absent in models built before it was kept.
   */
  functionStartLines?: PprofFunctionStart[];
}

export interface PprofFunctionStart {
  func: string;
  file: string;
  startLine: number;
}

/** Label string lookups, typed so that a wrong index reads wrong. */
export function labelString(m: PprofModel, i: StringIndex): string {
  return m.stacks.strings[i] ?? '';
}
