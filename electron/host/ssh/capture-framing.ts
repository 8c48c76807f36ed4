/**
 * The collector owns the capture's `###` framing: remote output must never be able to write a line
 * the ss parser reads as a header (`### ss-snapshot …` would invent a snapshot with a chosen time and
 * host). Every line of remote output that starts with `#` is written with a leading `\`, so the
 * parser skips it as an unreadable line (and says so) instead of obeying it. `ss` itself never
 * prints a line starting with `#`; the escape keeps the bytes, so nothing received is lost.
 */

const NL = 0x0a;
const HASH = 0x23;
const ESCAPE = Buffer.from('\\');

/** Escapes `#`-led lines of one command's output, chunk by chunk (a line may span chunks). */
export class RemoteOutputEscaper {
  /** True when the next byte starts a line. */
  private atLineStart = true;

  /** Starts a new command's output (it begins on a fresh line in the capture). */
  reset(): void {
    this.atLineStart = true;
  }

  /** The chunk as it goes into the capture: unchanged unless a line in it starts with `#`. */
  escape(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    let parts: Buffer[] | null = null;
    let from = 0;
    let lineStart = this.atLineStart ? 0 : -1;
    for (;;) {
      if (lineStart >= 0 && lineStart < chunk.length && chunk[lineStart] === HASH) {
        parts ??= [];
        parts.push(chunk.subarray(from, lineStart), ESCAPE);
        from = lineStart;
      }
      const nl = chunk.indexOf(NL, lineStart < 0 ? 0 : lineStart);
      if (nl < 0) break;
      lineStart = nl + 1;
    }
    this.atLineStart = chunk[chunk.length - 1] === NL;
    if (!parts) return chunk;
    parts.push(chunk.subarray(from));
    return Buffer.concat(parts);
  }
}
