/**
 * The session: the sources the user has opened, each backed by an engine process, and their placement
 * on one time axis. Emits the whole SessionInfo on every change (throttled while ingesting).
 */
import { basename } from 'node:path';
import type { SessionInfo, SourceId, SourceInfo, SourceOrigin } from '../../shared/bridge.ts';
import { epochAdd, epochDiffNs, type SourceClock } from '../../shared/model/time.ts';
import type { PlacementFingerprint } from '../../shared/query/placement/fingerprint.ts';
import { pairByContent } from '../../shared/query/placement/pairing.ts';
import { disposeSpareWorkers, prewarmEngine, startEngine, type Engine } from './engine.ts';
import type { SourceHeader } from './engine-protocol.ts';
import type { IngestInput } from './ingest-input.ts';
import type { CallTreeQuery, QueryName, QueryResultOf, SourceQuery, SourceQueryOf } from '../../shared/query/query-types.ts';
import type { SourceRange } from '../../shared/query/stacks/stack-types.ts';
import type { GoroutineGroupsResult } from '../../shared/query/dumps/goroutine-groups.ts';
import type { WcRange, WhatChangedPart, WhatChangedResult } from '../../shared/query/what-changed.ts';
import { baselineRuns, seriesMoverRows, windowsNs } from '../../shared/query/stacks/series-movers.ts';
import type { DiagnoseResult } from '../../shared/query/findings/types.ts';
import { hostRowsAsked, type HeatmapAcross, type HostHeatmapPart } from '../../shared/query/sockets/heatmap-across.ts';
import type { SchemaArg } from '../../shared/bridge-schemas.ts';
import { hostLabels, isHostCapture } from '../../shared/source-hosts.ts';
import { describeSeriesWindow, profileSeries, seriesWindow, SERIES_NEEDS_STACKS, type StacksRef, type SeriesWindow, type ProfileSeriesInfo, type SeriesCandidate, type SeriesIdentity, type SeriesWindowInfo } from '../../shared/query/stacks/profile-series.ts';
import type { SeriesAnswer } from '../../shared/bridge.ts';
import { sourceDisplayNames } from '../../shared/source-names.ts';

interface Entry {
  info: SourceInfo;
  engine: Engine | null;
  /** The source's own span (ns relative to its clock origin), once parsed. */
  span: { startNs: number; endNs: number } | null;
  /** A wall-clock placement to apply once parsed (manual alignment known in advance). */
  placement?: { epochNs: string; basis: string };
  /** A session file's saved clock and offset, applied once parsed (the same place on the axis). */
  restore?: { clock?: SourceClock; offsetNs: number };
  /** The file this source was read from (set here, from the ingest input: never from its origin). */
  readPath?: string;
  /** What the content says about when it was taken (pairing). */
  fingerprint?: PlacementFingerprint | null;
  /** The source's own clock, kept while pairing places it by a partner's (clock 'paired'). */
  ownClock?: SourceClock;
  /** Never placed by pairing: the user undid a pairing or placed the source by hand. */
  noPairing?: boolean;
  /** The profile series this snapshot can join (cumulative pprof profiles only). */
  seriesIdentity?: SeriesIdentity | null;
}

/**
 * A live capture's print grown by the new snapshots' prints the engine sent (it sends only those).
 * The engine extends the print it last sent, so `prev` holds exactly `from` snapshots; anything else
 * (never expected) drops the print rather than pair against a wrong one.
 */
function grownPrint(prev: PlacementFingerprint | null | undefined, tail: NonNullable<SourceHeader['fingerprintTail']>): PlacementFingerprint | null {
  if (prev?.type !== 'sockets' || prev.snapshots.length !== tail.from) return null;
  return { type: 'sockets', snapshots: prev.snapshots.concat(tail.snapshots), summary: tail.summary };
}

export interface SessionStoreOptions {
  workerScript: string;
  onChange: (s: SessionInfo) => void;
  onError: (file: string, reason: string) => void;
}

export class SessionStore {
  private entries = new Map<SourceId, Entry>();
  private nextId = 1;
  private changeTimer: ReturnType<typeof setTimeout> | null = null;
  private snapshotSeq = 0;

  constructor(private readonly opts: SessionStoreOptions) {
    prewarmEngine(opts.workerScript);
  }

  /** Adds a source and starts ingesting it; resolves with its id at once (ingest continues). */
  add(name: string, input: IngestInput, origin: SourceOrigin, sizeBytes: number): SourceId {
    const id = `s${this.nextId++}`;
    const info: SourceInfo = {
      id,
      name,
      kind: 'error',
      format: '',
      origin,
      status: 'ingesting',
      progress: 0,
      sizeBytes,
      offsetNs: 0,
    };
    const entry: Entry = { info, engine: null, span: null, ...('path' in input ? { readPath: input.path } : {}) };
    this.entries.set(id, entry);
    const engine = startEngine(this.opts.workerScript, input, (f) => {
      info.progress = f;
      this.changed(false);
    });
    entry.engine = engine;
    engine.ready.then(
      (h) => {
        if (!this.entries.has(id)) return;
        this.applyHeader(entry, h);
        this.changed(true);
        // The engine process ended after it was ready (crash, out of memory, a query that never ended).
        void engine.lost.then((reason) => this.engineLost(entry, engine, reason));
      },
      (e: Error) => {
        if (!this.entries.has(id)) return;
        const cancelled = e.message === 'cancelled';
        info.status = cancelled ? 'cancelled' : 'error';
        info.error = e.message;
        entry.engine = null;
        engine.dispose();
        if (!cancelled) this.opts.onError(name, e.message);
        this.changed(true);
      },
    );
    this.changed(true);
    return id;
  }

  /** A ready source whose engine ended: it becomes an error saying why (a live source reparses in a new one). */
  private engineLost(entry: Entry, engine: Engine, reason: string) {
    if (entry.engine !== engine || this.entries.get(entry.info.id) !== entry) return;
    entry.engine = null;
    entry.span = null;
    Object.assign(entry.info, { status: 'error', error: reason });
    this.opts.onError(entry.info.name, reason);
    this.changed(true);
  }

  private applyHeader(entry: Entry, h: SourceHeader) {
    Object.assign(entry.info, {
      kind: h.kind,
      format: h.format,
      status: 'ready',
      progress: 1,
      clock: h.clock,
      partial: h.partial,
      warnings: h.warnings,
      figures: h.figures,
      sizeBytes: h.sizeBytes,
      sha256: h.sha256,
    });
    entry.span = { startNs: h.startNs, endNs: h.endNs };
    entry.fingerprint = h.fingerprintTail ? grownPrint(entry.fingerprint, h.fingerprintTail) : (h.fingerprint ?? null);
    entry.seriesIdentity = h.seriesIdentity ?? null;
    entry.ownClock = undefined; // the header's clock is the source's own again
    entry.info.pairedWith = undefined;
    if (entry.placement) this.applyPlacement(entry);
    if (entry.restore) {
      if (entry.restore.clock) entry.info.clock = entry.restore.clock;
      entry.info.offsetNs = entry.restore.offsetNs;
    }
  }

  /** A source whose file is still being written (an SSH capture): listed at once, parsed by reload(). */
  addLive(name: string, origin: SourceOrigin): SourceId {
    const id = `s${this.nextId++}`;
    const info: SourceInfo = { id, name, kind: 'error', format: '', origin, status: 'ingesting', progress: 0, sizeBytes: 0, offsetNs: 0, live: true };
    this.entries.set(id, { info, engine: null, span: null });
    this.changed(true);
    return id;
  }

  /**
   * Parses a live source's file again (its first maxBytes: whole snapshots only) and swaps the new
   * model in. A failed parse rejects and keeps the previous model. Callers do not overlap reloads.
   */
  async reload(id: SourceId, path: string, maxBytes?: number): Promise<void> {
    const e = this.entries.get(id);
    if (!e) throw new Error(`no source ${id}`);
    let h: SourceHeader;
    if (e.engine) {
      h = await e.engine.reload(path, maxBytes);
    } else {
      const engine = startEngine(this.opts.workerScript, { path, maxBytes }, () => {});
      try {
        h = await engine.ready;
      } catch (err) {
        engine.dispose();
        throw err;
      }
      if (this.entries.get(id) !== e) return engine.dispose();
      e.engine = engine;
      void engine.lost.then((reason) => this.engineLost(e, engine, reason));
    }
    if (this.entries.get(id) !== e) return;
    e.readPath = path;
    this.applyHeader(e, h);
    this.changed(true);
  }

  /** The file a source was read from, when the host opened one for it (sessions and bundles copy only these). */
  readPathOf(id: SourceId): string | undefined {
    return this.entries.get(id)?.readPath;
  }

  /** Marks a live source as finished; one that never parsed becomes an error saying why. */
  endLive(id: SourceId, failReason = 'nothing was received'): void {
    const e = this.entries.get(id);
    if (!e || !e.info.live) return;
    e.info.live = false;
    if (e.info.status === 'ingesting') Object.assign(e.info, { status: 'error', error: failReason });
    this.changed(true);
  }

  /** Replaces a source's provenance (a live capture learns the command actually run once connected). */
  setOrigin(id: SourceId, origin: SourceOrigin): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    e.info.origin = origin;
    this.changed(true);
    return true;
  }

    has(id: SourceId): boolean {
    return this.entries.has(id);
  }

  addPath(path: string, sizeBytes: number): SourceId {
    return this.add(basename(path), { path }, { type: 'file', path }, sizeBytes);
  }

  cancel(id: SourceId): boolean {
    const e = this.entries.get(id);
    if (!e || e.info.status !== 'ingesting' || !e.engine) return false;
    e.engine.dispose();
    return true;
  }

  remove(id: SourceId): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    e.engine?.dispose();
    this.entries.delete(id);
    this.changed(true);
    return true;
  }

  /** Session restore: the source takes its saved clock and offset (now, or once it is parsed). */
  restorePlacement(id: SourceId, clock: SourceClock | undefined, offsetNs: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.restore = { clock, offsetNs };
    this.stopPairing(e);
    if (e.span) {
      if (clock) e.info.clock = clock;
      e.info.offsetNs = offsetNs;
      this.changed(true);
    }
  }

  /** Puts a source's start at a wall-clock time (now, or once it is parsed), as a manual alignment. */
  placeAt(id: SourceId, epochNs: string, basis: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.placement = { epochNs, basis };
    this.stopPairing(e);
    if (e.span) {
      this.applyPlacement(e);
      this.changed(true);
    }
  }

  private applyPlacement(e: Entry) {
    const { epochNs, basis } = e.placement!;
    const origin = e.info.clock?.originEpochNs ?? null;
    if (origin) {
      e.info.offsetNs = epochDiffNs(epochNs, origin) - e.span!.startNs;
      e.info.clock = { originEpochNs: origin, quality: 'manual', basis };
    } else {
      e.info.offsetNs = -e.span!.startNs;
      e.info.clock = { originEpochNs: epochNs, quality: 'manual', basis };
    }
  }

  setOffset(id: SourceId, offsetNs: number): boolean {
    const e = this.entries.get(id);
    if (!e || !Number.isFinite(offsetNs)) return false;
    this.stopPairing(e, true);
    e.info.offsetNs = offsetNs;
    if (e.info.clock) e.info.clock = { ...e.info.clock, quality: 'manual' };
    this.changed(true);
    return true;
  }

  /** Puts a paired source back on its own clock for good; false when it is not paired. */
  undoPairing(id: SourceId): boolean {
    const e = this.entries.get(id);
    if (!e?.ownClock) return false;
    this.stopPairing(e);
    this.changed(true);
    return true;
  }

  /** The user places this source (or undoes its pairing): pairing leaves it alone from now on. */
  private stopPairing(e: Entry, keepPairedPlace = false): void {
    e.noPairing = true;
    if (e.ownClock && !keepPairedPlace) e.info.clock = e.ownClock; // an offset shifts the paired place
    e.ownClock = undefined;
    e.info.pairedWith = undefined;
  }

  /**
   * Places clockless sources by content (shared/query/placement/pairing.ts). Runs on every change:
   * paired sources go back to their own clock, then pairing runs on the sources there are now (a
   * partner may have come, gone or moved).
   */
  private placeByContent(): void {
    const ready = [...this.entries.values()].filter((e) => e.info.status === 'ready' && e.span);
    for (const e of ready) {
      if (!e.ownClock) continue;
      e.info.clock = e.ownClock;
      e.ownClock = undefined;
      e.info.pairedWith = undefined;
    }
    const pairs = pairByContent(
      ready.map((e) => ({
        id: e.info.id,
        name: e.info.name,
        quality: e.noPairing || !e.info.clock ? 'manual' : e.info.clock.quality,
        zeroEpochNs: e.info.clock?.originEpochNs ? epochAdd(e.info.clock.originEpochNs, e.info.offsetNs) : null,
        fingerprint: e.fingerprint ?? null,
      })),
    );
    for (const p of pairs) {
      const e = this.entries.get(p.id)!;
      e.ownClock = e.info.clock;
      e.info.clock = { originEpochNs: p.epochNs, quality: 'paired', basis: p.basis };
      e.info.pairedWith = { id: p.partnerId, name: p.partnerName };
    }
  }

  /** Routes one query to the engine holding the source; typed by the query's name (QueryMap). */
  async query<K extends QueryName>(id: SourceId, q: SourceQueryOf<K>): Promise<QueryResultOf<K>> {
    const e = this.entries.get(id);
    if (!e) throw new Error(`no source ${id}`);
    if (!e.engine || e.info.status !== 'ready') throw new Error(`source ${e.info.name} is not ready (${e.info.status})`);
    // The engine answers with runQuery(source, q), whose result the same map types by q.type.
    return (await e.engine.query(q as SourceQuery)) as QueryResultOf<K>;
  }

  /**
   * Groups each dump in its own engine, then merges the parts in the first dump's engine (the host
   * only routes). Dumps are ordered by their place on the axis.
   */
  async goroutineGroupsAcross(ids: SourceId[], labels: { tagfocus?: string; tagignore?: string } = {}): Promise<GoroutineGroupsResult> {
    const snap = new Map(this.snapshot().sources.map((s) => [s.id, s]));
    const ordered = [...new Set(ids)]
      .filter((id) => snap.get(id)?.kind === 'goroutine-dump')
      .sort((a, b) => (snap.get(a)!.axisStartNs ?? 0) - (snap.get(b)!.axisStartNs ?? 0));
    if (ordered.length === 0) throw new Error('no goroutine dump among the given sources');
    const parts = await Promise.all(
      ordered.map(async (id) => {
        const r = await this.query(id, { type: 'goroutineGroups', sourceId: id, ...labels });
        return r.result;
      }),
    );
    const merged = await this.query(ordered[0]!, { type: 'mergeGoroutineGroups', parts, limit: 500 });
    return merged.result;
  }

  /**
   * "What changed" across sources: each engine computes its part in its own clock, the first
   * source's engine joins them on the axis (the host only routes).
   */
  async whatChangedAcross(ids: SourceId[], selection: WcRange, baseline: WcRange[], limit?: number): Promise<WhatChangedResult> {
    const snap = new Map(this.snapshot().sources.map((s) => [s.id, s]));
    const usable = [...new Set(ids)].filter((id) => snap.get(id)?.status === 'ready' && snap.get(id)?.axisShiftNs !== undefined);
    if (usable.length === 0) throw new Error('no ready source among the given ones');
    const shifts: Record<string, number> = {};
    for (const id of usable) shifts[id] = snap.get(id)!.axisShiftNs!;
    const parts = await Promise.all(
      usable.map(async (id) => {
        const toSrc = (r: WcRange) => ({ startNs: r.startNs - shifts[id]!, endNs: r.endNs - shifts[id]! });
        const r = await this.query(id, { type: 'whatChangedPart', sourceId: id, a: toSrc(selection), b: baseline.map(toSrc) });
        return r.part;
      }),
    );
    parts.push(...(await this.seriesMoverParts(usable, selection, baseline)));
    const merged = await this.query(usable[0]!, { type: 'mergeWhatChanged', parts, shifts, limit });
    // Several hosts' captures: each socket row says which host it is of.
    const hosts = this.hostNames(usable.map((id) => snap.get(id)!));
    for (const c of merged.result.categories) {
      for (const r of c.rows) {
        const h = hosts.get(r.sourceId);
        if (h !== undefined) r.host = h;
      }
    }
    return merged.result;
  }

  /** Host names of the host captures among `sources`, when there are several (one host names none). */
  private hostNames(sources: SourceInfo[]): Map<SourceId, string> {
    const caps = sources.filter(isHostCapture);
    return caps.length >= 2 ? hostLabels(caps) : new Map();
  }

  /**
   * One heat map over several hosts' captures: each capture's engine draws its own map over the same
   * axis range and bins (in its own clock), the first one joins them (the host only routes). Hosts
   * are named as shared/source-hosts.ts names them.
   */
  async heatmapAcross(a: SchemaArg<'heatmapAcross'>): Promise<HeatmapAcross> {
    const snap = this.snapshot().sources;
    const chosen = new Set(a.ids);
    const usable = snap.filter((s) => chosen.has(s.id) && isHostCapture(s) && s.axisShiftNs !== undefined);
    if (usable.length === 0) throw new Error('no ready socket capture among the given sources');
    const names = hostLabels(usable);
    const rows = a.scope === 'rows';
    const parts: HostHeatmapPart[] = await Promise.all(
      usable.map(async (s) => {
        const shift = s.axisShiftNs!;
        const r = await this.query(s.id, {
          type: 'heatmap',
          range: { startNs: a.range.startNs - shift, endNs: a.range.endNs - shift },
          bins: a.bins,
          mode: rows ? 'state' : a.mode,
          ...(a.state ? { state: a.state } : {}),
          topN: hostRowsAsked(a.topN),
          ...(a.measure ? { measure: a.measure } : {}),
          ...(rows ? { total: true } : {}),
          exits: false,
        });
        return { sourceId: s.id, host: names.get(s.id)!, shiftNs: shift, view: r.heatmap };
      }),
    );
    const merged = await this.query(usable[0]!.id, {
      type: 'mergeHeatmaps',
      parts,
      scope: a.scope,
      topN: a.topN ?? (rows ? 20 : 10),
      stateRows: !rows && a.mode === 'state',
    });
    return merged.heatmap;
  }

  /**
   * Findings across sources: each engine computes its source's facts in its own clock, the first
   * source's engine ranks them on the axis (the host only routes).
   */
  async findingsAcross(ids: SourceId[]): Promise<DiagnoseResult> {
    const snap = new Map(this.snapshot().sources.map((s) => [s.id, s]));
    const usable = [...new Set(ids)].filter((id) => snap.get(id)?.status === 'ready' && snap.get(id)?.axisShiftNs !== undefined);
    if (usable.length === 0) throw new Error('no ready source among the given ones');
    // Several hosts' captures: evidence names the host with the file ("ss-capture.txt on web-02").
    const hosts = this.hostNames(usable.map((id) => snap.get(id)!));
    // Evidence names a source as the views do (equal names with the folder that tells them apart).
    const names = sourceDisplayNames([...snap.values()]);
    const parts = (
      await Promise.all(
        usable.map(async (id) => {
          const s = snap.get(id)!;
          const host = hosts.get(id);
          // The host tells equal names apart already ("ss-capture.txt on web-02").
          const ref = { sourceId: id, name: host !== undefined ? `${s.name} on ${host}` : (names.get(id) ?? s.name), clock: s.clock?.quality ?? 'estimated' };
          const r = await this.query(id, { type: 'findingFacts', ref });
          if (r.type !== 'findingFacts') throw new Error('unexpected result');
          return r.facts ? { facts: r.facts, shiftNs: s.axisShiftNs! } : null;
        }),
      )
    ).filter((p) => p !== null);
    const ranked = await this.query(usable[0]!, { type: 'diagnose', parts });
    if (ranked.type !== 'diagnose') throw new Error('unexpected result');
    return ranked.result;
  }

  /**
   * A call tree of `id` diffed against `baseId`: the base's engine exports its stacks (function
   * paths + weights), then the current source's engine builds the diff. The host only routes.
   */
  async diffCallTree(id: SourceId, baseId: SourceId, q: CallTreeQuery, baseProfile?: string, baseRange?: SourceRange): Promise<QueryResultOf<'callTree'>> {
    // The label options apply to the base too (pprof -diff_base with -tagfocus filters both sides).
    const { tagfocus, tagignore, tagroot } = q;
    const exp = await this.query(baseId, { type: 'exportStacks', profile: baseProfile ?? q.profile, range: baseRange, tagfocus, tagignore, tagroot });
    return this.query(id, { ...q, type: 'callTreeDiff', base: exp.stacks });
  }

  /** The same diff as pprof bytes ("Save as pprof"): the base's engine exports, the current one encodes. */
  async diffPprof(id: SourceId, baseId: SourceId, q: SourceQueryOf<'shownPprof'>, baseProfile?: string): Promise<QueryResultOf<'shownPprof'>> {
    const { tagfocus, tagignore, tagroot } = q;
    const exp = await this.query(baseId, { type: 'exportStacks', profile: baseProfile ?? q.profile, tagfocus, tagignore, tagroot });
    return this.query(id, { ...q, type: 'shownPprofDiff', base: exp.stacks });
  }

  /** Cumulative profiles of one process as series, each snapshot at its place on the axis. */
  private seriesOf(sources: SourceInfo[]): ProfileSeriesInfo[] {
    const cands: SeriesCandidate[] = [];
    for (const s of sources) {
      const identity = this.entries.get(s.id)?.seriesIdentity;
      if (!identity || s.status !== 'ready' || s.axisStartNs === undefined) continue;
      cands.push({ id: s.id, name: s.name, atNs: s.axisStartNs, identity, ...(s.origin.type === 'ssh' ? { host: s.origin.host } : {}) });
    }
    return profileSeries(cands);
  }

  private seriesWindowOf(seriesId: string, range: WcRange, what: string): SeriesWindowInfo {
    const series = this.snapshot().profileSeries?.find((x) => x.id === seriesId);
    if (!series) throw new Error(`no profile series ${seriesId} in this session`);
    const w = describeSeriesWindow(series, range);
    if (!w) throw new Error(`the ${what} lies outside the ${series.kind} series (its snapshots span ${series.members.length - 1} intervals)`);
    return w;
  }

  /**
   * Asks an engine a question that names other snapshots (StacksRef): first by key alone — the engine
   * keeps what it was sent, so zoom, search and the top table cost no export — and, when the engine
   * does not hold one, again with every snapshot exported by its own engine.
   */
  private async withSnapshots<R>(snaps: { id: SourceId; profile: string | undefined }[], ask: (refs: StacksRef[]) => Promise<R>): Promise<R> {
    const keys = snaps.map((x) => ({ key: `${x.id}|${this.entries.get(x.id)?.info.sha256 ?? ''}|${x.profile ?? ''}` }));
    try {
      return await ask(keys);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.includes(SERIES_NEEDS_STACKS)) throw e;
      const full = await Promise.all(snaps.map(async (x, i) => ({ key: keys[i]!.key, stacks: (await this.query(x.id, { type: 'exportSnapshot', profile: x.profile })).stacks })));
      return ask(full);
    }
  }

  /**
   * A series' flame graph over `range` (axis ns): the window's start snapshot is exported by its
   * engine and subtracted in the end snapshot's engine (the host only routes). A goroutine series
   * is drawn as growth per stack; with `baseline`, the delta against the baseline window's delta.
   */
  async seriesCallTree(seriesId: string, range: WcRange, q: CallTreeQuery, baseline?: WcRange): Promise<SeriesAnswer<QueryResultOf<'callTree'>>> {
    const window = this.seriesWindowOf(seriesId, range, 'selected range');
    const p = q.profile;
    if (baseline) {
      const baselineWindow = this.seriesWindowOf(seriesId, baseline, 'baseline range');
      const snaps = [window.from.id, baselineWindow.to.id, baselineWindow.from.id].map((id) => ({ id, profile: p }));
      const result = await this.withSnapshots(snaps, ([start, end, bStart]) =>
        this.query(window.to.id, { ...q, type: 'seriesCallTree', start: start!, compare: { type: 'baseline', end: end!, start: bStart! } }),
      );
      return { result, window, baselineWindow };
    }
    const compare = window.kind === 'goroutine' ? { type: 'growth' as const } : undefined;
    const result = await this.withSnapshots([{ id: window.from.id, profile: p }], ([start]) =>
      this.query(window.to.id, { ...q, type: 'seriesCallTree', start: start!, ...(compare ? { compare } : {}) }),
    );
    return { result, window };
  }

  /**
   * "What changed" rows of the profile series among `ids`: each function's delta rate in the
   * selection's window against the baseline's intervals (shared/query/stacks/series-movers.ts).
   */
  private async seriesMoverParts(ids: SourceId[], selection: WcRange, baseline: WcRange[]): Promise<WhatChangedPart[]> {
    const wanted = new Set(ids);
    const out: WhatChangedPart[] = [];
    for (const series of this.snapshot().profileSeries ?? []) {
      if (!series.members.some((m) => wanted.has(m.id))) continue;
      const times = series.members.map((m) => m.atNs);
      const a = seriesWindow(times, selection);
      if (!a) continue;
      const flatOf = async (ws: SeriesWindow[]) => {
        const flat = new Map<string, number>();
        let unit = '';
        for (const w of ws) {
          const r = await this.withSnapshots([{ id: series.members[w.from]!.id, profile: undefined }], ([start]) =>
            this.query(series.members[w.to]!.id, { type: 'seriesTopTable', start: start!, limit: 100_000 }),
          );
          unit = r.profile.unit;
          for (const row of r.table.rows) if (row.flat !== 0) flat.set(row.function, (flat.get(row.function) ?? 0) + row.flat);
        }
        return { flat, unit, ns: windowsNs(series, ws) };
      };
      const fa = await flatOf([a]);
      const runs = baselineRuns(times, a, baseline);
      const fb = runs.length ? await flatOf(runs) : null;
      const end = series.members[a.to]!.id;
      out.push({ sourceId: end, kind: 'pprof', rows: seriesMoverRows(series, end, fa.unit, fa, fb) });
    }
    return out;
  }

  /** The top table of a series window: pprof -top -base start end. */
  async seriesTopTable(seriesId: string, range: WcRange, q: SourceQueryOf<'topTable'>): Promise<SeriesAnswer<QueryResultOf<'topTable'>>> {
    const window = this.seriesWindowOf(seriesId, range, 'selected range');
    const result = await this.withSnapshots([{ id: window.from.id, profile: q.profile }], ([start]) => this.query(window.to.id, { ...q, type: 'seriesTopTable', start: start! }));
    return { result, window };
  }

  /** Waits until no source is ingesting (for the CLI and tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.engine?.ready.catch(() => {})));
  }

  snapshot(): SessionInfo {
    const entries = [...this.entries.values()];
    // The axis starts at the earliest wall-clock origin among the sources whose time is known;
    // only when none is, among the estimated ones (a file mtime after a copy can be days off).
    const known = (c: SourceClock | undefined) => c !== undefined && c.quality !== 'estimated';
    let origin: string | null = null;
    for (const pass of [true, false]) {
      for (const { info } of entries) {
        const o = info.clock?.originEpochNs;
        if (o && (!pass || known(info.clock)) && (origin === null || BigInt(o) < BigInt(origin))) origin = o;
      }
      if (origin !== null) break;
    }
    let evidenceSpan: SessionInfo['evidenceSpan'];
    const sources = entries.map(({ info, span }): SourceInfo => {
      if (info.status !== 'ready' || !span) return { ...info };
      const base = origin && info.clock?.originEpochNs ? epochDiffNs(info.clock.originEpochNs, origin) : 0;
      const shift = base + info.offsetNs;
      const s = { ...info, axisShiftNs: shift, axisStartNs: shift + span.startNs, axisEndNs: shift + span.endNs };
      if (known(info.clock)) {
        evidenceSpan = {
          startNs: Math.min(evidenceSpan?.startNs ?? Infinity, s.axisStartNs),
          endNs: Math.max(evidenceSpan?.endNs ?? -Infinity, s.axisEndNs),
        };
      }
      return s;
    });
    const series = this.seriesOf(sources);
    return { seq: ++this.snapshotSeq, originEpochNs: origin, sources, ...(evidenceSpan ? { evidenceSpan } : {}), ...(series.length ? { profileSeries: series } : {}) };
  }

  dispose(): void {
    for (const e of this.entries.values()) e.engine?.dispose();
    this.entries.clear();
    disposeSpareWorkers();
    if (this.changeTimer) clearTimeout(this.changeTimer);
  }

  private changed(now: boolean) {
    if (now) {
      this.placeByContent(); // sources came, went, moved or were re-read (progress ticks change nothing)
      if (this.changeTimer) clearTimeout(this.changeTimer);
      this.changeTimer = null;
      this.opts.onChange(this.snapshot());
      return;
    }
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      this.opts.onChange(this.snapshot());
    }, 100);
  }
}
