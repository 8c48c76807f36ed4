/**
 * Frames and stacks, interned, in struct-of-arrays form (as the Firefox Profiler does).
 *
 *   strings:  string[]                    one copy of every function / file name
 *   frames:   func[i] file[i] line[i] inlined[i] module[i]   (indexes into strings)
 *   stacks:   frame[i] prefix[i]           a prefix tree: stack i = stack prefix[i] + frame[i]
 *             prefix = -1 for a root frame (the outermost caller)
 *
 * A StackIndex names a whole call path from root to leaf: two sources that saw the same path get
 * the same index when they share one table, so "this stack" means the same thing everywhere.
 */

import { ensureCapacity } from './column.ts';
import { StringInterner } from './interner.ts';
import { PairMap } from './pair-map.ts';

export type StringIndex = number;
export type FrameIndex = number;
export type StackIndex = number;

/** A frame as parsers hand it over, before interning. */
export interface FrameInput {
  func: string;
  file: string;
  line: number;
  /** True when this frame was inlined into its caller (pprof: not the last line of a location). */
  inlined?: boolean;
  /** The binary or library the code is in (pprof: the location's mapping file), '' when unknown. */
  module?: string;
}

/** The read-only view of an interned table (what queries consume). */
export interface StackTable {
  readonly strings: readonly string[];
  readonly frameFunc: Int32Array;
  readonly frameFile: Int32Array;
  readonly frameLine: Int32Array;
  readonly frameInlined: Uint8Array;
  /**
   * Per frame: its module (pprof mapping file; string index, '' when unknown). pprof's filters match
   * it too (`-focus=myapp` selects the samples in that binary). Absent in tables built without one.
   */
  readonly frameModule?: Int32Array;
  readonly frameCount: number;
  readonly stackFrame: Int32Array;
  readonly stackPrefix: Int32Array;
  readonly stackCount: number;
}

/** Builds a StackTable incrementally; interning is O(1) per frame and per stack step. */
export class StackTableBuilder {
  private strings = new StringInterner();
  private frameFunc: Int32Array<ArrayBufferLike> = new Int32Array(1024);
  private frameFile: Int32Array<ArrayBufferLike> = new Int32Array(1024);
  private frameLine: Int32Array<ArrayBufferLike> = new Int32Array(1024);
  private frameInlined: Uint8Array<ArrayBufferLike> = new Uint8Array(1024);
  private frameModule: Int32Array<ArrayBufferLike> = new Int32Array(1024);
  private frameCount = 0;
  private frameIndex = new Map<string, FrameIndex>();
  private stackFrame: Int32Array<ArrayBufferLike> = new Int32Array(4096);
  private stackPrefix: Int32Array<ArrayBufferLike> = new Int32Array(4096);
  private stackCount = 0;
  /** (prefix, frame) -> stack, on typed arrays (millions of stack nodes in big profiles). */
  private stackIndex = new PairMap(4096);

  internString(s: string): StringIndex {
    return this.strings.intern(s);
  }

  internFrame(f: FrameInput): FrameIndex {
    const func = this.internString(f.func);
    const file = this.internString(f.file);
    const inl = f.inlined ? 1 : 0;
    const module = this.internString(f.module ?? '');
    const key = `${func}|${file}|${f.line}|${inl}|${module}`;
    let i = this.frameIndex.get(key);
    if (i === undefined) {
      i = this.frameCount++;
      this.frameFunc = ensureCapacity(this.frameFunc, this.frameCount);
      this.frameFile = ensureCapacity(this.frameFile, this.frameCount);
      this.frameLine = ensureCapacity(this.frameLine, this.frameCount);
      this.frameInlined = ensureCapacity(this.frameInlined, this.frameCount);
      this.frameModule = ensureCapacity(this.frameModule, this.frameCount);
      this.frameModule[i] = module;
      this.frameFunc[i] = func;
      this.frameFile[i] = file;
      this.frameLine[i] = f.line;
      this.frameInlined[i] = inl;
      this.frameIndex.set(key, i);
    }
    return i;
  }

  /** The stack that is `prefix` followed by `frame` (prefix -1 = root). */
  internStackStep(prefix: StackIndex, frame: FrameIndex): StackIndex {
    const next = this.stackCount;
    const s = this.stackIndex.getOrAdd(prefix, frame, next);
    if (s === next) {
      this.stackCount++;
      this.stackFrame = ensureCapacity(this.stackFrame, this.stackCount);
      this.stackPrefix = ensureCapacity(this.stackPrefix, this.stackCount);
      this.stackFrame[s] = frame;
      this.stackPrefix[s] = prefix;
    }
    return s;
  }

  /** Interns frames ordered ROOT FIRST (outermost caller first, leaf last); returns -1 for []. */
  internStack(framesRootFirst: readonly FrameIndex[]): StackIndex {
    let s = -1;
    for (const f of framesRootFirst) s = this.internStackStep(s, f);
    return s;
  }

  build(): StackTable {
    return {
      strings: this.strings.list,
      frameFunc: this.frameFunc.subarray(0, this.frameCount),
      frameFile: this.frameFile.subarray(0, this.frameCount),
      frameLine: this.frameLine.subarray(0, this.frameCount),
      frameInlined: this.frameInlined.subarray(0, this.frameCount),
      frameModule: this.frameModule.subarray(0, this.frameCount),
      frameCount: this.frameCount,
      stackFrame: this.stackFrame.subarray(0, this.stackCount),
      stackPrefix: this.stackPrefix.subarray(0, this.stackCount),
      stackCount: this.stackCount,
    };
  }
}

/** Frames of a stack, LEAF FIRST (as Go prints them). */
export function stackFramesLeafFirst(t: StackTable, stack: StackIndex): FrameIndex[] {
  const out: FrameIndex[] = [];
  for (let s = stack; s >= 0; s = t.stackPrefix[s]!) out.push(t.stackFrame[s]!);
  return out;
}

export function frameFuncName(t: StackTable, frame: FrameIndex): string {
  return t.strings[t.frameFunc[frame]!]!;
}
