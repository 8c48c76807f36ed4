/**
 * A fleet collection at its worst: 20 hosts × one snapshot a second × 30 minutes (issue 18).
 *
 * Each host's capture replays a real fixture capture (verbatim `ss -tanoip` lines, stretched over 30
 * minutes: shared/test-support/fleet-captures.ts) — 19 quiet hosts and one whose CLOSE-WAIT leaks.
 * They are live sources in one SessionStore (one engine process each, as the app runs them), each
 * read once up to minute 30, then for a few refreshes: every host gets its next snapshot appended,
 * all 20 re-read (append-parse), and the heat map over all hosts asked (hosts as rows, then summed) —
 * what one refresh of the UI costs the host. Memory: every engine's resident set at the end.
 *
 *   node --import tsx bench/fleet-bench.ts          (or: npm run bench fleet)
 */
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionStore } from '../electron/host/session-store.ts';
import { buildWorkerBundle } from '../electron/worker-build.ts';
import { ENGINE_WORKER_DIST } from '../electron/paths.ts';
import { captureSnapshots, hostCapture, type HostCaptureOptions } from '../shared/test-support/fleet-captures.ts';

const HOSTS = 20;
const SNAPSHOTS = 30 * 60; // 1 s interval, 30 min
const REFRESHES = 5;
const BINS = 640; // a heat map ~1,380 px wide draws 2 px bins
const START = 1_795_600_000_000_000_000n;

const quiet = ['scenarios/cpu-pool-go1.27/ss-capture.txt.gz', 'scenarios/cpu-pool-go1.22/ss-capture.txt.gz'].map(captureSnapshots);
const leaking = captureSnapshots('scenarios/fd-leak-go1.23/ss-capture.txt.gz');

const dir = mkdtempSync(join(tmpdir(), 'tracedeck-fleet-bench-'));
try {
  await buildWorkerBundle(ENGINE_WORKER_DIST);
  const hosts: (HostCaptureOptions & { path: string })[] = Array.from({ length: HOSTS }, (_, i) => ({
    host: `web-${String(i + 1).padStart(2, '0')}`,
    template: i === 6 ? leaking : quiet[i % 2]!,
    startNs: START,
    intervalNs: 1_000_000_000n,
    snapshots: SNAPSHOTS + REFRESHES,
    phaseNs: BigInt(i) * 37_000_000n,
    path: join(dir, `web-${i + 1}.ss-capture.txt`),
  }));
  let bytes = 0;
  const t0 = performance.now();
  for (const h of hosts) {
    writeFileSync(h.path, hostCapture(h, 0, SNAPSHOTS));
    bytes += statSync(h.path).size;
  }
  console.log(`${HOSTS} hosts × ${SNAPSHOTS} snapshots (1 s, 30 min) written: ${(bytes / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const store = new SessionStore({ workerScript: ENGINE_WORKER_DIST, onChange: () => {}, onError: (f, r) => console.error(`${f}: ${r}`) });
  const ids = hosts.map((h) => store.addLive(`${h.host}.ss-capture.txt`, { type: 'ssh', host: h.host, command: 'ss -tanoip', path: h.path }));
  const t1 = performance.now();
  await Promise.all(ids.map((id, i) => store.reload(id, hosts[i]!.path, statSync(hosts[i]!.path).size)));
  console.log(`first read of all ${HOSTS} captures (whole parse, one engine each): ${((performance.now() - t1) / 1000).toFixed(1)} s`);

  const sources = () => store.snapshot().sources;
  const range = () => {
    const s = sources();
    return { startNs: Math.min(...s.map((x) => x.axisStartNs!)), endNs: Math.max(...s.map((x) => x.axisEndNs!)) };
  };
  const appendMs: number[] = [];
  const rowsMs: number[] = [];
  const sumMs: number[] = [];
  let topHost = '';
  for (let r = 0; r < REFRESHES; r++) {
    for (const h of hosts) appendFileSync(h.path, hostCapture(h, SNAPSHOTS + r, SNAPSHOTS + r + 1));
    const a = performance.now();
    // As the collector does: up to the bytes of whole snapshots written (so only the new part is parsed).
    await Promise.all(ids.map((id, i) => store.reload(id, hosts[i]!.path, statSync(hosts[i]!.path).size)));
    appendMs.push(performance.now() - a);
    const b = performance.now();
    const rows = await store.heatmapAcross({ ids, range: range(), bins: BINS, scope: 'rows', mode: 'state', state: 'CLOSE-WAIT' });
    rowsMs.push(performance.now() - b);
    topHost = `${rows.rows[0]} (CLOSE-WAIT peak ${rows.max})`;
    const c = performance.now();
    await store.heatmapAcross({ ids, range: range(), bins: BINS, scope: 'sum', mode: 'state' });
    sumMs.push(performance.now() - c);
  }
  const med = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!.toFixed(0);
  console.log(`one refresh: append-parse 1 new snapshot on each of ${HOSTS} hosts ${med(appendMs)} ms (median of ${REFRESHES}; ${appendMs.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`heat map over ${HOSTS} hosts, ${BINS} bins: hosts as rows ${med(rowsMs)} ms, all summed ${med(sumMs)} ms (median); top row: ${topHost}`);

  // Resident memory of this process's children: the 20 engines (+ the one spare kept warm).
  let rssKb = 0;
  let engines = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== process.pid) continue;
      rssKb += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      engines++;
    } catch {
      // gone meanwhile
    }
  }
  const own = process.memoryUsage().rss / 2 ** 20;
  console.log(`memory at 30 min: ${engines} engine processes ${(rssKb / 1024).toFixed(0)} MiB resident (${(rssKb / 1024 / engines).toFixed(0)} MiB each on average), host process ${own.toFixed(0)} MiB; captures on disk ${(bytes / 2 ** 20).toFixed(0)} MiB`);
  store.dispose();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
