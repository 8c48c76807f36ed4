import { useAnnotationsOnAxis } from './annotations.ts';
import './notes.css';

/**
 * Notes drawn inside a time-axis SVG: a band for a range, a line for a moment, a flag with the text.
 * `x` maps axis ns to px; marks outside [x0, x1] px are left out.
 */
export function AnnotationMarks({ x, top, bottom, x0, x1 }: { x: (ns: number) => number; top: number; bottom: number; x0: number; x1: number }) {
  const notes = useAnnotationsOnAxis();
  return (
    <g className="annotation-marks" pointerEvents="none" data-testid="annotation-marks">
      {notes.map((n) => {
        const a = x(n.startNs);
        const b = n.endNs !== undefined ? x(n.endNs) : a;
        if (b < x0 || a > x1) return null;
        const la = Math.max(a, x0);
        const label = n.text.length > 40 ? `${n.text.slice(0, 39)}…` : n.text;
        return (
          <g key={n.id} data-testid="annotation-mark" data-text={n.text}>
            <title>{n.text}</title>
            {n.endNs !== undefined ? (
              <rect className="annotation-band" x={la} y={top} width={Math.max(1, Math.min(b, x1) - la)} height={bottom - top} />
            ) : (
              <line className="annotation-line" x1={a} x2={a} y1={top} y2={bottom} />
            )}
            {/* Near the right edge the flag moves left so its text stays inside (≈6.2 px a character at 10.5 px). */}
            <text className="annotation-label" x={Math.max(x0, Math.min(la + 3, x1 - (label.length + 2) * 6.2))} y={top + 10}>
              ✎ {label}
            </text>
          </g>
        );
      })}
    </g>
  );
}
