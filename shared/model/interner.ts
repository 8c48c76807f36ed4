/**
 * The one string interner of the model builders: each distinct string gets the next index, and the
 * model keeps `list` as its string table (index → string). Parsers that can avoid decoding text at
 * all intern raw bytes first (shared/ingest/ss/byte-interner.ts) and hand the decoded text here.
 */
export class StringInterner {
  /** Index → string; share it as the model's table (it only grows). */
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  // The last string interned: event streams repeat the same (identical) string object in runs.
  private last: string | undefined = undefined;
  private lastIndex = -1;

  /** Starts with `first` at indexes 0, 1, … (a repeated entry keeps its first index; the list keeps both). */
  constructor(first: readonly string[] = []) {
    for (const s of first) {
      if (!this.index.has(s)) this.index.set(s, this.list.length);
      this.list.push(s);
    }
  }

  /** The index of s, added at the end when new. */
  intern(s: string): number {
    if (s === this.last) return this.lastIndex;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    this.last = s;
    this.lastIndex = i;
    return i;
  }

  /** The index of s, or undefined when it was never interned. */
  find(s: string): number | undefined {
    return this.index.get(s);
  }

  /** Number of entries in `list`. */
  get size(): number {
    return this.list.length;
  }

  /** This table's index of each of other's entries (interning the new ones): merges two tables. */
  remap(other: readonly string[]): Int32Array {
    const out = new Int32Array(other.length);
    for (let i = 0; i < other.length; i++) out[i] = this.intern(other[i]!);
    return out;
  }
}
