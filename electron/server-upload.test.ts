/**
 * Browser-mode uploads stream to a private temp file: the server never holds one whole, the size
 * limit holds while streaming, and failed, refused, aborted or removed uploads leave no file behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type ClientRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Host } from './host/handlers.ts';
import { startServer, type RunningServer } from './server.ts';
import { DEMO_DIR, ENGINE_WORKER_TS } from './paths.ts';
import { fromWire } from '../shared/wire.ts';
import { fixturePath } from '../shared/test-support/fixtures.ts';

const MB = 1024 * 1024;
const parent = mkdtempSync(join(tmpdir(), 'tracedeck-upload-test-'));
const rendererDir = mkdtempSync(join(tmpdir(), 'tracedeck-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
let host: Host;
let server: RunningServer;
/** The same host behind a server with an 8 MB upload limit. */
let small: RunningServer;

beforeAll(async () => {
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR, uploadParentDir: parent });
  server = await startServer({ host, rendererDir });
  small = await startServer({ host, rendererDir, maxUploadBytes: 8 * MB });
});
afterAll(async () => {
  await server.close();
  await small.close();
  host.dispose();
  rmSync(parent, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
});

/** Every file under the uploads' parent folder (the private folder and what is in it). */
function uploadFiles(): string[] {
  return readdirSync(parent, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface UploadOpts {
  srv?: RunningServer;
  name: string;
  chunks: Iterable<Uint8Array>;
  contentLength?: number;
  mtimeMs?: number;
  /** The folder the file was in, inside a dropped or picked folder. */
  folder?: string;
  /** Destroy the request after this many bytes (a closed tab, a dropped connection). */
  abortAfter?: number;
}

/** POSTs chunks to /api/openBytes as the page does, honouring backpressure; resolves with the reply or the socket error. */
function upload(o: UploadOpts): Promise<{ status: number; body: string } | { error: string }> {
  const srv = o.srv ?? server;
  const q = new URLSearchParams({ name: o.name, ...(o.mtimeMs !== undefined ? { mtimeMs: String(o.mtimeMs) } : {}), ...(o.folder !== undefined ? { folder: o.folder } : {}) });
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = {
      host: `127.0.0.1:${srv.port}`,
      origin: `http://127.0.0.1:${srv.port}`,
      'x-tracedeck-token': srv.token,
      'content-type': 'application/octet-stream',
    };
    if (o.contentLength !== undefined) headers['content-length'] = o.contentLength;
    const req: ClientRequest = request({ host: '127.0.0.1', port: srv.port, path: `/api/openBytes?${q}`, method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('error', (e) => resolve({ error: e.message }));
    void (async () => {
      let sent = 0;
      for (const c of o.chunks) {
        if (req.destroyed) return;
        if (o.abortAfter !== undefined && sent >= o.abortAfter) {
          req.destroy();
          return;
        }
        sent += c.length;
        if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })();
  });
}

function* repeat(chunk: Uint8Array, total: number): Iterable<Uint8Array> {
  for (let sent = 0; sent < total; sent += chunk.length) yield chunk.subarray(0, Math.min(chunk.length, total - sent));
}

const idOf = (r: Awaited<ReturnType<typeof upload>>) => {
  if ('error' in r) throw new Error(r.error);
  const w = fromWire<{ ok: boolean; result?: { id: string }; error?: string }>(r.body);
  if (!w.ok) throw new Error(w.error);
  return w.result!.id;
};

describe('browser-mode uploads', () => {
  it('hands the engine the file: a real dump gets its clock from the mtime the page sent', async () => {
    const bytes = readFileSync(fixturePath('scenarios/conn-leak-go1.27/goroutine-debug2.txt'));
    const mtimeMs = Date.UTC(2026, 10, 22, 19, 37, 40);
    const id = idOf(await upload({ name: 'goroutine-debug2.txt', chunks: [bytes], contentLength: bytes.length, mtimeMs }));
    await host.store.settled();
    const info = host.store.snapshot().sources.find((s) => s.id === id)!;
    expect(info.status).toBe('ready');
    expect(info.kind).toBe('goroutine-dump');
    expect(info.sizeBytes).toBe(bytes.length);
    expect(info.clock).toEqual({ originEpochNs: (BigInt(mtimeMs) * 1_000_000n).toString(), quality: 'estimated', basis: 'file mtime' });
    await host.handle('removeSource', { id });
    expect(uploadFiles()).toEqual([]);
  });

  it('streams 300 MB to a private file with the server growing by less than 100 MB', async () => {
    const total = Number(process.env.UPLOAD_MB ?? 300) * MB;
    const chunk = randomBytes(MB);
    // Engines are worker threads in this process for now: let the spare one finish booting first,
    // so what is measured is the upload path alone.
    await new Promise((r) => setTimeout(r, 1500));
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    let r;
    try {
      r = await upload({ name: 'big.bin', chunks: repeat(chunk, total), contentLength: total, mtimeMs: Date.UTC(2026, 10, 22, 12) });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const id = idOf(r);
    const path = host.uploads.pathOf(id)!;
    if (process.env.UPLOAD_RSS_LOG) console.log(`rss growth ${((peak - before) / MB).toFixed(1)} MB`);
    // Measured: 34 MB for 300 MB, 39 MB for 900 MB (UPLOAD_MB=900): garbage chunks awaiting GC, not
    // the upload. Buffering it whole (as before) grew by more than twice the upload.
    expect((peak - before) / MB).toBeLessThan(100);
    const st = statSync(path);
    expect(st.size).toBe(total);
    expect(st.mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(st.mtimeMs).toBe(Date.UTC(2026, 10, 22, 12));
    // Removing the source deletes its file.
    await host.handle('removeSource', { id });
    expect(uploadFiles()).toEqual([]);
  });

  it('deletes the file of an upload that fails to ingest (the source stays, with its reason)', async () => {
    const id = idOf(await upload({ name: 'noise.bin', chunks: [randomBytes(4096)], contentLength: 4096 }));
    await host.store.settled();
    const info = host.store.snapshot().sources.find((s) => s.id === id)!;
    expect(info.status).toBe('error');
    expect(info.error).toBeTruthy();
    await until(() => uploadFiles().length === 0, 'the failed upload to be deleted');
    await host.handle('removeSource', { id });
  });

  it('leaves nothing behind when the connection drops mid-upload', async () => {
    const sources = host.store.snapshot().sources.length;
    const r = await upload({ name: 'cut.bin', chunks: repeat(randomBytes(MB), 50 * MB), contentLength: 50 * MB, abortAfter: 5 * MB });
    expect('error' in r).toBe(true);
    await until(() => uploadFiles().length === 0, 'the partial upload to be deleted');
    expect(host.store.snapshot().sources.length).toBe(sources);
  });

  it('keeps the folder a file came in (equal names in a folder per host stay apart); refuses a runaway folder', async () => {
    const bytes = readFileSync(fixturePath('scenarios/conn-leak-go1.27/goroutine-debug2.txt'));
    const id = idOf(await upload({ name: 'goroutine-debug2.txt', chunks: [bytes], contentLength: bytes.length, folder: 'incident/web-01' }));
    expect(host.store.snapshot().sources.find((s) => s.id === id)!.origin).toEqual({ type: 'upload', folder: 'incident/web-01' });
    await host.handle('removeSource', { id });
    // The removed source's upload may still be on its way out under load: only files new to the refused request count.
    const before = new Set(uploadFiles());
    const r = await upload({ name: 'a.txt', chunks: [new Uint8Array(16)], contentLength: 16, folder: 'x'.repeat(5000) });
    if ('error' in r) throw new Error(r.error);
    expect(fromWire<{ error: string }>(r.body).error).toBe('invalid openBytes request: folder is longer than 4096 characters');
    expect(uploadFiles().filter((f) => !before.has(f))).toEqual([]);
    await until(() => uploadFiles().length === 0, 'the removed upload to be deleted');
  });

  it('checks the name and time before writing a byte', async () => {
    // An earlier test's upload may still be on its way out under load: only files new to this test count.
    const before = new Set(uploadFiles());
    const r = await upload({ name: 'x'.repeat(5000), chunks: [new Uint8Array(1024)], contentLength: 1024 });
    if ('error' in r) throw new Error(r.error);
    expect(r.status).toBe(400);
    expect(fromWire<{ error: string }>(r.body).error).toBe('invalid openBytes request: name must be a non-empty string');
    const t = await upload({ name: 'a.txt', chunks: [new Uint8Array(1024)], contentLength: 1024, mtimeMs: Number.NaN });
    if ('error' in t) throw new Error(t.error);
    expect(fromWire<{ error: string }>(t.body).error).toBe('invalid openBytes request: mtimeMs must be a number');
    expect(uploadFiles().filter((f) => !before.has(f))).toEqual([]);
  });

  it('enforces the size limit while streaming, and up front when the length is declared', async () => {
    const sources = host.store.snapshot().sources.length;
    // Declared too large: refused before a byte is read.
    const declared = await upload({ srv: small, name: 'big.bin', chunks: [new Uint8Array(0)], contentLength: 9 * MB });
    if ('error' in declared) throw new Error(declared.error);
    expect(declared.status).toBe(413);
    expect(fromWire<{ error: string }>(declared.body).error).toBe('upload larger than the 8,388,608-byte limit');
    // Chunked, no length: cut off once past the limit (the reply or a reset, and no file either way).
    const streamed = await upload({ srv: small, name: 'big.bin', chunks: repeat(randomBytes(MB), 20 * MB) });
    if (!('error' in streamed)) expect(streamed.status).toBe(413);
    await until(() => uploadFiles().length === 0, 'the refused upload to be deleted');
    expect(host.store.snapshot().sources.length).toBe(sources);
  });
});
