import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorkerBundle, partWorkerScript, workerBundleIsStale } from './worker-build.ts';
import { disposeSpareWorkers, startEngine } from './host/engine.ts';
import { PROJECT_ROOT } from './paths.ts';
import { fixturePath } from '../shared/test-support/fixtures.ts';
import { parseTrace } from '../shared/ingest/gotrace/parse-trace.ts';
import { summarizeTrace } from '../shared/query/trace/trace-summary.ts';
import { traceFiguresFile, traceFiguresReads, traceFiguresSplit } from './host/trace-figures-file.ts';
import { inspectFiles } from './cli.ts';

// Inside the project (gitignored), not os.tmpdir(): the bundle resolves its external packages from node_modules.
const base = join(PROJECT_ROOT, '.tracedeck-tmp');
mkdirSync(base, { recursive: true });
const dir = mkdtempSync(join(base, 'worker-build-'));
afterAll(() => {
  disposeSpareWorkers();
  rmSync(dir, { recursive: true, force: true });
});

describe('engine worker bundle', () => {
  it('is stale when missing or older than a source, ignoring tests and dot files', () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    const out = join(dir, 'stale-check.mjs');
    const at = (f: string, s: number) => utimesSync(f, s, s);
    writeFileSync(join(src, 'sub', 'a.ts'), '');
    at(join(src, 'sub', 'a.ts'), 1000);
    expect(workerBundleIsStale(out, [src])).toBe(true);
    writeFileSync(out, '');
    at(out, 2000);
    // The part worker is built beside the engine's: missing, the pair is stale.
    expect(workerBundleIsStale(out, [src])).toBe(true);
    const part = join(dir, 'figures-part-worker.mjs');
    writeFileSync(part, '');
    at(part, 2000);
    expect(workerBundleIsStale(out, [src])).toBe(false);
    writeFileSync(join(src, 'a.test.ts'), '');
    writeFileSync(join(src, '.b.ts'), '');
    expect(workerBundleIsStale(out, [src])).toBe(false);
    at(join(src, 'sub', 'a.ts'), 3000);
    expect(workerBundleIsStale(out, [src])).toBe(true);
  });

  it('builds concurrently without leftovers, and the bundled worker parses a profile', async () => {
    const out = join(dir, 'out', 'engine-worker.mjs');
    await Promise.all([buildWorkerBundle(out), buildWorkerBundle(out)]);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['engine-worker.mjs', 'figures-part-worker.mjs']);
    expect(existsSync(out)).toBe(true);
    const engine = startEngine(out, { path: fixturePath('scenarios/conn-leak-go1.27/block.pb.gz') }, () => {});
    try {
      const header = await engine.ready;
      expect(header.kind).toBe('pprof');
    } finally {
      engine.dispose();
    }
  });

  it("reads a trace's figures in two parts with the bundled part worker, equal to the model's", async () => {
    const out = join(dir, 'parts', 'engine-worker.mjs');
    await buildWorkerBundle(out);
    const trace = fixturePath('scenarios/cpu-pool-go1.27/trace.out');
    const p = parseTrace(readFileSync(trace));
    const want = summarizeTrace({ format: p.format, partial: p.partial, model: p.model });
    const before = { ...traceFiguresReads };
    const partWorker = partWorkerScript(out);
    expect(partWorker).toBe(join(dir, 'parts', 'figures-part-worker.mjs'));
    const got = await traceFiguresSplit(trace, { partWorker, splitMinBytes: 0 });
    expect(traceFiguresReads.joined).toBe(before.joined + 1);
    expect(got!.figures).toEqual({ ...want });
    expect(got!.warnings).toEqual(p.warnings);
    // Too small to split by default; no worker to run; a worker that fails: no split (an engine reads it).
    expect(await traceFiguresSplit(trace, { partWorker })).toBeNull();
    expect(await traceFiguresSplit(trace, { partWorker: join(dir, 'parts', 'missing.mjs'), splitMinBytes: 0 })).toBeNull();
    expect(partWorkerScript(join(dir, 'engine-worker.ts'))).toBeNull();
    const broken = join(dir, 'parts', 'broken.mjs');
    writeFileSync(broken, 'throw new Error("no");\n');
    expect(await traceFiguresSplit(trace, { partWorker: broken, splitMinBytes: 0 })).toBeNull();
    // A part that never answers (nor reads a generation) is given up after the stall time (without
    // the watchdog this would wait for ever, and the test time out).
    const silent = join(dir, 'parts', 'silent.mjs');
    writeFileSync(silent, 'setInterval(() => {}, 1000);\n');
    expect(await traceFiguresSplit(trace, { partWorker: silent, splitMinBytes: 0, stallMs: 300 })).toBeNull();
    expect(traceFiguresReads.joined).toBe(before.joined + 1);
    // One pass in this thread: the same figures.
    const alone = await traceFiguresFile(trace);
    expect(traceFiguresReads.onePass).toBe(before.onePass + 1);
    expect(alone!.figures).toEqual({ ...want });
    // The bundled engine answers `inspect`'s open with the figures alone.
    const engine = startEngine(out, { path: trace, figuresOnly: true }, () => {}, { spare: false });
    try {
      const header = await engine.ready;
      expect(header.figuresOnly).toBe(true);
      expect(header.figures).toEqual({ ...want });
    } finally {
      engine.dispose();
    }
  });

  it('inspect reads a big trace in two worker threads of its own, with the row an engine gives', async () => {
    const out = join(dir, 'cli', 'engine-worker.mjs');
    await buildWorkerBundle(out);
    const trace = fixturePath('scenarios/cpu-pool-go1.27/trace.out');
    const before = { ...traceFiguresReads };
    // Under the split size: an engine reads it (one pass, in its own process).
    const viaEngine = await inspectFiles([trace], out);
    expect(traceFiguresReads.split).toBe(before.split);
    expect(viaEngine[0]!.kind).toBe('gotrace');
    process.env.TRACEDECK_SPLIT_MIN_BYTES = '1';
    try {
      const split = await inspectFiles([trace], out);
      expect(traceFiguresReads.joined).toBe(before.joined + 1);
      expect(split).toEqual(viaEngine);
    } finally {
      delete process.env.TRACEDECK_SPLIT_MIN_BYTES;
    }
  }, 120_000);
});
