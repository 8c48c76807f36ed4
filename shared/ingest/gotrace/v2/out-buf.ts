/**
 * Ordered events on their way to the sink: Ordering fills a few chunks, then decode.ts hands them
 * on (Ordering.onFull) and the chunks are reused. A row is float64s:
 *
 *   time, G, P, M, then the kept arguments a0 …
 *
 * keeping only the arguments the sink hand-over reads for that type (OUT_ARGS): rows of the common
 * events are about half as wide as rows of every argument. Rows fill fixed-size chunks that are
 * reused (no copy as the buffer grows; a few MB whatever the generation's size).
 */
import { Ev, MAX_ARGS } from './wire.ts';

/** Floats of a row before its arguments: time, G, P, M. */
export const OUT_HEAD = 4;

/**
 * Per output event type: how many of its arguments (a0, a1, …) a row keeps — those decode.ts
 * dispatch reads, no more.
 */
export const OUT_ARGS = new Uint8Array(256).fill(MAX_ARGS);
function keep(n: number, ...types: number[]): void {
  for (const t of types) OUT_ARGS[t] = n;
}
keep(0, Ev.SyncOut, Ev.ProcStop, Ev.GoDestroy, Ev.GoDestroySyscall, Ev.GoSyscallEnd, Ev.GoSyscallEndBlocked);
keep(0, Ev.GCActive, Ev.GCEnd, Ev.GCSweepEnd, Ev.GCMarkAssistEnd);
keep(1, Ev.CPUSample, Ev.ProcStart, Ev.ProcsChange, Ev.GoCreateSyscall, Ev.GoStart, Ev.GoSwitch, Ev.GoSwitchDestroy, Ev.STWEnd);
keep(1, Ev.GCSweepActive, Ev.GCSweepBegin, Ev.GCMarkAssistActive, Ev.GCMarkAssistBegin, Ev.HeapAlloc, Ev.HeapGoal, Ev.GoLabel);
keep(2, Ev.GoStop, Ev.GoBlock, Ev.GoSyscallBegin, Ev.STWBegin, Ev.GCBegin, Ev.UserTaskEnd);
keep(3, Ev.ProcStatus, Ev.GoCreate, Ev.GoCreateBlocked, Ev.GoUnblock, Ev.UserRegionBegin, Ev.UserRegionEnd);
keep(4, Ev.ProcSteal, Ev.UserTaskBegin, Ev.UserLog);
keep(5, Ev.GoStatus, Ev.GoStatusStack);

/** Floats per chunk of rows (512 KiB). */
const CHUNK_FLOATS = 1 << 16;
/**
 * A row starts only where a row of every argument still fits, so that a reader may load a row's
 * four head fields and all five argument slots without leaving the chunk (past the kept ones they
 * hold whatever the next row, or an earlier generation, left there).
 */
const CHUNK_LAST_ROW = CHUNK_FLOATS - OUT_HEAD - MAX_ARGS;

/** The most rows a chunk holds. */
export const ROWS_PER_CHUNK = CHUNK_FLOATS / OUT_HEAD;

/** A run of rows: their types typ[0, n), their floats f[0, used). */
export class OutChunk {
  n = 0;
  used = 0;
  readonly typ = new Uint8Array(ROWS_PER_CHUNK);
  readonly f = new Float64Array(CHUNK_FLOATS);
}

/**
 * Where Ordering writes ordered events: OutBuf, or a sink's own (decode.ts DirectSink). `push` makes
 * each time exceed the one before (as Go's reader does on the way out) and keeps it in `lastTs`;
 * `count` is the number of chunks filled (Ordering hands them on at OUT_FLUSH_CHUNKS).
 */
export interface OrderedOut {
  count: number;
  lastTs: number;
  push(typ: number, t: number, g: number, p: number, m: number, a0: number, a1: number, a2: number, a3: number, a4: number): void;
}

export class OutBuf implements OrderedOut {
  /** Chunks in use are chunks[0 .. count); the rest wait for reuse. */
  readonly chunks: OutChunk[] = [new OutChunk()];
  count = 1;
  private cur: OutChunk = this.chunks[0]!;
  /** Time of the last row pushed: Go's reader makes every event's time greater than the one before. */
  lastTs = 0;

  reset(): void {
    this.count = 1;
    this.cur = this.chunks[0]!;
    this.cur.n = 0;
    this.cur.used = 0;
  }

  push(typ: number, t: number, g: number, p: number, m: number, a0: number, a1: number, a2: number, a3: number, a4: number): void {
    let c = this.cur;
    if (c.used > CHUNK_LAST_ROW) c = this.nextChunk();
    if (t <= this.lastTs) t = this.lastTs + 1;
    this.lastTs = t;
    c.typ[c.n++] = typ;
    const f = c.f;
    const o = c.used;
    f[o] = t;
    f[o + 1] = g;
    f[o + 2] = p;
    f[o + 3] = m;
    // Every argument is written (the chunk has room) and the next row starts after the kept ones.
    f[o + 4] = a0;
    f[o + 5] = a1;
    f[o + 6] = a2;
    f[o + 7] = a3;
    f[o + 8] = a4;
    c.used = o + OUT_HEAD + OUT_ARGS[typ]!;
  }

  private nextChunk(): OutChunk {
    if (this.count === this.chunks.length) this.chunks.push(new OutChunk());
    const c = this.chunks[this.count++]!;
    c.n = 0;
    c.used = 0;
    this.cur = c;
    return c;
  }
}
