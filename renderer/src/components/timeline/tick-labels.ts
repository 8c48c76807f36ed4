/** Axis tick labels. Pure: the time zone is passed in. */
import { wallDate, wallTime } from '../../zoned-time.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Labels for ticks at `ticksMs` (epoch ms, ascending) over a view from `viewStartMs` to `viewEndMs`.
 * Times read HH:MM:SS (with .mmm when ticks are under a second apart). When the view crosses a day
 * boundary in `timeZone`, the first tick and the first tick of every later day also carry the date
 * ("Nov 22 19:46:30"): an axis over days must never read as one day.
 */
export function tickLabels(ticksMs: number[], viewStartMs: number, viewEndMs: number, stepNs: number, timeZone: string): string[] {
  const crossesDay = wallDate(viewStartMs, timeZone) !== wallDate(viewEndMs, timeZone);
  let lastDate = '';
  return ticksMs.map((ms) => {
    const w = wallTime(ms, timeZone);
    const clock = `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${stepNs < 1e9 ? `.${pad(w.ms, 3)}` : ''}`;
    const date = wallDate(ms, timeZone);
    const showDate = crossesDay && date !== lastDate;
    lastDate = date;
    return showDate ? `${MONTHS[w.month - 1]} ${w.day} ${clock}` : clock;
  });
}

const S = 1e9;
/** Clock-friendly steps from a second up: ticks at :15, :30, whole hours, whole days. */
const CLOCK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 2 * 86400, 7 * 86400].map((s) => s * S);

/**
 * Tick step (ns) for about `target` ticks over `span` ns: 1/2/5 × 10^k under a second, clock steps
 * (seconds, minutes, hours, days) above, so an axis over days ticks on whole days, not every 2.3 days.
 */
export function tickStep(span: number, target: number): number {
  const raw = span / target;
  if (raw > 0.5 * S) {
    const clock = CLOCK_STEPS.find((s) => s >= raw);
    if (clock !== undefined) return clock;
    return Math.ceil(raw / (7 * 86400 * S)) * 7 * 86400 * S;
  }
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
