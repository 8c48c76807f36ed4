/**
 * TEST-ONLY: an independent reading of a pprof profile through pprof-format's generic decoder, as
 * plain objects (leaf-first frame names per sample, pprof naming). Tests compare our parser and the
 * call-tree/top queries against it; production code must not import this file.
 */
import { Profile } from 'pprof-format';

export interface RefFrame {
  name: string;
  file: string;
  /** Not the last line of its location: inlined into the next frame. */
  inlined: boolean;
}

export interface RefSample {
  /** Leaf first; a location with several lines contributes line[0] (innermost) first. */
  frames: RefFrame[];
  locationIds: number[];
  values: number[];
  labels: { key: string; str?: string; num?: number; unit?: string }[];
}

export interface RefProfile {
  sampleTypes: { type: string; unit: string }[];
  defaultSampleType: string;
  samples: RefSample[];
  timeNanos: string;
  durationNanos: number;
  period: number;
  periodType: { type: string; unit: string } | null;
  comments: string[];
  dropFrames: string;
}

export function decodeReference(bytes: Uint8Array): RefProfile {
  const p = Profile.decode(bytes);
  const st = p.stringTable.strings;
  const s = (x: number | bigint) => st[Number(x)] ?? '';
  const fns = new Map(p.function.map((f) => [Number(f.id), f]));
  const maps = new Map(p.mapping.map((m) => [Number(m.id), m]));
  const mappingFile = (id: number) => {
    const m = maps.get(id);
    return m ? s(m.filename) : '';
  };
  const locs = new Map(
    p.location.map((l) => {
      const frames: RefFrame[] =
        l.line.length === 0
          ? [{ name: unnamed(mappingFile(Number(l.mappingId))), file: '', inlined: false }]
          : l.line.map((ln, i) => {
              const f = fns.get(Number(ln.functionId));
              return { name: (f && s(f.name)) || unnamed(mappingFile(Number(l.mappingId))), file: f ? s(f.filename) : '', inlined: i < l.line.length - 1 };
            });
      return [Number(l.id), frames];
    }),
  );
  return {
    sampleTypes: p.sampleType.map((t) => ({ type: s(t.type), unit: s(t.unit) })),
    defaultSampleType: s(p.defaultSampleType),
    samples: p.sample.map((x) => ({
      frames: x.locationId.flatMap((id) => locs.get(Number(id)) ?? []),
      locationIds: x.locationId.map(Number),
      values: x.value.map(Number),
      labels: x.label.map((l) =>
        Number(l.str) !== 0
          ? { key: s(l.key), str: s(l.str) }
          : { key: s(l.key), num: Number(l.num), ...(Number(l.numUnit) ? { unit: s(l.numUnit) } : {}) },
      ),
    })),
    timeNanos: BigInt(p.timeNanos).toString(),
    durationNanos: Number(p.durationNanos),
    period: Number(p.period),
    periodType: p.periodType ? { type: s(p.periodType.type), unit: s(p.periodType.unit) } : null,
    comments: p.comment.map(s),
    dropFrames: s(p.dropFrames),
  };
}

/** pprof's function-granularity name for a frame without a function name: its binary's base name. */
function unnamed(mappingFile: string): string {
  const base = mappingFile.slice(mappingFile.lastIndexOf('/') + 1);
  return base ? `[${base}]` : '<unknown>';
}
