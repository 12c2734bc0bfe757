/**
 * One bench server in its own process: `--kind uws` (the real decision server: uWebSockets.js +
 * FlatBuffers) or `--kind ws` (the baseline: the `ws` package + JSON, same decider, same
 * answer content). Prints `{"port": N}` on stdout once listening; SIGTERM stops it.
 */
import { WebSocketServer } from 'ws';
import { startServer } from '../../ts/src/index.js';
import type { DecisionColumns } from '../../ts/src/index.js';
import { makeDecider } from './decider.js';

const kind = process.argv[process.argv.indexOf('--kind') + 1];
// Never outlive the load client: a client killed mid-run (timeout, Ctrl-C) must not leave a
// server behind, least of all a real-time one (`--pin`) holding a core.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 250).unref();
const { decider, name } = makeDecider();

if (kind === 'uws') {
  const s = await startServer({ port: 0, log: 'warn', jobs: false, maxConnections: 64, maxBackpressureBytes: 16 << 20 }, { decider });
  process.stdout.write(`${JSON.stringify({ port: s.port, decider: name })}\n`);
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void s.close().then(() => process.exit(0)));
} else if (kind === 'ws') {
  // The baseline, written the way a careful Node developer would: ws, JSON, typed arrays reused.
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 1 << 20 });
  const cols = new Map<number, DecisionColumns>();
  const colsFor = (n: number): DecisionColumns => {
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
      let req: { id: number; instruments: number[]; nFeatures: number; features: number[] };
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
    process.stdout.write(`${JSON.stringify({ port: a !== null && typeof a === 'object' ? a.port : 0, decider: name })}\n`);
  });
  process.once('SIGTERM', () => wss.close(() => process.exit(0)));
} else {
  process.stderr.write('usage: server-main.ts --kind uws|ws\n');
  process.exit(2);
}
