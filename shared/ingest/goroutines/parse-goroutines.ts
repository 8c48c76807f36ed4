/**
 * Goroutine text dumps → GoroutineDumpModel: the entry point. Two formats, one reader each
 * (Go's runtime/pprof and runtime/traceback.go print them; they are meant for humans, so the
 * readers are tolerant: unknown lines become one warning, never a failure):
 *
 *   debug=1   `goroutine profile: total N` then counted stacks        → debug1.ts
 *   debug=2   `goroutine N [state]:` blocks, from pprof or a crash      → debug2.ts
 *             (panic: / fatal error: / SIGQUIT: text before them becomes `panic`)
 */
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import type { ParsedSource } from '../../model/source.ts';
import { mtimeClock } from '../mtime-clock.ts';
import { Lines, progressReporter } from './text-lines.ts';
import { DEBUG1_HEADER, parseDebug1, type PartResult } from './debug1.ts';
import { CRASH_START, headerIn, parseDebug2 } from './debug2.ts';

export type ParsedGoroutineDump = Extract<ParsedSource, { kind: 'goroutine-dump' }>;

/** Parses a goroutine text dump (debug=1 or debug=2 / panic / SIGQUIT output), also inside other text. */
export function parseGoroutineDump(bytes: Uint8Array, opts: ParseOptions = {}): ParsedGoroutineDump {
  throwIfAborted(opts.signal);
  if (bytes.length === 0) throw new IngestError('empty input: not a goroutine dump', 0);
  const nul = bytes.subarray(0, 4096).indexOf(0);
  if (nul >= 0) throw new IngestError('binary data (NUL byte): not a goroutine text dump', nul);

  const lines = new Lines(bytes);
  const progress = progressReporter(opts, bytes.length);
  const preamble: string[] = [];
  let line: string | null;
  // Find which format this is: the first debug=1 or debug=2 header decides.
  while ((line = lines.next()) !== null) {
    progress.tick(lines);
    if (DEBUG1_HEADER.test(line)) {
      const result = parseDebug1(lines, line, progress);
      return finish(result, opts, 1, preamble);
    }
    const content = line.trim();
    const header = lines.terminated ? headerIn(content) : null;
    if (header !== null) {
      const result = parseDebug2(lines, header, preamble, progress);
      return finish(result, opts, 2, result.before);
    }
    preamble.push(line);
    // Garbage with no header in the first few MiB is not a dump; stop reading it.
    if (lines.bytesRead > 8 << 20) break;
  }
  const firstText = preamble.find((l) => l.trim() !== '');
  if (firstText === undefined) throw new IngestError('empty input: only blank lines, not a goroutine dump', 0);
  throw new IngestError(
    'not a goroutine dump: no "goroutine profile: total N" header and no "goroutine N [state]:" block found',
    0,
  );
}

/** Adds the crash message (from the text before the goroutines), the clock and the format. */
function finish(r: PartResult, opts: ParseOptions, debug: 1 | 2, before: string[]): ParsedGoroutineDump {
  const warnings = r.warnings;
  let panic: string | null = null;
  const start = before.findIndex((l) => CRASH_START.test(l));
  if (debug === 2 && start >= 0) {
    // Indented with the dump (test output): drop the crash line's own indentation from every line.
    const indent = /^\s*/.exec(before[start]!)![0];
    const text = before.slice(start).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
    while (text.length > 0 && text[text.length - 1]!.trim() === '') text.pop();
    panic = text.join('\n');
    const skipped = before.slice(0, start).filter((l) => l.trim() !== '').length;
    if (skipped > 0) warnings.unshift(`${skipped} line(s) before the crash message skipped`);
  } else {
    const junk = before.filter((l) => l.trim() !== '').length;
    if (junk > 0) warnings.unshift(`${junk} line(s) before the first goroutine skipped`);
  }
  opts.onProgress?.(1);
  return {
    kind: 'goroutine-dump',
    format: debug === 1 ? 'goroutine debug=1' : 'goroutine debug=2',
    clock: mtimeClock(opts.mtimeMs, { noFileTime: 'no timestamp in dump, no file mtime' }),
    startNs: 0,
    endNs: 0,
    partial: r.partial,
    warnings,
    model: { ...r.model, panic },
  };
}
