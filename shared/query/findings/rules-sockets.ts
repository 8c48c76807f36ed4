/**
 * Socket patterns from ss captures (trends by state, peer, local port, owner) and fd listings:
 * timewait-storm, conn-leak, fd-leak.
 */
import { at, evidence, type DiagnoseContext, type PlacedFacts } from './context.ts';
import { bytes, dur, num, pct, rate } from './format.ts';
import { innermostUser, listCode } from './functions.ts';
import { ACCEPT_RE, callersOf, CLIENT_CALL_RE, CONN_READ_RE, goroutinesWith, POOL_LOOP_RE, SERVER_CONN_RE } from './stacks-seen.ts';
import type { Confidence, Evidence, Finding, NamedTrend, SeriesTrend, SocketFacts } from './types.ts';

/** Linux keeps a socket in TIME-WAIT for 60 s: the TIME-WAIT level ≈ closes per second × 60. */
const TIME_WAIT_SECONDS = 60;

export function stateOf(f: SocketFacts, state: string): NamedTrend | null {
  return f.states.find((s) => s.name === state) ?? null;
}

function rise(t: SeriesTrend): number {
  return t.early && t.late ? t.late.mean - t.early.mean : 0;
}

/** The trend's evidence: the early-to-late windows in the heat map's row for `state`. */
function trendEvidence(p: PlacedFacts<SocketFacts>, state: string, t: SeriesTrend, extra = ''): Evidence {
  const e = t.early!;
  const l = t.late!;
  return evidence(
    p,
    'heatmap',
    { startNs: e.startNs, endNs: l.endNs },
    `${state} ${num(e.mean, 1)} → ${num(l.mean, 1)} sockets (mean of ${e.snapshots} and ${l.snapshots} snapshots), ${rate(t.ratePerSec ?? 0)}; max ${num(t.max)}${extra}`,
    { earlyMean: e.mean, lateMean: l.mean, earlySnapshots: e.snapshots, lateSnapshots: l.snapshots, ratePerSec: t.ratePerSec ?? 0, max: t.max },
    { state },
  );
}

/** The peer holding most sockets in `state`, as evidence (heat map by peer for that state). */
function peerEvidence(p: PlacedFacts<SocketFacts>, state: string, total: number): { ev: Evidence; peer: string; share: number } | null {
  const top = p.facts.peers.find((x) => x.state === state)?.top[0];
  if (!top || top.name === 'other' || total === 0) return null;
  return {
    peer: top.name,
    share: top.max / total,
    ev: evidence(p, 'heatmap', at(top.maxAtNs), `${top.name}: ${num(top.max)} of ${num(total)} ${state} sockets at the peak (${pct(top.max, total)})`, { max: top.max, stateMax: total }, { state, peer: top.name }),
  };
}

/** The local port most sockets in `state` use, when one port holds most (a listener's port). */
function fixedLocalPort(f: SocketFacts, state: string, total: number): { port: string; max: number } | null {
  const top = f.localPorts.find((x) => x.state === state)?.top[0];
  return top && top.name !== 'other' && total > 0 && top.max / total >= 0.5 ? { port: top.name, max: top.max } : null;
}

function strongest<T>(xs: T[], score: (x: T) => number): T | null {
  let best: T | null = null;
  let s = -Infinity;
  for (const x of xs) {
    const v = score(x);
    if (v > s) {
      s = v;
      best = x;
    }
  }
  return best;
}

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

// ---- timewait-storm --------------------------------------------------------------------------------

export function timewaitStorm(c: DiagnoseContext): Finding | null {
  const cap = strongest(
    c.captures.filter((p) => stateOf(p.facts, 'TIME-WAIT')),
    (p) => stateOf(p.facts, 'TIME-WAIT')!.max,
  );
  const listing = strongest(
    c.listings.filter((p) => stateOf(p.facts, 'TIME-WAIT')),
    (p) => stateOf(p.facts, 'TIME-WAIT')!.max,
  );
  const src = cap ?? listing;
  if (!src) return null;
  const tw = stateOf(src.facts, 'TIME-WAIT')!;
  const es = stateOf(src.facts, 'ESTAB');
  const estabLevel = es ? (es.late ? es.late.mean : es.max) : 0;
  const twLevel = tw.late ? tw.late.mean : tw.max;
  const ratio = twLevel / Math.max(1, estabLevel);
  const growth = tw.ratePerSec ?? 0;
  // Closes per second the TIME-WAIT level implies (a lower bound while the capture is younger than 60 s).
  const churn = tw.max / TIME_WAIT_SECONDS;
  if (tw.max < 50 || ratio < 3 || (growth < 5 && churn < 5)) return null;
  let confidence: Confidence;
  let missing = '';
  // A storm older than 60 s holds a steady TIME-WAIT level (no growth): the level gives the rate then.
  const closes = Math.max(growth, cap && tw.late ? tw.late.mean / TIME_WAIT_SECONDS : 0);
  if (cap && closes >= 10 && ratio >= 10) confidence = 'high';
  else if (cap && closes >= 5) confidence = 'medium';
  else if (!cap) {
    confidence = churn >= 10 ? 'medium' : 'low';
    missing = ' Only one socket listing: no rate over time (a capture of several snapshots would show the growth).';
  } else confidence = 'low';
  const ev: Evidence[] = [];
  if (cap && tw.early) ev.push(trendEvidence(cap, 'TIME-WAIT', tw, `; ESTAB ${num(estabLevel, 1)} at the same time`));
  else ev.push(evidence(src, 'heatmap', at(tw.maxAtNs), `TIME-WAIT ${num(tw.max)} sockets vs ESTAB ${num(estabLevel)}`, { max: tw.max, estab: estabLevel }, { state: 'TIME-WAIT' }));
  const peer = peerEvidence(src, 'TIME-WAIT', tw.max);
  if (peer) ev.push(peer.ev);
  const serverSide = fixedLocalPort(src.facts, 'TIME-WAIT', tw.max);
  const callers = callersOf(c, CLIENT_CALL_RE);
  const who = serverSide
    ? `Most TIME-WAIT sockets use local port ${serverSide.port} (${num(serverSide.max)}): this side accepts the connections and closes them first.`
    : 'They use ephemeral local ports: this host opens the connections and closes them first.';
  const summary =
    `TIME-WAIT ${cap && tw.early ? (growth >= 1 ? `climbs from ${num(tw.early.mean, 1)} to ${num(tw.late!.mean, 1)} (${rate(growth)})` : `holds at ${num(tw.late!.mean, 1)} (a socket stays in TIME-WAIT 60 s)`) : `reaches ${num(tw.max)}`}, peaking at ${num(tw.max)} ` +
    `while ESTAB stays near ${num(estabLevel, 1)}${estabLevel >= 1 ? ` (${num(ratio, 1)}× as many closed as open)` : ''}: about ${num(Math.max(growth, churn), 0)} new connections a second are opened and closed instead of reused` +
    `${peer ? `, ${pct(peer.share * tw.max, tw.max)} of them to ${peer.peer}` : ''}. ${who}` +
    (callers.length ? ` Requests are made from ${listCode(callers)}.` : '') +
    missing;
  const next = serverSide
    ? [
        `Server side closes first: check \`Server.SetKeepAlivesEnabled(false)\`, handlers that set \`Connection: close\` or \`w.Header().Set("Connection", "close")\`, and an \`IdleTimeout\`/\`ReadTimeout\` shorter than the clients' interval between requests.`,
        'Check the clients of this port: a client that builds a new `http.Client`/`http.Transport` per request, or sets `DisableKeepAlives`, makes the server close every connection.',
      ]
    : [
        `Use one shared \`http.Client\` (and its \`http.Transport\`) for the whole process${callers.length ? ` in ${listCode(callers)}` : ''}: a Transport built per request (or per handler call) cannot reuse connections.`,
        'Look for `DisableKeepAlives: true`, `req.Close = true` or a `Connection: close` request header on this path.',
        'Read every response body to EOF before closing it (`io.Copy(io.Discard, resp.Body)` then `resp.Body.Close()`): a body closed unread makes the Transport drop the connection instead of pooling it.',
        `Raise \`Transport.MaxIdleConnsPerHost\` (default 2) to the number of concurrent requests${peer ? ` to ${peer.peer}` : ''}; idle connections beyond it are closed after each burst. Keep \`IdleConnTimeout\` longer than the gap between requests.`,
      ];
  return {
    pattern: 'timewait-storm',
    confidence,
    title: serverSide ? `TIME-WAIT storm on port ${serverSide.port}: connections are not kept alive` : 'TIME-WAIT storm: a new connection per request (keep-alive not working)',
    summary,
    evidence: ev,
    next,
    score: clamp01(Math.max(growth, churn) / 50),
  };
}

// ---- conn-leak -------------------------------------------------------------------------------------

/** Goroutines that exist once per connection: a pooled client conn's loops, a server conn's serve. */
const CONN_GROUP_RE = new RegExp(`${POOL_LOOP_RE.source}|${SERVER_CONN_RE.source}`);

export function connLeak(c: DiagnoseContext): Finding | null {
  const cap = strongest(
    c.captures.filter((p) => (stateOf(p.facts, 'ESTAB')?.ratePerSec ?? 0) > 0),
    (p) => stateOf(p.facts, 'ESTAB')!.ratePerSec!,
  );
  const es = cap ? stateOf(cap.facts, 'ESTAB')! : null;
  const growing = !!es && (es.ratePerSec ?? 0) >= 0.5 && rise(es) >= 10 && es.late!.mean >= 2 * Math.max(1, es.early!.mean) - 1e-9;
  const pool = goroutinesWith(c, POOL_LOOP_RE);
  const servingRe = new RegExp(`${SERVER_CONN_RE.source}|${CONN_READ_RE.source}`);
  const serving = goroutinesWith(c, servingRe);
  const conns = pool.count >= serving.count ? pool : serving;
  const connsRe = conns === pool ? POOL_LOOP_RE : servingRe;
  // A trace shows the serving goroutines grow (late window vs early) even with no capture.
  const traceGrowth = c.traces
    .map((p) => ({ p, g: p.facts.groups.filter((g) => g.funcs.some((f) => CONN_GROUP_RE.test(f))) }))
    .map(({ p, g }) => ({ p, early: g.reduce((a, x) => a + x.early, 0), late: g.reduce((a, x) => a + x.late, 0) }))
    .sort((a, b) => b.late - b.early - (a.late - a.early))[0];
  const goroutinesGrow = !!traceGrowth && traceGrowth.late - traceGrowth.early >= 10 && traceGrowth.late >= 2 * traceGrowth.early;
  // A capture whose ESTAB count holds steady contradicts a leak the goroutines alone suggest.
  const captureFlat = c.captures.some((p) => stateOf(p.facts, 'ESTAB')) && !growing;
  if (!growing && (captureFlat || !(conns.count >= 50 && goroutinesGrow))) return null;

  let confidence: Confidence;
  const missing: string[] = [];
  const corroborated = conns.count >= 10 || goroutinesGrow;
  if (growing && corroborated) confidence = 'high';
  else if (growing) {
    confidence = 'medium';
    missing.push('no goroutine dump or trace shows the goroutines serving these connections');
  } else {
    confidence = 'medium';
    missing.push('no ss capture shows the connections themselves');
  }
  if (confidence === 'high' && !goroutinesGrow && conns.placed?.facts.ref.clock === 'estimated') missing.push('the dump is placed by file time, not aligned with the capture');
  // Connections accepted on one local port with no client pool in sight: peers that stay connected.
  // Long-lived clients (streams, websockets) look the same, so this side alone is not proof of a leak.
  const serverSide = cap && es && growing && pool.count === 0 ? fixedLocalPort(cap.facts, 'ESTAB', es.max) : null;
  if (serverSide && confidence === 'high') {
    confidence = 'medium';
    missing.push(`the connections are accepted ones (local port ${serverSide.port}): long-lived clients look the same`);
  }

  const ev: Evidence[] = [];
  let peerText = '';
  if (cap && es && growing) {
    ev.push(trendEvidence(cap, 'ESTAB', es));
    const peer = peerEvidence(cap, 'ESTAB', es.max);
    if (peer) {
      ev.push(peer.ev);
      peerText = `, ${pct(peer.share * es.max, es.max)} of them with ${peer.peer}`;
    }
  }
  const rq = cap?.facts.recvQ;
  // Name each group by what it is: the per-connection function, or the program's own reader.
  const groupNames = [
    ...new Set(conns.groups.map((g) => (conns === pool ? g.group.funcs.find((f) => POOL_LOOP_RE.test(f)) : (innermostUser(g.group.funcs) ?? g.group.funcs.find((f) => connsRe.test(f)))) ?? '')),
  ].filter(Boolean);
  if (conns.placed && conns.count > 0) {
    const f = conns.placed.facts;
    const when = f.kind === 'trace' ? { startNs: f.windows.late.startNs, endNs: f.windows.late.endNs } : at(f.kind === 'dump' || f.kind === 'profile' ? f.atNs : 0);
    const top = conns.groups.slice().sort((a, b) => b.count - a.count)[0]!;
    ev.push(
      evidence(conns.placed, f.kind === 'trace' || f.kind === 'dump' ? 'blocking' : 'flame', when, `${num(conns.count)} goroutines in ${listCode(groupNames)}`, { goroutines: conns.count }, f.kind === 'profile' ? { profile: f.sampleType, function: top.group.function ?? undefined, search: connsRe.source } : { groupKey: top.group.key, function: top.group.function ?? undefined, search: connsRe.source }),
    );
  }
  if (goroutinesGrow && traceGrowth) {
    const w = traceGrowth.p.facts.windows;
    ev.push(evidence(traceGrowth.p, 'blocking', { startNs: w.early.startNs, endNs: w.late.endNs }, `connection goroutines blocked: ${num(traceGrowth.early)} in the trace's first fifth → ${num(traceGrowth.late)} in its last`, { early: traceGrowth.early, late: traceGrowth.late }, { search: CONN_GROUP_RE.source }));
  }
  const callers = callersOf(c, CLIENT_CALL_RE);
  const client = pool.count > 0 || callers.length > 0;
  // Bodies left unread hold bytes in Recv-Q; pooled connections whose bodies were read hold none —
  // then the pool itself is abandoned (a Transport per request, never closed).
  const unread = !!rq && rq.withData > 0;
  const abandonedPools = client && !!rq && rq.sockets >= 10 && !unread;
  if (cap && rq && (unread || abandonedPools)) {
    ev.push(
      evidence(cap, 'heatmap', at(rq.atNs), `${num(rq.withData)} of ${num(rq.sockets)} ESTAB sockets hold unread bytes (${bytes(rq.bytes)} in Recv-Q) at the ESTAB peak`, { withData: rq.withData, sockets: rq.sockets, bytes: rq.bytes }, { state: 'ESTAB' }),
    );
  }
  const summary =
    (growing && es
      ? `ESTAB connections climb from ${num(es.early!.mean, 1)} to ${num(es.late!.mean, 1)} (${rate(es.ratePerSec!)}, max ${num(es.max)})${peerText} and are not returned.`
      : `Connection-serving goroutines grow from ${num(traceGrowth!.early)} to ${num(traceGrowth!.late)} over the trace.`) +
    (conns.count ? ` ${num(conns.count)} goroutines sit in ${listCode(groupNames)}${pool.count ? ' (one read/write loop pair per pooled connection)' : ''}.` : '') +
    (rq && rq.withData ? ` ${num(rq.withData)} open sockets hold ${bytes(rq.bytes)} nobody reads (Recv-Q): response bodies left unread.` : '') +
    (abandonedPools ? ` None of the ${num(rq!.sockets)} open sockets holds unread bytes: the bodies were read, yet the connections stay open — idle connections of pools nobody uses again.` : '') +
    (callers.length ? ` Requests come from ${listCode(callers)}.` : '') +
    (missing.length ? ` Missing: ${missing.join('; ')}.` : '');
  const poolChecks = [
    `Create one \`http.Client\` (one \`http.Transport\`) for the process and reuse it${callers.length ? ` in ${listCode(callers)}` : ''}: a Transport built per request keeps its idle connection and two goroutines (\`persistConn.readLoop\`/\`writeLoop\`) until \`CloseIdleConnections\` is called.`,
    'Set `Transport.IdleConnTimeout` (a zero-value Transport never closes idle connections) and `MaxIdleConnsPerHost`.',
  ];
  const next = abandonedPools
    ? [...poolChecks, 'Still close every response body (`defer resp.Body.Close()`) and read it to EOF, on every path.']
    : client
    ? [
        `After every \`Client.Do\`/\`Get\`/\`Post\`${callers.length ? ` in ${listCode(callers)}` : ''}: \`defer resp.Body.Close()\` right after the error check, on every path (early returns on a status code included).`,
        'Drain the body before closing (`io.Copy(io.Discard, resp.Body)`): a connection goes back to the pool only after its body was read to EOF and closed.',
        'Bound the pool: `Transport.MaxConnsPerHost`, `IdleConnTimeout`, and `http.Client.Timeout` (or a context deadline) so a stuck response cannot hold a connection forever.',
        'Use one shared `http.Client`; check that `resp` is not dropped on an error path (e.g. `if resp.StatusCode != 200 { return }`).',
      ]
    : [
        `Close every accepted or hijacked connection when its handler returns (\`defer conn.Close()\`)${serverSide ? ` on port ${serverSide.port}` : ''}; remove it from any map or list that keeps it.`,
        'Set `Server.IdleTimeout` / `ReadTimeout` (or `conn.SetDeadline`) so idle peers are dropped.',
      ];
  const r = es?.ratePerSec ?? 0;
  return {
    pattern: 'conn-leak',
    confidence,
    title: client ? 'Connection leak: HTTP client connections are never returned to the pool' : 'Connection leak: connections accumulate in ESTAB',
    summary,
    evidence: ev,
    next,
    score: clamp01(Math.max(r / 10, conns.count / 200)),
  };
}

// ---- fd-leak ---------------------------------------------------------------------------------------

export function fdLeak(c: DiagnoseContext): Finding | null {
  const cap = strongest(
    c.captures.filter((p) => stateOf(p.facts, 'CLOSE-WAIT')),
    (p) => stateOf(p.facts, 'CLOSE-WAIT')!.ratePerSec ?? 0,
  );
  const cw = cap ? stateOf(cap.facts, 'CLOSE-WAIT')! : null;
  const growing = !!cw && (cw.ratePerSec ?? 0) >= 0.5 && rise(cw) >= 10;
  // Many CLOSE-WAIT sockets all along, not growing: a leak older than the capture, or one that hit the fd limit.
  const steadyHigh = !growing && !!cw?.late && cw.late.mean >= 50 && cw.early!.mean >= 50;
  const listing = strongest(c.listings, (p) => stateOf(p.facts, 'CLOSE-WAIT')?.max ?? 0);
  const listedCw = listing ? (stateOf(listing.facts, 'CLOSE-WAIT')?.max ?? 0) : 0;
  const fdListing = strongest(
    c.listings.filter((p) => p.facts.fds.length > 0),
    (p) => Math.max(...p.facts.fds.map((f) => f.trend.max)),
  );
  const fdMax = fdListing ? Math.max(...fdListing.facts.fds.map((f) => f.trend.max)) : 0;
  const fdSeries = strongest(
    c.captures.flatMap((p) => p.facts.fds.filter((f) => (f.trend.ratePerSec ?? 0) > 0).map((f) => ({ p, f }))),
    (x) => x.f.trend.ratePerSec!,
  );
  if (!growing && !steadyHigh && listedCw < 20) return null;

  const owner = cap ? strongest(cap.facts.owners.filter((o) => (o.ratePerSec ?? 0) > 0), (o) => o.ratePerSec!) : null;
  const missing: string[] = [];
  let confidence: Confidence;
  if (growing && (owner || listedCw >= 10 || fdSeries)) confidence = 'high';
  else if (growing) {
    confidence = 'medium';
    missing.push('no owning process or fd count shows the descriptors');
  } else if (steadyHigh) {
    confidence = 'medium';
    missing.push('the capture shows a high CLOSE-WAIT level but no growth: the leak may predate it, or the process may be at its fd limit (check accept errors)');
  } else {
    confidence = listedCw >= 100 ? 'medium' : 'low';
    missing.push('only one listing: no growth over time');
  }
  const ev: Evidence[] = [];
  if (cap && cw && (growing || steadyHigh)) {
    ev.push(trendEvidence(cap, 'CLOSE-WAIT', cw));
    const peer = peerEvidence(cap, 'CLOSE-WAIT', cw.max);
    if (peer) ev.push(peer.ev);
  }
  const local = cap && cw ? fixedLocalPort(cap.facts, 'CLOSE-WAIT', cw.max) : null;
  if (cap && owner && owner.early)
    ev.push(evidence(cap, 'heatmap', { startNs: owner.early.startNs, endNs: owner.late!.endNs }, `sockets owned by ${owner.name}: ${num(owner.early.mean, 1)} → ${num(owner.late!.mean, 1)} (${rate(owner.ratePerSec!)})`, { earlyMean: owner.early.mean, lateMean: owner.late!.mean, ratePerSec: owner.ratePerSec! }));
  if (listing && listedCw > 0) ev.push(evidence(listing, 'heatmap', at(0), `${num(listedCw)} sockets in CLOSE-WAIT in ${listing.facts.ref.name}`, { closeWait: listedCw }, { state: 'CLOSE-WAIT' }));
  if (fdListing && fdMax > 0) ev.push(evidence(fdListing, 'heatmap', at(0), `${num(fdMax)} open fds in ${fdListing.facts.ref.name}`, { fds: fdMax }));
  if (fdSeries) {
    const t = fdSeries.f.trend;
    ev.push(evidence(fdSeries.p, 'heatmap', { startNs: t.early!.startNs, endNs: t.late!.endNs }, `fd count of pid ${fdSeries.f.pid}: ${num(t.early!.mean)} → ${num(t.late!.mean)} (${rate(t.ratePerSec!)})`, { earlyMean: t.early!.mean, lateMean: t.late!.mean, ratePerSec: t.ratePerSec! }));
  }
  const readers = callersOf(c, CONN_READ_RE);
  const acceptors = callersOf(c, ACCEPT_RE);
  const clientSide = !local && (goroutinesWith(c, POOL_LOOP_RE).count > 0 || callersOf(c, CLIENT_CALL_RE).length > 0);
  const r = cw?.ratePerSec ?? 0;
  const limitNote = growing && r > 0 ? ` At ${rate(r)} a process with the common 1,024-fd limit runs out in about ${dur(((1024 - (cw!.late!.mean ?? 0)) / r) * 1e9)}.` : '';
  const summary =
    (steadyHigh && cw
      ? `${num(cw.late!.mean, 1)} sockets stay in CLOSE-WAIT (max ${num(cw.max)}): the peers hung up and this process never closed its end.`
      : growing && cw
      ? `CLOSE-WAIT sockets climb from ${num(cw.early!.mean, 1)} to ${num(cw.late!.mean, 1)} (${rate(r)}, max ${num(cw.max)}): the peers hung up and this process never closed its end.`
      : `${num(listedCw)} sockets sit in CLOSE-WAIT: the peers hung up and this process never closed its end.`) +
    (local ? ` They are on local port ${local.port} (accepted connections).` : '') +
    (owner ? ` ${owner.name} owns ${num(owner.max)} sockets at the peak.` : '') +
    (fdMax ? ` The fd listing shows ${num(fdMax)} open descriptors.` : '') +
    (readers.length || acceptors.length ? ` Connections are handled in ${listCode([...acceptors, ...readers].filter((x, i, a) => a.indexOf(x) === i))}.` : '') +
    limitNote +
    (missing.length ? ` Missing: ${missing.join('; ')}.` : '');
  const next = clientSide
    ? [
        'These are outgoing connections the server closed: `defer resp.Body.Close()` after every request, and read the body to EOF, so the Transport closes or reuses them.',
        'Set `Transport.IdleConnTimeout` below the server\'s idle timeout so idle pooled connections are closed by this side first.',
      ]
    : [
        `Close every accepted \`net.Conn\` when its handler ends: \`defer conn.Close()\` at the top of the per-connection function${readers.length || acceptors.length ? ` (${listCode([...readers, ...acceptors].slice(0, 3))})` : ''}.`,
        'On `io.EOF` or any read error the peer is gone: close the conn and delete it from every map, slice or session registry that holds it.',
        'Set read deadlines (`conn.SetReadDeadline`) or an idle timeout so half-closed peers are noticed even when nothing is read.',
        'Check the fd limit (`ulimit -n`, `/proc/PID/limits`) and alert on the fd count of the process.',
      ];
  return {
    pattern: 'fd-leak',
    confidence,
    title: local ? `fd leak: accepted connections on port ${local.port} are never closed (CLOSE-WAIT)` : 'fd leak: sockets left in CLOSE-WAIT are never closed',
    summary,
    evidence: ev,
    next,
    score: clamp01(Math.max(r / 10, listedCw / 500)),
  };
}
