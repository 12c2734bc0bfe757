/**
 * One bench server in its own process: `--kind uws` (the real decision server: uWebSockets.js +
 * FlatBuffers) or `--kind ws` (the baseline: the `ws` package + JSON, same decider, same answer
 * content). Prints `{"port", "decider", "nFeatures"}` on stdout once listening; SIGTERM stops it.
 *
 * Plain JavaScript on the compiled package (`ts/dist`, which `bench/server-load.ts` rebuilds
 * first), importing only the server and the engine — as a deployed `tachyon serve` runs. Run
 * through tsx and the package index, the same server carried a 90 MB heap (tsx's compiler and
 * every area, CCXT included) and its scavenges took 3–10 ms instead of ~0.5 ms: the GC, not the
 * server, set the p99.9.
 */
import { WebSocketServer } from 'ws';
import { DecisionEngine } from '../../ts/dist/engine/index.js';
import { startServer } from '../../ts/dist/server/index.js';

const kind = process.argv[process.argv.indexOf('--kind') + 1];
// Never outlive the load client: a client killed mid-run (timeout, Ctrl-C) must not leave a
// server behind, least of all a real-time one (`--pin`) holding a core.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 250).unref();

// The decider both servers use, so the comparison is of transport and encoding only: the
// engine's native DecisionEngine (SIMD kernel chosen at run time).
const WEIGHTS = [0.8, -0.4, 1.2, 0.3, -0.6, 0.5, 0.1, -0.2];
const N_FEATURES = WEIGHTS.length;
const decider = new DecisionEngine({
  weights: WEIGHTS,
  bias: 0.05,
  featureMin: new Array(N_FEATURES).fill(-3),
  featureMax: new Array(N_FEATURES).fill(3),
  scoreCap: 4,
  buyThreshold: 1,
  sellThreshold: 1,
});
const hello = (port) => process.stdout.write(`${JSON.stringify({ port, decider: `native DecisionEngine (${decider.path})`, nFeatures: N_FEATURES })}\n`);

if (kind === 'uws') {
  const s = await startServer({ port: 0, log: 'warn', jobs: false, maxConnections: 64, maxBackpressureBytes: 16 << 20 }, { decider });
  hello(s.port);
  for (const sig of ['SIGTERM', 'SIGINT']) process.once(sig, () => void s.close().then(() => process.exit(0)));
} else if (kind === 'ws') {
  // The baseline, written the way a careful Node developer would: ws, JSON, typed arrays reused.
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 1 << 20 });
  const cols = new Map();
  const colsFor = (n) => {
    let c = cols.get(n);
    if (!c) {
      c = { length: n, actions: new Uint8Array(n), scores: new Float64Array(n), confidence: new Float64Array(n), clamps: new Uint8Array(n), reasons: new Uint8Array(n), clampFeatures: new Uint16Array(n) };
      cols.set(n, c);
    }
    return c;
  };
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const t0 = performance.now();
      let req;
      try {
        req = JSON.parse(String(data));
      } catch {
        ws.send(JSON.stringify({ error: 'Malformed' }));
        return;
      }
      const n = req.instruments.length;
      const out = colsFor(n);
      decider.decideBatch(Float64Array.from(req.features), out);
      ws.send(
        JSON.stringify({
          id: req.id,
          instruments: req.instruments,
          actions: Array.from(out.actions),
          scores: Array.from(out.scores),
          confidence: Array.from(out.confidence),
          clamps: Array.from(out.clamps),
          reasons: Array.from(out.reasons),
          mode: 'normal',
          serverNs: Math.round((performance.now() - t0) * 1e6),
        }),
      );
    });
  });
  wss.on('listening', () => {
    const a = wss.address();
    hello(a !== null && typeof a === 'object' ? a.port : 0);
  });
  process.once('SIGTERM', () => wss.close(() => process.exit(0)));
} else {
  process.stderr.write('usage: server-main.mjs --kind uws|ws\n');
  process.exit(2);
}
