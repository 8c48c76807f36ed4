/**
 * The panel arrangement as plain data (JSON-serializable: the session file stores it verbatim): the
 * sources column width and rows of panel slots, each row with a height and a width share per slot.
 * Pure: no React, no DOM.
 */

export type SlotId = 'flame' | 'heatmap' | 'blocking' | 'changes' | 'details' | 'trace' | 'findings' | 'traceTimeline';
export const SLOT_IDS: readonly SlotId[] = ['flame', 'heatmap', 'blocking', 'changes', 'details', 'trace', 'findings', 'traceTimeline'];

export type PresetId = 'triage' | 'flame' | 'network';

export interface LayoutRow {
  slots: SlotId[];
  /** Share of the row's width per slot (same length as slots, sums to 1). */
  widths: number[];
  /** Row height in CSS px. */
  height: number;
}

export interface Layout {
  /** The preset it started from; 'custom' once the user resized something. */
  preset: PresetId | 'custom';
  /** Width of the sources column in CSS px. */
  sourcesWidth: number;
  rows: LayoutRow[];
}

export const PRESETS: { id: PresetId; label: string; hint: string }[] = [
  { id: 'triage', label: 'Triage overview', hint: 'timeline, connections, goroutines, flame graph, trace timeline, what changed, trace details, findings' },
  { id: 'flame', label: 'Flame graph focus', hint: 'a tall flame graph; the rest below' },
  { id: 'network', label: 'Network focus', hint: 'a wide connection heat map and what changed' },
];

const row = (slots: SlotId[], height: number, widths?: number[]): LayoutRow => ({
  slots,
  widths: widths ?? slots.map(() => 1 / slots.length),
  height,
});

export function presetLayout(id: PresetId): Layout {
  switch (id) {
    case 'triage':
      return {
        preset: id,
        sourcesWidth: 250,
        rows: [row(['heatmap', 'blocking'], 400, [0.55, 0.45]), row(['flame'], 460), row(['traceTimeline'], 560), row(['changes', 'details'], 380, [0.62, 0.38]), row(['trace'], 420), row(['findings'], 360)],
      };
    case 'flame':
      return {
        preset: id,
        sourcesWidth: 240,
        rows: [row(['flame'], 640), row(['blocking', 'changes'], 340), row(['heatmap', 'details'], 320, [0.6, 0.4]), row(['traceTimeline'], 480), row(['trace'], 360), row(['findings'], 360)],
      };
    case 'network':
      return {
        preset: id,
        sourcesWidth: 260,
        rows: [row(['heatmap'], 460), row(['changes', 'blocking'], 360, [0.55, 0.45]), row(['flame'], 380), row(['details'], 240), row(['trace'], 360), row(['traceTimeline'], 480), row(['findings'], 360)],
      };
  }
}

export const DEFAULT_LAYOUT: Layout = presetLayout('triage');

export const MIN_ROW_HEIGHT = 160;
export const MAX_ROW_HEIGHT = 2000;
export const MIN_SHARE = 0.15;
export const MIN_SOURCES = 160;
export const MAX_SOURCES = 640;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Row `r` resized by `dy` px. */
export function resizeRow(l: Layout, r: number, dy: number): Layout {
  return {
    ...l,
    preset: 'custom',
    rows: l.rows.map((x, i) => (i === r ? { ...x, height: clamp(Math.round(x.height + dy), MIN_ROW_HEIGHT, MAX_ROW_HEIGHT) } : x)),
  };
}

/** Moves the boundary between slot `i` and `i + 1` of row `r` by `dShare` of the row width. */
export function resizeSplit(l: Layout, r: number, i: number, dShare: number): Layout {
  return {
    ...l,
    preset: 'custom',
    rows: l.rows.map((x, k) => {
      if (k !== r || i + 1 >= x.widths.length) return x;
      const w = [...x.widths];
      const pair = w[i]! + w[i + 1]!;
      const left = clamp(w[i]! + dShare, MIN_SHARE, pair - MIN_SHARE);
      w[i] = left;
      w[i + 1] = pair - left;
      return { ...x, widths: w };
    }),
  };
}

export function resizeSources(l: Layout, dx: number): Layout {
  return { ...l, preset: 'custom', sourcesWidth: clamp(Math.round(l.sourcesWidth + dx), MIN_SOURCES, MAX_SOURCES) };
}

/**
 * A layout read back from a session file, made safe: unknown slots dropped, missing slots appended
 * as rows, numbers clamped. Returns the default for anything unreadable.
 */
export function normalizeLayout(v: unknown): Layout {
  const o = v as Partial<Layout> | null;
  if (!o || typeof o !== 'object' || !Array.isArray(o.rows)) return DEFAULT_LAYOUT;
  const seen = new Set<SlotId>();
  const rows: LayoutRow[] = [];
  for (const r of o.rows as Partial<LayoutRow>[]) {
    if (!r || !Array.isArray(r.slots)) continue;
    const slots: SlotId[] = [];
    for (const s of r.slots) {
      if (!SLOT_IDS.includes(s as SlotId) || seen.has(s as SlotId)) continue;
      seen.add(s as SlotId);
      slots.push(s as SlotId);
    }
    if (slots.length === 0) continue;
    const raw = slots.map((_, i) => (Array.isArray(r.widths) && Number.isFinite(r.widths[i]) && r.widths[i]! > 0 ? r.widths[i]! : 1));
    const sum = raw.reduce((a, b) => a + b, 0);
    rows.push({ slots, widths: raw.map((w) => w / sum), height: clamp(Number.isFinite(r.height) ? r.height! : 320, MIN_ROW_HEIGHT, MAX_ROW_HEIGHT) });
  }
  for (const s of SLOT_IDS) if (!seen.has(s)) rows.push(row([s], 320));
  const preset = o.preset === 'triage' || o.preset === 'flame' || o.preset === 'network' ? o.preset : 'custom';
  const sw = Number.isFinite(o.sourcesWidth) ? o.sourcesWidth! : DEFAULT_LAYOUT.sourcesWidth;
  return { preset, sourcesWidth: clamp(sw, MIN_SOURCES, MAX_SOURCES), rows };
}
