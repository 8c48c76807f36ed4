/**
 * What the page may ask of one source through the bridge's `query` request, as valibot schemas: the
 * host checks a query's arguments here before its engine sees them (shared/bridge-schemas.ts checks
 * the envelope, then calls `validateQueryArgs`). Bounds are what a view can use — a heat map of
 * 20,000 bins, 5,000 goroutine lanes — so a crafted query cannot make an engine build more.
 *
 * Queries the host builds itself from engine outputs (merges, diffs, what-changed parts) are not
 * page queries: the bridge refuses them (HOST_ONLY_QUERIES).
 */
import * as v from 'valibot';
import type { SourceQuery } from './query-types.ts';
import { SOCKET_COLUMNS } from './sockets/heatmap-view.ts';
import { SOCKET_MEASURES } from './sockets/socket-series.ts';

/** A query's arguments: exactly these fields (an unknown or missing one is named). */
function args<E extends v.ObjectEntries>(entries: E) {
  return v.strictObject(entries, (i) =>
    i.expected === 'never' ? `unknown field ${String(i.input)}` : i.expected?.startsWith('"') ? `${i.expected.slice(1, -1)} required` : 'must be an object',
  );
}

const finite = v.pipe(v.number(), v.finite());
const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
/** A regex as pprof's -focus/-ignore/-hide take it (compiled in the engine, which reports a bad one). */
const pattern = text(4096);

/** Source-relative ns. */
export const SourceRangeSchema = v.strictObject({ startNs: finite, endNs: finite });
const range = v.optional(SourceRangeSchema);
const heatmapMode = v.picklist(['state', 'peer', 'localPort', 'process']);
const socketMeasure = v.picklist([...SOCKET_MEASURES]);
const socketSort = v.strictObject({ column: v.picklist([...SOCKET_COLUMNS]), desc: v.boolean() });
const profileKey = v.optional(text(256));

/** pprof's -tagfocus / -tagignore (regexes or numeric ranges) and -tagroot (label keys). */
function labelArgs() {
  return { tagfocus: v.optional(pattern), tagignore: v.optional(pattern), tagroot: v.optional(text(1024)) };
}

/**
 * The stacks a stack view shows: a sample type, a range, pprof's -focus / -ignore / -hide and the
 * label options (every stack query takes these; each adds its own).
 */
const shownStacksArgs = {
  profile: profileKey,
  range,
  focus: v.optional(pattern),
  ignore: v.optional(pattern),
  hide: v.optional(pattern),
  ...labelArgs(),
};

const callTreeArgs = {
  ...shownStacksArgs,
  inverted: v.optional(v.boolean()),
  search: v.optional(pattern),
  rootPath: v.optional(v.pipe(v.array(text(4096)), v.maxLength(2000))),
  minFraction: v.optional(v.pipe(finite, v.minValue(0), v.maxValue(1))),
  maxNodes: v.optional(int(1, 200_000)),
};

/** pprof's -peek and -list: the functions matching a regex among the shown stacks (at most 1,000). */
const functionsArgs = { ...shownStacksArgs, regex: pattern, limit: v.optional(int(1, 1000)) };

const laneRef = v.strictObject({ kind: v.picklist(['proc', 'thread', 'goroutine']), id: v.pipe(v.number(), v.integer()) });

/** Query name → the schema of its arguments (the query object without `type`). */
export const QUERY_ARG_SCHEMAS = {
  summary: args({}),
  track: args({ maxPoints: v.optional(int(1, 100_000)), range }),
  traceGoroutineGroups: args({ range, limit: v.optional(int(1, 100_000)) }),
  goroutineLanes: args({
    ids: v.pipe(v.array(v.pipe(v.number(), v.integer())), v.maxLength(5000)),
    range,
    resolutionNs: v.optional(v.pipe(finite, v.minValue(0))),
  }),
  goroutineGroups: args({ sourceId: v.optional(text(64)), tagfocus: v.optional(pattern), tagignore: v.optional(pattern) }),
  stackProfiles: args({}),
  callTree: args(callTreeArgs),
  topTable: args({
    ...shownStacksArgs,
    sortBy: v.optional(v.picklist(['flat', 'flatPct', 'cum', 'cumPct', 'function'])),
    reverse: v.optional(v.boolean()),
    limit: v.optional(int(1, 100_000)),
  }),
  labelKeys: args({ profile: profileKey, range }),
  peek: args(functionsArgs),
  sourceLines: args(functionsArgs),
  exportStacks: args({ profile: profileKey, range, ...labelArgs() }),
  shownPprof: args(shownStacksArgs),
  heatmap: args({ range, bins: int(1, 20_000), mode: heatmapMode, state: v.optional(text(64)), topN: v.optional(int(1, 10_000)), measure: v.optional(socketMeasure), total: v.optional(v.boolean()), exits: v.optional(v.boolean()) }),
  socketsInCell: args({
    snapshot: int(0, 2 ** 32),
    row: text(1024),
    mode: heatmapMode,
    state: v.optional(text(64)),
    rows: v.optional(v.pipe(v.array(text(1024)), v.maxLength(10_000))),
    limit: v.optional(int(1, 100_000)),
    sort: v.optional(socketSort),
    filter: v.optional(text(256)),
  }),
  traceAnnotations: args({
    range,
    logLimit: v.optional(int(0, 5000)),
    instances: v.optional(args({ kind: v.picklist(['task', 'region']), type: text(4096), limit: v.optional(int(1, 100_000)) })),
  }),
  goroutineBreakdown: args({
    range,
    groupBy: v.optional(v.picklist(['function', 'goroutine'])),
    name: v.optional(text(4096)),
    limit: v.optional(int(1, 100_000)),
  }),
  mmu: args({
    range,
    flags: args({
      perProc: v.optional(v.boolean()),
      stw: v.optional(v.boolean()),
      background: v.optional(v.boolean()),
      assist: v.optional(v.boolean()),
      sweep: v.optional(v.boolean()),
    }),
    // A window of 1 ns up to about 11.6 days.
    worstFor: v.optional(v.pipe(finite, v.minValue(1), v.maxValue(1e15))),
  }),
  timelineOverview: args({}),
  timelineWindow: args({
    range: SourceRangeSchema,
    resolutionNs: v.pipe(finite, v.minValue(0)),
    lanes: v.pipe(v.array(laneRef), v.maxLength(5000)),
    colorBy: v.optional(v.picklist(['goroutine', 'region'])),
    flowLimit: v.optional(int(0, 10_000)),
  }),
  timelineSliceDetail: args({ lane: laneRef, t: finite, eventLimit: v.optional(int(0, 5000)) }),
  searchGoroutines: args({ text: text(256), limit: v.optional(int(1, 1000)) }),
};

export type PageQueryName = keyof typeof QUERY_ARG_SCHEMAS;
export type QueryArgs<K extends PageQueryName> = v.InferOutput<(typeof QUERY_ARG_SCHEMAS)[K]>;

/** Built by the host from engine outputs (session-store.ts); never accepted from the page. */
export const HOST_ONLY_QUERIES = ['mergeGoroutineGroups', 'callTreeDiff', 'shownPprofDiff', 'whatChangedPart', 'mergeWhatChanged', 'findingFacts', 'diagnose', 'mergeHeatmaps', 'exportSnapshot', 'seriesCallTree', 'seriesTopTable'] as const;

// Every SourceQuery type is a page query or a host-only one: adding a query without deciding which
// (and, for a page query, its schema) fails to compile here.
type Covered = PageQueryName | (typeof HOST_ONLY_QUERIES)[number];
export const QUERY_NAMES_COVERED: [Exclude<SourceQuery['type'], Covered>, Exclude<Covered, SourceQuery['type']>] extends [never, never] ? true : never = true;

export function isPageQueryName(name: unknown): name is PageQueryName {
  return typeof name === 'string' && Object.hasOwn(QUERY_ARG_SCHEMAS, name);
}

/** The first problem with valibot issues, as `path: message` (the message alone when it names the field). */
export function issueText(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) return 'invalid';
  const path = v.getDotPath(first);
  const field = path?.split('.').pop();
  return path && !(field && first.message.includes(field)) ? `${path}: ${first.message}` : first.message;
}

/**
 * Checks a page query's arguments (the query object; its `type` names the query). Returns the
 * reason it is refused, or null. Unknown and host-only names are refused.
 */
export function validateQueryArgs(name: string, args: unknown): string | null {
  if ((HOST_ONLY_QUERIES as readonly string[]).includes(name)) return `query ${name} is built by the host, not asked by the page`;
  if (!isPageQueryName(name)) return `unknown query type ${JSON.stringify(String(name).slice(0, 64))}`;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return 'query must be an object';
  const { type: _type, ...rest } = args as Record<string, unknown>;
  const r = v.safeParse(QUERY_ARG_SCHEMAS[name], rest);
  return r.success ? null : issueText(r.issues);
}
