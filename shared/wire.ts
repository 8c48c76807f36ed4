/**
 * JSON with typed arrays: query results carry Float64Array/Int32Array/Uint32Array columns, which plain
 * JSON would turn into objects. Used by the browser-mode transport (Electron IPC clones them natively).
 *
 * `fromWire` reads text from the page, so a typed array is only built from a real JSON array of
 * numbers: its length is then bounded by the text's size (an array-like `{"length": 2e8}` would
 * otherwise allocate and fill 1.6 GB from a 62-byte body).
 */
const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
} as const;
type TypedName = keyof typeof TYPED;

export class WireError extends Error {}

export function toWire(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const name = v.constructor.name as TypedName;
      if (name in TYPED) return { __typed: name, data: Array.from(v as unknown as ArrayLike<number>) };
    }
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

export function fromWire<T = unknown>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v && typeof v === 'object' && '__typed' in v) {
      const t = v as { __typed: unknown; data: unknown };
      if (typeof t.__typed !== 'string' || !Object.hasOwn(TYPED, t.__typed)) throw new WireError(`unknown typed array ${String(t.__typed).slice(0, 40)}`);
      if (!Array.isArray(t.data)) throw new WireError(`${t.__typed} data must be an array of numbers`);
      // JSON writes NaN and ±Infinity as null: they come back as NaN (0 in integer arrays), as IPC would keep NaN.
      for (const x of t.data) if (typeof x !== 'number' && x !== null) throw new WireError(`${t.__typed} data must be an array of numbers`);
      return TYPED[t.__typed as TypedName].from((t.data as (number | null)[]).map((x) => (x === null ? Number.NaN : x)));
    }
    return v;
  }) as T;
}
