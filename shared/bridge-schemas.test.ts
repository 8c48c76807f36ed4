import { describe, expect, it } from 'vitest';
import { REQUEST_NAMES } from './bridge.ts';
import { isEpochNsString, MAX_OFFSET_NS, REQUEST_ARG_SCHEMAS, validateRequestArg } from './bridge-schemas.ts';
import { HOST_ONLY_QUERIES, QUERY_ARG_SCHEMAS, validateQueryArgs } from './query/query-schemas.ts';

const UI = { selection: { startEpochNs: '1795376240000000000', endEpochNs: '1795376250500000000' }, annotations: [], views: { flame: { profile: 'delay' } } };

describe('bridge request schemas', () => {
  it('cover exactly the bridge requests', () => {
    expect(Object.keys(REQUEST_ARG_SCHEMAS).sort()).toEqual([...REQUEST_NAMES].sort());
  });

  it('accept what the page sends', () => {
    const ok: [string, unknown][] = [
      ['getSession', {}],
      ['openPaths', { paths: ['/tmp/a.pb.gz'] }],
      ['openBytes', { name: 'a.txt', bytes: new Uint8Array(3), mtimeMs: 1.7e12 }],
      ['setSourceOffset', { id: 's1', offsetNs: -3.6e12 }],
      ['whatChangedAcross', { ids: ['s1', 's2'], selection: { startNs: 0, endNs: 1e9 }, baseline: [{ startNs: 1e9, endNs: 2e9 }], limit: 5 }],
      ['diffCallTree', { id: 's1', baseId: 's2', baseProfile: 'delay', query: { type: 'callTree', profile: 'delay', minFraction: 0.001, maxNodes: 4000 } }],
      ['saveSession', { embed: true, uiState: UI }],
      ['exportBundle', { zip: true, images: [{ name: 'flame.png', base64: 'iVBORw0KGgo=' }], uiState: { ...UI, viewWindow: null, focusedSource: null } }],
      ['startCollection', { host: 'deploy@db1', intervalMs: 1000, filterPorts: [5432], pprofSchedule: { kind: 'profile', port: 6060, everyS: 60, seconds: 30 } }],
      ['setPprofSchedule', { collectionId: 'c1', schedule: null }],
      // The widest map the UI asks: 200 hosts, 4,000 bins, 50 rows each.
      ['heatmapAcross', { ids: Array.from({ length: 200 }, (_, i) => `s${i}`), range: { startNs: 0, endNs: 1e9 }, bins: 4000, scope: 'rows', mode: 'state', topN: 50 }],
    ];
    for (const [name, arg] of ok) expect(validateRequestArg(name as 'getSession', arg), name).toBeNull();
  });

  it('refuse what no page should send, naming the field', () => {
    const bad: [string, unknown, RegExp][] = [
      ['getSession', [], /argument must be an object/],
      ['getSession', { extra: 1 }, /unknown field extra/],
      ['openPaths', { paths: 'x' }, /paths must be an array/],
      ['openBytes', { name: 'a', bytes: [1, 2] }, /bytes must be a Uint8Array/],
      ['setSourceOffset', { id: 's1', offsetNs: 1e308 }, /within a century/],
      ['setSourceOffset', { id: 's1', offsetNs: MAX_OFFSET_NS * 1.01 }, /within a century/],
      ['setSourceOffset', { id: 's1', offsetNs: Number.POSITIVE_INFINITY }, /finite/],
      ['setSourceOffset', { id: 's1' }, /offsetNs required/],
      ['saveSession', { embed: true, uiState: { ...UI, selection: { startEpochNs: '2', endEpochNs: '1' } } }, /selection must not end before it starts/],
      ['saveSession', { embed: true, uiState: { ...UI, selection: { startEpochNs: '1', endEpochNs: '9'.repeat(30) } } }, /selection.endEpochNs must be an epoch-ns/],
      ['saveSession', { embed: true, uiState: { ...UI, selection: 'all' } }, /selection/],
      ['saveSession', { embed: true, uiState: { ...UI, annotations: [{ id: 'a', startEpochNs: '1', text: 'x'.repeat(20_001) }] } }, /20,000 characters/],
      ['exportBundle', { images: [{ name: '.hidden', base64: '' }], uiState: UI }, /dot/],
      ['exportBundle', { images: [], uiState: UI, dir: 'a\0b' }, /dir must be a folder path/],
      ['query', { id: 's1', query: { type: 'summary', extra: true } }, /unknown field extra/],
      ['diffCallTree', { id: 's1', baseId: 's2', query: { type: 'topTable' } }, /callTree/],
      // Each field within its bound, the product not: 200 hosts × 20,000 bins × 1,000 rows.
      ['heatmapAcross', { ids: Array.from({ length: 200 }, (_, i) => `s${i}`), range: { startNs: 0, endNs: 1e9 }, bins: 20_000, scope: 'sum', mode: 'peer', topN: 1000 }, /within 67,108,864 cells/],
      ['heatmapAcross', { ids: ['s1', 's2', 's3', 's4'], range: { startNs: 0, endNs: 1e9 }, bins: 20_000, scope: 'sum', mode: 'peer', topN: 1000 }, /within 67,108,864 cells/],
    ];
    for (const [name, arg, re] of bad) expect(validateRequestArg(name as 'getSession', arg), `${name} ${JSON.stringify(arg)?.slice(0, 80)}`).toMatch(re);
  });

  it('keep epoch times to what a date can show', () => {
    expect(isEpochNsString('1795376240000000000')).toBe(true);
    expect(isEpochNsString('-1000')).toBe(true);
    expect(isEpochNsString('8640000000000000000000')).toBe(true);
    expect(isEpochNsString('8640000000000000000001')).toBe(false);
    expect(isEpochNsString('1e18')).toBe(false);
    expect(isEpochNsString(1795376240000000000)).toBe(false);
  });
});

describe('page query schemas', () => {
  it('accept the queries the views send', () => {
    const range = { startNs: 0, endNs: 5e9 };
    const ok: Record<string, object> = {
      summary: {},
      track: { maxPoints: 1400 },
      traceGoroutineGroups: { range },
      goroutineLanes: { ids: [1, 2, 3], range, resolutionNs: 5e9 / 1280 },
      goroutineGroups: { sourceId: 's1' },
      stackProfiles: {},
      callTree: { profile: 'delay', range, inverted: true, focus: '^net/http', search: 'Read', rootPath: ['main.main'], minFraction: 1 / 1200, maxNodes: 4000 },
      topTable: { profile: 'delay', sortBy: 'cum', reverse: false, limit: 200 },
      exportStacks: { profile: 'cpu' },
      shownPprof: { profile: 'sync', range, focus: '^net/http', ignore: 'x', hide: 'runtime' },
      heatmap: { range, bins: 600, mode: 'state', topN: 12 },
      socketsInCell: { snapshot: 3, row: 'ESTAB', mode: 'peer', state: 'ESTAB', rows: ['a', 'b'], limit: 500 },
      traceAnnotations: { range, logLimit: 200, instances: { kind: 'region', type: 'db', limit: 500 } },
      goroutineBreakdown: { range, groupBy: 'goroutine', name: 'main.worker', limit: 100 },
      mmu: { range, flags: { stw: true, background: true, assist: true, perProc: true }, worstFor: 1e6 },
      labelKeys: { profile: 'cpu' },
      peek: { profile: 'cpu', regex: '^main\\.encode$', tagfocus: 'worker=alpha', tagroot: 'worker' },
      sourceLines: { profile: 'cpu', regex: '^main\\.encode$', hide: 'runtime', tagignore: 'bytes=:512' },
      timelineOverview: {},
      timelineWindow: { range, resolutionNs: 1000, lanes: [{ kind: 'proc', id: 0 }, { kind: 'goroutine', id: 7 }], colorBy: 'region', flowLimit: 100 },
      timelineSliceDetail: { lane: { kind: 'thread', id: 3 }, t: 1500, eventLimit: 20 },
      searchGoroutines: { text: 'worker', limit: 20 },
    };
    expect(Object.keys(ok).sort()).toEqual(Object.keys(QUERY_ARG_SCHEMAS).sort());
    for (const [type, args] of Object.entries(ok)) expect(validateQueryArgs(type, { type, ...args }), type).toBeNull();
  });

  it('refuse unknown and host-only queries, and arguments past what a view can use', () => {
    expect(validateQueryArgs('dropTables', { type: 'dropTables' })).toBe('unknown query type "dropTables"');
    expect(validateQueryArgs('constructor', {})).toBe('unknown query type "constructor"');
    for (const name of HOST_ONLY_QUERIES) expect(validateQueryArgs(name, { type: name })).toContain('built by the host');
    expect(validateQueryArgs('goroutineLanes', { ids: Array.from({ length: 5001 }, (_, i) => i) })).toMatch(/^ids: /);
    expect(validateQueryArgs('timelineWindow', { range: { startNs: 0, endNs: 1 }, resolutionNs: 1, lanes: [{ kind: 'cpu', id: 0 }] })).toMatch(/^lanes\.0\.kind: /);
    expect(validateQueryArgs('heatmap', { bins: 20_001, mode: 'state' })).toMatch(/^bins: /);
    expect(validateQueryArgs('heatmap', { bins: 10, mode: 'dns' })).toMatch(/^mode: /);
    expect(validateQueryArgs('callTree', { range: { startNs: 0, endNs: Number.NaN } })).toMatch(/^range.endNs: /);
    expect(validateQueryArgs('callTree', { focus: 'x'.repeat(4097) })).toMatch(/^focus: /);
    expect(validateQueryArgs('track', { maxPoints: 1.5 })).toMatch(/^maxPoints: /);
    expect(validateQueryArgs('mmu', { flags: { gc: true } })).toBe('unknown field gc');
    expect(validateQueryArgs('mmu', { flags: {}, worstFor: 0 })).toMatch(/^worstFor: /);
  });
});

describe('fleet and jump-host arguments', () => {
  it('accepts host lists, patterns and -J lists; refuses passwords, a single host field and bad entries', () => {
    expect(validateRequestArg('startFleetCollection', { hosts: ['web-1', 'db-*', '127.0.0.3'], jump: 'ops@bastion:2222,ssh://edge' })).toBeNull();
    expect(validateRequestArg('startCollection', { host: 'web-1', jump: 'bastion' })).toBeNull();
    expect(validateRequestArg('startFleetCollection', { hosts: ['web-1'], password: 'x' })).toMatch(/passwords are not accepted/);
    expect(validateRequestArg('startFleetCollection', { hosts: [] })).toMatch(/hosts must be 1\.\.200/);
    expect(validateRequestArg('startFleetCollection', { hosts: ['-oProxyCommand=sh'] })).toMatch(/hosts must be/);
    expect(validateRequestArg('startFleetCollection', { hosts: ['a'], host: 'b' })).not.toBeNull();
    expect(validateRequestArg('startCollection', { host: 'web-1', jump: 'bastion,-oProxyCommand=sh' })).toMatch(/jump must be/);
    expect(validateRequestArg('stopFleet', { fleetId: 'f1', cancel: true })).toBeNull();
    expect(validateRequestArg('stopFleet', { fleetId: '../x' })).toMatch(/fleetId required/);
    expect(validateRequestArg('fetchPprofFleet', { fleetId: 'f1', kind: 'block', port: 6060 })).toBeNull();
    expect(validateRequestArg('fetchPprofFleet', { fleetId: 'f1', kind: 'block', port: 6060, seconds: 5, debug: 1 })).toMatch(/seconds/);
    expect(validateRequestArg('fetchPprofFleet', { fleetId: 'f1', kind: 'threadcreate', port: 6060, seconds: 5 })).toBeNull();
  });
});

describe('pprof fetch kinds', () => {
  const fetch = (o: object) => validateRequestArg('fetchPprofOverSsh', { collectionId: 'c1', port: 6060, ...o });
  it('accepts deltas, the goroutine leak profile, traces and custom paths', () => {
    for (const o of [
      { kind: 'block', seconds: 10 },
      { kind: 'mutex', seconds: 3600, debug: 0 },
      { kind: 'goroutineleak' },
      { kind: 'goroutineleak', debug: 2 },
      { kind: 'goroutineleak', seconds: 5 },
      { kind: 'trace', seconds: 5 },
      { kind: 'custom', path: '/debug/flightrecorder' },
      { kind: 'custom', path: '/admin/fr?window=10s&format=trace' },
    ])
      expect(fetch(o), JSON.stringify(o)).toBeNull();
    expect(validateRequestArg('setPprofSchedule', { collectionId: 'c1', schedule: { kind: 'custom', port: 6060, everyS: 60, path: '/debug/fr' } })).toBeNull();
  });
  it('refuses what Go refuses and paths that would leave the endpoint, saying why', () => {
    for (const [o, re] of [
      [{ kind: 'block', seconds: 0 }, /seconds must be an integer 1\.\.3600/],
      [{ kind: 'block', seconds: 5, debug: 1 }, /needs debug 0/],
      [{ kind: 'heap', debug: 2 }, /goroutine, goroutineleak only/],
      [{ kind: 'trace', debug: 1 }, /debug is not for trace/],
      [{ kind: 'custom' }, /path required/],
      [{ kind: 'custom', path: 'debug/fr' }, /start with '\/'/],
      [{ kind: 'custom', path: '/a/../b' }, /'\.\.'/],
      [{ kind: 'custom', path: '/a b' }, /printable ASCII/],
      [{ kind: 'custom', path: '/a\r\nX-Evil: 1' }, /printable ASCII/],
      [{ kind: 'custom', path: '/a#frag' }, /'#'/],
      [{ kind: 'custom', path: `/${'a'.repeat(600)}` }, /longer than 512/],
      [{ kind: 'custom', path: '/fr', seconds: 5 }, /not for a custom endpoint/],
      [{ kind: 'goroutine', path: '/x' }, /custom endpoint only/],
    ] as const)
      expect(fetch(o), JSON.stringify(o)).toMatch(re);
    // A delta longer than the schedule's interval would overlap the next one.
    expect(validateRequestArg('setPprofSchedule', { collectionId: 'c1', schedule: { kind: 'block', port: 6060, everyS: 5, seconds: 10 } })).toMatch(/at least the block's 10 s/);
  });
});

describe('sourceListing (pprof list)', () => {
  it('takes a sourceLines query, the roots and a trim path; refuses other queries and roots that are not paths', () => {
    const query = { type: 'sourceLines', profile: 'cpu', regex: '^main\\.encode$' };
    expect(validateRequestArg('sourceListing', { id: 's1', query, roots: ['/src/app'], trimPath: 'example.com/app' })).toBeNull();
    expect(validateRequestArg('sourceListing', { id: 's1', query: { type: 'peek', regex: 'x' }, roots: [] })).toMatch(/sourceLines/);
    expect(validateRequestArg('sourceListing', { id: 's1', query, roots: ['/a\0b'] })).toMatch(/roots must be folder paths/);
    expect(validateRequestArg('sourceListing', { id: 's1', query: { type: 'sourceLines' }, roots: [] })).toMatch(/regex/);
  });
});

describe('diffPprof (Save as pprof of a diff)', () => {
  it('takes a shownPprof query and the base; refuses other queries and a page-sent base', () => {
    expect(validateRequestArg('diffPprof', { id: 's1', baseId: 's2', query: { type: 'shownPprof', profile: 'delay', hide: 'x' }, baseProfile: 'delay' })).toBeNull();
    expect(validateRequestArg('diffPprof', { id: 's1', baseId: 's2', query: { type: 'callTree' } })).toMatch(/shownPprof/);
    expect(validateRequestArg('diffPprof', { id: 's1', baseId: 's2', query: { type: 'shownPprof', base: {} } })).toMatch(/unknown field base/);
    expect(validateRequestArg('diffPprof', { id: 's1', query: { type: 'shownPprof' } })).toMatch(/baseId required/);
  });
});
