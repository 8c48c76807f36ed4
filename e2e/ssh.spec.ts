/**
 * Live collection over SSH, end to end: a real sshd on 127.0.0.1 with throwaway keys (started here,
 * killed by PID at the end), the app pointed at a temp known_hosts / ssh config / capture folder
 * through TRACEDECK_KNOWN_HOSTS, TRACEDECK_SSH_CONFIG and TRACEDECK_CAPTURE_DIR.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import type { Page } from '@playwright/test';
import { formatKnownHostsLine } from '../electron/host/ssh/known-hosts.ts';
import { createTestSshd, pubKeyBlob, sshKeygenFingerprint, type TestSshd } from '../electron/host/ssh/test-sshd.ts';
import { test, expect, fixture, screenshot } from './support.ts';

const GO_BLOCK_DELTA = path.join(path.dirname(new URL(import.meta.url).pathname), '../electron/host/testdata/go-pprof-kinds/block-delta.pb.gz');

let sshd: TestSshd;
let work: string;
const ENV = ['TRACEDECK_KNOWN_HOSTS', 'TRACEDECK_SSH_CONFIG', 'TRACEDECK_CAPTURE_DIR'] as const;

test.beforeAll(async () => {
  sshd = await createTestSshd();
  await sshd.start();
  work = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-e2e-ssh-'));
  writeFileSync(path.join(work, 'known_hosts'), ''); // the host is unknown: the app must ask
  writeFileSync(path.join(work, 'ssh_config'), `Host testbox\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n`);
  // The app fixture starts `tracedeck serve` with this process's environment.
  process.env.TRACEDECK_KNOWN_HOSTS = path.join(work, 'known_hosts');
  process.env.TRACEDECK_SSH_CONFIG = path.join(work, 'ssh_config');
  process.env.TRACEDECK_CAPTURE_DIR = path.join(work, 'captures');
});

test.afterAll(async () => {
  for (const k of ENV) delete process.env[k];
  await sshd?.dispose(); // SIGKILL by PID, sshd and its per-connection children
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A real goroutine profile stamped with the current time, as a live Go process would serve it. */
function goroutineProfileNow(): Buffer {
  const p = Profile.decode(gunzipSync(readFileSync(fixture('scenarios/timewait-storm-go1.27/goroutine.pb.gz'))));
  p.timeNanos = BigInt(Date.now()) * 1_000_000n;
  return gzipSync(p.encode());
}

/** The focused source's `snapshots` figure in the Details panel. */
async function detailsSnapshots(page: Page): Promise<number> {
  const dd = page.getByTestId('source-details').locator('.figure', { has: page.locator('dt', { hasText: /^snapshots$/ }) }).locator('dd');
  return Number(await dd.innerText());
}

test('collect over SSH from the form: accept the host key, watch snapshots arrive, pprof on a schedule and on demand, survive a restart, stop', async ({ page, app }) => {
  test.setTimeout(120_000);
  // Loopback traffic for the capture to see: a server, 3 kept connections, short ones opened and closed.
  const srv = net.createServer((s) => s.on('error', () => {})).listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  const kept = await Promise.all([0, 1, 2].map(() => new Promise<net.Socket>((r) => { const s = net.connect(port, '127.0.0.1', () => r(s)); })));
  let churns = 0;
  const churn = setInterval(() => {
    if (++churns > 200) return clearInterval(churn); // bounded
    const s = net.connect(port, '127.0.0.1', () => s.end());
    s.on('error', () => {});
  }, 150);
  // A Go-like pprof endpoint on the "remote" 127.0.0.1, reached through the SSH connection.
  const pprofRequests: string[] = [];
  const pprofSrv = http.createServer((req, res) => {
    pprofRequests.push(req.url ?? '');
    if (req.url === '/debug/pprof/goroutine?debug=0') res.end(goroutineProfileNow());
    // A delta answers after its seconds (Go waits between its two snapshots): Go 1.27's real answer.
    else if (req.url === '/debug/pprof/block?seconds=1') setTimeout(() => res.end(readFileSync(GO_BLOCK_DELTA)), 1000);
    else if (req.url === '/debug/flightrecorder') res.end(readFileSync(fixture('scenarios/conn-leak-go1.27/trace.out')));
    else res.writeHead(404).end('404 page not found\n');
  });
  await new Promise<void>((r) => pprofSrv.listen(0, '127.0.0.1', r));
  const pprofPort = (pprofSrv.address() as net.AddressInfo).port;

  try {
    await page.goto(app.url);
    await page.getByTestId('ssh-open-form').click();
    const form = page.getByTestId('ssh-form');
    await expect(form).toBeVisible();
    await form.getByTestId('ssh-host').fill('testbox'); // an alias from the (test) ssh config
    await form.getByTestId('ssh-auth-key').check();
    await form.getByTestId('ssh-key-path').fill(sshd.clientKey);
    await form.getByTestId('ssh-interval').fill('0.3');
    await form.getByTestId('ssh-ports').fill(String(port));
    // pprof at an interval over the same connection: debug=2 is offered with its warning.
    await form.getByTestId('ssh-pprof-on').check();
    await form.getByTestId('ssh-form-pprof-kind').selectOption('goroutine-debug2');
    await expect(form.getByTestId('ssh-form-pprof-debug2-warning')).toContainText('stops the world');
    await form.getByTestId('ssh-form-pprof-every').fill('2');
    await form.getByTestId('ssh-form-pprof-port').fill(String(pprofPort));
    await screenshot(page, 'ssh-form-debug2');
    await form.getByTestId('ssh-form-pprof-kind').selectOption('goroutine');
    await expect(form.getByTestId('ssh-form-pprof-debug2-warning')).toHaveCount(0);
    await screenshot(page, 'ssh-form');
    await form.getByTestId('ssh-start').click();

    // The unknown host key: its SHA256 fingerprint, exactly as ssh-keygen prints it.
    const dialog = page.getByTestId('hostkey-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('hostkey-fingerprint')).toHaveText(sshKeygenFingerprint(sshd.hostKeyPub));
    // Meanwhile the live source waits for its first snapshot: a live badge, not "reading 0%" and a progress bar.
    const waiting = page.getByTestId('source').first();
    await expect(waiting.getByTestId('live-badge')).toHaveText('live · 0 snapshots');
    await expect(waiting).toContainText('waiting for the first snapshot');
    await expect(waiting).not.toContainText('reading');
    await expect(waiting.locator('progress')).toHaveCount(0);
    await screenshot(page, 'ssh-hostkey');
    await dialog.getByTestId('hostkey-accept').click();
    await expect(dialog).toHaveCount(0);
    // The host appends the accepted key after answering the prompt: wait for it on disk.
    await expect
      .poll(() => (existsSync(path.join(work, 'known_hosts')) ? readFileSync(path.join(work, 'known_hosts'), 'utf8') : ''), { timeout: 15_000 })
      .toContain(`[127.0.0.1]:${sshd.port} ssh-ed25519 `);

    // Snapshots arrive: the status line counts them, the live source grows, the heat map appears.
    const status = page.getByTestId('ssh-collection');
    await expect(status).toHaveAttribute('data-state', 'connected');
    await expect.poll(async () => Number(await status.getAttribute('data-snapshots')), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    const row = page.locator('[data-testid="source"][data-kind="ss"]');
    await expect(row).toHaveAttribute('data-status', 'ready');
    // Live: a badge counting snapshots, no "reading n%" and no progress bar.
    const live = row.getByTestId('live-badge');
    await expect(live).toHaveText(/^live · \d+ snapshots?$/);
    await expect(row.locator('progress')).toHaveCount(0);
    await expect(page.getByTestId('source-details')).toContainText('ss capture');
    // The flame graph has nothing to draw for sockets, and says so (not "Loading…").
    await expect(page.getByTestId('flame-no-stacks')).toHaveText(/ss captures have no stacks: pick a profile, goroutine dump or trace/);
    const first = await detailsSnapshots(page);
    expect(first).toBeGreaterThanOrEqual(1);
    await expect.poll(() => detailsSnapshots(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(first + 5);
    await expect.poll(async () => Number(await live.getAttribute('data-snapshots'))).toBeGreaterThanOrEqual(first + 5);
    const hm = page.getByTestId('heatmap');
    await expect(hm).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('heatmap-plot')).toBeVisible();
    await expect(page.locator('.timeline .track-area').first()).toBeVisible();
    await screenshot(page, 'ssh-live');

    // The schedule from the form: goroutine profiles every 2 s arrive as sources while snapshots keep coming.
    const schedule = status.getByTestId('ssh-schedule');
    await expect(schedule).toHaveAttribute('title', /^pprof goroutine every 2 s from 127\.0\.0\.1:\d+ on the host/);
    await expect.poll(async () => Number(await schedule.getAttribute('data-fetched')), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const pprofRows = page.locator('[data-testid="source"][data-kind="pprof"]');
    await expect.poll(() => pprofRows.count()).toBeGreaterThanOrEqual(2);
    await expect(pprofRows.first()).toHaveAttribute('data-name', /^.+-goroutine-\d+\.pb\.gz$/);
    await expect(status).toHaveAttribute('data-state', 'connected');
    await expect(schedule).toHaveAttribute('data-failed', '0');
    await screenshot(page, 'ssh-live-schedule');

    // The menu: the schedule can be stopped (the collection goes on), and pprof fetched on demand.
    await status.getByTestId('ssh-pprof').click();
    const menu = page.getByTestId('ssh-pprof-menu');
    await expect(menu.getByTestId('ssh-pprof-schedule')).toContainText('now: goroutine every 2 s');
    await menu.getByTestId('ssh-pprof-port').fill(String(pprofPort));
    await screenshot(page, 'ssh-pprof-menu');
    await menu.getByTestId('ssh-schedule-clear').click();
    await expect(schedule).toHaveCount(0);
    const scheduled = pprofRequests.length;
    const rowsBefore = await pprofRows.count();
    await expect(status).toHaveAttribute('data-state', 'connected');
    await status.getByTestId('ssh-pprof').click();
    await menu.getByTestId('ssh-pprof-port').fill(String(pprofPort));
    await menu.getByTestId('ssh-pprof-goroutine').click();
    await expect.poll(() => pprofRequests.length).toBe(scheduled + 1);
    await expect(pprofRows).toHaveCount(rowsBefore + 1);
    const fetched = pprofRows.last();
    await expect(fetched).toHaveAttribute('data-status', 'ready');
    await expect(fetched).toHaveClass(/focused/); // an on-demand fetch is focused; scheduled ones are not
    await page.waitForTimeout(2500); // longer than the cleared schedule's interval: nothing more is fetched
    expect(pprofRequests.length).toBe(scheduled + 1);
    await expect(pprofRows).toHaveCount(rowsBefore + 1);

    // block over the last second only (Go's delta), and a custom path answering a trace.
    await status.getByTestId('ssh-pprof').click();
    await menu.getByTestId('ssh-pprof-port').fill(String(pprofPort));
    await menu.getByTestId('ssh-pprof-delta-seconds').fill('1');
    await menu.getByTestId('ssh-pprof-block-delta').click();
    await expect(pprofRows).toHaveCount(rowsBefore + 2);
    await expect(pprofRows.last()).toHaveAttribute('data-name', /^.+-block-delta1s-\d+\.pb\.gz$/);
    await expect(pprofRows.last()).toHaveAttribute('data-status', 'ready');
    await status.getByTestId('ssh-pprof').click();
    await menu.getByTestId('ssh-pprof-port').fill(String(pprofPort));
    await menu.getByTestId('ssh-pprof-custom-path').fill('/debug/flightrecorder');
    await menu.getByTestId('ssh-pprof-custom').click();
    const traceRow = page.locator('[data-testid="source"][data-kind="gotrace"]');
    await expect(traceRow).toHaveAttribute('data-name', /^.+-custom-\d+\.trace\.out$/);
    await expect(traceRow).toHaveAttribute('data-status', 'ready');
    expect(pprofRequests.slice(-2)).toEqual(['/debug/pprof/block?seconds=1', '/debug/flightrecorder']);
    await row.click();

    // The server dies: the collection reports it and reconnects when it is back; the gap stays in the capture.
    await sshd.kill();
    await expect(status).toHaveAttribute('data-state', /reconnecting|disconnected/);
    await screenshot(page, 'ssh-reconnecting');
    await sshd.start();
    await expect(status).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
    const afterRestart = Number(await status.getAttribute('data-snapshots'));
    await expect.poll(async () => Number(await status.getAttribute('data-snapshots')), { timeout: 20_000 }).toBeGreaterThanOrEqual(afterRestart + 3);
    await expect(page.locator('.track-band.band-collection-gap')).toHaveCount(1);

    // Stop: the capture file and the source stay, with every snapshot received.
    await status.getByTestId('ssh-stop').click();
    await expect(status).toHaveAttribute('data-state', 'stopped');
    const received = Number(await status.getAttribute('data-snapshots'));
    const captures = readdirSync(path.join(work, 'captures')).filter((n) => n.endsWith('.txt'));
    expect(captures).toHaveLength(1);
    const text = readFileSync(path.join(work, 'captures', captures[0]!), 'utf8');
    expect(text.split('\n').filter((l) => l.startsWith('### ss-snapshot ')).length).toBe(received);
    expect(text).toMatch(/^### gap \d+ /m);
    await row.click();
    await expect.poll(() => detailsSnapshots(page)).toBe(received);
    await expect(row).toHaveAttribute('data-status', 'ready');
    // The heat map holds the final re-read: every snapshot, the gap as "no snapshot".
    await expect(hm).toHaveAttribute('data-ready', 'true');
    await expect(hm).toContainText(`${received} snapshots in`);
    await screenshot(page, 'ssh-stopped');
  } catch (err) {
    // The server's side of the story, for whoever reads the failure.
    console.error(`sshd log:\n${sshd.log()}\napp output:\n${app.output().slice(-3000)}`);
    throw err;
  } finally {
    clearInterval(churn);
    for (const s of kept) s.destroy();
    srv.close();
    pprofSrv.close();
  }
});

test('a fleet from the form: an ssh-config pattern starts one collection per host under a fleet line; pprof from all; Stop all', async ({ page, app }) => {
  test.setTimeout(90_000);
  // Two more hosts on their own loopback addresses, taking the first server's client key.
  const fleet = await Promise.all(['127.0.0.2', '127.0.0.3'].map((address) => createTestSshd({ address })));
  const pprofSrv = http.createServer((req, res) => (req.url === '/debug/pprof/goroutine?debug=0' ? res.end(goroutineProfileNow()) : res.writeHead(404).end()));
  await new Promise<void>((r) => pprofSrv.listen(0, '127.0.0.1', r));
  const pprofPort = (pprofSrv.address() as net.AddressInfo).port;
  try {
    await Promise.all(fleet.map((s) => s.start()));
    for (const s of fleet) appendFileSync(path.join(s.dir, 'authorized_keys'), readFileSync(`${sshd.clientKey}.pub`));
    const all = [sshd, ...fleet];
    appendFileSync(
      path.join(work, 'ssh_config'),
      all.map((s, i) => `Host web-${i + 1}\n  HostName ${s.address}\n  Port ${s.port}\n  User ${s.user}\n`).join(''),
    );
    appendFileSync(path.join(work, 'known_hosts'), all.map((s) => `${formatKnownHostsLine(s.address, s.port, pubKeyBlob(s.hostKeyPub))}\n`).join(''));

    await page.goto(app.url);
    await page.getByTestId('ssh-open-form').click();
    const form = page.getByTestId('ssh-form');
    await form.getByTestId('ssh-host').fill('web-*');
    await form.getByTestId('ssh-auth-key').check();
    await form.getByTestId('ssh-key-path').fill(sshd.clientKey);
    await form.getByTestId('ssh-interval').fill('0.3');
    await form.getByTestId('ssh-pprof-on').uncheck();
    await form.getByTestId('ssh-start').click();
    await expect(form).toHaveCount(0);

    const bar = page.getByTestId('ssh-fleet');
    await expect(bar).toHaveAttribute('data-hosts', '3');
    const lines = page.getByTestId('ssh-collection'); // the hosts' own lines (the fleet line is ssh-fleet)
    await expect(lines).toHaveCount(3);
    await expect(bar.getByTestId('ssh-fleet-states')).toHaveText('3 collecting', { timeout: 20_000 });
    for (const name of ['web-1', 'web-2', 'web-3']) await expect(lines.filter({ hasText: name })).toHaveCount(1);
    // One live ss source per host.
    await expect.poll(() => page.locator('[data-testid="source"][data-kind="ss"][data-status="ready"]').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'ssh-fleet');

    // pprof from every host, each over its own connection: three more sources.
    const before = await page.locator('[data-testid="source"][data-kind="pprof"]').count();
    await bar.getByTestId('ssh-fleet-pprof').click();
    await bar.getByTestId('ssh-pprof-port').fill(String(pprofPort));
    await bar.getByTestId('ssh-pprof-goroutine').click();
    await expect.poll(() => page.locator('[data-testid="source"][data-kind="pprof"]').count(), { timeout: 20_000 }).toBe(before + 3);
    // On the timeline the hosts' live lanes sit under the collection, not under a header per host. The
    // three hosts here forward to one pprof server (one process, and every sshd reports this machine's
    // hostname), so their three goroutine profiles are one process's series: a group of their own.
    await expect(page.getByTestId('timeline-lane')).toHaveCount(6);
    const collection = page.locator('[data-testid="lane-group"][data-group="collection web-*"]');
    await expect(collection).toHaveCount(1, { timeout: 20_000 });
    await expect(collection).toContainText('collection web-* · 3 sources');
    const series = page.locator('[data-testid="lane-group"][data-group^="goroutine profiles of "]');
    await expect(series).toHaveCount(1);
    await expect(series).toContainText('3 snapshots');
    await expect(page.getByTestId('lane-group')).toHaveCount(2);
    await expect(page.locator('[data-testid="lane-group"][data-group^="host "]')).toHaveCount(0);
    await screenshot(page, 'ssh-fleet-lanes');

    await bar.getByTestId('ssh-fleet-stop').click();
    await expect(bar.getByTestId('ssh-fleet-states')).toHaveText('3 stopped', { timeout: 20_000 });
  } catch (err) {
    console.error(`app output:\n${app.output().slice(-3000)}`);
    throw err;
  } finally {
    pprofSrv.close();
    await Promise.all(fleet.map((s) => s.dispose()));
  }
});
