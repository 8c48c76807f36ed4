/**
 * Any weighted stacks written as a pprof protobuf (perftools.profiles.Profile, not gzipped) with the
 * `pprof-format` package, so that `go tool pprof` reads the profile TraceDeck shows — a trace's
 * blocking profile, a merge, a delta, a filtered view — with the same per-function values.
 *
 * One location per non-inlined frame, holding the frames inlined into it (pprof lists them leaf
 * first), so pprof's "(inline)" marks survive; one mapping per module, so `-focus=binary` still
 * selects what it selected in the original. Weights are rounded to integers (pprof values are int64).
 * Samples keep their labels (string ones, and numeric ones with their units), so `-tags`,
 * `-tagfocus` and `-tagroot` on the file see what they see in the original; functions keep their
 * start_line when the caller knows it, so `-list` starts where it starts on the original.
 */
import { Function as PFunction, Label, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { StackTable } from '../../model/stacks.ts';
import { present, type LabelTable } from '../labels/label-filter.ts';
import { startLineKey } from './source-lines.ts';

export interface PprofOut {
  stacks: StackTable;
  sampleStack: Int32Array;
  weight: Float64Array | number[];
  /** Per frame: 1 to leave it out of every stack (hide), or null. */
  hidden?: Uint8Array | null;
  /** Each sample's labels (one row per sample of sampleStack), or null when they carry none. */
  labels?: LabelTable | null;
  /** Functions' start lines by name and file (source-lines.ts startLineKey), when the source gives them. */
  startLines?: ReadonlyMap<string, number>;
  sampleType: { type: string; unit: string };
  /** Profile start, Unix-epoch ns as a decimal string. */
  timeNanos?: string | null;
  durationNanos?: number;
  comments?: string[];
}

export function encodePprof(out: PprofOut): Uint8Array {
  const t = out.stacks;
  const st = new StringTable();
  const str = (i: number | undefined) => st.dedup(i === undefined ? '' : (t.strings[i] ?? ''));
  const functions: PFunction[] = [];
  const funcIds = new Map<string, number>();
  const functionOf = (f: number): number => {
    const key = `${t.frameFunc[f]}|${t.frameFile[f]}`;
    let id = funcIds.get(key);
    if (id === undefined) {
      id = functions.length + 1;
      const startLine = out.startLines?.get(startLineKey(t.strings[t.frameFunc[f]!] ?? '', t.strings[t.frameFile[f]!] ?? '')) ?? 0;
      functions.push(new PFunction({ id, name: str(t.frameFunc[f]), systemName: str(t.frameFunc[f]), filename: str(t.frameFile[f]), startLine }));
      funcIds.set(key, id);
    }
    return id;
  };
  const mappings: Mapping[] = [];
  const mappingIds = new Map<number, number>();
  const mappingOf = (f: number): number => {
    const m = t.frameModule?.[f];
    if (m === undefined || (t.strings[m] ?? '') === '') return 0;
    let id = mappingIds.get(m);
    if (id === undefined) {
      id = mappings.length + 1;
      mappings.push(new Mapping({ id, filename: str(m), hasFunctions: true, hasFilenames: true, hasLineNumbers: true, hasInlineFrames: true }));
      mappingIds.set(m, id);
    }
    return id;
  };
  const locations: Location[] = [];
  const locIds = new Map<string, number>();
  /** frames leaf first: one non-inlined frame, after the frames inlined into it. */
  const locationOf = (framesLeafFirst: number[]): number => {
    const key = framesLeafFirst.join(',');
    let id = locIds.get(key);
    if (id === undefined) {
      id = locations.length + 1;
      const outer = framesLeafFirst[framesLeafFirst.length - 1]!;
      locations.push(
        new Location({
          id,
          mappingId: mappingOf(outer),
          line: framesLeafFirst.map((f) => new Line({ functionId: functionOf(f), line: t.frameLine[f]! })),
        }),
      );
      locIds.set(key, id);
    }
    return id;
  };

  const hidden = out.hidden ?? null;
  const labels = out.labels ?? null;
  if (labels && labels.start.length !== out.sampleStack.length + 1) {
    throw new Error(`labels for ${labels.start.length - 1} samples, but the profile has ${out.sampleStack.length}`);
  }
  const labelsOf = (i: number): Label[] => {
    if (!labels) return [];
    const ls = (k: number) => st.dedup(labels.strings[k] ?? '');
    const got: Label[] = [];
    for (let j = labels.start[i]!; j < labels.start[i + 1]!; j++) {
      // What pprof's decoder would drop is left out (an empty string value, a bare 0).
      if (!present(labels, j)) continue;
      const key = ls(labels.key[j]!);
      if (labels.str[j]! >= 0) got.push(new Label({ key, str: ls(labels.str[j]!) }));
      else got.push(new Label({ key, num: Math.round(labels.num[j]!), numUnit: labels.unit[j]! >= 0 ? ls(labels.unit[j]!) : 0 }));
    }
    return got;
  };
  const samples: Sample[] = [];
  const group: number[] = [];
  for (let i = 0; i < out.sampleStack.length; i++) {
    const w = Math.round(out.weight[i]!);
    if (w === 0 || w !== w) continue;
    const locationId: number[] = [];
    group.length = 0;
    for (let s = out.sampleStack[i]!; s >= 0; s = t.stackPrefix[s]!) {
      const f = t.stackFrame[s]!;
      const inlined = t.frameInlined[f] === 1;
      if (hidden && hidden[f]) {
        // Its caller-side frames went with it: what was inlined into it is a location of its own.
        if (!inlined && group.length > 0) {
          locationId.push(locationOf(group));
          group.length = 0;
        }
        continue;
      }
      group.push(f);
      // A frame inlined into its caller shares the caller's location.
      if (!inlined) {
        locationId.push(locationOf(group));
        group.length = 0;
      }
    }
    if (group.length > 0) locationId.push(locationOf(group));
    samples.push(new Sample({ locationId, value: [w], label: labelsOf(i) }));
  }

  const sampleType = new ValueType({ type: st.dedup(out.sampleType.type), unit: st.dedup(out.sampleType.unit) });
  const p = new Profile({
    sampleType: [sampleType],
    sample: samples,
    mapping: mappings,
    location: locations,
    function: functions,
    stringTable: st,
    timeNanos: out.timeNanos ? BigInt(out.timeNanos) : 0,
    durationNanos: out.durationNanos ?? 0,
    periodType: new ValueType({ type: sampleType.type, unit: sampleType.unit }),
    period: 1,
    comment: (out.comments ?? []).map((c) => st.dedup(c)),
    defaultSampleType: sampleType.type,
  });
  return p.encode();
}
