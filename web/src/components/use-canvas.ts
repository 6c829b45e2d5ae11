// A canvas sized to its container (device pixels), repainted by `paint` when inputs or the theme change.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';

/** The canvas ref, its CSS width, and a repaint that runs `paint` in the next frame (coalesced). */
export function useCanvas(height: number, paint: (ctx: CanvasRenderingContext2D, width: number) => void) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const paintRef = useRef(paint);
  paintRef.current = paint;
  useLayoutEffect(() => {
    const canvas = ref.current;
    const parent = canvas?.parentElement;
    if (!canvas || !parent) return;
    setWidth(parent.clientWidth);
    const ro = new ResizeObserver(() => setWidth(parent.clientWidth));
    ro.observe(parent);
    return () => ro.disconnect();
  }, []);
  useLayoutEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || width === 0) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    paintRef.current(ctx, width);
  });
  const [, setTheme] = useState(0);
  useEffect(() => {
    const redraw = (): void => setTheme((n) => n + 1);
    window.addEventListener('pogo:theme', redraw);
    return () => window.removeEventListener('pogo:theme', redraw);
  }, []);
  return { ref, width };
}
