/**
 * Small pieces both dump formats share: the line reader (byte offsets, CRLF), the one-warning
 * collector for unknown lines, string interning, progress/abort ticks and the goroutine columns.
 */
import { Column } from '../../model/column.ts';
import { throwIfAborted, type ParseOptions } from '../errors.ts';
import type { GoroutineTable } from '../../model/goroutines.ts';

/** How many unrecognised lines are quoted in a warning. */
const MAX_QUOTED = 3;

/** Lines of the input with their byte offsets (the decoder never turns other bytes into '\n'). */
export class Lines {
  readonly text: string;
  private charPos = 0;
  private bytePos = 0;
  /** Byte offset of the line last returned. */
  offset = 0;
  /** False when the line last returned was not ended by '\n' (the input stops mid-line). */
  terminated = true;

  constructor(private readonly bytes: Uint8Array) {
    this.text = new TextDecoder('utf-8').decode(bytes);
  }

  get bytesRead(): number {
    return this.bytePos;
  }

  next(): string | null {
    if (this.charPos >= this.text.length) return null;
    this.offset = this.bytePos;
    const nl = this.text.indexOf('\n', this.charPos);
    let line: string;
    if (nl < 0) {
      line = this.text.slice(this.charPos);
      this.charPos = this.text.length;
      this.bytePos = this.bytes.length;
      this.terminated = false;
    } else {
      line = this.text.slice(this.charPos, nl);
      this.charPos = nl + 1;
      const b = this.bytes.indexOf(10, this.bytePos);
      this.bytePos = b < 0 ? this.bytes.length : b + 1;
    }
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}

/** Collects unrecognised lines into one warning instead of one per line. */
export class SkippedLines {
  count = 0;
  private quoted: string[] = [];
  add(line: string, offset: number): void {
    this.count++;
    if (this.quoted.length < MAX_QUOTED) this.quoted.push(`${JSON.stringify(line.slice(0, 80))} at byte ${offset}`);
  }
  warning(where: string): string | null {
    if (this.count === 0) return null;
    return `${this.count} unrecognised line(s) ${where} skipped, e.g. ${this.quoted.join('; ')}`;
  }
}


export interface Progress {
  tick(lines: Lines): void;
}

export function progressReporter(opts: ParseOptions, total: number): Progress {
  let linesSeen = 0;
  let nextReport = 1 << 20;
  return {
    tick(lines) {
      if ((++linesSeen & 4095) === 0) throwIfAborted(opts.signal);
      if (opts.onProgress && lines.bytesRead >= nextReport) {
        nextReport = lines.bytesRead + (1 << 20);
        opts.onProgress(total === 0 ? 1 : lines.bytesRead / total);
      }
    },
  };
}

/** Column builder for the goroutine table (sizes unknown up front). */
export class GoroutineColumns {
  id = new Column(Float64Array);
  state = new Column(Int32Array);
  waitMinutes = new Column(Float64Array);
  flags = new Column(Uint8Array);
  stack = new Column(Int32Array);
  creatorId = new Column(Float64Array);
  createdByFrame = new Column(Int32Array);
  labels = new Column(Int32Array);

  table(groupOf: number[]): GoroutineTable {
    return {
      count: this.id.length,
      id: this.id.trimmed(),
      state: this.state.trimmed(),
      waitMinutes: this.waitMinutes.trimmed(),
      flags: this.flags.trimmed(),
      stack: this.stack.trimmed(),
      creatorId: this.creatorId.trimmed(),
      createdByFrame: this.createdByFrame.trimmed(),
      labels: this.labels.trimmed(),
      group: Int32Array.from(groupOf),
    };
  }
}

/** `file:line` of a location; line 0 when unparsable. */
export function splitFileLine(s: string): { file: string; line: number } {
  const colon = s.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(s.slice(colon + 1))) return { file: s.slice(0, colon), line: Number(s.slice(colon + 1)) };
  return { file: s, line: 0 };
}
