/**
 * JSON with typed arrays: query results carry Float64Array/Int32Array/Uint32Array columns, which plain
 * JSON would turn into objects. Used by the browser-mode transport (Electron IPC clones them natively).
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
      const t = v as { __typed: TypedName; data: number[] };
      const Ctor = TYPED[t.__typed];
      if (Ctor) return Ctor.from(t.data);
    }
    return v;
  }) as T;
}
