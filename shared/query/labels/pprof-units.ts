/**
 * pprof's measurement units, as its label filters and label frames use them: `Scale(value, from,
 * to)` converts between units of one kind (bytes, time) and `scaledLabel` prints a value the way
 * pprof names it (`1.50kB`, `1024`). Written from pprof's documented behaviour (internal/measurement):
 * a unit is found by alias, lower-cased, a plural "s" dropped from aliases longer than two letters.
 */

interface Unit {
  name: string;
  aliases: readonly string[];
  factor: number;
}

interface UnitKind {
  units: readonly Unit[];
  fallback: Unit;
}

const KINDS: readonly UnitKind[] = [
  {
    units: [
      { name: 'B', aliases: ['b', 'byte'], factor: 1 },
      { name: 'kB', aliases: ['kb', 'kbyte', 'kilobyte'], factor: 2 ** 10 },
      { name: 'MB', aliases: ['mb', 'mbyte', 'megabyte'], factor: 2 ** 20 },
      { name: 'GB', aliases: ['gb', 'gbyte', 'gigabyte'], factor: 2 ** 30 },
      { name: 'TB', aliases: ['tb', 'tbyte', 'terabyte'], factor: 2 ** 40 },
      { name: 'PB', aliases: ['pb', 'pbyte', 'petabyte'], factor: 2 ** 50 },
    ],
    fallback: { name: 'B', aliases: ['b', 'byte'], factor: 1 },
  },
  {
    units: [
      { name: 'ns', aliases: ['ns', 'nanosecond'], factor: 1 },
      { name: 'us', aliases: ['μs', 'us', 'microsecond'], factor: 1e3 },
      { name: 'ms', aliases: ['ms', 'millisecond'], factor: 1e6 },
      { name: 's', aliases: ['s', 'sec', 'second'], factor: 1e9 },
      { name: 'hrs', aliases: ['hour', 'hr'], factor: 3600e9 },
    ],
    fallback: { name: 's', aliases: [], factor: 1e9 },
  },
  {
    units: [
      { name: 'n*GCU', aliases: ['nanogcu'], factor: 1e-9 },
      { name: 'u*GCU', aliases: ['microgcu'], factor: 1e-6 },
      { name: 'm*GCU', aliases: ['milligcu'], factor: 1e-3 },
      { name: 'GCU', aliases: ['gcu'], factor: 1 },
      { name: 'k*GCU', aliases: ['kilogcu'], factor: 1e3 },
      { name: 'M*GCU', aliases: ['megagcu'], factor: 1e6 },
      { name: 'G*GCU', aliases: ['gigagcu'], factor: 1e9 },
      { name: 'T*GCU', aliases: ['teragcu'], factor: 1e12 },
      { name: 'P*GCU', aliases: ['petagcu'], factor: 1e15 },
    ],
    fallback: { name: 'GCU', aliases: [], factor: 1 },
  },
];

function sniff(kind: UnitKind, unit: string): Unit | undefined {
  let u = unit.toLowerCase();
  if (u.length > 2 && u.endsWith('s')) u = u.slice(0, -1);
  return kind.units.find((x) => x.aliases.includes(u));
}

/** The largest unit of the kind in which `v` (in base units) is at least 1. */
function autoScale(kind: UnitKind, v: number): [number, string] | null {
  let f = 0;
  let name = '';
  for (const u of kind.units) {
    if (u.factor >= f && v / u.factor >= 1) {
      f = u.factor;
      name = u.name;
    }
  }
  return f === 0 ? null : [v / f, name];
}

/**
 * `value` in `fromUnit` expressed in `toUnit` ("minimum"/"auto": the largest fitting unit), with the
 * unit's canonical name. Units pprof does not know pass through unchanged.
 */
export function scaleValue(value: number, fromUnit: string, toUnit: string): [number, string] {
  if (value < 0) {
    const [v, u] = scaleValue(-value, fromUnit, toUnit);
    return [-v, u];
  }
  for (const kind of KINDS) {
    const from = sniff(kind, fromUnit);
    if (!from) continue;
    const v = value * from.factor;
    if (toUnit === 'minimum' || toUnit === 'auto') return autoScale(kind, v) ?? [v / kind.fallback.factor, kind.fallback.name];
    const to = sniff(kind, toUnit);
    return to ? [v / to.factor, to.name] : [v / kind.fallback.factor, kind.fallback.name];
  }
  return ['count', 'sample', 'unit', 'minimum', 'auto'].includes(toUnit) ? [value, ''] : [value, toUnit];
}

/** A value as pprof labels it: two decimals, ".00" dropped, a bare 0. */
export function scaledLabel(value: number, fromUnit: string, toUnit: string): string {
  const [v, u] = scaleValue(value, fromUnit, toUnit);
  const s = v.toFixed(2).replace(/\.00$/, '');
  return s === '0' || s === '-0' ? '0' : s + u;
}
