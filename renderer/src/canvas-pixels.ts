/**
 * A canvas drawn in CSS px at the device's pixel ratio: sizes its backing store to `width`×`height`
 * CSS px times the ratio and returns its 2D context with the CSS-px transform set (null without a
 * context). Setting a canvas's size, even to the one it has, clears it, drops the context's state and
 * makes the page lay out again (tens of ms on a full workspace), so it is set only when it changed:
 * views that redraw on every pointer move or scroll step call this each time.
 * `round` turns the scaled size into whole device pixels (callers keep the one they have always used).
 */
export function canvasAtDevicePixels(
  c: HTMLCanvasElement,
  width: number,
  height: number,
  round: (px: number) => number = Math.round,
): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const cw = round(width * dpr);
  const ch = round(height * dpr);
  if (c.width !== cw || c.height !== ch) {
    c.width = cw;
    c.height = ch;
  }
  const ctx = c.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
