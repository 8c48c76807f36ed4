import type { PprofSchedule } from '../../../../shared/bridge.ts';

/** The endpoints a schedule can fetch, as offered in the UI (debug=2 is its own choice: it stops the world). */
export const SCHEDULE_CHOICES = {
  goroutine: { label: 'goroutine', kind: 'goroutine' },
  'goroutine-debug2': { label: 'goroutine, every stack (debug=2)', kind: 'goroutine', debug: 2 },
  block: { label: 'block', kind: 'block' },
  'block-delta': { label: 'block, each interval only', kind: 'block' },
  mutex: { label: 'mutex', kind: 'mutex' },
  'mutex-delta': { label: 'mutex, each interval only', kind: 'mutex' },
  goroutineleak: { label: 'goroutine leaks (Go 1.26+)', kind: 'goroutineleak' },
  heap: { label: 'heap', kind: 'heap' },
  allocs: { label: 'allocs', kind: 'allocs' },
  profile: { label: 'CPU profile', kind: 'profile' },
  trace: { label: 'execution trace', kind: 'trace' },
  custom: { label: 'a path (e.g. a flight recorder)', kind: 'custom' },
} as const satisfies Record<string, Pick<PprofSchedule, 'kind' | 'debug'> & { label: string }>;
export type ScheduleChoice = keyof typeof SCHEDULE_CHOICES;

export interface ScheduleValues {
  port: string;
  choice: ScheduleChoice;
  everyS: string;
  /** profile / trace duration. */
  seconds: string;
  /** choice 'custom': the endpoint's path on the listener. */
  path: string;
}

export const SCHEDULE_DEFAULTS: ScheduleValues = { port: '6060', choice: 'goroutine', everyS: '30', seconds: '10', path: '/debug/flightrecorder' };

const timed = (c: ScheduleChoice) => c === 'profile' || c === 'trace';
/**
 * A delta every interval: Go answers what blocked during the `seconds` before its answer, so with
 * seconds = everyS the fetches tile the time axis (each starts when the previous one answered).
 */
const delta = (c: ScheduleChoice) => c === 'block-delta' || c === 'mutex-delta';
const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : NaN);

/** The fields as a schedule, or the first problem with them (the host checks again). */
export function toPprofSchedule(v: ScheduleValues): PprofSchedule | string {
  const port = int(v.port);
  if (!(port >= 1 && port <= 65535)) return 'The pprof port must be a number from 1 to 65535.';
  const choice = SCHEDULE_CHOICES[v.choice];
  if (!choice) return 'Pick what to fetch.';
  const everyS = int(v.everyS);
  if (!(everyS >= 1 && everyS <= 86_400)) return 'Fetch every 1 to 86400 whole seconds.';
  const s: PprofSchedule = { kind: choice.kind, port, everyS };
  if ('debug' in choice) s.debug = choice.debug;
  if (timed(v.choice)) {
    const seconds = int(v.seconds);
    if (!(seconds >= 1 && seconds <= 3600)) return 'The duration must be 1 to 3600 whole seconds.';
    if (seconds > everyS) return `A ${choice.label} of ${seconds} s cannot start every ${everyS} s: Go serves one at a time.`;
    s.seconds = seconds;
  }
  if (delta(v.choice)) s.seconds = everyS > 3600 ? 3600 : everyS;
  if (v.choice === 'custom') {
    // The host checks the rest (no '..', no spaces, length) and says why.
    if (!v.path.startsWith('/')) return "The path must start with '/'.";
    s.path = v.path;
  }
  return s;
}

/** "every N s", e.g. for the status line: `goroutine debug=2 every 10 s`. */
export function scheduleLabel(s: PprofSchedule): string {
  const what = s.kind === 'profile' ? 'CPU profile' : s.kind === 'custom' ? (s.path ?? 'custom') : s.kind;
  const isTimed = s.kind === 'profile' || s.kind === 'trace';
  const opt = s.seconds ? (isTimed ? ` ${s.seconds} s` : ` delta ${s.seconds} s`) : s.debug ? ` debug=${s.debug}` : '';
  return `${what}${opt} every ${s.everyS} s`;
}

/**
 * Interval, endpoint (and duration for profile / trace), port unless the caller shows its own, with
 * the stop-the-world warning for debug=2.
 */
export function PprofScheduleFields({
  v,
  onChange,
  idPrefix,
  showPort = true,
}: {
  v: ScheduleValues;
  onChange: (v: ScheduleValues) => void;
  idPrefix: string;
  showPort?: boolean;
}) {
  const set = (k: keyof ScheduleValues) => (e: { target: { value: string } }) => onChange({ ...v, [k]: e.target.value });
  return (
    <div className="ssh-schedule-fields" data-testid={`${idPrefix}-schedule-fields`}>
      <span>Every</span>
      <input aria-label="Fetch every (seconds)" data-testid={`${idPrefix}-every`} inputMode="numeric" size={4} value={v.everyS} onChange={set('everyS')} />
      <span>s fetch</span>
      <select aria-label="pprof endpoint" data-testid={`${idPrefix}-kind`} value={v.choice} onChange={set('choice')}>
        {Object.entries(SCHEDULE_CHOICES).map(([k, c]) => (
          <option key={k} value={k}>
            {c.label}
          </option>
        ))}
      </select>
      {timed(v.choice) && (
        <>
          <span>for</span>
          <input aria-label="Duration (seconds)" data-testid={`${idPrefix}-seconds`} inputMode="numeric" size={4} value={v.seconds} onChange={set('seconds')} />
          <span>s</span>
        </>
      )}
      {v.choice === 'custom' && (
        <input aria-label="Endpoint path" data-testid={`${idPrefix}-path`} className="ssh-pprof-path" maxLength={512} value={v.path} onChange={set('path')} />
      )}
      {showPort && (
        <>
          <span>from the host&apos;s 127.0.0.1:</span>
          <input aria-label="pprof port on the host" data-testid={`${idPrefix}-port`} inputMode="numeric" size={6} value={v.port} onChange={set('port')} />
        </>
      )}
      {v.choice === 'goroutine-debug2' && (
        <p className="ssh-warn ssh-schedule-warn" role="note" data-testid={`${idPrefix}-debug2-warning`}>
          ⚠ debug=2 stops the world on every fetch while it writes each goroutine&apos;s stack (long with many goroutines).
          Prefer plain goroutine unless you need every stack.
        </p>
      )}
    </div>
  );
}
