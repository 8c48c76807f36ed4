/**
 * The profile the flame graph shows, as pprof bytes ("Save as pprof"): one stack profile of a
 * source — a pprof sample type, a trace's blocking profile or CPU samples over the brushed range, a
 * dump's goroutines — after the same focus / ignore / hide the view applies, written with
 * stack-pprof.ts so that `go tool pprof -top` on the file lists what the top table lists.
 *
 * Samples keep their labels, so `go tool pprof -tags` / `-tagfocus` on the file give the figures
 * they give on the original (tagroot's frames stay frames, as pprof writes them with -proto), and
 * functions keep their start_line (where `-list` starts).
 *
 * A diff the flame graph shows (this source against another's exported stacks) is saved as what
 * `go tool pprof -base BASE THIS -tagfocus…` computes: this profile minus the base, both under the
 * label options and reduced to function and file per frame (what a diff compares; per-function values
 * are unchanged by it). Its samples carry no labels: the base crosses engines without them.
 *
 * Protobuf, not gzipped: queries are synchronous and the platform's gzip (CompressionStream) is not;
 * the caller gzips (renderer/src/components/flame/save-pprof.ts) before writing `.pb.gz`.
 */
import type { ParsedSource } from '../../model/source.ts';
import { epochAdd } from '../../model/time.ts';
import { keptSamples, keptStacks } from './call-tree-input.ts';
import type { WeightedStacks } from './weighted-stacks.ts';
import type { LabelTable } from './stack-labels.ts';
import { mergeWeightedStacks } from './stack-merge.ts';
import { exportStacks, stackProfileInfo, stacksWithLabelsOf, startLinesOf } from './stack-sources.ts';
import type { ExportedStacks, ShownPprof, ShownPprofArgs, StackProfileInfo } from './stack-types.ts';
import { encodePprof } from './stack-pprof.ts';

/** The sample type pprof tools expect for a profile key (go tool trace -pprof writes delay/nanoseconds). */
function sampleTypeOf(src: ParsedSource, p: StackProfileInfo): { type: string; unit: string } {
  switch (src.kind) {
    case 'pprof':
      return { type: p.key, unit: p.unit };
    case 'gotrace':
      return p.key === 'cpu' ? { type: 'samples', unit: 'count' } : { type: 'delay', unit: 'nanoseconds' };
    default:
      return { type: 'goroutine', unit: 'count' };
  }
}

export function shownPprof(src: ParsedSource, q: ShownPprofArgs): ShownPprof {
  return encodeShown(src, q, undefined);
}

/** The shown diff: this source's profile minus `q.base` (exported by the base source's engine). */
export function shownPprofDiff(src: ParsedSource, q: ShownPprofArgs & { base: ExportedStacks }): ShownPprof {
  return encodeShown(src, q, q.base);
}

function encodeShown(src: ParsedSource, q: ShownPprofArgs, base: ExportedStacks | undefined): ShownPprof {
  const profile = stackProfileInfo(src, q.profile);
  if (base && base.unit !== profile.unit) throw new Error(`cannot diff ${profile.key} (${profile.unit}) against a base in ${base.unit}`);
  // A range narrows trace-derived profiles only (as in the flame graph's own query).
  const range = profile.rangeable ? q.range : undefined;
  const filters = { focus: q.focus, ignore: q.ignore, hide: q.hide };
  let kept: ReturnType<typeof keptStacks>;
  let labels: LabelTable | null = null;
  if (base) {
    const input: WeightedStacks = mergeWeightedStacks([
      { input: exportStacks(src, profile.key, range, q), sign: 1 },
      { input: base, sign: -1 },
    ]);
    kept = keptStacks(input, filters);
  } else {
    const l = stacksWithLabelsOf(src, profile.key, range, q);
    // With labels, sample by sample (each keeps its own); without, one sample per stack.
    labels = l.labels;
    kept = labels ? keptSamples(l.input, filters) : keptStacks(l.input, filters);
  }
  // Only a time the source knows: a guessed clock stamped as time_nanos would read as exact.
  const origin = src.clock.quality !== 'estimated' ? src.clock.originEpochNs : null;
  const startNs = range ? range.startNs : src.startNs;
  const durationNanos = range ? range.endNs - range.startNs : src.endNs - src.startNs;
  const flags = (['focus', 'ignore', 'hide', 'tagfocus', 'tagignore', 'tagroot'] as const).filter((k) => q[k]).map((k) => `-${k}=${q[k]}`);
  const what = `${profile.label}${range ? ` over ${Math.round(range.startNs)}..${Math.round(range.endNs)} ns of the source` : ''}${base ? ' minus a base profile (-base)' : ''}`;
  const bytes = encodePprof({
    ...kept,
    labels,
    startLines: startLinesOf(src),
    sampleType: sampleTypeOf(src, profile),
    timeNanos: origin !== null ? epochAdd(origin, startNs) : null,
    durationNanos: Math.max(0, Math.round(durationNanos)),
    comments: [`tracedeck: ${what}${flags.length ? ` ${flags.join(' ')}` : ''}`],
  });
  return { type: 'shownPprof', profile, bytes };
}
