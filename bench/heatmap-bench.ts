/**
 * Connection heat map speed (issue "Socket snapshots", Speed):
 *   - binning 10k snapshots × 1k sockets with the engine's query (target < 50 ms);
 *   - redrawing the heat map of 10k snapshots (target < 16 ms, one frame), measured on the renderer's
 *     own draw function against a fake 2D context (pixel raster + labels; the browser's putImageData
 *     blit itself is not included).
 * Synthetic data: a TIME-WAIT storm-like capture built straight into the model's typed columns.
 */
import { TCP_STATES, type SocketCaptureModel } from '../shared/model/sockets.ts';
import { heatmapView } from '../shared/query/sockets/heatmap-view.ts';
import { drawHeatmap, heatmapGeometry, LIGHT_THEME, type Ctx2D, type HeatmapGrid } from '../renderer/src/components/heatmap/heatmap-draw.ts';

const SNAPSHOTS = 10_000;
const SOCKETS = 1_000;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function syntheticCapture(): SocketCaptureModel {
  const n = SNAPSHOTS * SOCKETS;
  const rand = rng(42);
  const strings = ['', 'host-a', 'app', 'proxy'];
  const peerBase = strings.length;
  for (let i = 0; i < 50; i++) strings.push(`10.0.${i >> 4}.${i & 15}`);
  const state = new Uint8Array(n);
  const peerAddr = new Int32Array(n);
  const localPort = new Uint16Array(n);
  const process = new Int32Array(n);
  const tw = TCP_STATES.indexOf('TIME-WAIT');
  for (let s = 0; s < SNAPSHOTS; s++) {
    // TIME-WAIT share grows through the capture, the rest is mostly ESTAB with a few others.
    const twShare = s / SNAPSHOTS;
    for (let k = 0; k < SOCKETS; k++) {
      const r = s * SOCKETS + k;
      const u = rand();
      state[r] = u < twShare ? tw : u < twShare + 0.05 ? Math.floor(rand() * TCP_STATES.length) : 0;
      peerAddr[r] = peerBase + Math.floor(rand() * rand() * 50);
      localPort[r] = 30000 + (k % 2000);
      process[r] = state[r] === tw ? -1 : 2 + (k & 1);
    }
  }
  const zeros32 = new Uint32Array(n);
  const minus1 = new Int32Array(n).fill(-1);
  const f32 = () => new Float32Array(0);
  const f64 = () => new Float64Array(0);
  return {
    snapshotCount: SNAPSHOTS,
    snapshots: {
      length: SNAPSHOTS,
      timeNs: Float64Array.from({ length: SNAPSHOTS }, (_, i) => i * 1e9 + Math.floor(rand() * 5e6)),
      host: new Int32Array(SNAPSHOTS).fill(1),
      firstRow: Uint32Array.from({ length: SNAPSHOTS }, (_, i) => i * SOCKETS),
      rowCount: new Uint32Array(SNAPSHOTS).fill(SOCKETS),
    },
    sockets: {
      length: n,
      state,
      localAddr: new Int32Array(n),
      localPort,
      peerAddr,
      peerPort: new Uint16Array(n),
      recvQ: zeros32,
      sendQ: zeros32,
      timerKind: new Uint8Array(n),
      timerMs: zeros32,
      timerRetrans: new Uint16Array(n),
      process,
      pid: minus1,
      fd: minus1,
      info: minus1,
    },
    tcpInfo: {
      length: 0,
      rtt: f32(), rttVar: f32(), rto: f32(), ato: f32(), mss: f32(), cwnd: f32(), ssthresh: f32(), unacked: f32(),
      retransNow: f32(), retransTotal: f32(), lost: f32(),
      bytesSent: f64(), bytesAcked: f64(), bytesReceived: f64(), bytesRetrans: f64(),
      sendBps: f32(), pacingBps: f32(), deliveryBps: f32(),
    },
    strings,
    states: [...TCP_STATES, 'UNKNOWN'],
    timerKinds: [''],
    fdCounts: { length: 0, timeNs: f64(), host: new Int32Array(0), pid: new Int32Array(0), count: f64() },
    gaps: [],
    summary: null,
    skippedLines: 0,
  };
}

/** Median and best of `runs` timings (ms) after `warm` warm-up calls. */
function time(fn: () => void, runs: number, warm = 3): { median: number; best: number } {
  for (let i = 0; i < warm; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    fn();
    t.push(performance.now() - a);
  }
  t.sort((a, b) => a - b);
  return { median: t[t.length >> 1]!, best: t[0]! };
}

/** A 2D context that does the work a canvas needs from us (pixel buffers) and ignores the rest. */
function fakeContext(): Ctx2D {
  const noop = () => {};
  return {
    createImageData: ((w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4), width: w, height: h, colorSpace: 'srgb' })) as unknown as Ctx2D['createImageData'],
    putImageData: noop,
    clearRect: noop,
    fillRect: noop,
    fillText: noop,
    beginPath: noop,
    moveTo: noop,
    lineTo: noop,
    stroke: noop,
    strokeRect: noop,
    setTransform: noop as Ctx2D['setTransform'],
    save: noop,
    restore: noop,
    setLineDash: noop,
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    font: '',
    textAlign: 'left',
    textBaseline: 'alphabetic',
  };
}

const fmt = (x: number) => x.toFixed(2).padStart(7);
const verdict = (ms: number, target: number) => (ms < target ? `ok (< ${target} ms)` : `SLOW (target < ${target} ms)`);

const tb = performance.now();
const m = syntheticCapture();
console.log(`synthetic capture: ${SNAPSHOTS.toLocaleString()} snapshots × ${SOCKETS.toLocaleString()} sockets = ${m.sockets.length.toLocaleString()} rows (built in ${((performance.now() - tb) / 1000).toFixed(1)} s)`);

// --- binning (engine side) ---
const BINS = 600; // a 1200 px wide heat map asks for width / 2 bins
let hmState = heatmapView(m, { bins: BINS, mode: 'state' });
const bState = time(() => (hmState = heatmapView(m, { bins: BINS, mode: 'state' })), 7);
console.log(`binning, states mode, ${BINS} bins:               median ${fmt(bState.median)} ms  best ${fmt(bState.best)} ms  ${verdict(bState.median, 50)}`);
const bPeer = time(() => heatmapView(m, { bins: BINS, mode: 'peer', state: 'TIME-WAIT', topN: 10 }), 5, 1);
console.log(`binning, peers mode (TIME-WAIT, top 10):       median ${fmt(bPeer.median)} ms  best ${fmt(bPeer.best)} ms  (target applies to states mode)`);
const bAll = time(() => heatmapView(m, { bins: SNAPSHOTS, mode: 'state' }), 5, 1);
console.log(`binning, states mode, one bin per snapshot:    median ${fmt(bAll.median)} ms  best ${fmt(bAll.best)} ms`);

// --- drawing (renderer side) ---
function gridOf(hm: ReturnType<typeof heatmapView>): HeatmapGrid {
  return { rows: hm.rows, bins: hm.binSnapshots.length, edgesNs: hm.binEdgesNs, counts: hm.counts, shownBin: hm.shownBin, max: hm.max };
}
const full = gridOf(heatmapView(m, { bins: SNAPSHOTS, mode: 'state' }));
const screen = gridOf(hmState);
const view = { startNs: m.snapshots.timeNs[0]!, endNs: m.snapshots.timeNs[SNAPSHOTS - 1]! };
const ctx = fakeContext();
const opts = { log: false, theme: LIGHT_THEME, formatTick: (ns: number) => `${(ns / 1e9).toFixed(0)} s` };
for (const [label, grid, width, dpr] of [
  ['10k bins (one per snapshot), 1200 px, dpr 1', full, 1200, 1],
  ['10k bins (one per snapshot), 1200 px, dpr 2', full, 1200, 2],
  [`${BINS} bins (as queried), 1200 px, dpr 2    `, screen, 1200, 2],
] as const) {
  const g = heatmapGeometry(width, grid.rows.length, 10, dpr);
  const d = time(() => drawHeatmap(ctx, g, view, grid, opts), 40);
  console.log(`redraw, ${label}: median ${fmt(d.median)} ms  best ${fmt(d.best)} ms  ${verdict(d.median, 16)}`);
}
const dLog = time(() => drawHeatmap(ctx, heatmapGeometry(1200, full.rows.length, 10, 2), view, full, { ...opts, log: true }), 40);
console.log(`redraw, 10k bins, log scale, dpr 2:          median ${fmt(dLog.median)} ms  best ${fmt(dLog.best)} ms  ${verdict(dLog.median, 16)}`);
