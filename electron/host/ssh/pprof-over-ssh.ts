/**
 * Fetches Go net/http/pprof endpoints on a remote host through the collector's SSH connection:
 * an SSH direct-tcpip channel to 127.0.0.1:PORT on the host carries one HTTP/1.1 GET (no curl,
 * nothing run remotely, the port need not be reachable from here).
 *
 * Cost on the target process: goroutine debug=0/1, heap, block, mutex are cheap snapshots.
 * goroutine debug=2 STOPS THE WORLD while it formats every goroutine's stack (can be long with
 * many goroutines): use it knowingly. profile?seconds=N and trace?seconds=N run for N seconds.
 * block/mutex/…?seconds=N also take N seconds: Go answers the delta between two snapshots N s apart.
 * goroutineleak (Go 1.26 with GOEXPERIMENT=goroutineleakprofile, always from 1.27) runs a
 * leak-detecting GC before it answers; an older binary answers 404 "Unknown profile".
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from 'ssh2';
import type { EpochNsString } from '../../../shared/model/time.ts';
import { customPprofPathProblem, PPROF_DELTA_KINDS } from '../../../shared/bridge-schemas.ts';
import { isGzip, traceHeaderVersion } from '../../../shared/ingest/sniff.ts';
import { EpochClock } from './epoch-clock.ts';
import { HttpResponseReader } from './http1.ts';
import type { HttpResponse } from './http1.ts';

export type PprofKind = 'goroutine' | 'goroutineleak' | 'block' | 'mutex' | 'heap' | 'allocs' | 'threadcreate' | 'profile' | 'trace' | 'custom';

export interface PprofRequest {
  kind: PprofKind;
  /** Port of the program's pprof HTTP listener on the remote host's 127.0.0.1. */
  port: number;
  /**
   * 0 (default): gzipped protobuf. 1: text. 2: goroutine only, every goroutine with its own
   * stack (the panic format) — stops the world while it is written.
   */
  debug?: 0 | 1 | 2;
  /**
   * profile / trace duration, whole seconds 1..3600. Default 30 (profile) and 1 (trace), as Go's.
   * block, mutex, goroutine(leak), heap, allocs, threadcreate: a delta over that many seconds,
   * computed by Go (absent: the cumulative profile since the process started).
   */
  seconds?: number;
  /** kind 'custom' only: path and query on the listener (e.g. a flight recorder's handler). */
  path?: string;
  /** heap / allocs: run a GC first (`gc=1`). */
  gc?: boolean;
  /** Where the pprof handlers are mounted. Default `/debug/pprof/`. */
  pathPrefix?: string;
  /** Default: seconds + 30 s for profile/trace, 60 s otherwise. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PprofProvenance {
  host: string;
  /** e.g. `http://127.0.0.1:6060/debug/pprof/goroutine?debug=0` (as seen from the host). */
  url: string;
  kind: PprofKind;
  startedAtEpochNs: EpochNsString;
  endedAtEpochNs: EpochNsString;
  status: number;
  contentType: string | undefined;
}

export interface PprofResult {
  bytes: Uint8Array;
  provenance: PprofProvenance;
}

const KINDS: readonly PprofKind[] = ['goroutine', 'goroutineleak', 'block', 'mutex', 'heap', 'allocs', 'threadcreate', 'profile', 'trace', 'custom'];

const validSeconds = (seconds: number) => {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) throw new Error(`invalid seconds ${seconds}`);
  return seconds;
};

/** Path and query for a request; validates every field so nothing free-form reaches the URL. */
export function pprofPath(req: PprofRequest): string {
  if (!KINDS.includes(req.kind)) throw new Error(`unknown pprof endpoint "${String(req.kind)}"`);
  if (!Number.isInteger(req.port) || req.port <= 0 || req.port > 65535) throw new Error(`invalid port ${req.port}`);
  if (req.kind === 'custom') {
    const bad = customPprofPathProblem(req.path);
    if (bad) throw new Error(`invalid custom ${bad}`);
    if (req.seconds !== undefined || req.debug !== undefined) throw new Error('seconds and debug are not for a custom endpoint');
    return req.path as string;
  }
  if (req.path !== undefined) throw new Error('path is for a custom endpoint only');
  const prefix = req.pathPrefix ?? '/debug/pprof/';
  if (!/^\/([A-Za-z0-9._~-]+\/)*$/.test(prefix)) throw new Error(`invalid path prefix "${prefix}"`);
  const q: string[] = [];
  if (req.kind === 'profile' || req.kind === 'trace') {
    q.push(`seconds=${validSeconds(req.seconds ?? (req.kind === 'profile' ? 30 : 1))}`);
  } else if (req.seconds !== undefined) {
    if (!PPROF_DELTA_KINDS.includes(req.kind)) throw new Error(`seconds is not for ${req.kind}`);
    if ((req.debug ?? 0) !== 0) throw new Error('seconds (a delta) needs debug 0');
    q.push(`seconds=${validSeconds(req.seconds)}`);
  } else {
    const debug = req.debug ?? 0;
    if (debug !== 0 && debug !== 1 && debug !== 2) throw new Error(`invalid debug ${String(debug)}`);
    if (debug === 2 && req.kind !== 'goroutine' && req.kind !== 'goroutineleak') throw new Error('debug=2 exists for goroutine and goroutineleak only');
    q.push(`debug=${debug}`);
    if (req.gc && (req.kind === 'heap' || req.kind === 'allocs')) q.push('gc=1');
  }
  return `${prefix}${req.kind}?${q.join('&')}`;
}

/** One HTTP/1.1 GET to 127.0.0.1:port on the SSH server's side, over a direct-tcpip channel. */
export function httpGetOverSsh(
  client: Client,
  port: number,
  pathAndQuery: string,
  opts: { timeoutMs: number; signal?: AbortSignal; maxBodyBytes?: number },
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const reader = new HttpResponseReader({ maxBodyBytes: opts.maxBodyBytes });
    let done = false;
    let channel: { close(): void; end(): void } | undefined;
    const finish = (err: Error | null, res?: HttpResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      channel?.close();
      if (err) reject(err);
      else resolve(res as HttpResponse);
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${opts.timeoutMs} ms fetching ${pathAndQuery}`)), opts.timeoutMs);
    const onAbort = () => finish(new Error('cancelled'));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    client.forwardOut('127.0.0.1', 0, '127.0.0.1', port, (err, stream) => {
      if (err) {
        return finish(new Error(`cannot open a forwarded connection to 127.0.0.1:${port} on the host: ${err.message}`));
      }
      channel = stream;
      if (done) return stream.close();
      stream.on('data', (chunk: Buffer) => {
        try {
          reader.push(chunk);
          if (reader.done) finish(null, reader.response());
        } catch (e) {
          finish(e as Error);
        }
      });
      stream.on('error', (e: Error) => finish(e));
      // The server's EOF ends the response ('end'); 'close' covers a channel torn down without one.
      const onEof = () => {
        try {
          finish(null, reader.end());
        } catch (e) {
          finish(e as Error);
        }
      };
      stream.on('end', onEof);
      stream.on('close', onEof);
      // write, not end: a half-close reads as "client gone" to Go's server, which then cancels the
      // request context and cuts profile?seconds=N / trace?seconds=N short.
      stream.write(
        `GET ${pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: tracedeck\r\n` +
          `Accept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n`,
      );
    });
  });
}

/** Fetches one pprof endpoint; non-200 answers are errors carrying Go's message. */
export async function fetchPprof(client: Client, req: PprofRequest, opts: { hostLabel: string }): Promise<PprofResult> {
  const p = pprofPath(req);
  // Every request that runs for seconds=N (timed, or a delta) has them in its query.
  const seconds = req.kind === 'custom' ? 0 : Number(/[?&]seconds=(\d+)/.exec(p)?.[1] ?? 0);
  const timeoutMs = req.timeoutMs ?? (seconds > 0 ? (seconds + 30) * 1000 : 60_000);
  const clock = new EpochClock();
  const url = `http://127.0.0.1:${req.port}${p}`;
  const startedAtEpochNs = clock.nowNs();
  const res = await httpGetOverSsh(client, req.port, p, { timeoutMs, signal: req.signal });
  const endedAtEpochNs = clock.nowNs();
  if (res.status !== 200) {
    const text = Buffer.from(res.body.subarray(0, 300)).toString('utf8').replace(/\s+/g, ' ').trim();
    // Go 1.26 without GOEXPERIMENT=goroutineleakprofile (and older Go) has no such profile.
    const hint = req.kind === 'goroutineleak' && res.status === 404 ? ' (the goroutine leak profile needs Go 1.27, or Go 1.26 built with GOEXPERIMENT=goroutineleakprofile)' : '';
    throw new Error(`${url} on ${opts.hostLabel}: HTTP ${res.status} ${res.reason}${text ? `: ${text}` : ''}${hint}`);
  }
  return {
    bytes: res.body,
    provenance: {
      host: opts.hostLabel,
      url,
      kind: req.kind,
      startedAtEpochNs,
      endedAtEpochNs,
      status: res.status,
      contentType: res.headers['content-type'],
    },
  };
}

/** Whether a fetch answered a delta over seconds=N (Go stamps such a profile with its END time). */
export function pprofDeltaSeconds(prov: PprofProvenance): number {
  if (!PPROF_DELTA_KINDS.includes(prov.kind)) return 0;
  return Number(/[?&]seconds=(\d+)/.exec(prov.url)?.[1] ?? 0);
}

/** A custom endpoint's bytes: an execution trace (a flight recorder's), gzip (pprof), or text. */
function customExtension(bytes: Uint8Array): string {
  if (traceHeaderVersion(bytes.subarray(0, 16)) !== null) return 'trace.out';
  if (isGzip(bytes)) return 'pb.gz';
  return 'txt';
}

/** `<host>-<kind>[-debugN|-deltaNs]-<startedAtEpochNs>.<ext>`, safe as a file name. */
export function pprofFileName(r: PprofResult): string {
  const prov = r.provenance;
  const host = prov.host.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'host';
  const debug = prov.kind === 'custom' ? 0 : Number(/[?&]debug=(\d)/.exec(prov.url)?.[1] ?? 0);
  const delta = pprofDeltaSeconds(prov);
  const ext = prov.kind === 'custom' ? customExtension(r.bytes) : prov.kind === 'trace' ? 'trace.out' : debug > 0 ? 'txt' : 'pb.gz';
  const suffix = debug > 0 ? `-debug${debug}` : delta > 0 ? `-delta${delta}s` : '';
  return `${host}-${prov.kind}${suffix}-${prov.startedAtEpochNs}.${ext}`;
}

/** Writes the bytes (and `<name>.provenance.json` beside them) into folder; returns the bytes' path. */
export async function savePprofResult(r: PprofResult, folder: string): Promise<string> {
  const file = path.join(folder, pprofFileName(r));
  await writeFile(file, r.bytes, { flag: 'wx' });
  await writeFile(`${file}.provenance.json`, JSON.stringify(r.provenance, null, 2) + '\n', { flag: 'wx' });
  return file;
}
