/**
 * Test support (used only by *.test.ts here): a throwaway OpenSSH server on loopback with keys
 * made by ssh-keygen in a temp dir. Killed by PID (its per-connection children too).
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { SshTarget } from './ssh-config.ts';

export const SSHD = '/usr/sbin/sshd';

export function requireSshd(): void {
  if (!existsSync(SSHD)) {
    throw new Error(
      `${SSHD} not found: these tests need a real OpenSSH server. Install openssh-server ` +
        '(e.g. `apt-get update && apt-get install -y openssh-server`); CI installs it.',
    );
  }
}

export function keygen(file: string, type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519'): void {
  const args = ['-q', '-t', type, '-N', '', '-C', '', '-f', file];
  if (type === 'rsa') args.push('-b', '2048');
  execFileSync('ssh-keygen', args, { stdio: 'ignore' });
}

/** The `SHA256:…` field of `ssh-keygen -lf FILE`. */
export function sshKeygenFingerprint(file: string): string {
  const out = execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' });
  const fp = out.split(/\s+/)[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output: ${out}`);
  return fp;
}

/** The key blob of a .pub file. */
export function pubKeyBlob(pubFile: string): Buffer {
  const b64 = readFileSync(pubFile, 'utf8').trim().split(/\s+/)[1] ?? '';
  return Buffer.from(b64, 'base64');
}

export function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, address, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function waitListening(address: string, port: number, proc: ChildProcess, log: () => string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      if (proc.exitCode !== null) return reject(new Error(`sshd exited with ${proc.exitCode}: ${log()}`));
      const s = net.connect(port, address);
      s.once('data', (d) => {
        s.destroy();
        if (d.toString('latin1').startsWith('SSH-')) resolve();
        else reject(new Error(`port ${port} answered with something else than SSH`));
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd did not listen on ${port} within ${timeoutMs} ms: ${log()}`));
        else setTimeout(tryOnce, 50);
      });
    };
    tryOnce();
  });
}

/** PIDs of pid's descendants (from /proc), deepest last. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
    } catch {
      // the process went away while we looked
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    for (const [child, pp] of parent) {
      if (pp === p && !out.includes(child)) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

export type SsMode = 'real' | 'flood' | 'hang' | 'forge-framing';

/** Live processes whose /proc/PID/cmdline contains text. */
export function processesMentioning(text: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // a zombie runs nothing
      if (cmd.includes(text)) out.push(Number(d));
    } catch {
      // gone while we looked
    }
  }
  return out;
}

export interface TestSshd {
  dir: string;
  /** The loopback address it listens on (127.0.0.1 unless asked otherwise). */
  address: string;
  port: number;
  /** sshd's PID while running. */
  pid(): number | undefined;
  user: string;
  hostKeyPub: string;
  clientKey: string;
  wrongKey: string;
  /** Makes the session's `ss -tanoip` fail (as where -p is not permitted) until called with false. */
  denyProcessColumn(deny: boolean): void;
  /**
   * What the session's `ss` does from now on: run the real one; print socket lines forever; hang
   * without output; or print the real output followed by forged `###` framing lines.
   */
  setSsMode(mode: SsMode): void;
  /** PIDs of live processes whose command line mentions this server's folder (its fake `ss` and children). */
  processesOfFakeSs(): number[];
  /** Starts (or restarts) sshd on the same port with the same keys. */
  start(): Promise<void>;
  /** SIGKILLs sshd and every per-connection child it forked. */
  kill(): Promise<void>;
  /** kill() + remove the temp dir. */
  dispose(): Promise<void>;
  target(over?: Partial<SshTarget>): SshTarget;
  log(): string;
}

/**
 * `address`: another loopback address (127.0.0.2, 127.0.0.3 …) for tests with several hosts, e.g.
 * one reached only through another as its jump host.
 */
export async function createTestSshd(opts: { address?: string } = {}): Promise<TestSshd> {
  requireSshd();
  const address = opts.address ?? '127.0.0.1';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-sshd-'));
  const port = await freePort(address);
  const user = os.userInfo().username;
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  const wrongKey = path.join(dir, 'wrong_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  keygen(wrongKey);
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${clientKey}.pub`));
  const binDir = path.join(dir, 'bin');
  const denyMarker = path.join(dir, 'deny-ss-p');
  const modeFile = path.join(dir, 'ss-mode');
  mkdirSync(binDir);
  // Not exec'ed in the other modes: the script (its path in its command line) is what an orphan looks like.
  writeFileSync(
    path.join(binDir, 'ss'),
    [
      '#!/bin/sh',
      `if [ -e '${denyMarker}' ] && [ "$1" = -tanoip ]; then`,
      "  echo 'Cannot open netlink socket: Operation not permitted' >&2; exit 1",
      'fi',
      `mode=$(cat '${modeFile}' 2>/dev/null)`,
      'case "$mode" in',
      `  flood) yes "ESTAB 0 0 10.0.0.1:1000 10.0.0.2:2000 $0" ;;`,
      '  hang) while :; do sleep 1; done ;;',
      '  forge-framing) /usr/bin/ss "$@"; printf \'### ss-snapshot 1000000000000000000 forged\\nESTAB 0 0 6.6.6.6:1 6.6.6.6:2\\n### gap 1000000000000000001 forged injected\\n#comment\\n\' ;;',
      '  *) exec /usr/bin/ss "$@" ;;',
      'esac',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const cfg = path.join(dir, 'sshd_config');
  writeFileSync(
    cfg,
    [
      `Port ${port}`,
      `ListenAddress ${address}`,
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'AllowTcpForwarding yes',
      // Sessions find a wrapper `ss` first: it fails `ss -tanoip` while denyProcessColumn(true).
      // SHLVL=1: bash then skips the user's ~/.bashrc (Debian's bash sources it for ssh commands), so
      // slow rc files (e.g. pyenv rehash) cannot stall the tests, and a kill cannot leave their locks behind.
      `SetEnv PATH=${binDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SHLVL=1`,
      `AllowUsers ${user}`,
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true });

  let proc: ChildProcess | undefined;
  let logText = '';
  const log = () => logText.slice(-4000);

  const kill = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.pid === undefined || p.exitCode !== null) return;
    const pids = [p.pid, ...descendants(p.pid)];
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
  };

  return {
    dir,
    address,
    port,
    pid: () => proc?.pid,
    user,
    hostKeyPub: `${hostKey}.pub`,
    clientKey,
    wrongKey,
    setSsMode(mode: SsMode) {
      writeFileSync(modeFile, mode);
    },
    processesOfFakeSs() {
      return processesMentioning(binDir);
    },
    denyProcessColumn(deny: boolean) {
      if (deny) writeFileSync(denyMarker, '');
      else rmSync(denyMarker, { force: true });
    },
    async start() {
      if (proc) throw new Error('sshd already running');
      const p = spawn(SSHD, ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
      proc = p;
      p.stderr?.on('data', (d: Buffer) => {
        logText += d.toString('utf8');
      });
      await waitListening(address, port, p, log);
    },
    kill,
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
    target(over: Partial<SshTarget> = {}): SshTarget {
      return {
        alias: address,
        host: address,
        port,
        user,
        identityFiles: [clientKey],
        explicitKeyFile: true,
        agentSocket: undefined,
        knownHostsFile: undefined,
        connectTimeoutMs: 10_000,
        keepaliveIntervalMs: undefined,
        keepaliveCountMax: undefined,
        warnings: [],
        ...over,
      };
    },
    log,
  };
}
