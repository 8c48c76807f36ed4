/**
 * The shapes of diagnosis. A source contributes compact, serializable FACTS (computed where its model
 * lives, from the same queries the views draw with); `diagnose` turns the facts of every source into
 * ranked FINDINGS. All times in facts are the source's own ns; findings speak session-axis ns.
 */

import type { ClockQuality } from '../../model/time.ts';

export type PatternId = 'conn-leak' | 'timewait-storm' | 'fd-leak' | 'goroutine-leak' | 'lock-contention' | 'cpu-saturation';
export const PATTERN_IDS: readonly PatternId[] = ['conn-leak', 'timewait-storm', 'fd-leak', 'goroutine-leak', 'lock-contention', 'cpu-saturation'];

export type Confidence = 'high' | 'medium' | 'low';

/** A panel of the workspace that shows a piece of evidence (the layout's slot ids). */
export type EvidenceView = 'heatmap' | 'blocking' | 'flame' | 'trace';

export interface AxisRange {
  startNs: number;
  endNs: number;
}

/** What "Show" selects inside the view (all optional; the view ignores what it does not know). */
export interface EvidenceFocus {
  /** Heat map: the TCP state row; blocking view: the group key; flame graph: profile key + function. */
  state?: string;
  peer?: string;
  groupKey?: string;
  profile?: string;
  function?: string;
  /** A regex of function names: the goroutine groups (or stacks) the figure sums over. */
  search?: string;
}

export interface Evidence {
  /** Source id (session) or file path (CLI). */
  source: string;
  /** File or source name, for people. */
  sourceName: string;
  view: EvidenceView;
  /** On the session axis (ns from the session origin); the brush "Show" sets. */
  range: AxisRange;
  /** The figure in words, e.g. `TIME-WAIT 412 → 2,316 sockets (+95.1/s)`. */
  figure: string;
  /** The numbers behind the figure, as the view's query returns them (tests compare these). */
  values: Record<string, number>;
  focus?: EvidenceFocus;
}

export interface Finding {
  pattern: PatternId;
  confidence: Confidence;
  title: string;
  summary: string;
  evidence: Evidence[];
  next: string[];
  /** Ranking strength within a confidence level (0..1), for ordering only. */
  score: number;
}

export interface DiagnoseResult {
  findings: Finding[];
}

// ---- facts ---------------------------------------------------------------------------------------

export interface SourceRef {
  sourceId: string;
  name: string;
  /** How the source's place on the wall clock is known. */
  clock: ClockQuality;
}

/** One window of snapshots and its mean level. */
export interface LevelWindow {
  startNs: number;
  endNs: number;
  mean: number;
  snapshots: number;
}

/**
 * A per-snapshot series reduced to what the rules read: first/last/max, and a sustained trend
 * between an early and a late window (start-up ramp and shutdown left out; see series-trend.ts).
 */
export interface SeriesTrend {
  first: number;
  last: number;
  max: number;
  maxAtNs: number;
  early: LevelWindow | null;
  late: LevelWindow | null;
  /** (late.mean − early.mean) per second between the window middles, or null (too few points). */
  ratePerSec: number | null;
}

export interface NamedTrend extends SeriesTrend {
  name: string;
}

export interface SocketFacts {
  kind: 'sockets';
  ref: SourceRef;
  format: string;
  startNs: number;
  endNs: number;
  snapshots: number;
  /** Per TCP state seen, by socketsByState. */
  states: NamedTrend[];
  /** For ESTAB / TIME-WAIT / CLOSE-WAIT: the top peers (socketSeries by 'peer' for that state). */
  peers: { state: string; top: NamedTrend[] }[];
  /** For TIME-WAIT / CLOSE-WAIT: the top local ports (which side holds the sockets). */
  localPorts: { state: string; top: NamedTrend[] }[];
  /** Sockets owned per process (socketSeries by 'process'): a stand-in for socket fds. */
  owners: NamedTrend[];
  /** ESTAB sockets with unread bytes, at the snapshot where ESTAB peaks. */
  recvQ: { atNs: number; sockets: number; withData: number; bytes: number } | null;
  /** `### fd-count` series of a live capture, and the fd counts of lsof / /proc listings. */
  fds: { pid: number; trend: SeriesTrend }[];
}

export interface DumpGroupFact {
  key: string;
  state: string;
  function: string | null;
  count: number;
  /** Longest `N minutes` wait Go printed for the group (debug=2 dumps), or null. */
  maxWaitMinutes?: number | null;
  /** Key function names, leaf first (runtime leaves dropped, as the blocking view groups). */
  funcs: string[];
}

export interface DumpFacts {
  kind: 'dump';
  ref: SourceRef;
  atNs: number;
  total: number;
  withState: boolean;
  groups: DumpGroupFact[];
}

export interface TopFact {
  function: string;
  flat: number;
  cum: number;
}

export type ProfileKind = 'cpu' | 'block' | 'mutex' | 'goroutine' | 'other';

export interface ProfileFacts {
  kind: 'profile';
  ref: SourceRef;
  profile: ProfileKind;
  /** pprof sample type the figures are of (the flame graph's profile key). */
  sampleType: string;
  unit: string;
  atNs: number;
  durationNs: number;
  total: number;
  topFlat: TopFact[];
  topCum: TopFact[];
  /** Contention profiles: weight under user-visible locks (sync.Mutex / RWMutex) — topTable cum. */
  lockNs?: number;
  /** Contention profiles: functions on the stacks of those lock samples, by cum (waiters / holders). */
  lockTopCum?: TopFact[];
  /** Goroutine profiles: the biggest stacks by count, keyed as the blocking view keys them. */
  groups?: DumpGroupFact[];
}

export interface TraceGroupFact {
  key: string;
  state: string;
  function: string | null;
  funcs: string[];
  /** Goroutines blocked in the group in the early / late window, and over the whole trace. */
  early: number;
  late: number;
  goroutines: number;
  totalNs: number;
}

export interface TraceFacts {
  kind: 'trace';
  ref: SourceRef;
  startNs: number;
  endNs: number;
  procs: number;
  blockingNs: { sync: number; net: number; syscall: number; sched: number };
  /** Mean goroutines running / runnable / waiting over the trace (goroutineStateSeries). */
  meanRunning: number;
  meanRunnable: number;
  meanWaiting: number;
  windows: { early: AxisRange; late: AxisRange };
  groups: TraceGroupFact[];
  /** sync blocking profile (go tool trace -pprof=sync): total, and cum under sync.Mutex / RWMutex. */
  syncLockNs: number;
  /** Functions on the stacks of those lock waits, by cum. */
  syncLockTopCum: TopFact[];
  syncTopCum: TopFact[];
  cpuTopFlat: TopFact[];
}

export type FindingFacts = SocketFacts | DumpFacts | ProfileFacts | TraceFacts;
