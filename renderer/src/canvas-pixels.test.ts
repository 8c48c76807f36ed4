import { afterEach, describe, expect, it, vi } from 'vitest';
import { canvasAtDevicePixels } from './canvas-pixels.ts';

/** A canvas stand-in that counts size writes (each one would clear the real canvas) and records the transform. */
function fakeCanvas() {
  let w = 300;
  let h = 150;
  const log = { sizeWrites: 0, transform: [] as number[] };
  const ctx = { setTransform: (...m: number[]) => (log.transform = m) };
  const c = {
    get width() { return w; },
    set width(v: number) { w = v; log.sizeWrites++; },
    get height() { return h; },
    set height(v: number) { h = v; log.sizeWrites++; },
    getContext: () => ctx,
  };
  return { c: c as unknown as HTMLCanvasElement, ctx, log };
}

afterEach(() => vi.unstubAllGlobals());

describe('canvasAtDevicePixels', () => {
  it('sizes the backing store at the pixel ratio, rounding as asked, and draws in CSS px', () => {
    vi.stubGlobal('window', { devicePixelRatio: 1.5 });
    const { c, ctx, log } = fakeCanvas();
    expect(canvasAtDevicePixels(c, 101, 33)).toBe(ctx);
    expect([c.width, c.height]).toEqual([152, 50]); // 151.5 → 152, 49.5 → 50
    expect(log.transform).toEqual([1.5, 0, 0, 1.5, 0, 0]);
    canvasAtDevicePixels(c, 101, 33, Math.floor);
    expect([c.width, c.height]).toEqual([151, 49]);
  });

  it('leaves the size alone when it has not changed (a write would clear the canvas)', () => {
    vi.stubGlobal('window', { devicePixelRatio: 2 });
    const { c, log } = fakeCanvas();
    canvasAtDevicePixels(c, 100, 40);
    expect(log.sizeWrites).toBe(2);
    canvasAtDevicePixels(c, 100, 40);
    expect(log.sizeWrites).toBe(2);
  });

  it('takes a ratio of 1 when the window has none, and returns null without a 2D context', () => {
    vi.stubGlobal('window', {});
    const { c } = fakeCanvas();
    canvasAtDevicePixels(c, 80, 20);
    expect([c.width, c.height]).toEqual([80, 20]);
    const none = { width: 0, height: 0, getContext: () => null } as unknown as HTMLCanvasElement;
    expect(canvasAtDevicePixels(none, 10, 10)).toBeNull();
  });
});
