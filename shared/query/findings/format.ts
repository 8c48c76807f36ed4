/** Number and time wording for findings' figures (plain text; views format their own). */

export function num(v: number, digits = 0): string {
  if (!Number.isFinite(v)) return String(v);
  const r = Math.abs(v) >= 100 ? Math.round(v) : Number(v.toFixed(digits));
  return r.toLocaleString('en-US', { maximumFractionDigits: digits });
}

export function rate(perSec: number): string {
  return `${perSec >= 0 ? '+' : ''}${num(perSec, Math.abs(perSec) < 10 ? 1 : 0)}/s`;
}

export function pct(part: number, whole: number): string {
  return whole > 0 ? `${num((100 * part) / whole, 1)} %` : '0 %';
}

export function dur(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 1e9) return `${num(ns / 1e9, a >= 1e11 ? 0 : 1)} s`;
  if (a >= 1e6) return `${num(ns / 1e6, 1)} ms`;
  if (a >= 1e3) return `${num(ns / 1e3, 1)} µs`;
  return `${num(ns)} ns`;
}

export function bytes(n: number): string {
  if (n >= 2 ** 20) return `${num(n / 2 ** 20, 1)} MiB`;
  if (n >= 1024) return `${num(n / 1024, 1)} KiB`;
  return `${num(n)} B`;
}
