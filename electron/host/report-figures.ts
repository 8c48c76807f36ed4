/**
 * A source's `inspect` figures as report.md shows them: a two-column table in human units (times on
 * the wall clock, durations in s/ms/µs, sizes in KiB/MiB, counts with separators, profile totals in
 * their sample type's unit) and the top list as a table — never raw nanoseconds or JSON fragments.
 * Pure: the wording lives here, the bundle (bundle.ts) only places it.
 */
import { bytes, dur } from '../../shared/query/findings/format.ts';
import { formatWallClock } from '../../shared/wall-clock.ts';

/**
 * Text from files someone else made goes in as text, never as markdown: line breaks and control
 * characters become spaces, markdown's punctuation is escaped (shared with bundle.ts).
 */
export const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
export const mdEscape = (s: string) => oneLine(s).replace(/([\\`*_[\]|<>])/g, '\\$1');

type Figures = Record<string, unknown>;
type Unit = 'nanoseconds' | 'bytes' | 'count';

/** Labels for the figures the parsers report; others get their camelCase split into words. */
const LABELS: Record<string, string> = {
  sampleTypes: 'sample types',
  defaultSampleType: 'default sample type',
  sampleCount: 'samples',
  stackCount: 'distinct stacks',
  timeNanos: 'profile time',
  durationNanos: 'profile duration',
  durationNs: 'duration',
  startNs: 'first snapshot',
  endNs: 'last snapshot',
  first: 'sockets at the first snapshot',
  last: 'sockets at the last snapshot',
  topPeers: 'top peers',
  goVersion: 'Go version',
  gcCount: 'GC cycles',
  procs: 'Ps (GOMAXPROCS)',
  cpuSamples: 'CPU samples',
  blockingNs: 'time blocked, by kind',
  goParsedEvents: 'events parsed by Go',
  goParseFailed: 'Go failed to parse it',
};

/** Epoch-nanosecond figures: shown on the wall clock; 0 means the file did not record one. */
const EPOCH_KEYS = new Set(['timeNanos', 'startNs', 'endNs']);

export function figureLabel(key: string): string {
  return LABELS[key] ?? key.replace(/(Ns|Nanos)$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

const count = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : String(Number(n.toPrecision(6))));

function unitOf(u: unknown): Unit {
  return u === 'nanoseconds' || u === 'bytes' ? u : 'count';
}

/** A value in a pprof sample type's unit. */
export function inUnit(v: number, unit: Unit): string {
  if (unit === 'nanoseconds') return dur(v);
  if (unit === 'bytes') return bytes(v);
  return count(v);
}

/** The pprof sample types' units by name (`delay` → nanoseconds), from the figures' `sampleTypes`. */
function sampleUnits(figures: Figures): Map<string, Unit> {
  const out = new Map<string, Unit>();
  if (Array.isArray(figures.sampleTypes)) {
    for (const t of figures.sampleTypes as { type?: unknown; unit?: unknown }[]) if (typeof t?.type === 'string') out.set(t.type, unitOf(t.unit));
  }
  return out;
}

const isCountMap = (v: object): v is Record<string, number> => Object.values(v).every((x) => typeof x === 'number');

/** `{select: 145, 'IO wait': 2}` → `select 145, IO wait 2` (largest first), each value by `fmt`. */
function countMap(v: Record<string, number>, fmt: (n: number) => string): string {
  const entries = Object.entries(v).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, n]) => `${mdEscape(k)} ${fmt(n)}`).join(', ') : 'none';
}

function epochText(v: unknown, tz: string): string | null {
  const s = typeof v === 'number' ? BigInt(Math.round(v)).toString() : typeof v === 'string' && /^\d+$/.test(v) ? v : null;
  if (s === null) return null;
  if (BigInt(s) === 0n) return 'not recorded';
  // Below 1e17 ns (1973) a value is not an epoch time but a duration: let the caller say so.
  return BigInt(s) > 100_000_000_000_000_000n ? formatWallClock(s, tz) : null;
}

/** One figure's value in words and units. */
export function figureText(key: string, v: unknown, figures: Figures, tz: string): string {
  if (v === null || v === undefined) return '—';
  if (EPOCH_KEYS.has(key)) {
    const t = epochText(v, tz);
    if (t) return t;
  }
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') {
    if (/(Ns|Nanos)$/.test(key)) return v === 0 && key === 'durationNanos' ? 'not recorded' : dur(v);
    return count(v);
  }
  if (typeof v !== 'object') return mdEscape(String(v));
  if (key === 'sampleTypes' && Array.isArray(v)) {
    return v.map((t: { type?: unknown; unit?: unknown }) => `${mdEscape(String(t?.type))} (${mdEscape(String(t?.unit))})`).join(', ') || 'none';
  }
  if (key === 'totals' && isCountMap(v)) {
    const units = sampleUnits(figures);
    const parts = Object.entries(v).map(([k, n]) => `${mdEscape(k)} ${inUnit(n, units.get(k) ?? 'count')}`);
    return parts.join(', ') || 'none';
  }
  if (/(Ns|Nanos)$/.test(key) && isCountMap(v)) return countMap(v, dur);
  if (key === 'topPeers') {
    // {state: [{peer, count}]}: the states with peers, each peer with its socket count.
    const parts = Object.entries(v as Record<string, { peer?: unknown; count?: unknown }[]>)
      .filter(([, peers]) => Array.isArray(peers) && peers.length > 0)
      .map(([state, peers]) => `${mdEscape(state)}: ${peers.map((p) => `${mdEscape(String(p.peer))} (${count(Number(p.count))})`).join(', ')}`);
    return parts.join('; ') || 'none';
  }
  if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'object' && x !== null ? flatObject(x) : mdEscape(String(x)))).join('; ') : 'none';
  if (isCountMap(v)) return countMap(v, count);
  return flatObject(v);
}

/** Any other object: `key value` pairs, nested parts in brackets (still text, never JSON). */
function flatObject(v: object): string {
  const parts = Object.entries(v).map(([k, x]) => `${mdEscape(figureLabel(k))} ${x !== null && typeof x === 'object' ? `(${flatObject(x)})` : typeof x === 'number' ? count(x) : mdEscape(String(x))}`);
  return parts.join(', ') || 'none';
}

/** Column headings and cell wording of a `top` list: flat/cum in the profile's default unit. */
function topCell(col: string, v: unknown, unit: Unit): string {
  if (typeof v === 'number') return col === 'flat' || col === 'cum' ? inUnit(v, unit) : count(v);
  return v === null || v === undefined ? '—' : mdEscape(String(v));
}

/** The figures as report.md lines: a `Figure | Value` table, then the top 5 as a table. */
export function figuresMarkdown(figures: Figures | undefined, tz: string): string[] {
  if (!figures) return ['_no figures (the source did not parse)_'];
  const lines: string[] = ['| Figure | Value |', '| --- | --- |'];
  for (const [k, v] of Object.entries(figures)) {
    if (k === 'top' || k === 'warnings' || k === 'format') continue;
    lines.push(`| ${mdEscape(figureLabel(k))} | ${figureText(k, v, figures, tz)} |`);
  }
  const top = figures.top;
  if (Array.isArray(top) && top.length > 0 && typeof top[0] === 'object' && top[0] !== null) {
    const rows = top.slice(0, 5) as Record<string, unknown>[];
    const cols = Object.keys(rows[0]!);
    const def = typeof figures.defaultSampleType === 'string' ? figures.defaultSampleType : undefined;
    const unit = (def && sampleUnits(figures).get(def)) || 'count';
    const head = cols.map((c) => (def && (c === 'flat' || c === 'cum') ? `${c} (${mdEscape(def)})` : mdEscape(c)));
    // Numbers align right, text left.
    const align = cols.map((c) => (typeof rows[0]![c] === 'number' ? '---:' : '---'));
    lines.push('', `Top ${rows.length}${def ? ` by ${mdEscape(def)}` : ''}:`, '', `| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`);
    for (const r of rows) lines.push(`| ${cols.map((c) => topCell(c, r[c], unit)).join(' | ')} |`);
  }
  return lines;
}
