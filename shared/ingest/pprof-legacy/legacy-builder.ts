/**
 * Collects what a legacy parser reads (sample types, samples as address lists, symbols, the memory
 * map) and turns it into the PprofModel the protobuf parser produces, applying the clean-ups pprof
 * applies to legacy profiles when it converts them: mapping merging and matching (with a catch-all
 * mapping for addresses no mapping covers), duplicate-leaf removal for signal-based stacks, and the
 * drop_frames/keep_frames pruning of symbolized frames.
 *
 * Locations are keyed by address (already adjusted by the parser): one location per distinct
 * address, one frame per location — or several when symbol comments name inlined frames. A location
 * without symbols is its binary's `[name]` (as pprof names it at function granularity), so all the
 * addresses of one mapping are one function.
 */
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import { mtimeClock } from '../mtime-clock.ts';
import type { ParsedSource } from '../../model/source.ts';
import type { PprofLabels, PprofMapping, PprofModel, PprofValueType } from '../../model/pprof.ts';
import type { SourceClock } from '../../model/time.ts';
import { StackTableBuilder, type FrameIndex } from '../../model/stacks.ts';
import type { LegacyMapping } from './memory-map.ts';
import { u64 } from './text-lines.ts';
import { legacyFrameFilters } from './frame-filters.ts';
import { compileFrameRegex, unnamedFunction } from '../pprof/parse-pprof.ts';

export type ParsedPprof = Extract<ParsedSource, { kind: 'pprof' }>;

/** One source line of a symbolized location. */
export interface LegacyLine {
  func: string;
  file: string;
  line: number;
}

export interface FinishOptions {
  /** Drop a second frame that repeats the leaf (address + 1): CPU and threadz stacks. */
  cleanupDuplicateLeaf?: boolean;
}

const MAIN_BINARY_START = 0x400000n;
const LIB_NAME = /([.]so$|[.]so[._][0-9]+)/;

export class LegacyProfileBuilder {
  sampleTypes: PprofValueType[] = [];
  periodType: PprofValueType | null = null;
  period = 0;
  durationNanos = 0;
  /** Set by finish() from the sample types, as pprof does for every legacy profile. */
  dropFrames = '';
  keepFrames = '';
  warnings: string[] = [];
  partial = false;
  mappings: LegacyMapping[] = [];

  /** Per location: its address, its lines (innermost first) once symbolized, and whether the address was cleared. */
  readonly locAddr: bigint[] = [];
  readonly locLines: (LegacyLine[] | null)[] = [];
  private readonly locNoAddr: boolean[] = [];
  /** Go debug=1 text: a PC Go's printer hid (runtime frames before the first shown, runtime.goexit). */
  private readonly locHiddenRuntime: boolean[] = [];
  private readonly byAddr = new Map<bigint, number>();

  /** Per sample: location indexes leaf first, one value per sample type, the `bytes` label or null. */
  readonly sampleLocs: number[][] = [];
  readonly sampleVals: number[][] = [];
  readonly sampleBytes: (number | null)[] = [];

  location(addr: bigint): number {
    let i = this.byAddr.get(addr);
    if (i === undefined) {
      i = this.locAddr.length;
      this.locAddr.push(addr);
      this.locLines.push(null);
      this.locNoAddr.push(false);
      this.locHiddenRuntime.push(false);
      this.byAddr.set(addr, i);
    }
    return i;
  }

  locationAt(addr: bigint): number | undefined {
    return this.byAddr.get(addr);
  }

  /** Symbolizes a location; `clearAddress` mirrors pprof dropping Java addresses once named. */
  symbolize(loc: number, lines: LegacyLine[], clearAddress: boolean): void {
    this.locLines[loc] = lines;
    if (clearAddress) this.locNoAddr[loc] = true;
  }

  /**
   * Marks a location Go's debug=1 printer left without a comment: it only hides runtime.* and
   * internal/runtime/* frames (those before the first frame it shows, and runtime.goexit).
   */
  markHiddenRuntime(loc: number): void {
    this.locHiddenRuntime[loc] = true;
  }

  get sampleCount(): number {
    return this.sampleVals.length;
  }

  addSample(values: number[], locs: number[], bytes: number | null = null): void {
    this.sampleVals.push(values);
    this.sampleLocs.push(locs);
    this.sampleBytes.push(bytes);
  }

  finish(format: string, opts: ParseOptions, fin: FinishOptions = {}): ParsedPprof {
    throwIfAborted(opts.signal);
    const nTypes = this.sampleTypes.length;
    const n = this.sampleCount;
    if (nTypes === 0 && n > 0) throw new IngestError(`${format}: samples but no sample types (missing header attributes)`);

    [this.dropFrames, this.keepFrames] = legacyFrameFilters(this.sampleTypes);
    const locMapping = this.assignMappings();
    // Hidden runtime frames at the root end are runtime.goexit, which Go's protobuf profiles leave out.
    for (const locs of this.sampleLocs) while (locs.length > 1 && this.locHiddenRuntime[locs[locs.length - 1]!]) locs.pop();
    if (fin.cleanupDuplicateLeaf) {
      for (const locs of this.sampleLocs) {
        if (locs.length > 1 && this.locAddr[locs[0]!] === u64(this.locAddr[locs[1]!]! + 1n)) locs.splice(1, 1);
      }
    }

    // ---- frames per location, root first ---------------------------------------------------
    const builder = new StackTableBuilder();
    const nLoc = this.locAddr.length;
    const locFrames: FrameIndex[][] = [];
    const locPrunable = new Uint8Array(nLoc);
    const dropRx = compileFrameRegex(this.dropFrames, 'drop_frames', this.warnings);
    const keepRx = dropRx && this.keepFrames ? compileFrameRegex(this.keepFrames, 'keep_frames', this.warnings) : null;
    for (let li = 0; li < nLoc; li++) {
      const lines = this.locLines[li];
      // The mapping's file is every frame's module (pprof's filters match it).
      const module = locMapping[li]! >= 0 ? (this.mappings[locMapping[li]!]?.file ?? '') : '';
      if (lines && lines.length > 0) {
        const fr: FrameIndex[] = [];
        for (let k = lines.length - 1; k >= 0; k--) {
          const l = lines[k]!;
          const func = l.func || unnamedFunction(module);
          fr.push(builder.internFrame({ func, file: l.file, line: l.line, inlined: k !== lines.length - 1, module }));
        }
        locFrames.push(fr);
        // One prunable unit per location; a partial match inside inlined lines prunes it whole
        // (legacy symbol comments rarely carry inlining, so this simplification stays invisible).
        if (dropRx && lines.some((l) => l.func !== '' && dropRx.test(simplifyFunc(l.func)) && !(keepRx && keepRx.test(simplifyFunc(l.func))))) {
          locPrunable[li] = 1;
        }
      } else {
        // A runtime frame Go's printer hid is pruned when the rule prunes runtime frames (heap
        // profiles: the allocator's frames above the allocating call, which Go's protobuf hides too).
        if (this.locHiddenRuntime[li] && dropRx && dropRx.test('runtime.') && !(keepRx && keepRx.test('runtime.'))) locPrunable[li] = 1;
        // No symbols: pprof at function granularity drops the address and names the location
        // after its binary, `[name]` (`<unknown>` without one): one function per mapping.
        locFrames.push([builder.internFrame({ func: unnamedFunction(module), file: '', line: 0, module })]);
      }
    }

    // ---- samples --------------------------------------------------------------------------
    const sampleStack = new Int32Array(n);
    const sampleValues: Float64Array[] = [];
    for (let t = 0; t < nTypes; t++) sampleValues.push(new Float64Array(n));
    const lists = new Set<string>();
    const bytesKey = builder.internString('bytes');
    const labelStart = new Int32Array(n + 1);
    const labelNum: number[] = [];
    for (let i = 0; i < n; i++) {
      const vals = this.sampleVals[i]!;
      if (vals.length !== nTypes) throw new IngestError(`${format}: sample ${i} has ${vals.length} values, expected ${nTypes}`);
      for (let t = 0; t < nTypes; t++) sampleValues[t]![i] = vals[t]!;
      const locs = this.sampleLocs[i]!;
      lists.add(locs.join(','));
      // pprof's Prune: walking from the root, cut at the first prunable location after a user one.
      let cut = 0;
      if (dropRx) {
        let foundUser = false;
        for (let j = locs.length - 1; j >= 0; j--) {
          if (!locPrunable[locs[j]!]) foundUser = true;
          else if (foundUser) {
            cut = j + 1;
            break;
          }
        }
      }
      let s = -1;
      for (let j = locs.length - 1; j >= cut; j--) for (const f of locFrames[locs[j]!]!) s = builder.internStackStep(s, f);
      sampleStack[i] = s;
      labelStart[i] = labelNum.length;
      const b = this.sampleBytes[i];
      if (b !== null && b !== undefined) labelNum.push(b);
    }
    labelStart[n] = labelNum.length;
    const nLabels = labelNum.length;
    const labels: PprofLabels = {
      start: labelStart,
      key: new Int32Array(nLabels).fill(bytesKey),
      str: new Int32Array(nLabels).fill(-1),
      num: Float64Array.from(labelNum),
      unit: new Int32Array(nLabels).fill(-1),
      count: nLabels,
    };

    const mappings: PprofMapping[] = this.mappings.map((m, i) => ({
      id: i + 1,
      memoryStart: Number(m.start),
      memoryLimit: Number(m.limit),
      fileOffset: Number(m.offset),
      file: m.file,
      buildId: m.buildId,
      hasFunctions: false,
      hasFilenames: false,
      hasLineNumbers: false,
      hasInlineFrames: false,
    }));

    const model: PprofModel = {
      stacks: builder.build(),
      sampleTypes: this.sampleTypes,
      defaultSampleType: nTypes - 1,
      sampleCount: n,
      sampleStack,
      sampleValues,
      labels,
      timeNanos: null,
      durationNanos: this.durationNanos,
      period: this.period,
      periodType: this.periodType,
      comments: [],
      mappings,
      dropFrames: this.dropFrames,
      keepFrames: this.keepFrames,
      locationStackCount: lists.size,
    };

    // Legacy profiles carry no start time; the file is written when the profile ends.
    const clock: SourceClock = mtimeClock(opts.mtimeMs, { noFileTime: 'legacy profile without time and no file mtime' });
    opts.onProgress?.(1);
    return {
      kind: 'pprof',
      format,
      clock,
      startNs: -this.durationNanos,
      endNs: 0,
      partial: this.partial,
      warnings: this.warnings,
      model,
    };
  }

  /**
   * pprof's massageMappings + remapMappingIDs: merge split mappings, move the main binary first,
   * then give every location with an address the mapping that covers it (a catch-all mapping is
   * appended for the rest, as pprof does for Go's legacy profiles, which carry no memory map).
   * Returns each location's mapping index (-1 for none).
   */
  private assignMappings(): Int32Array {
    let maps = this.mappings;
    if (maps.length > 1) {
      const merged: LegacyMapping[] = [maps[0]!];
      for (const m of maps.slice(1)) {
        const last = merged[merged.length - 1]!;
        if (adjacent(last, m)) {
          last.limit = m.limit;
          if (m.file) last.file = m.file;
          if (m.buildId) last.buildId = m.buildId;
        } else merged.push(m);
      }
      maps = merged;
    }
    for (let i = 0; i < maps.length; i++) {
      const file = maps[i]!.file.replaceAll('(deleted)', '').trim();
      if (file === '' || LIB_NAME.test(file) || file.startsWith('[')) continue;
      [maps[0], maps[i]] = [maps[i]!, maps[0]!];
      break;
    }
    if (maps.length > 0 && maps[0]!.file.startsWith('/anon_hugepage') && maps.length > 1 && maps[0]!.limit === maps[1]!.start) {
      maps = maps.slice(1);
    }
    if (maps.length > 0) {
      const m = maps[0]!;
      if (u64(m.start - m.offset) === MAIN_BINARY_START) {
        m.start = MAIN_BINARY_START;
        m.offset = 0n;
      }
    }

    // Locations in order of first use (pprof renumbers them so), unused ones get none.
    const locMapping = new Int32Array(this.locAddr.length).fill(-1);
    const seen = new Uint8Array(this.locAddr.length);
    let fake = -1;
    for (const locs of this.sampleLocs) {
      for (const li of locs) {
        if (seen[li]) continue;
        seen[li] = 1;
        const a = this.locAddr[li]!;
        if (this.locNoAddr[li] || a === 0n) continue;
        let found = maps.findIndex((m) => m.start <= a && a < m.limit);
        if (found < 0) {
          // Legacy writers sometimes left out the first part of a mapping split in two.
          found = maps.findIndex((m) => m.offset !== 0n && u64(m.start - m.offset) <= a && a < m.start);
          if (found >= 0) {
            const m = maps[found]!;
            m.start = u64(m.start - m.offset);
            m.offset = 0n;
          }
        }
        if (found < 0) {
          if (fake < 0) {
            fake = maps.length;
            maps.push({ start: 0n, limit: (1n << 64n) - 1n, offset: 0n, file: '', buildId: '' });
          }
          found = fake;
        }
        locMapping[li] = found;
      }
    }
    this.mappings = maps;
    return locMapping;
  }
}

function adjacent(a: LegacyMapping, b: LegacyMapping): boolean {
  if (a.file && b.file && a.file !== b.file) return false;
  if (a.buildId && b.buildId && a.buildId !== b.buildId) return false;
  if (a.limit !== b.start) return false;
  if (a.offset !== 0n && b.offset !== 0n && u64(a.offset + (a.limit - a.start)) !== b.offset) return false;
  return true;
}



/** pprof matches drop/keep patterns against the name without a leading '.' and without arguments. */
function simplifyFunc(name: string): string {
  let f = name.startsWith('.') ? name.slice(1) : name;
  for (let i = 0; i < f.length; i++) {
    if (f.startsWith('(anonymous namespace)', i)) {
      i += '(anonymous namespace)'.length - 1;
      continue;
    }
    if (f.startsWith('operator()', i)) {
      i += 'operator()'.length - 1;
      continue;
    }
    if (f.charCodeAt(i) === 40) {
      f = f.slice(0, i);
      break;
    }
  }
  return f;
}
