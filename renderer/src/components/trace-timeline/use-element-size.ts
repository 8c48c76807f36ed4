import { useLayoutEffect, useRef, useState } from 'react';

/** An element's content box (width and height), kept current as it resizes. */
export function useElementSize<T extends HTMLElement>(): [React.RefObject<T | null>, { width: number; height: number }] {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const set = (width: number, height: number) => setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    const ro = new ResizeObserver(([e]) => e && set(Math.floor(e.contentRect.width), Math.floor(e.contentRect.height)));
    ro.observe(el);
    set(el.clientWidth, el.clientHeight);
    return () => ro.disconnect();
  }, []);
  return [ref, size];
}
