/**
 * The session: the sources the user has opened, each backed by an engine worker, and their placement
 * on one time axis. Emits the whole SessionInfo on every change (throttled while ingesting).
 */
import { basename } from 'node:path';
import type { SessionInfo, SourceId, SourceInfo, SourceOrigin } from '../../shared/bridge.ts';
import { epochDiffNs } from '../../shared/model/time.ts';
import { startEngine, type Engine } from './engine.ts';
import type { IngestInput } from './ingest-input.ts';
import type { QueryResult, SourceQuery } from '../../shared/query/query-types.ts';

interface Entry {
  info: SourceInfo;
  engine: Engine | null;
  /** The source's own span (ns relative to its clock origin), once parsed. */
  span: { startNs: number; endNs: number } | null;
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

  constructor(private readonly opts: SessionStoreOptions) {}

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
    const entry: Entry = { info, engine: null, span: null };
    this.entries.set(id, entry);
    const engine = startEngine(this.opts.workerScript, input, (f) => {
      info.progress = f;
      this.changed(false);
    });
    entry.engine = engine;
    engine.ready.then(
      (h) => {
        if (!this.entries.has(id)) return;
        Object.assign(info, {
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
        this.changed(true);
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

  setOffset(id: SourceId, offsetNs: number): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    e.info.offsetNs = offsetNs;
    if (e.info.clock) e.info.clock = { ...e.info.clock, quality: 'manual' };
    this.changed(true);
    return true;
  }

  async query(id: SourceId, q: SourceQuery): Promise<QueryResult> {
    const e = this.entries.get(id);
    if (!e) throw new Error(`no source ${id}`);
    if (!e.engine || e.info.status !== 'ready') throw new Error(`source ${e.info.name} is not ready (${e.info.status})`);
    return e.engine.query(q);
  }

  /** Waits until no source is ingesting (for the CLI and tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.engine?.ready.catch(() => {})));
  }

  snapshot(): SessionInfo {
    const entries = [...this.entries.values()];
    // The axis starts at the earliest known wall-clock origin among the sources.
    let origin: string | null = null;
    for (const { info } of entries) {
      const o = info.clock?.originEpochNs;
      if (o && (origin === null || BigInt(o) < BigInt(origin))) origin = o;
    }
    const sources = entries.map(({ info, span }): SourceInfo => {
      if (info.status !== 'ready' || !span) return { ...info };
      const base = origin && info.clock?.originEpochNs ? epochDiffNs(info.clock.originEpochNs, origin) : 0;
      const shift = base + info.offsetNs;
      return { ...info, axisShiftNs: shift, axisStartNs: shift + span.startNs, axisEndNs: shift + span.endNs };
    });
    return { originEpochNs: origin, sources };
  }

  dispose(): void {
    for (const e of this.entries.values()) e.engine?.dispose();
    this.entries.clear();
    if (this.changeTimer) clearTimeout(this.changeTimer);
  }

  private changed(now: boolean) {
    if (now) {
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
