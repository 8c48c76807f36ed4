/**
 * Interns byte ranges without first making a JS string of them: a socket capture repeats the same
 * few addresses and names millions of times, and a string per field would dominate the parse.
 * Open addressing on an FNV-1a hash; each entry keeps a copy of its bytes to confirm a match.
 */
const decoder = new TextDecoder('utf-8');

export class ByteInterner {
  /** The decoded text of each entry. */
  readonly texts: string[] = [];
  /** A caller-chosen value per entry (e.g. an index into another table). */
  readonly values: number[] = [];
  private keys: Uint8Array[] = [];
  private hashes: number[] = [];
  private slots = new Int32Array(256).fill(-1);

  get size(): number {
    return this.texts.length;
  }

  /** The entry find() returned last: input repeats the same word row after row. */
  private last = -1;

  /** Entry index of bytes[start, end), or -1. */
  find(b: Uint8Array, start: number, end: number): number {
    const last = this.last;
    if (last >= 0 && sameBytes(this.keys[last]!, b, start, end)) return last;
    const h = hashBytes(b, start, end);
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.slots[i]!;
      if (e < 0) return -1;
      if (this.hashes[e] === h && sameBytes(this.keys[e]!, b, start, end)) return (this.last = e);
    }
  }

  /** Entry index of bytes[start, end), adding it (with `makeValue(text)`) when new. */
  intern(b: Uint8Array, start: number, end: number, makeValue: (text: string) => number): number {
    const h = hashBytes(b, start, end);
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const e = this.slots[i]!;
      if (e < 0) break;
      if (this.hashes[e] === h && sameBytes(this.keys[e]!, b, start, end)) return e;
    }
    const key = b.slice(start, end);
    return this.add(key, h, i, makeValue(decoder.decode(key)));
  }

  /** Adds a string key with a value (used to pre-seed known words). Returns the entry index. */
  seed(text: string, value: number): number {
    const key = new TextEncoder().encode(text);
    const found = this.find(key, 0, key.length);
    if (found >= 0) return found;
    const h = hashBytes(key, 0, key.length);
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i]! >= 0) i = (i + 1) & mask;
    return this.add(key, h, i, value);
  }

  private add(key: Uint8Array, h: number, slot: number, value: number): number {
    const e = this.texts.length;
    this.texts.push(decoder.decode(key));
    this.values.push(value);
    this.keys.push(key);
    this.hashes.push(h);
    this.slots[slot] = e;
    if (this.texts.length * 2 > this.slots.length) this.rehash();
    return e;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let e = 0; e < this.hashes.length; e++) {
      let i = this.hashes[e]! & mask;
      while (slots[i]! >= 0) i = (i + 1) & mask;
      slots[i] = e;
    }
    this.slots = slots;
  }
}

function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  // 30 bits: a small integer (Smi) even under pointer compression, so returning it never allocates.
  return h & 0x3fffffff;
}

function sameBytes(key: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  // From the end: addresses and ports sharing a prefix differ there.
  for (let i = key.length - 1; i >= 0; i--) if (key[i] !== b[start + i]) return false;
  return true;
}
