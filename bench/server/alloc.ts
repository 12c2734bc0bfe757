/**
 * Bytes allocated per decision request on the server's path, without the network: copy the
 * frame in (natively: `copyArrayBuffer` into `FrameDecoder.reserve`, then `openCopied`),
 * `readDecision`, `DecisionEngine.decideRows`, the direct
 * encoder — exactly as `ts/src/server/server.ts` calls them — and, beside it, the convenience
 * path that returns objects and views (`decision()` + `decideBatch`).
 *
 *   node --expose-gc --max-semi-space-size=64 --import tsx bench/server/alloc.ts
 *
 * Method: 50,000 warm-up requests, two full GCs, then the V8 heap's growth over 20,000 requests
 * (the 64 MB young generation holds them all, so no collection runs in between) ÷ 20,000.
 * What is left on the server path is the boxed `performance.now()`; the `Uint8Array` view of
 * uWS's message (96 B) went when the copy became native.
 */
import { DecisionBatch, DecisionEngine } from '../../ts/src/engine/index.js';
import { FrameDecoder, FrameEncoder, encodeDecisionRequest } from '../../ts/src/server/index.js';
import { native } from '../../ts/src/native.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --max-semi-space-size=64 --import tsx bench/server/alloc.ts');
const NF = 8;
const engine = new DecisionEngine({ weights: [0.8, -0.4, 1.2, 0.3, -0.6, 0.5, 0.1, -0.2], bias: 0.05, scoreCap: 4, buyThreshold: 1, sellThreshold: 1 });

function perRequest(step: () => void): number {
  for (let i = 0; i < 50_000; i++) step();
  gc!();
  gc!();
  const n = 20_000;
  const h0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) step();
  return (process.memoryUsage().heapUsed - h0) / n;
}

for (const rows of [1, 64]) {
  const frame = encodeDecisionRequest({
    requestId: 7n,
    instruments: Array.from({ length: rows }, (_, i) => i),
    nFeatures: NF,
    features: Array.from({ length: rows * NF }, (_, i) => Math.sin(i)),
    clientTsNs: 123n,
  });
  const msg = frame.slice().buffer; // what uWS hands the handler: an ArrayBuffer
  const dec = new FrameDecoder(4096);
  const enc = new FrameEncoder();
  const out = new DecisionBatch(rows);
  let sink = 0;
  const server = perRequest(() => {
    const t0 = performance.now();
    native.copyArrayBuffer(msg, dec.reserve(msg.byteLength));
    dec.openCopied(msg.byteLength);
    dec.readDecision();
    engine.decideRows(dec.f64, dec.featureStart, dec.rows, out);
    sink += enc.decision(dec.idLo, dec.idHi, dec.u32, dec.rows, out, 0, dec.clientTsLo, dec.clientTsHi, Math.round((performance.now() - t0) * 1e6), dec.instrumentStart).length;
  });
  const convenient = perRequest(() => {
    dec.open(new Uint8Array(msg));
    const r = dec.decision();
    engine.decideBatch(r.features, out);
    sink += enc.decision(dec.idLo, dec.idHi, r.instruments, rows, out, 0, r.clientTsLo, r.clientTsHi, 1).length;
  });
  console.log(`${rows} instrument(s) × ${NF} features: server path ${server.toFixed(0)} B/request; decision() + decideBatch ${convenient.toFixed(0)} B/request (sink ${sink > 0})`);
}
