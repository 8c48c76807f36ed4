/**
 * The renderer's two time domains, as distinct types so one cannot be passed for the other:
 *
 *   AxisNs    ns on the session axis (relative to SessionInfo.originEpochNs): the selection, the
 *             timeline's window, the hover cursor, notes.
 *   SourceNs  ns in one source's own clock (relative to its clock origin): what its engine's queries
 *             take and answer (`range`, bin edges, lane runs).
 *
 *   axis = source + SourceInfo.axisShiftNs   (the host computes the shift from origins + offsetNs)
 *
 * A Span<T> is one range in either domain. Conversions live here and nowhere else; the per-source
 * selector (selectors.ts, useSourceSelection) is how views get the selection in a source's clock.
 */
declare const axisBrand: unique symbol;
declare const sourceBrand: unique symbol;

export type AxisNs = number & { readonly [axisBrand]: true };
export type SourceNs = number & { readonly [sourceBrand]: true };

export interface Span<T extends number> {
  startNs: T;
  endNs: T;
}
export type AxisSpan = Span<AxisNs>;
export type SourceSpan = Span<SourceNs>;

/** What a conversion needs of a source: its shift onto the axis (absent until it is placed). */
export interface Placed {
  axisShiftNs?: number;
}

export const axisNs = (ns: number): AxisNs => ns as AxisNs;
export const sourceNs = (ns: number): SourceNs => ns as SourceNs;
export const axisSpan = (startNs: number, endNs: number): AxisSpan => ({ startNs: axisNs(startNs), endNs: axisNs(endNs) });
export const sourceSpan = (startNs: number, endNs: number): SourceSpan => ({ startNs: sourceNs(startNs), endNs: sourceNs(endNs) });

export function toSourceNs(ns: AxisNs, src: Placed): SourceNs {
  return sourceNs(ns - (src.axisShiftNs ?? 0));
}

export function toAxisNs(ns: SourceNs, src: Placed): AxisNs {
  return axisNs(ns + (src.axisShiftNs ?? 0));
}

export function toSourceSpan(span: AxisSpan, src: Placed): SourceSpan {
  return { startNs: toSourceNs(span.startNs, src), endNs: toSourceNs(span.endNs, src) };
}

export function toAxisSpan(span: SourceSpan, src: Placed): AxisSpan {
  return { startNs: toAxisNs(span.startNs, src), endNs: toAxisNs(span.endNs, src) };
}

/** A span's length in ns (the same in both domains). */
export const spanNs = (s: Span<number>): number => s.endNs - s.startNs;
