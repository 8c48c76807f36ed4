import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshCollector } from './collector.ts';
import type { CollectorStatus } from './collector.ts';
import { openSshConnection } from './connection.ts';
import { formatKnownHostsLine } from './known-hosts.ts';
import { fetchPprof, pprofFileName, pprofPath, savePprofResult } from './pprof-over-ssh.ts';
import { createTestSshd, pubKeyBlob } from './test-sshd.ts';
import type { TestSshd } from './test-sshd.ts';

let sshd: TestSshd;
let work: string;
let knownHosts: string;
let client: Client;
let httpServer: http.Server;
let httpPort: number;
let rawServer: net.Server;
let rawPort: number;
const seen: string[] = [];

// Canned "profile" bytes: binary, with CRLFs and chunk-size-looking text inside.
const GOROUTINE = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from('\r\n0\r\n\r\n'), Buffer.alloc(70_000, 0xab)]);
const HEAP_PARTS = [Buffer.from([0x1f, 0x8b]), Buffer.alloc(40_000, 1), Buffer.from('\r\n\r\n'), Buffer.alloc(3, 2)];

function listening<T extends net.Server>(srv: T): Promise<number> {
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve((srv.address() as net.AddressInfo).port)));
}

beforeAll(async () => {
  sshd = await createTestSshd();
  await sshd.start();
  work = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-pprof-'));
  knownHosts = path.join(work, 'known_hosts');
  writeFileSync(knownHosts, formatKnownHostsLine('127.0.0.1', sshd.port, pubKeyBlob(sshd.hostKeyPub)) + '\n');

  httpServer = http.createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.host}`);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/debug/pprof/goroutine') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': GOROUTINE.length });
      res.end(GOROUTINE);
    } else if (url.pathname === '/debug/pprof/heap') {
      // No Content-Length: Node's server sends Transfer-Encoding: chunked, one chunk per write.
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      let i = 0;
      const next = () => {
        const part = HEAP_PARTS[i++];
        if (part) res.write(part, () => setTimeout(next, 5));
        else res.end();
      };
      next();
    } else if (url.pathname === '/debug/pprof/profile') {
      const ms = Number(url.searchParams.get('seconds')) * 300; // stands in for the sampling window
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.end(Buffer.from(`cpu for ${url.searchParams.get('seconds')}s`));
      }, ms);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Unknown profile\n');
    }
  });
  httpPort = await listening(httpServer);

  // A raw server for framings Node's http server does not produce: body until close, and a cut-off body.
  rawServer = net.createServer((s) => {
    let req = '';
    s.on('data', (d) => {
      req += d.toString('latin1');
      if (!req.includes('\r\n\r\n')) return;
      if (req.startsWith('GET /debug/pprof/trace')) s.end('HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\ngo 1.22 trace\0\0\0 until close');
      else s.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a little');
    });
  });
  rawPort = await listening(rawServer);

  client = await openSshConnection(sshd.target(), { knownHostsPath: knownHosts });
});

afterAll(async () => {
  client?.end();
  httpServer?.close();
  rawServer?.close();
  await sshd?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('pprofPath', () => {
  it('builds Go pprof URLs and refuses anything else', () => {
    expect(pprofPath({ kind: 'goroutine', port: 6060 })).toBe('/debug/pprof/goroutine?debug=0');
    expect(pprofPath({ kind: 'goroutine', port: 6060, debug: 2 })).toBe('/debug/pprof/goroutine?debug=2');
    expect(pprofPath({ kind: 'heap', port: 6060, gc: true })).toBe('/debug/pprof/heap?debug=0&gc=1');
    expect(pprofPath({ kind: 'block', port: 6060, debug: 1 })).toBe('/debug/pprof/block?debug=1');
    expect(pprofPath({ kind: 'mutex', port: 6060, pathPrefix: '/admin/pprof/' })).toBe('/admin/pprof/mutex?debug=0');
    expect(pprofPath({ kind: 'profile', port: 6060 })).toBe('/debug/pprof/profile?seconds=30');
    expect(pprofPath({ kind: 'trace', port: 6060, seconds: 5 })).toBe('/debug/pprof/trace?seconds=5');
    expect(pprofPath({ kind: 'block', port: 6060, seconds: 10 })).toBe('/debug/pprof/block?seconds=10');
    expect(pprofPath({ kind: 'goroutineleak', port: 6060, debug: 2 })).toBe('/debug/pprof/goroutineleak?debug=2');
    expect(pprofPath({ kind: 'custom', port: 6060, path: '/debug/fr?x=1' })).toBe('/debug/fr?x=1');
    expect(() => pprofPath({ kind: 'custom', port: 6060, path: '/a/../b' })).toThrow(/invalid custom path/);
    expect(() => pprofPath({ kind: 'custom', port: 6060, path: '/fr', seconds: 1 })).toThrow(/not for a custom endpoint/);
    expect(() => pprofPath({ kind: 'mutex', port: 6060, seconds: 5, debug: 1 })).toThrow(/needs debug 0/);
    expect(() => pprofPath({ kind: 'heap', port: 6060, debug: 2 })).toThrow(/goroutine and goroutineleak only/);
    expect(() => pprofPath({ kind: 'profile', port: 6060, seconds: 0.5 })).toThrow(/invalid seconds/);
    expect(() => pprofPath({ kind: 'goroutine', port: 0 })).toThrow(/invalid port/);
    expect(() => pprofPath({ kind: 'goroutine', port: 1, pathPrefix: '/x?y=/' })).toThrow(/invalid path prefix/);
    expect(() => pprofPath({ kind: 'cmdline' as never, port: 1 })).toThrow(/unknown pprof endpoint/);
  });
});

describe('pprof over an SSH direct-tcpip forward to a real sshd', () => {
  it('fetches a Content-Length body byte-exact with provenance, and saves it', async () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const r = await fetchPprof(client, { kind: 'goroutine', port: httpPort }, { hostLabel: 'testhost' });
    const after = BigInt(Date.now()) * 1_000_000n;
    expect(Buffer.from(r.bytes).equals(GOROUTINE)).toBe(true);
    expect(r.provenance).toMatchObject({
      host: 'testhost',
      url: `http://127.0.0.1:${httpPort}/debug/pprof/goroutine?debug=0`,
      kind: 'goroutine',
      status: 200,
      contentType: 'application/octet-stream',
    });
    const s = BigInt(r.provenance.startedAtEpochNs);
    const e = BigInt(r.provenance.endedAtEpochNs);
    expect(before <= s && s <= e && e <= after + 1_000_000n).toBe(true);
    expect(seen).toContain(`/debug/pprof/goroutine?debug=0 127.0.0.1:${httpPort}`);

    const file = await savePprofResult(r, work);
    expect(path.basename(file)).toBe(pprofFileName(r));
    expect(path.basename(file)).toBe(`testhost-goroutine-${r.provenance.startedAtEpochNs}.pb.gz`);
    expect(readFileSync(file).equals(GOROUTINE)).toBe(true);
    expect(JSON.parse(readFileSync(`${file}.provenance.json`, 'utf8'))).toEqual(r.provenance);
  });

  it('fetches chunked bodies, bodies read until close, and waits out profile?seconds=N', async () => {
    const heap = await fetchPprof(client, { kind: 'heap', port: httpPort }, { hostLabel: 'h' });
    expect(Buffer.from(heap.bytes).equals(Buffer.concat(HEAP_PARTS))).toBe(true);

    const trace = await fetchPprof(client, { kind: 'trace', port: rawPort, seconds: 1, timeoutMs: 5000 }, { hostLabel: 'h' });
    expect(Buffer.from(trace.bytes).toString('latin1')).toBe('go 1.22 trace\0\0\0 until close');
    expect(pprofFileName(trace)).toMatch(/^h-trace-\d+\.trace\.out$/);

    const cpu = await fetchPprof(client, { kind: 'profile', port: httpPort, seconds: 1, timeoutMs: 5000 }, { hostLabel: 'h' });
    expect(Buffer.from(cpu.bytes).toString()).toBe('cpu for 1s');
    const tookMs = Number(BigInt(cpu.provenance.endedAtEpochNs) - BigInt(cpu.provenance.startedAtEpochNs)) / 1e6;
    expect(tookMs).toBeGreaterThanOrEqual(290);
  });

  it('reports HTTP errors, cut-off bodies, closed ports and timeouts clearly', async () => {
    await expect(fetchPprof(client, { kind: 'mutex', port: httpPort }, { hostLabel: 'h' })).rejects.toThrow(
      `http://127.0.0.1:${httpPort}/debug/pprof/mutex?debug=0 on h: HTTP 404 Not Found: Unknown profile`,
    );
    // What a Go 1.26 binary without the experiment answers (checked against a real one).
    await expect(fetchPprof(client, { kind: 'goroutineleak', port: httpPort }, { hostLabel: 'h' })).rejects.toThrow(
      /HTTP 404 Not Found: Unknown profile \(the goroutine leak profile needs Go 1\.27, or Go 1\.26 built with GOEXPERIMENT=goroutineleakprofile\)/,
    );
    await expect(fetchPprof(client, { kind: 'block', port: rawPort, timeoutMs: 5000 }, { hostLabel: 'h' })).rejects.toThrow(/incomplete response/);
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await expect(fetchPprof(client, { kind: 'heap', port: closed }, { hostLabel: 'h' })).rejects.toThrow(
      new RegExp(`cannot open a forwarded connection to 127.0.0.1:${closed} on the host`),
    );
    await expect(fetchPprof(client, { kind: 'profile', port: httpPort, seconds: 2, timeoutMs: 200 }, { hostLabel: 'h' })).rejects.toThrow(
      /timed out after 200 ms/,
    );
  });

  it('works over a running collector\'s connection', async () => {
    const events: CollectorStatus[] = [];
    const collector = new SshCollector({
      target: sshd.target(),
      capturePath: path.join(work, 'capture.txt'),
      intervalMs: 200,
      knownHostsPath: knownHosts,
    });
    await expect(collector.fetchPprof({ kind: 'heap', port: httpPort })).rejects.toThrow(/not connected/);
    const connected = new Promise<void>((resolve) =>
      collector.on('status', (s) => {
        events.push(s);
        if (s.type === 'connected') resolve();
      }),
    );
    await collector.start();
    await connected;
    const folder = mkdtempSync(path.join(work, 'out-'));
    const file = await collector.fetchPprofToFolder({ kind: 'heap', port: httpPort }, folder);
    await collector.stop();
    expect(readFileSync(file).equals(Buffer.concat(HEAP_PARTS))).toBe(true);
    expect(path.basename(file)).toMatch(new RegExp(`^${os.hostname()}-heap-\\d+\\.pb\\.gz$`));
    expect(events.some((e) => e.type === 'error')).toBe(false);
  });
});
