/**
 * pprof protobuf (perftools.profiles.Profile, already gunzipped) -> PprofModel.
 *
 * A direct wire reader rather than pprof-format's Profile.decode: on the 28 MB bench heap profile
 * decode alone took ~3 s and ~690 MB RSS there, while this whole parse is well under that (numbers
 * in README.md). Two passes: the first walks the top-level fields (tables are small; samples are
 * only located), the second decodes samples once strings, functions and locations are known.
 */
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import { mtimeClock } from '../mtime-clock.ts';
import type { ParsedSource } from '../../model/source.ts';
import type { PprofLabels, PprofMapping, PprofModel, PprofValueType } from '../../model/pprof.ts';
import type { SourceClock } from '../../model/time.ts';
import { StackTableBuilder, type StackTable } from '../../model/stacks.ts';
import { PbReader, WIRE_LEN, WIRE_VARINT, decodeString } from './protobuf-reader.ts';
import { PairMap, Trie, growF64, growI32, growU8 } from '../../model/pair-map.ts';

export type ParsedPprof = Extract<ParsedSource, { kind: 'pprof' }>;

/** Name pprof gives a frame it knows nothing about (function granularity drops the address). */
export const UNKNOWN_FUNCTION = '<unknown>';

interface RawFunction {
  name: number;
  systemName: number;
  filename: number;
  startLine: number;
}

interface RawLocation {
  id: number;
  mappingId: number;
  /** Address as hex without 0x, '' when zero. */
  address: string;
  /** function ids and line numbers, line[0] = innermost (leaf). */
  fn: number[];
  line: number[];
}

interface RawMapping {
  id: number;
  memoryStart: number;
  memoryLimit: number;
  fileOffset: number;
  filename: number;
  buildId: number;
  flags: number;
}

const PROGRESS_EVERY = 16384;

export function parsePprof(bytes: Uint8Array, opts: ParseOptions = {}): ParsedPprof {
  if (bytes.length === 0) throw new IngestError('empty input: not a pprof profile');
  const warnings: string[] = [];
  const r = new PbReader(bytes);

  // ---- pass 1: top-level fields -------------------------------------------------------------
  const strings: string[] = [];
  const sampleTypeRaw: [number, number][] = [];
  let sampleSpans = new Int32Array(1024);
  let sampleCount = 0;
  let sampleBytes = 0;
  const functions: RawFunction[] = [];
  const functionIds: number[] = [];
  const locations: RawLocation[] = [];
  const mappings: RawMapping[] = [];
  let dropFramesX = 0;
  let keepFramesX = 0;
  let timeNanos: string | null = null;
  let durationNanos = 0;
  let periodTypeRaw: [number, number] | null = null;
  let period = 0;
  const commentsX: number[] = [];
  let defaultSampleTypeX = 0;

  const expectWire = (wire: number, want: number, what: string, at: number) => {
    if (wire !== want) r.fail(`field ${what} has wire type ${wire}, expected ${want}`, at);
  };

  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 0) r.fail('field number 0', at);
    switch (field) {
      case 1:
        expectWire(wire, WIRE_LEN, 'sample_type', at);
        sampleTypeRaw.push(readValueType(r));
        break;
      case 2: {
        expectWire(wire, WIRE_LEN, 'sample', at);
        const e = r.lenEnd();
        sampleSpans = growI32(sampleSpans, sampleCount * 2 + 2);
        sampleSpans[sampleCount * 2] = r.pos;
        sampleSpans[sampleCount * 2 + 1] = e;
        sampleBytes += e - r.pos;
        sampleCount++;
        r.pos = e;
        break;
      }
      case 3:
        expectWire(wire, WIRE_LEN, 'mapping', at);
        mappings.push(readMapping(r));
        break;
      case 4:
        expectWire(wire, WIRE_LEN, 'location', at);
        locations.push(readLocation(r));
        break;
      case 5: {
        expectWire(wire, WIRE_LEN, 'function', at);
        const [id, f] = readFunction(r);
        functionIds.push(id);
        functions.push(f);
        break;
      }
      case 6: {
        expectWire(wire, WIRE_LEN, 'string_table', at);
        const e = r.lenEnd();
        strings.push(decodeString(bytes, r.pos, e));
        r.pos = e;
        break;
      }
      case 7:
        expectWire(wire, WIRE_VARINT, 'drop_frames', at);
        dropFramesX = r.varint();
        break;
      case 8:
        expectWire(wire, WIRE_VARINT, 'keep_frames', at);
        keepFramesX = r.varint();
        break;
      case 9:
        expectWire(wire, WIRE_VARINT, 'time_nanos', at);
        r.varint64();
        timeNanos = r.lo === 0 && r.hi === 0 ? null : r.lastInt64String();
        break;
      case 10:
        expectWire(wire, WIRE_VARINT, 'duration_nanos', at);
        durationNanos = r.varint();
        break;
      case 11:
        expectWire(wire, WIRE_LEN, 'period_type', at);
        periodTypeRaw = readValueType(r);
        break;
      case 12:
        expectWire(wire, WIRE_VARINT, 'period', at);
        period = r.varint();
        break;
      case 13:
        if (wire === WIRE_LEN) {
          const e = r.lenEnd();
          while (r.pos < e) commentsX.push(r.varint());
          if (r.pos !== e) r.fail('packed comment overruns its length', at);
        } else {
          expectWire(wire, WIRE_VARINT, 'comment', at);
          commentsX.push(r.varint());
        }
        break;
      case 14:
        expectWire(wire, WIRE_VARINT, 'default_sample_type', at);
        defaultSampleTypeX = r.varint();
        break;
      default:
        r.skip(wire);
    }
  }
  opts.onProgress?.(0.1);
  throwIfAborted(opts.signal);

  // ---- resolve tables -----------------------------------------------------------------------
  if (strings.length === 0) {
    throw new IngestError('corrupt pprof protobuf: no string table (a profile always has at least the empty string)');
  }
  if (strings[0] !== '') throw new IngestError('corrupt pprof protobuf: string table does not start with ""');
  const str = (x: number, what: string): string => {
    const s = strings[x];
    if (s === undefined || x < 0 || !Number.isInteger(x)) {
      throw new IngestError(`corrupt pprof protobuf: ${what} refers to string ${x}, table has ${strings.length}`);
    }
    return s;
  };

  const sampleTypes: PprofValueType[] = sampleTypeRaw.map(([t, u]) => ({
    type: str(t, 'sample_type'),
    unit: str(u, 'sample_type unit'),
  }));
  const nTypes = sampleTypes.length;
  let defaultSampleType = nTypes - 1;
  if (defaultSampleTypeX !== 0) {
    const name = str(defaultSampleTypeX, 'default_sample_type');
    const i = sampleTypes.findIndex((t) => t.type === name);
    if (i >= 0) defaultSampleType = i;
    else warnings.push(`default_sample_type "${name}" is not one of the sample types; using the last one`);
  }
  const periodType = periodTypeRaw
    ? { type: str(periodTypeRaw[0], 'period_type'), unit: str(periodTypeRaw[1], 'period_type unit') }
    : null;
  const comments = commentsX.map((x) => str(x, 'comment'));
  const dropFrames = str(dropFramesX, 'drop_frames');
  const keepFrames = str(keepFramesX, 'keep_frames');

  const mappingById = new Map<number, RawMapping>();
  for (const m of mappings) mappingById.set(m.id, m);
  const funcById = new Map<number, RawFunction>();
  for (let i = 0; i < functions.length; i++) funcById.set(functionIds[i]!, functions[i]!);

  // ---- frames per location (root first), with drop_frames/keep_frames applied as pprof does --------
  const builder = new StackTableBuilder();
  const dropRx = compileFrameRegex(dropFrames, 'drop_frames', warnings);
  const keepRx = dropRx && keepFrames !== '' ? compileFrameRegex(keepFrames, 'keep_frames', warnings) : null;
  const pruneCache = new Map<string, boolean>();
  const pruneFromHere = (name: string): boolean => {
    let v = pruneCache.get(name);
    if (v === undefined) {
      const f = simplifyFunc(name);
      v = dropRx!.test(f) && !(keepRx && keepRx.test(f));
      pruneCache.set(name, v);
    }
    return v;
  };

  // Frames are interned by integers (canonical function, line, inlined) in front of the builder's
  // string-keyed interning: equal keys always name equal frames, and the builder still decides (in
  // the same order as before) which frame index a new one gets.
  const canonString = new Int32Array(strings.length).fill(-1);
  const firstIndexOf = new Map<string, number>();
  const canonStr = (x: number): number => {
    let c = canonString[x]!;
    if (c < 0) {
      const s = strings[x]!;
      c = firstIndexOf.get(s) ?? x;
      firstIndexOf.set(s, c);
      canonString[x] = c;
    }
    return c;
  };
  const canonFunc = new PairMap(256);
  const frameCache = new PairMap(1024);
  const LINE_KEY_MAX = 2 ** 29;

  const nLoc = locations.length;
  const locFrameStart = new Int32Array(nLoc + 1);
  const locFramesList: number[] = [];
  /** 0 keep, 1 prune the whole location, 2 the location was trimmed (prune beneath it). */
  const locPrune = new Uint8Array(nLoc);
  let maxLocId = 0;
  for (const l of locations) if (l.id > maxLocId) maxLocId = l.id;
  const dense = maxLocId <= nLoc * 4 + 1024;
  const locIndexDense = dense ? new Int32Array(maxLocId + 1).fill(-1) : null;
  const locIndexMap = dense ? null : new Map<number, number>();

  const names: string[] = [];
  const files: string[] = [];
  const fnKeys: number[] = [];
  for (let li = 0; li < nLoc; li++) {
    const l = locations[li]!;
    if (l.id === 0) throw new IngestError(`corrupt pprof protobuf: location ${li} has id 0`);
    if (locIndexDense) {
      if (locIndexDense[l.id] !== -1) throw new IngestError(`corrupt pprof protobuf: duplicate location id ${l.id}`);
      locIndexDense[l.id] = li;
    } else {
      if (locIndexMap!.has(l.id)) throw new IngestError(`corrupt pprof protobuf: duplicate location id ${l.id}`);
      locIndexMap!.set(l.id, li);
    }
    let mappingFile = '';
    if (l.mappingId !== 0) {
      const m = mappingById.get(l.mappingId);
      if (!m) throw new IngestError(`corrupt pprof protobuf: location ${l.id} refers to unknown mapping ${l.mappingId}`);
      mappingFile = str(m.filename, 'mapping filename');
    }
    names.length = 0;
    files.length = 0;
    fnKeys.length = 0;
    for (let k = 0; k < l.fn.length; k++) {
      const fid = l.fn[k]!;
      let name = '';
      let file = '';
      let key = 0;
      if (fid !== 0) {
        const f = funcById.get(fid);
        if (!f) throw new IngestError(`corrupt pprof protobuf: location ${l.id} refers to unknown function ${fid}`);
        name = str(f.name, 'function name');
        file = str(f.filename, 'function filename');
        key = canonFunc.getOrAdd(canonStr(f.name), canonStr(f.filename), canonFunc.size + 1);
      }
      names.push(name);
      files.push(file);
      fnKeys.push(key);
    }
    let first = 0; // lines[first..] survive
    if (dropRx) {
      let i = l.fn.length - 1;
      for (; i >= 0; i--) if (names[i] !== '' && pruneFromHere(names[i]!)) break;
      if (i >= 0) {
        // Matched the outermost line: the whole location is pruned (but stays whole where it is
        // kept, before the first user frame); else only the lines from the match inwards go.
        locPrune[li] = i === l.fn.length - 1 ? 1 : 2;
        first = i === l.fn.length - 1 ? 0 : i + 1;
      }
    }
    locFrameStart[li] = locFramesList.length;
    if (l.fn.length === 0) {
      // No line info: pprof prints "<unknown>" at function granularity (the address is dropped); we
      // keep the address and object file in the frame's file field so they remain visible.
      const base = baseName(mappingFile);
      const where = l.address ? `0x${l.address}` : '';
      const file = base && where ? `[${base}] ${where}` : base ? `[${base}]` : where;
      locFramesList.push(builder.internFrame({ func: UNKNOWN_FUNCTION, file, line: 0 }));
    } else {
      // Root first: the last line is the caller the earlier lines were inlined into.
      for (let k = l.fn.length - 1; k >= first; k--) {
        const line = l.line[k]!;
        const inlined = k !== l.fn.length - 1;
        const cacheable = line >= -LINE_KEY_MAX && line < LINE_KEY_MAX && Number.isInteger(line);
        let f = cacheable ? frameCache.get(fnKeys[k]!, line * 2 + (inlined ? 1 : 0)) : -1;
        if (f < 0) {
          f = builder.internFrame({ func: names[k] || UNKNOWN_FUNCTION, file: files[k]!, line, inlined });
          if (cacheable) frameCache.getOrAdd(fnKeys[k]!, line * 2 + (inlined ? 1 : 0), f);
        }
        locFramesList.push(f);
      }
    }
  }
  locFrameStart[nLoc] = locFramesList.length;
  const locFrames = Int32Array.from(locFramesList);

  // Distinct location lists (pprof's stack count) are distinct frame paths when no two locations
  // have the same frames and nothing is pruned: a location's frames start with its one non-inlined
  // frame, so a path splits back into locations in one way only. Else lists are hashed (exactly).
  let injective = !dropRx;
  if (injective) {
    const seqs = new Trie(64);
    const end = new Uint8Array(locFrames.length + 1);
    for (let li = 0; li < nLoc && injective; li++) {
      let s = -1;
      for (let k = locFrameStart[li]!; k < locFrameStart[li + 1]!; k++) s = seqs.child(s, locFrames[k]!);
      if (s < 0 || end[s]) injective = false;
      else end[s] = 1;
    }
  }

  const locIndexOf = (id: number, at: number): number => {
    const i = locIndexDense ? (id <= maxLocId ? locIndexDense[id]! : -1) : (locIndexMap!.get(id) ?? -1);
    if (i < 0 || id !== Math.floor(id)) r.fail(`sample refers to unknown location id ${id}`, at);
    return i;
  };

  // ---- pass 2: samples ------------------------------------------------------------------------
  const sampleStack = new Int32Array(sampleCount);
  const sampleValues: Float64Array[] = [];
  for (let t = 0; t < nTypes; t++) sampleValues.push(new Float64Array(sampleCount));
  const labelStart = new Int32Array(sampleCount + 1);
  let labelKey = new Int32Array(sampleCount > 0 ? 16 : 0);
  let labelStr = new Int32Array(labelKey.length);
  let labelNum = new Float64Array(labelKey.length);
  let labelUnit = new Int32Array(labelKey.length);
  let labelCount = 0;
  const labelStringMap = new Int32Array(strings.length).fill(-1);
  const labelString = (x: number): number => {
    if (x < 0 || x >= strings.length) r.fail(`label refers to string ${x}, table has ${strings.length}`);
    let v = labelStringMap[x]!;
    if (v < 0) v = labelStringMap[x] = builder.internString(strings[x]!);
    return v;
  };

  // Frame stacks, root first, straight from each sample's locations (see pair-map.ts for why not the
  // builder's stack interning): a trie node IS a stack. Sized from the sample bytes (a location id
  // takes at least one byte) so that it rarely grows.
  const trie = new Trie(Math.min(1 << 21, Math.max(4096, sampleBytes >>> 2)));
  const pruning = dropRx !== null;
  let distinctLists = 0;
  let sawEmptyList = false;
  let leafSeen = new Uint8Array(injective ? 4096 : 0);
  // Not injective: (leaf stack, hash of the list) -> first sample with it, checked list by list.
  const lists = injective ? null : new PairMap(1024);
  let collided: Set<string> | null = null;
  let locScratch = new Int32Array(64);
  let locScratch2 = new Int32Array(64);
  const readLocIds = (sample: number): number => {
    const savePos = r.pos;
    const saveEnd = r.end;
    r.pos = sampleSpans[sample * 2]!;
    r.end = sampleSpans[sample * 2 + 1]!;
    let n = 0;
    while (r.pos < r.end) {
      const tag = r.varint();
      const wire = tag & 7;
      if (Math.floor(tag / 8) !== 1) r.skip(wire);
      else if (wire === WIRE_LEN) {
        const e = r.lenEnd();
        const outer = r.end;
        r.end = e;
        while (r.pos < e) {
          if (n === locScratch2.length) locScratch2 = growI32(locScratch2, n + 1);
          locScratch2[n++] = r.uvarint();
        }
        r.end = outer;
      } else {
        if (n === locScratch2.length) locScratch2 = growI32(locScratch2, n + 1);
        locScratch2[n++] = r.uvarint();
      }
    }
    r.pos = savePos;
    r.end = saveEnd;
    return n;
  };

  for (let i = 0; i < sampleCount; i++) {
    if ((i & (PROGRESS_EVERY - 1)) === 0 && i > 0) {
      throwIfAborted(opts.signal);
      opts.onProgress?.(0.1 + (0.9 * sampleSpans[i * 2]!) / bytes.length);
    }
    const spanStart = sampleSpans[i * 2]!;
    r.pos = spanStart;
    r.end = sampleSpans[i * 2 + 1]!;
    let nLocs = 0;
    let nVals = 0;
    labelStart[i] = labelCount;
    while (r.pos < r.end) {
      const at = r.pos;
      const tag = r.varint();
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      if (field === 1) {
        if (wire === WIRE_LEN) {
          const e = r.lenEnd();
          const saveEnd = r.end;
          r.end = e;
          while (r.pos < e) {
            if (nLocs === locScratch.length) locScratch = growI32(locScratch, nLocs + 1);
            locScratch[nLocs++] = r.uvarint();
          }
          r.end = saveEnd;
        } else {
          expectWire(wire, WIRE_VARINT, 'sample.location_id', at);
          if (nLocs === locScratch.length) locScratch = growI32(locScratch, nLocs + 1);
          locScratch[nLocs++] = r.uvarint();
        }
      } else if (field === 2) {
        if (wire === WIRE_LEN) {
          const e = r.lenEnd();
          const saveEnd = r.end;
          r.end = e;
          while (r.pos < e) {
            const v = r.varint();
            if (nVals < nTypes) sampleValues[nVals]![i] = v;
            nVals++;
          }
          r.end = saveEnd;
        } else {
          expectWire(wire, WIRE_VARINT, 'sample.value', at);
          const v = r.varint();
          if (nVals < nTypes) sampleValues[nVals]![i] = v;
          nVals++;
        }
      } else if (field === 3) {
        expectWire(wire, WIRE_LEN, 'sample.label', at);
        const e = r.lenEnd();
        const saveEnd = r.end;
        r.end = e;
        let k = 0;
        let s = 0;
        let n = 0;
        let u = 0;
        while (r.pos < e) {
          const lat = r.pos;
          const ltag = r.varint();
          const lf = Math.floor(ltag / 8);
          const lw = ltag & 7;
          if (lf >= 1 && lf <= 4) {
            expectWire(lw, WIRE_VARINT, 'label field', lat);
            const v = r.varint();
            if (lf === 1) k = v;
            else if (lf === 2) s = v;
            else if (lf === 3) n = v;
            else u = v;
          } else r.skip(lw);
        }
        r.end = saveEnd;
        if (labelCount === labelKey.length) {
          labelKey = growI32(labelKey, labelCount + 1);
          labelStr = growI32(labelStr, labelCount + 1);
          labelNum = growF64(labelNum, labelCount + 1);
          labelUnit = growI32(labelUnit, labelCount + 1);
        }
        labelKey[labelCount] = labelString(k);
        labelStr[labelCount] = s !== 0 ? labelString(s) : -1;
        labelNum[labelCount] = n;
        labelUnit[labelCount] = u !== 0 ? labelString(u) : -1;
        labelCount++;
      } else {
        r.skip(wire);
      }
    }
    if (nVals !== nTypes) {
      r.fail(`sample ${i} has ${nVals} values but the profile has ${nTypes} sample types`, spanStart);
    }
    if (nLocs === 0) {
      if (!sawEmptyList) distinctLists++;
      sawEmptyList = true;
      sampleStack[i] = -1;
      continue;
    }

    // Walk the locations root first (the file stores them leaf first). Once a step creates a node,
    // every later step does too (a new node has no children): append without looking up.
    let s = -1;
    let fresh = false;
    let fl = 0; // drop_frames state: 1 = a kept "user" location seen, 2 = stack already cut
    let h = 0x811c9dc5;
    for (let j = nLocs - 1; j >= 0; j--) {
      const li = locIndexOf(locScratch[j]!, spanStart);
      h = Math.imul(h ^ li, 0x5bd1e995);
      h ^= h >>> 15;
      if (pruning) {
        if (fl & 2) continue;
        const prune = locPrune[li]!;
        if (prune === 0) fl |= 1;
        else if (fl & 1) {
          // Pruned after a user location: a trimmed location keeps its outer lines, then the cut.
          fl |= 2;
          if (prune === 1) continue;
        }
      }
      for (let k = locFrameStart[li]!, e = locFrameStart[li + 1]!; k < e; k++) {
        if (fresh) s = trie.add(s, locFrames[k]!);
        else {
          s = trie.child(s, locFrames[k]!);
          fresh = trie.created;
        }
      }
    }
    sampleStack[i] = s;
    if (injective) {
      if (s >= leafSeen.length) leafSeen = growU8(leafSeen, trie.count);
      if (!leafSeen[s]) {
        leafSeen[s] = 1;
        distinctLists++;
      }
    } else {
      const rep = lists!.getOrAdd(s, h, i);
      if (rep === i) distinctLists++;
      else {
        const n = readLocIds(rep);
        let same = n === nLocs;
        for (let j = 0; same && j < n; j++) same = locScratch2[j] === locScratch[j];
        if (!same) {
          // Same leaf and hash, different list: rare enough for a string key.
          const key = `${s}|${Array.from(locScratch.subarray(0, nLocs)).join(',')}`;
          collided ??= new Set();
          if (!collided.has(key)) {
            collided.add(key);
            distinctLists++;
          }
        }
      }
    }
  }
  r.end = bytes.length;
  labelStart[sampleCount] = labelCount;

  const frames = builder.build();
  const t = trie.finish();
  const stackFrame = t.label;
  const stackPrefix = t.parent;
  const stacks: StackTable = { ...frames, stackFrame, stackPrefix, stackCount: stackFrame.length };
  const labels: PprofLabels = {
    start: labelStart,
    key: labelKey.subarray(0, labelCount),
    str: labelStr.subarray(0, labelCount),
    num: labelNum.subarray(0, labelCount),
    unit: labelUnit.subarray(0, labelCount),
    count: labelCount,
  };
  const model: PprofModel = {
    stacks,
    sampleTypes,
    defaultSampleType,
    sampleCount,
    sampleStack,
    sampleValues,
    labels,
    timeNanos,
    durationNanos,
    period,
    periodType,
    comments,
    mappings: mappings.map((m) => toMapping(m, str)),
    dropFrames,
    keepFrames,
    locationStackCount: distinctLists,
  };

  let clock: SourceClock;
  let startNs = 0;
  let endNs = durationNanos;
  if (timeNanos !== null) {
    clock = { originEpochNs: timeNanos, quality: 'exact', basis: 'pprof time_nanos' };
  } else {
    // The file is written when the profile ends, so the mtime marks its end.
    clock = mtimeClock(opts.mtimeMs, { noFileTime: 'no time_nanos and no file mtime' });
    startNs = -durationNanos;
    endNs = 0;
  }
  opts.onProgress?.(1);
  return { kind: 'pprof', format: 'pprof protobuf', clock, startNs, endNs, partial: false, warnings, model };
}

function readValueType(r: PbReader): [number, number] {
  const e = r.lenEnd();
  const saveEnd = r.end;
  r.end = e;
  let t = 0;
  let u = 0;
  while (r.pos < e) {
    const tag = r.varint();
    const f = Math.floor(tag / 8);
    if ((f === 1 || f === 2) && (tag & 7) === WIRE_VARINT) {
      const v = r.varint();
      if (f === 1) t = v;
      else u = v;
    } else r.skip(tag & 7);
  }
  r.end = saveEnd;
  return [t, u];
}

function readFunction(r: PbReader): [number, RawFunction] {
  const e = r.lenEnd();
  const saveEnd = r.end;
  r.end = e;
  let id = 0;
  const f: RawFunction = { name: 0, systemName: 0, filename: 0, startLine: 0 };
  while (r.pos < e) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    if (field >= 1 && field <= 5 && (tag & 7) === WIRE_VARINT) {
      const v = field === 1 ? r.uvarint() : r.varint();
      if (field === 1) id = v;
      else if (field === 2) f.name = v;
      else if (field === 3) f.systemName = v;
      else if (field === 4) f.filename = v;
      else f.startLine = v;
    } else r.skip(tag & 7);
  }
  r.end = saveEnd;
  return [id, f];
}

function readLocation(r: PbReader): RawLocation {
  const e = r.lenEnd();
  const saveEnd = r.end;
  r.end = e;
  const l: RawLocation = { id: 0, mappingId: 0, address: '', fn: [], line: [] };
  while (r.pos < e) {
    const at = r.pos;
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === WIRE_VARINT) l.id = r.uvarint();
    else if (field === 2 && wire === WIRE_VARINT) l.mappingId = r.uvarint();
    else if (field === 3 && wire === WIRE_VARINT) {
      r.varint64();
      l.address = r.lo === 0 && r.hi === 0 ? '' : r.lastUint64Hex();
    } else if (field === 4) {
      if (wire !== WIRE_LEN) r.fail('location.line is not a message', at);
      const le = r.lenEnd();
      const outer = r.end;
      r.end = le;
      let fn = 0;
      let line = 0;
      while (r.pos < le) {
        const t2 = r.varint();
        const f2 = Math.floor(t2 / 8);
        if ((f2 === 1 || f2 === 2) && (t2 & 7) === WIRE_VARINT) {
          const v = f2 === 1 ? r.uvarint() : r.varint();
          if (f2 === 1) fn = v;
          else line = v;
        } else r.skip(t2 & 7);
      }
      r.end = outer;
      l.fn.push(fn);
      l.line.push(line);
    } else r.skip(wire);
  }
  r.end = saveEnd;
  return l;
}

function readMapping(r: PbReader): RawMapping {
  const e = r.lenEnd();
  const saveEnd = r.end;
  r.end = e;
  const m: RawMapping = { id: 0, memoryStart: 0, memoryLimit: 0, fileOffset: 0, filename: 0, buildId: 0, flags: 0 };
  while (r.pos < e) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    if (field >= 1 && field <= 10 && (tag & 7) === WIRE_VARINT) {
      const v = r.uvarint();
      switch (field) {
        case 1: m.id = v; break;
        case 2: m.memoryStart = v; break;
        case 3: m.memoryLimit = v; break;
        case 4: m.fileOffset = v; break;
        case 5: m.filename = v; break;
        case 6: m.buildId = v; break;
        default: if (v) m.flags |= 1 << (field - 7);
      }
    } else r.skip(tag & 7);
  }
  r.end = saveEnd;
  return m;
}

function toMapping(m: RawMapping, str: (x: number, what: string) => string): PprofMapping {
  return {
    id: m.id,
    memoryStart: m.memoryStart,
    memoryLimit: m.memoryLimit,
    fileOffset: m.fileOffset,
    file: str(m.filename, 'mapping filename'),
    buildId: str(m.buildId, 'mapping build_id'),
    hasFunctions: (m.flags & 1) !== 0,
    hasFilenames: (m.flags & 2) !== 0,
    hasLineNumbers: (m.flags & 4) !== 0,
    hasInlineFrames: (m.flags & 8) !== 0,
  };
}

/** The last path element of a mapping's file (pprof names unsymbolized frames after it). */
export function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** pprof anchors drop/keep patterns: ^(pattern)$. A pattern JS cannot compile is ignored, like pprof. */
export function compileFrameRegex(pattern: string, what: string, warnings: string[]): RegExp | null {
  if (pattern === '') return null;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    warnings.push(`${what} pattern ignored: ${(e as Error).message}`);
    return null;
  }
}

const RESERVED_NAMES = ['(anonymous namespace)', 'operator()'];

/** pprof's simplifyFunc: drop a leading '.', and cut at the first '(' outside reserved names. */
export function simplifyFunc(name: string): string {
  let f = name.startsWith('.') ? name.slice(1) : name;
  for (let i = 0; i < f.length; i++) {
    const reserved = RESERVED_NAMES.find((r) => f.startsWith(r, i));
    if (reserved) {
      i += reserved.length - 1;
      continue;
    }
    if (f.charCodeAt(i) === 40 /* ( */) {
      f = f.slice(0, i);
      break;
    }
  }
  return f;
}
