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

/**
 * JSON.parse without a reviver, then one walk that turns `{ __typed, data }` objects into typed
 * arrays. A reviver costs a call per value of the whole answer (most of them the numbers inside
 * typed-array data); on a big trace's answers that was tens of ms of the page thread per answer.
 */
export function fromWire<T = unknown>(text: string): T {
  return revive(JSON.parse(text)) as T;
}

function revive(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (x !== null && typeof x === 'object') v[i] = revive(x);
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  if (Object.hasOwn(o, '__typed')) return typedFrom(o);
  for (const k of Object.keys(o)) {
    const x = o[k];
    if (x !== null && typeof x === 'object') o[k] = revive(x);
  }
  return o;
}

function typedFrom(t: Record<string, unknown>): ArrayBufferView {
  const name = t.__typed;
  if (typeof name !== 'string' || !Object.hasOwn(TYPED, name)) throw new WireError(`unknown typed array ${String(name).slice(0, 40)}`);
  const data = t.data;
  if (!Array.isArray(data)) throw new WireError(`${name} data must be an array of numbers`);
  const out = new TYPED[name as TypedName](data.length);
  for (let i = 0; i < data.length; i++) {
    const x: unknown = data[i];
    // JSON writes NaN and ±Infinity as null: they come back as NaN (0 in integer arrays), as IPC would keep NaN.
    if (typeof x === 'number') out[i] = x;
    else if (x === null) out[i] = Number.NaN;
    else throw new WireError(`${name} data must be an array of numbers`);
  }
  return out;
}
