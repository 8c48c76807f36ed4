/**
 * A sequential, synchronous pull source of bytes: how a parser reads a file too big to hold as one
 * buffer. The host backs it with a file (read in chunks on the engine's own thread); tests back it
 * with an in-memory buffer handed out in pieces of any size, to prove a parser's result does not
 * depend on where the chunks end.
 */
export interface ByteSource {
  /** Total size in bytes when known (for progress and messages), else null. */
  readonly size: number | null;
  /** Copies the next bytes into `into` (at most its length); returns how many, 0 at the end. */
  read(into: Uint8Array): number;
  /** Set when every byte is already in memory: readers then use it in place instead of copying. */
  readonly whole?: Uint8Array;
}

/** A ByteSource over bytes already in memory; `chunk` caps each read (and disables `whole`). */
export function bytesSource(bytes: Uint8Array, chunk?: number): ByteSource {
  let pos = 0;
  const cap = chunk ?? Infinity;
  return {
    size: bytes.length,
    whole: chunk === undefined ? bytes : undefined,
    read(into: Uint8Array): number {
      const n = Math.min(into.length, bytes.length - pos, cap);
      into.set(bytes.subarray(pos, pos + n));
      pos += n;
      return n;
    },
  };
}

/** The largest window: the largest typed array Node's V8 makes (4 GiB). */
export const MAX_WINDOW = 2 ** 32;

/** Bytes read from a source per call: small enough that moving the read-ahead is cheap. */
const READ_CHUNK = 4 << 20;

/**
 * A sliding window over a ByteSource: `buf[0 .. len)` holds the file's bytes from offset `base`.
 * A reader asks for positions (relative to `base`) with ensure(); what it has finished with it drops
 * with discard(). Memory is what the reader keeps at once (for a trace: one generation), never the
 * file. Over an in-memory source the window is that buffer itself, and discard() keeps it.
 */
export class ByteWindow {
  buf: Uint8Array;
  len: number;
  /** File offset of buf[0]. */
  base = 0;
  /** The source has no more bytes. */
  eof: boolean;
  private readonly src: ByteSource | null;

  constructor(src: ByteSource) {
    if (src.whole) {
      this.buf = src.whole;
      this.len = src.whole.length;
      this.eof = true;
      this.src = null;
    } else {
      this.buf = new Uint8Array(READ_CHUNK);
      this.len = 0;
      this.eof = false;
      this.src = src;
    }
  }

  /** Total size when known, else the bytes seen so far. */
  get size(): number {
    return this.src?.size ?? (this.src === null ? this.len : this.base + this.len);
  }

  /** Reads until positions [0, end) are in `buf` or the source ends (then len < end). */
  ensure(end: number): void {
    const src = this.src;
    if (src === null) return;
    while (this.len < end && !this.eof) {
      if (this.len === this.buf.length) {
        if (this.len >= MAX_WINDOW) return; // the largest array there is: the reader sees len < end
        const next = new Uint8Array(Math.min(MAX_WINDOW, Math.max(this.buf.length * 2, end)));
        next.set(this.buf.subarray(0, this.len));
        this.buf = next;
      }
      const n = src.read(this.buf.subarray(this.len, Math.min(this.buf.length, this.len + READ_CHUNK)));
      if (n === 0) this.eof = true;
      this.len += n;
    }
  }

  /** Forgets positions before `pos`; what followed is then at pos 0 (and `base` moves by `pos`). */
  discard(pos: number): void {
    if (this.src === null || pos <= 0) return;
    this.buf.copyWithin(0, pos, this.len);
    this.len -= pos;
    this.base += pos;
  }
}
