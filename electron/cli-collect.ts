/**
 * `tracedeck collect HOST…` — headless collection from one host or a fleet, e.g. on a jump box:
 * the same capture files (framed `ss` snapshots, see host/ssh/collector.ts) and fetched pprof files
 * (with their `.provenance.json`) the app writes, into one folder to open later with TraceDeck.
 *
 * One SshCollector per host, each with its own connection, reconnects and pprof schedule. Ctrl-C
 * (SIGINT) or SIGTERM stops cleanly: the snapshot in flight is finished, every file flushed and
 * closed, pprof fetches still running are abandoned (nothing they return is written half); a second
 * Ctrl-C cancels at once (what was received is still on disk). Progress goes to stderr; `--json`
 * prints the per-host summary on stdout at the end.
 *
 * Plain Node (runs under tsx): never imports 'electron'.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { SSH_PPROF_KINDS, type SshPprofKind } from '../shared/bridge.ts';
import { pprofFetchProblem } from '../shared/bridge-schemas.ts';
import { SshCollector } from './host/ssh/collector.ts';
import { reserveFile } from './host/reserve-file.ts';
import type { CollectorStatus } from './host/ssh/collector.ts';
import type { HostKeyPrompt } from './host/ssh/connection.ts';
import { expandHostPatterns, loadSshConfig, processSshEnv, resolveSshTarget } from './host/ssh/ssh-config.ts';
import type { SshTarget } from './host/ssh/ssh-config.ts';

export const COLLECT_USAGE = `usage:
  tracedeck collect HOST… [--interval 1s] [--duration 10m] [--out DIR]
                    [--pprof PORT --profiles block,mutex:10s,goroutineleak,trace:2s,custom:/debug/fr --every 30s]
                    [--key FILE] [--user U] [--port N] [-J JUMP,…] [--ports P,…] [--pid PID]
                    [--ssh-config FILE] [--known-hosts FILE] [--accept-new-host-keys] [--json]
      collect ss snapshots (and pprof profiles) over SSH from each HOST (alias, user@host, or an
      ssh-config pattern like web-*) into DIR until --duration or Ctrl-C; open DIR's files later.
      --profiles: KIND (cumulative), KIND:Ns (block, mutex, goroutine, goroutineleak, heap, allocs,
      threadcreate: the delta Go computes over N s; profile, trace: their duration), or
      custom:/PATH (any endpoint on the pprof port, e.g. a flight recorder's; no ',' in PATH)`;

/** One entry of --profiles: what to fetch from the pprof port each round. */
export interface ProfileSpec {
  kind: SshPprofKind;
  seconds?: number;
  path?: string;
}

/** `block`, `mutex:10s`, `trace:2s`, `custom:/debug/fr?x=1` → a fetch, checked by the bridge's own rules. */
export function parseProfileSpec(text: string): ProfileSpec {
  const colon = text.indexOf(':');
  const kind = (colon < 0 ? text : text.slice(0, colon)) as SshPprofKind;
  const rest = colon < 0 ? undefined : text.slice(colon + 1);
  if (!SSH_PPROF_KINDS.includes(kind)) throw new Error(`--profiles: unknown profile "${kind}" (one of ${SSH_PPROF_KINDS.join(', ')})`);
  const spec: ProfileSpec = { kind };
  if (kind === 'custom') spec.path = rest ?? '';
  else if (rest !== undefined) {
    const ms = parseDuration(rest);
    if (ms % 1000 !== 0) throw new Error(`--profiles: ${text}: whole seconds only`);
    spec.seconds = ms / 1000;
  }
  const bad = pprofFetchProblem('', spec);
  if (bad) throw new Error(`--profiles: ${text}: ${bad}`);
  return spec;
}

/** `500ms`, `1s`, `1.5s`, `10m`, `2h`; a bare number is seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`bad duration "${text}" (e.g. 500ms, 1s, 10m, 2h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

export interface CollectOptions {
  hosts: string[];
  intervalMs: number;
  durationMs?: number;
  outDir: string;
  pprof?: { port: number; profiles: ProfileSpec[]; everyMs: number };
  keyFile?: string;
  user?: string;
  port?: number;
  jump?: string;
  filterPorts?: number[];
  pid?: number;
  sshConfig?: string;
  knownHosts?: string;
  acceptNewHostKeys: boolean;
  json: boolean;
}

const int = (flag: string, v: string | undefined, min: number, max: number): number => {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} needs a whole number ${min}..${max}`);
  return n;
};

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Parses `collect`'s arguments; throws with a message naming the problem. */
export function parseCollectArgs(args: string[]): CollectOptions {
  const o: CollectOptions = { hosts: [], intervalMs: 1000, outDir: `tracedeck-collect-${stamp(new Date())}`, acceptNewHostKeys: false, json: false };
  let pprofPort: number | undefined;
  let profiles: ProfileSpec[] = [{ kind: 'goroutine' }];
  let everyMs = 30_000;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--interval':
        o.intervalMs = parseDuration(value());
        if (o.intervalMs < 100) throw new Error('--interval must be at least 100ms');
        break;
      case '--duration':
        o.durationMs = parseDuration(value());
        break;
      case '--out':
        o.outDir = value();
        break;
      case '--pprof':
        pprofPort = int('--pprof', value(), 1, 65535);
        break;
      case '--profiles':
        profiles = value().split(',').filter(Boolean).map(parseProfileSpec);
        break;
      case '--every':
        everyMs = parseDuration(value());
        if (everyMs < 1000) throw new Error('--every must be at least 1s');
        break;
      case '--key':
        o.keyFile = path.resolve(value());
        break;
      case '--user':
        o.user = value();
        break;
      case '--port':
        o.port = int('--port', value(), 1, 65535);
        break;
      case '-J':
      case '--jump':
        o.jump = value();
        break;
      case '--ports':
        o.filterPorts = value().split(',').map((p) => int('--ports', p, 1, 65535));
        break;
      case '--pid':
        o.pid = int('--pid', value(), 1, 4_194_304);
        break;
      case '--ssh-config':
        o.sshConfig = value();
        break;
      case '--known-hosts':
        o.knownHosts = value();
        break;
      case '--accept-new-host-keys':
        o.acceptNewHostKeys = true;
        break;
      case '--json':
        o.json = true;
        break;
      default:
        if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
        o.hosts.push(a);
    }
  }
  if (o.hosts.length === 0) throw new Error('name at least one HOST');
  if (pprofPort !== undefined) {
    // Go serves one CPU profile at a time, and overlapping deltas would count an interval twice:
    // a timed profile or a delta must fit in the interval.
    for (const p of profiles) {
      const seconds = p.seconds ?? (p.kind === 'profile' ? 30 : p.kind === 'trace' ? 1 : 0);
      if (seconds * 1000 > everyMs) throw new Error(`--every must be at least ${seconds}s for ${p.kind}`);
    }
    o.pprof = { port: pprofPort, profiles, everyMs };
  }
  return o;
}

/** One host's run, as reported at the end. */
export interface HostSummary {
  host: string;
  target: string;
  capture: string;
  snapshots: number;
  gaps: number;
  dropped: number;
  profiles: string[];
  pprofFailures: number;
  error?: string;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 80) || 'host';
}

/** Runs the collection until the duration passes or `stopSignal` fires; resolves with one summary per host. */
export async function runCollect(
  o: CollectOptions,
  log: (line: string) => void,
  stopSignal: { onStop(fn: (cancel: boolean) => void): void },
): Promise<HostSummary[]> {
  const env = processSshEnv();
  const config = await loadSshConfig(o.sshConfig ?? process.env.TRACEDECK_SSH_CONFIG ?? undefined, env.home);
  const hosts = expandHostPatterns(o.hosts, config);
  const targets: Array<{ host: string; target: SshTarget }> = hosts.map((host) => ({
    host,
    target: resolveSshTarget({ host, port: o.port, user: o.user, keyFile: o.keyFile, useAgent: o.keyFile === undefined, jump: o.jump }, config, env),
  }));
  await mkdir(o.outDir, { recursive: true });
  const knownHostsPath = o.knownHosts ?? process.env.TRACEDECK_KNOWN_HOSTS ?? undefined;
  const confirm = o.acceptNewHostKeys
    ? async (p: HostKeyPrompt) => {
        log(`${p.host}:${p.port}: new host key ${p.keyType} ${p.fingerprint} accepted (--accept-new-host-keys)`);
        return true;
      }
    : undefined;

  const runs = targets.map(({ host, target }) => {
    const capture = reserveFile(o.outDir, safeName(target.alias));
    const collector = new SshCollector({
      target,
      capturePath: capture,
      intervalMs: o.intervalMs,
      pid: o.pid,
      filterPorts: o.filterPorts,
      knownHostsPath,
      confirmHostKey: confirm,
    });
    const summary: HostSummary = {
      host,
      target: `${target.user}@${target.host}:${target.port}${target.jumps?.length ? ` via ${target.jumps.map((j) => j.alias).join(' → ')}` : ''}`,
      capture,
      snapshots: 0,
      gaps: 0,
      dropped: 0,
      profiles: [],
      pprofFailures: 0,
    };
    for (const w of target.warnings) log(`${host}: ${w}`);
    const done = new Promise<void>((resolve) => {
      collector.on('status', (s: CollectorStatus) => {
        switch (s.type) {
          case 'connected':
            log(`${host}: connected (${s.hostname}), running \`${s.ssCommand}\``);
            break;
          case 'snapshot':
            summary.snapshots = s.count;
            break;
          case 'snapshot-dropped':
            summary.dropped++;
            log(`${host}: ${s.message}`);
            break;
          case 'disconnected':
            summary.gaps++;
            log(`${host}: disconnected (${s.reason}); will reconnect`);
            break;
          case 'reconnecting':
            log(`${host}: reconnecting in ${Math.round(s.delayMs / 100) / 10} s (attempt ${s.attempt})`);
            break;
          case 'warning':
            log(`${host}: ${s.message}`);
            break;
          case 'capture-full':
            log(`${host}: ${s.message}`);
            break;
          case 'error':
            summary.error = s.message;
            log(`${host}: failed: ${s.message}`);
            break;
          case 'stopped':
            summary.snapshots = s.snapshots;
            resolve();
            break;
          default:
            break;
        }
      });
    });
    return { host, collector, summary, done };
  });

  // pprof per host on its own connection: every everyMs while connected, never overlapping itself.
  const fetchAbort = new AbortController();
  const pprofLoops = o.pprof
    ? runs.map(async (r) => {
        const pp = o.pprof!;
        let next = Date.now();
        while (!fetchAbort.signal.aborted) {
          await sleep(Math.max(0, next - Date.now()), fetchAbort.signal);
          if (fetchAbort.signal.aborted) break;
          next = Date.now() + pp.everyMs;
          if (!r.collector.connected) continue;
          for (const spec of pp.profiles) {
            const kind = spec.kind === 'custom' ? spec.path : spec.kind;
            try {
              const file = await r.collector.fetchPprofToFolder({ ...spec, port: pp.port, signal: fetchAbort.signal }, o.outDir);
              r.summary.profiles.push(file);
            } catch (err) {
              if (fetchAbort.signal.aborted) break;
              r.summary.pprofFailures++;
              log(`${r.host}: pprof ${kind} failed: ${(err as Error).message}`);
            }
          }
        }
      })
    : [];

  let stopping = false;
  const stopAll = (cancel: boolean) => {
    if (cancel) {
      log('cancelling: disconnecting now (what was received is on disk)');
      for (const r of runs) void r.collector.cancel();
      return;
    }
    if (stopping) return;
    stopping = true;
    log('stopping: finishing the snapshots in flight (Ctrl-C again to cancel at once)');
    fetchAbort.abort();
    for (const r of runs) void r.collector.stop();
  };
  stopSignal.onStop(stopAll);
  const durationTimer = o.durationMs !== undefined ? setTimeout(() => stopAll(false), o.durationMs) : undefined;
  const startedAt = Date.now();
  const progress = setInterval(() => {
    const secs = Math.round((Date.now() - startedAt) / 1000);
    log(`[${secs}s] ${runs.map((r) => `${r.host} ${r.collector.snapshotCount}${r.collector.connected ? '' : ' (not connected)'}`).join(' · ')}`);
  }, 10_000);

  log(`collecting from ${runs.length} host${runs.length === 1 ? '' : 's'} into ${o.outDir}${o.durationMs !== undefined ? ` for ${o.durationMs / 1000} s` : ''} (Ctrl-C stops)`);
  await Promise.all(runs.map((r) => r.collector.start()));
  // A host that fails for good (auth, host key) stops alone; the run ends when every host stopped.
  await Promise.all(runs.map((r) => r.done));
  fetchAbort.abort();
  await Promise.all(pprofLoops);
  clearInterval(progress);
  if (durationTimer) clearTimeout(durationTimer);
  for (const r of runs) {
    const s = r.summary;
    log(`${s.host}: ${s.snapshots} snapshots → ${s.capture}${s.profiles.length ? `, ${s.profiles.length} profiles` : ''}${s.error ? ` (failed: ${s.error})` : ''}`);
  }
  return runs.map((r) => r.summary);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The `collect` command: exit 0 when every host collected, 1 when one failed, 2 on bad arguments. */
export async function cmdCollect(args: string[]): Promise<number> {
  let o: CollectOptions;
  try {
    o = parseCollectArgs(args);
  } catch (err) {
    console.error(`tracedeck collect: ${(err as Error).message}\n${COLLECT_USAGE}`);
    return 2;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let signals = 0;
  const handlers: Array<(cancel: boolean) => void> = [];
  const onSignal = () => {
    signals++;
    for (const h of handlers) h(signals > 1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await runCollect(o, log, { onStop: (fn) => handlers.push(fn) });
    if (o.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return summary.some((s) => s.error !== undefined) ? 1 : 0;
  } catch (err) {
    console.error(`tracedeck collect: ${(err as Error).message}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
