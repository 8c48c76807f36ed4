/**
 * Live collection over SSH, end to end: a real sshd on 127.0.0.1 with throwaway keys (started here,
 * killed by PID at the end), the app pointed at a temp known_hosts / ssh config / capture folder
 * through TRACEDECK_KNOWN_HOSTS, TRACEDECK_SSH_CONFIG and TRACEDECK_CAPTURE_DIR.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createTestSshd, sshKeygenFingerprint, type TestSshd } from '../electron/host/ssh/test-sshd.ts';
import { test, expect, fixture, screenshot } from './support.ts';

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

/** The focused source's `snapshots` figure in the Details panel. */
async function detailsSnapshots(page: Page): Promise<number> {
  const dd = page.getByTestId('source-details').locator('.figure', { has: page.locator('dt', { hasText: /^snapshots$/ }) }).locator('dd');
  return Number(await dd.innerText());
}

test('collect over SSH from the form: accept the host key, watch snapshots arrive, fetch pprof, survive a restart, stop', async ({ page, app }) => {
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
  const goroutinePb = readFileSync(fixture('scenarios/timewait-storm-go1.27/goroutine.pb.gz'));
  const pprofSrv = http.createServer((req, res) => (req.url === '/debug/pprof/goroutine?debug=0' ? res.end(goroutinePb) : res.writeHead(404).end('404 page not found\n')));
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
    await screenshot(page, 'ssh-form');
    await form.getByTestId('ssh-start').click();

    // The unknown host key: its SHA256 fingerprint, exactly as ssh-keygen prints it.
    const dialog = page.getByTestId('hostkey-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('hostkey-fingerprint')).toHaveText(sshKeygenFingerprint(sshd.hostKeyPub));
    await screenshot(page, 'ssh-hostkey');
    await dialog.getByTestId('hostkey-accept').click();
    await expect(dialog).toHaveCount(0);
    expect(readFileSync(path.join(work, 'known_hosts'), 'utf8')).toContain(`[127.0.0.1]:${sshd.port} ssh-ed25519 `);

    // Snapshots arrive: the status line counts them, the live source grows, the heat map appears.
    const status = page.getByTestId('ssh-collection');
    await expect(status).toHaveAttribute('data-state', 'connected');
    await expect.poll(async () => Number(await status.getAttribute('data-snapshots')), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    const row = page.locator('[data-testid="source"][data-kind="ss"]');
    await expect(row).toHaveAttribute('data-status', 'ready');
    await expect(page.getByTestId('source-details')).toContainText('ss capture');
    const first = await detailsSnapshots(page);
    expect(first).toBeGreaterThanOrEqual(1);
    await expect.poll(() => detailsSnapshots(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(first + 5);
    const hm = page.getByTestId('heatmap');
    await expect(hm).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('heatmap-plot')).toBeVisible();
    await expect(page.locator('.timeline .track-area').first()).toBeVisible();
    await screenshot(page, 'ssh-live');

    // pprof over the same connection: a new source, with the port typed in the menu.
    await status.getByTestId('ssh-pprof').click();
    const menu = page.getByTestId('ssh-pprof-menu');
    await menu.getByTestId('ssh-pprof-port').fill(String(pprofPort));
    await screenshot(page, 'ssh-pprof-menu');
    await menu.getByTestId('ssh-pprof-goroutine').click();
    const pprofRow = page.locator('[data-testid="source"][data-kind="pprof"]');
    await expect(pprofRow).toHaveAttribute('data-status', 'ready');
    await expect(pprofRow).toHaveAttribute('data-name', /^.+-goroutine-\d+\.pb\.gz$/);
    // The served fixture carries its own (old) TimeNanos, which would stretch the axis: put it away.
    await pprofRow.getByTestId('remove-source').click();
    await expect(pprofRow).toHaveCount(0);

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
