/**
 * The bridge's request arguments, declared once as valibot schemas: the host validates every request
 * with them (electron/host/handlers.ts) and shared/bridge.ts takes the argument types from them, so
 * a field cannot be typed one way and checked another. Both transports are covered: the page is
 * never trusted, whatever carries its request.
 *
 * Bounds are generous for what the UI sends and small enough that no argument makes the host
 * allocate or read more than its size says (typed arrays are already bounded by the body: wire.ts).
 */
import * as v from 'valibot';
import { issueText, QUERY_ARG_SCHEMAS, SourceRangeSchema, validateQueryArgs } from './query/query-schemas.ts';
import { hostRowsAsked, MAX_HEATMAP_ACROSS_CELLS } from './query/sockets/heatmap-across.ts';

const int = (min: number, max: number, msg: string) => v.pipe(v.number(msg), v.integer(msg), v.minValue(min, msg), v.maxValue(max, msg));
const finite = (msg: string) => v.pipe(v.number(msg), v.finite(msg));

/** An object with exactly these fields; an unknown one is named (a typo or an injected `password`). */
function fields<E extends v.ObjectEntries>(entries: E, what = 'argument') {
  const inner = what === 'argument' ? '' : `${what} `;
  return v.strictObject(entries, (i) => {
    if (i.expected === 'never') return `unknown ${inner}field ${String(i.input)}`;
    // A missing field: valibot reports it on the object, with the key as what was expected.
    if (i.expected?.startsWith('"')) return `${what === 'argument' ? '' : `${what}.`}${i.expected.slice(1, -1)} required`;
    return `${what} must be an object`;
  });
}

const sourceId = (msg = 'id must be a string') => v.pipe(v.string(msg), v.minLength(1, msg), v.maxLength(64, msg));
const sourceIds = (msg = 'ids must be a non-empty array of source ids') => v.pipe(v.array(sourceId(msg), msg), v.minLength(1, msg), v.maxLength(200, msg));
const filePath = (msg: string) =>
  v.pipe(
    v.string(msg),
    v.minLength(1, msg),
    v.maxLength(4096, msg),
    v.check((s) => !s.includes('\0'), msg),
  );
/** Collection and host-key request ids the host made: short, no path characters. */
const hostMadeId = (msg: string) => v.pipe(v.string(msg), v.regex(/^[A-Za-z0-9_-]{1,64}$/, msg));

// ---- time on the wall clock -------------------------------------------------------------------

/** A JS Date holds ±8.64e15 ms (here in ns): wall-clock text (reports, captions) must be able to show any time we keep. */
const DATE_LIMIT_NS = 8_640_000_000_000_000_000_000n;

/** An epoch-ns decimal string a Date can show (a 30-digit "time" once broke every later export). */
export function isEpochNsString(s: unknown): s is string {
  if (typeof s !== 'string' || !/^-?\d{1,22}$/.test(s)) return false;
  const n = BigInt(s);
  return n <= DATE_LIMIT_NS && n >= -DATE_LIMIT_NS;
}

/**
 * How far a user may shift a source (ns): a century either way. Larger offsets put the source where
 * no date can name it (setSourceOffset(1e308) broke every later export).
 */
export const MAX_OFFSET_NS = 100 * 366 * 86_400 * 1e9;

export const OffsetNsSchema = v.pipe(
  v.number('offsetNs must be a finite number'),
  v.finite('offsetNs must be a finite number'),
  v.check((n) => Math.abs(n) <= MAX_OFFSET_NS, 'offsetNs must be within a century (±3.16e18 ns)'),
);

const epoch = (what: string) => v.custom<string>(isEpochNsString, `${what} must be an epoch-ns decimal string within the years a date can show`);
const epochRange = (what: string) =>
  v.pipe(
    fields({ startEpochNs: epoch(`${what}.startEpochNs`), endEpochNs: epoch(`${what}.endEpochNs`) }, what),
    v.check((r) => BigInt(r.startEpochNs) <= BigInt(r.endEpochNs), `${what} must not end before it starts`),
  );

export const AnnotationSchema = fields(
  {
    id: v.pipe(v.string('annotation id must be a string'), v.maxLength(128)),
    startEpochNs: epoch('annotation startEpochNs'),
    /** Absent for a note pinned to one moment. */
    endEpochNs: v.optional(epoch('annotation endEpochNs')),
    text: v.pipe(v.string('annotation text must be a string'), v.maxLength(20_000, 'annotation text is longer than 20,000 characters')),
  },
  'annotation',
);

/** What a session file keeps of the UI; the host reads selection and annotations (reports), the rest is opaque. */
export const SessionUiStateSchema = fields(
  {
    /** The selected range in wall-clock epoch ns (the axis origin may differ when reopened). */
    selection: v.nullable(epochRange('selection')),
    viewWindow: v.optional(v.nullable(epochRange('viewWindow'))),
    annotations: v.pipe(v.array(AnnotationSchema, 'annotations must be a list'), v.maxLength(10_000, 'more than 10,000 annotations')),
    /** Name of the focused source. */
    focusedSource: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(4096)))),
    /** Per-view state (sample type, filters, zoom…) and layout, opaque to the host. */
    views: v.record(v.string(), v.unknown(), 'uiState.views must be an object'),
  },
  'uiState',
);

// ---- SSH ----------------------------------------------------------------------------------------

export const SSH_PPROF_KINDS = ['goroutine', 'goroutineleak', 'block', 'mutex', 'heap', 'allocs', 'threadcreate', 'profile', 'trace', 'custom'] as const;
/** Endpoints that run for `seconds` (CPU profile, execution trace). */
const isTimed = (kind: string) => kind === 'profile' || kind === 'trace';
/**
 * Endpoints whose `seconds=N` asks Go for a delta: net/http/pprof takes the profile, waits N s,
 * takes it again and answers the difference (its profileSupportsDelta set), so a cumulative block
 * or mutex profile covers just those N seconds. Not with debug > 0 (Go answers 400).
 */
export const PPROF_DELTA_KINDS: readonly string[] = ['goroutine', 'goroutineleak', 'block', 'mutex', 'heap', 'allocs', 'threadcreate'];
/** debug=2 (every goroutine's stack, the panic format) exists for these only. */
const DEBUG2_KINDS: readonly string[] = ['goroutine', 'goroutineleak'];
export const CUSTOM_PPROF_PATH_MAX = 512;

/**
 * Why a custom endpoint path (e.g. an application's flight-recorder handler) cannot be sent, or
 * null. It becomes the request line's target verbatim, so: an absolute path, printable ASCII
 * without space (no CR/LF: no header injection), no `..` (stays under the listener's own paths),
 * no `#`, bounded length. A query string is allowed.
 */
export function customPprofPathProblem(p: unknown): string | null {
  if (typeof p !== 'string' || !p.startsWith('/')) return "path must start with '/'";
  if (p.length > CUSTOM_PPROF_PATH_MAX) return `path is longer than ${CUSTOM_PPROF_PATH_MAX} characters`;
  if (!/^[\x21-\x7e]+$/.test(p)) return 'path must be printable ASCII without spaces, CR or LF';
  if (p.includes('..')) return "path must not contain '..'";
  if (p.includes('#')) return "path must not contain '#'";
  return null;
}

/** A pprof fetch's own rules (shared by the one-off fetch and the schedule): the reason, or null. */
export function pprofFetchProblem(
  prefix: string,
  o: { kind: string; seconds?: number | undefined; debug?: number | undefined; path?: string | undefined },
): string | null {
  if (o.kind === 'custom') {
    if (o.path === undefined) return `${prefix}path required for a custom endpoint`;
    const bad = customPprofPathProblem(o.path);
    if (bad) return `${prefix}${bad}`;
    if (o.seconds !== undefined || o.debug !== undefined) return `${prefix}seconds and debug are not for a custom endpoint (put its query in path)`;
    return null;
  }
  if (o.path !== undefined) return `${prefix}path is for a custom endpoint only`;
  if (o.seconds !== undefined && !isTimed(o.kind) && !PPROF_DELTA_KINDS.includes(o.kind)) return `${prefix}seconds (1..3600) is not for ${o.kind}`;
  if (o.debug !== undefined && isTimed(o.kind)) return `${prefix}debug is not for ${o.kind}`;
  if (o.debug === 2 && !DEBUG2_KINDS.includes(o.kind)) return `${prefix}debug must be 0, 1 or (goroutine, goroutineleak only) 2`;
  if (o.seconds !== undefined && (o.debug ?? 0) !== 0) return `${prefix}seconds (a delta) needs debug 0: Go refuses seconds with debug`;
  return null;
}

const pprofKind = (prefix: string) => v.picklist(SSH_PPROF_KINDS, `${prefix}kind must be one of ${SSH_PPROF_KINDS.join(', ')}`);
const port = (prefix: string) => int(1, 65535, `${prefix}port must be an integer 1..65535`);
const seconds = (prefix: string) => v.optional(int(1, 3600, `${prefix}seconds must be an integer 1..3600`));
const debug = (prefix: string) => v.optional(v.picklist([0, 1, 2], `${prefix}debug must be 0, 1 or (goroutine, goroutineleak only) 2`));
const customPath = (prefix: string) =>
  v.optional(v.pipe(v.string(`${prefix}path must be a string`), v.maxLength(CUSTOM_PPROF_PATH_MAX, `${prefix}path is longer than ${CUSTOM_PPROF_PATH_MAX} characters`)));

/** "Every everyS seconds fetch KIND" over a collection's connection; each fetch becomes a source. */
export const PprofScheduleSchema = v.pipe(
  fields(
    {
      kind: pprofKind('pprofSchedule.'),
      /** The program's pprof listener on the host's 127.0.0.1. */
      port: port('pprofSchedule.'),
      /** Seconds between the starts of two fetches (1..86400); a fetch still running delays the next. */
      everyS: int(1, 86_400, 'pprofSchedule.everyS must be an integer 1..86400 (seconds)'),
      /** profile / trace: 1..everyS (default 30 for profile, 1 for trace, as Go's); block, mutex…: a delta over that long. */
      seconds: seconds('pprofSchedule.'),
      /** 0 (default) protobuf; 1 text; 2 goroutine only: every stack, STOPS THE WORLD on each fetch. */
      debug: debug('pprofSchedule.'),
      /** kind 'custom' only: the endpoint's path (and query) on the listener, e.g. a flight recorder's. */
      path: customPath('pprofSchedule.'),
    },
    'pprofSchedule',
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const o = dataset.value;
    const bad = pprofFetchProblem('pprofSchedule.', o);
    if (bad) return addIssue({ message: bad });
    // Go serves one CPU profile at a time: overlapping fetches would only fail (and overlapping
    // deltas would count the same interval twice).
    const s = isTimed(o.kind) ? (o.seconds ?? (o.kind === 'profile' ? 30 : 1)) : (o.seconds ?? 0);
    if (s > o.everyS) addIssue({ message: `pprofSchedule.everyS must be at least the ${o.kind}'s ${s} s` });
  }),
);

/** SSH requests never take a password field: said plainly, rather than as an unknown field. */
const SSH_REQUESTS = new Set(['startCollection', 'stopCollection', 'cancelCollection', 'answerHostKey', 'listCollections', 'fetchPprofOverSsh', 'setPprofSchedule', 'startFleetCollection', 'stopFleet', 'fetchPprofFleet']);
const hasPasswordField = (o: object) => Object.keys(o).some((k) => /pass(word|phrase)?$/i.test(k));

const HOSTS_MSG = 'hosts must be 1..200 hostnames, IPs, ~/.ssh/config aliases or patterns (* ?)';
const JUMP_MSG = 'jump must be jump hosts as ssh -J takes them: [user@]host[:port], comma-separated';
/** A -J list: host-like entries separated by commas (each entry's own checks happen when it is parsed). */
const JumpSchema = v.pipe(
  v.string(JUMP_MSG),
  v.maxLength(2048, JUMP_MSG),
  v.check((j) => j.split(',').every((e) => /^(?!-)[A-Za-z0-9._@:%[\]-]{1,255}$/.test(e.trim().replace(/^ssh:\/\//i, ''))), JUMP_MSG),
);

/** Live collection over SSH: key file or ssh-agent only (passwords are never accepted). */
export const StartCollectionArgsSchema = fields({
    /** Hostname, IP or ~/.ssh/config alias; `user@host` accepted. IPv6 in brackets or bare; no spaces, no leading '-'. */
    host: v.pipe(v.string('host must be a hostname, IP or ~/.ssh/config alias'), v.regex(/^(?!-)[A-Za-z0-9._@:%[\]-]{1,255}$/, 'host must be a hostname, IP or ~/.ssh/config alias')),
    port: v.optional(port('')),
    user: v.optional(v.pipe(v.string('user must be a user name'), v.regex(/^(?!-)[A-Za-z0-9._@-]{1,64}$/, 'user must be a user name'))),
    /** Private key file (unencrypted; a passphrase-protected key belongs in ssh-agent). */
    keyPath: v.optional(filePath('keyPath must be a file path')),
    /** Default true: try ssh-agent (SSH_AUTH_SOCK) first. */
    useAgent: v.optional(v.boolean('useAgent must be a boolean')),
    /** Time between snapshots, ms (default 1000). */
    intervalMs: v.optional(int(100, 3_600_000, 'intervalMs must be an integer 100..3600000')),
    /** Also count /proc/PID/fd entries each tick. */
    pid: v.optional(int(1, 4_194_304, 'pid must be a process id')),
    /** Only sockets with one of these local or peer ports. */
    filterPorts: v.optional(v.pipe(v.array(port('filterPorts: '), 'filterPorts must be up to 32 ports 1..65535'), v.maxLength(32, 'filterPorts must be up to 32 ports 1..65535'))),
    /** Also fetch a pprof endpoint over the same connection at an interval (see setPprofSchedule). */
    pprofSchedule: v.optional(PprofScheduleSchema),
    /** Jump hosts as `ssh -J` takes them (`[user@]host[:port]`, comma-separated; `none`): beats the ssh config's ProxyJump. */
    jump: v.optional(JumpSchema),
});

/** Several hosts (or ssh-config patterns with * ?) with the single-host options. */
export const StartFleetCollectionArgsSchema = fields({
  ...StartCollectionArgsSchema.entries,
  host: v.optional(v.never()),
  hosts: v.pipe(
    v.array(v.pipe(v.string(HOSTS_MSG), v.regex(/^(?!-)[A-Za-z0-9._@:%[\]*?-]{1,255}$/, HOSTS_MSG)), HOSTS_MSG),
    v.minLength(1, HOSTS_MSG),
    v.maxLength(200, HOSTS_MSG),
  ),
});

const collectionId = hostMadeId('collectionId required');

const FetchPprofArgsSchema = v.pipe(
  fields({ collectionId, kind: pprofKind(''), port: port(''), seconds: seconds(''), debug: debug(''), path: customPath('') }),
  v.rawCheck(({ dataset, addIssue }) => {
    const bad = dataset.typed ? pprofFetchProblem('', dataset.value) : null;
    if (bad) addIssue({ message: bad });
  }),
);

// ---- the requests -------------------------------------------------------------------------------

const none = fields({});
const wcRange = (msg: string) => v.strictObject({ startNs: finite(msg), endNs: finite(msg) }, msg);
const bytes = (msg: string) => v.instance(Uint8Array, msg);
/** A page query of one given type, its arguments checked as the `query` request checks them. */
function queryOfType<T extends 'callTree' | 'shownPprof' | 'topTable' | 'sourceLines'>(type: T) {
  const msg = `query must be a {type: '${type}'} query`;
  return v.pipe(
    v.looseObject({ type: v.literal(type, msg) }, msg),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const bad = validateQueryArgs(type, dataset.value);
      if (bad) addIssue({ message: `query: ${bad}` });
    }),
  );
}
const callTreeQuery = queryOfType('callTree');
const shownPprofQuery = queryOfType('shownPprof');
const topTableQuery = queryOfType('topTable');
const seriesId = v.pipe(v.string('seriesId must be a string'), v.minLength(1, 'seriesId must be a string'), v.maxLength(128, 'seriesId must be a string'));
const pageQuery = v.pipe(
  v.looseObject({ type: v.string('query {type} required') }, 'query {type} required'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const bad = validateQueryArgs(dataset.value.type, dataset.value);
    if (bad) addIssue({ message: bad.startsWith('unknown query') || bad.includes('built by the host') ? bad : `${dataset.value.type}: ${bad}` });
  }),
);
const sourceLinesQuery = queryOfType('sourceLines');
const imageName = /^[\w.-]{1,100}$/;

/** request name → the schema of its argument. */
export const REQUEST_ARG_SCHEMAS = {
  getSession: none,
  openPaths: fields({ paths: v.pipe(v.array(v.pipe(v.string('paths must be an array of strings'), v.maxLength(4096, 'a path is longer than 4096 characters')), 'paths must be an array of strings'), v.maxLength(1000, 'at most 1000 paths at once')) }),
  openBytes: fields({
    name: v.pipe(v.string('name must be a non-empty string'), v.minLength(1, 'name must be a non-empty string'), v.maxLength(4096, 'name must be a non-empty string')),
    bytes: bytes('bytes must be a Uint8Array'),
    /** File modification time (epoch ms), when the browser knows it. */
    mtimeMs: v.optional(finite('mtimeMs must be a number')),
    /** The folder path inside a dropped or picked folder ("incident/web-01"): it tells equal names apart. */
    folder: v.optional(v.pipe(v.string('folder must be a string'), v.maxLength(4096, 'folder is longer than 4096 characters'))),
  }),
  openDemo: none,
  cancelIngest: fields({ id: sourceId() }),
  removeSource: fields({ id: sourceId() }),
  undoPairing: fields({ id: sourceId() }),
  setSourceOffset: fields({ id: sourceId(), offsetNs: OffsetNsSchema }),
  query: fields({ id: sourceId(), query: pageQuery }),
  sourceListing: fields({
    id: sourceId(),
    query: sourceLinesQuery,
    roots: v.pipe(v.array(filePath('roots must be folder paths'), 'roots must be an array of folder paths'), v.maxLength(32, 'at most 32 source roots')),
    trimPath: v.optional(v.pipe(v.string('trimPath must be a string'), v.maxLength(4096, 'trimPath must be a string'))),
  }),
  goroutineGroupsAcross: fields({
    ids: sourceIds(),
    // pprof's -tagfocus / -tagignore over each goroutine's labels (regexes: the engine reports a bad one).
    tagfocus: v.optional(v.pipe(v.string('tagfocus must be a string'), v.maxLength(4096, 'tagfocus must be a string'))),
    tagignore: v.optional(v.pipe(v.string('tagignore must be a string'), v.maxLength(4096, 'tagignore must be a string'))),
  }),
  findings: fields({ ids: sourceIds() }),
  whatChangedAcross: fields({
    ids: sourceIds(),
    selection: wcRange('selection must be {startNs, endNs}'),
    baseline: v.pipe(v.array(wcRange('baseline must be up to 8 {startNs, endNs} ranges'), 'baseline must be up to 8 {startNs, endNs} ranges'), v.maxLength(8, 'baseline must be up to 8 {startNs, endNs} ranges')),
    limit: v.optional(int(1, 100, 'limit must be an integer in 1..100')),
  }),
  heatmapAcross: v.pipe(
    fields({
      ids: sourceIds(),
      range: wcRange('range must be {startNs, endNs}'),
      bins: int(1, 20_000, 'bins must be an integer in 1..20000'),
      scope: v.picklist(['sum', 'rows'], "scope must be 'sum' or 'rows'"),
      mode: v.picklist(['state', 'peer', 'localPort', 'process'], 'mode must be state, peer, localPort or process'),
      state: v.optional(v.pipe(v.string('state must be a string'), v.maxLength(64, 'state must be a string'))),
      topN: v.optional(int(1, 1000, 'topN must be an integer in 1..1000')),
      measure: v.optional(v.picklist(['sockets', 'recvQ', 'sendQ'], 'measure must be sockets, recvQ or sendQ')),
    }),
    // Each host's engine draws rows × bins: the product over the hosts is what the join holds.
    v.check((a) => a.ids.length * a.bins * hostRowsAsked(a.topN) <= MAX_HEATMAP_ACROSS_CELLS, `hosts × bins × rows asked must stay within ${MAX_HEATMAP_ACROSS_CELLS.toLocaleString('en-US')} cells: fewer bins or hosts`),
  ),
  diffCallTree: fields({
    id: sourceId('id and baseId required'),
    baseId: sourceId('id and baseId required'),
    query: callTreeQuery,
    baseProfile: v.optional(v.pipe(v.string('baseProfile must be a string'), v.maxLength(256, 'baseProfile must be a string'))),
    baseRange: v.optional(v.pipe(v.unknown(), v.check((r) => typeof r === 'object' && r !== null, 'baseRange must be {startNs, endNs}'), SourceRangeSchema)),
  }),
  seriesCallTree: fields({
    seriesId,
    range: wcRange('range must be {startNs, endNs}'),
    query: callTreeQuery,
    baseline: v.optional(wcRange('baseline must be {startNs, endNs}')),
  }),
  seriesTopTable: fields({ seriesId, range: wcRange('range must be {startNs, endNs}'), query: topTableQuery }),
  diffPprof: fields({
    id: sourceId('id and baseId required'),
    baseId: sourceId('id and baseId required'),
    query: shownPprofQuery,
    baseProfile: v.optional(v.pipe(v.string('baseProfile must be a string'), v.maxLength(256, 'baseProfile must be a string'))),
  }),
  startCollection: StartCollectionArgsSchema,
  stopCollection: fields({ collectionId }),
  cancelCollection: fields({ collectionId }),
  answerHostKey: fields({ requestId: hostMadeId('requestId and accept (boolean) required'), accept: v.boolean('requestId and accept (boolean) required') }),
  listCollections: none,
  fetchPprofOverSsh: FetchPprofArgsSchema,
  /** `schedule: null` clears it. */
  setPprofSchedule: fields({ collectionId, schedule: v.nullable(PprofScheduleSchema) }),
  startFleetCollection: StartFleetCollectionArgsSchema,
  stopFleet: fields({ fleetId: hostMadeId('fleetId required'), cancel: v.optional(v.boolean('cancel must be a boolean')) }),
  fetchPprofFleet: v.pipe(
    fields({ fleetId: hostMadeId('fleetId required'), kind: pprofKind(''), port: port(''), seconds: seconds(''), debug: debug(''), path: customPath('') }),
    v.rawCheck(({ dataset, addIssue }) => {
      const bad = dataset.typed ? pprofFetchProblem('', dataset.value) : null;
      if (bad) addIssue({ message: bad });
    }),
  ),
  saveSession: fields({ embed: v.boolean('embed (boolean) and uiState required'), uiState: SessionUiStateSchema }),
  openSession: fields({ bytes: bytes('bytes must be a Uint8Array'), name: v.optional(v.pipe(v.string('name must be a string'), v.maxLength(4096, 'name must be a string'))) }),
  exportBundle: fields({
    dir: v.optional(filePath('dir must be a folder path')),
    zip: v.optional(v.boolean('zip must be a boolean')),
    images: v.pipe(
      v.array(
        fields(
          {
            name: v.pipe(v.string('images must be up to 32 {name, base64} (plain file names)'), v.regex(imageName, 'images must be up to 32 {name, base64} (plain file names)'), v.check((n) => !n.startsWith('.'), 'image names must not start with a dot')),
            base64: v.pipe(v.string('image base64 must be a string'), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'image base64 must be base64')),
          },
          'image',
        ),
        'images must be up to 32 {name, base64} (plain file names)',
      ),
      v.maxLength(32, 'images must be up to 32 {name, base64} (plain file names)'),
    ),
    uiState: SessionUiStateSchema,
  }),
  listRecent: none,
};

type Schemas = typeof REQUEST_ARG_SCHEMAS;
export type SchemaRequestName = keyof Schemas;
/** A request's argument as its schema accepts it. */
export type SchemaArg<K extends SchemaRequestName> = v.InferOutput<Schemas[K]>;

export type SessionUiStateArg = v.InferOutput<typeof SessionUiStateSchema>;
export type AnnotationArg = v.InferOutput<typeof AnnotationSchema>;
export type StartCollectionArg = v.InferOutput<typeof StartCollectionArgsSchema>;
export type PprofScheduleArg = v.InferOutput<typeof PprofScheduleSchema>;

/** Checks a request's argument; returns the reason it is refused, or null. */
export function validateRequestArg(name: SchemaRequestName, arg: unknown): string | null {
  const schema = REQUEST_ARG_SCHEMAS[name] as v.GenericSchema;
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return 'argument must be an object';
  if (SSH_REQUESTS.has(name) && hasPasswordField(arg)) return 'passwords are not accepted: use a key file or ssh-agent';
  const r = v.safeParse(schema, arg);
  return r.success ? null : issueText(r.issues);
}

export { QUERY_ARG_SCHEMAS };
