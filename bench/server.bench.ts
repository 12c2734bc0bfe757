/**
 * The decision server's per-request work without the network: decode a request frame, decide
 * (native engine), encode the answer — FlatBuffers with the server's decoder and direct encoder,
 * exactly as `server.ts` calls them, beside the `ws` baseline's JSON.parse / JSON.stringify
 * doing the same job on the same data.
 * 1,000 requests per sample; 1 and 64 instruments × 8 features per request.
 * Run: `npm run bench -- --filter server` or `node --import tsx bench/server.bench.ts`.
 */
import { DecisionBatch, DecisionEngine, encodeDecisionRequest } from '../ts/src/index.js';
import { FrameDecoder, FrameEncoder } from '../ts/src/server/index.js';
import { runGroup, writeResults, type JsRow } from './lib.js';

const NF = 8;
const engine = new DecisionEngine({ weights: [0.8, -0.4, 1.2, 0.3, -0.6, 0.5, 0.1, -0.2], bias: 0.05, scoreCap: 4, buyThreshold: 1, sellThreshold: 1 });
const rows: JsRow[] = [];
const REQS = 1000;

for (const batch of [1, 64]) {
  const features = Array.from({ length: NF * batch }, (_, i) => Math.sin(i) * 2);
  const instruments = Array.from({ length: batch }, (_, i) => i);
  const fb = encodeDecisionRequest({ requestId: 42n, instruments, nFeatures: NF, features, clientTsNs: 7n });
  const fbBuf = fb.buffer.slice(fb.byteOffset, fb.byteOffset + fb.length);
  const json = Buffer.from(JSON.stringify({ id: 42, instruments, nFeatures: NF, features }));
  const dec = new FrameDecoder(4096);
  const enc = new FrameEncoder();
  const out = new DecisionBatch(batch);
  let sink = 0;
  const ran = await runGroup(`server request path, ${batch} instrument(s) × ${NF} features (decode → decide → encode)`, [
      {
        name: 'ws baseline: JSON.parse → decide → JSON.stringify',
        anchor: true,
        opsPerCall: REQS,
        fn: () => {
          for (let i = 0; i < REQS; i++) {
            const req = JSON.parse(String(json)) as { id: number; instruments: number[]; features: number[] };
            engine.decideBatch(Float64Array.from(req.features), out);
            const s = JSON.stringify({
              id: req.id,
              instruments: req.instruments,
              actions: Array.from(out.actions),
              scores: Array.from(out.scores),
              confidence: Array.from(out.confidence),
              clamps: Array.from(out.clamps),
              reasons: Array.from(out.reasons),
              mode: 'normal',
              serverNs: 1,
            });
            sink += s.length;
          }
        },
      },
      {
        name: 'tachyon: FlatBuffers copy + views → decideRows → direct encode (the server path)',
        opsPerCall: REQS,
        fn: () => {
          for (let i = 0; i < REQS; i++) {
            dec.open(new Uint8Array(fbBuf));
            dec.readDecision();
            engine.decideRows(dec.f64, dec.featureStart, dec.rows, out);
            sink += enc.decision(dec.idLo, dec.idHi, dec.u32, dec.rows, out, 0, dec.clientTsLo, dec.clientTsHi, 1, dec.instrumentStart).length;
          }
        },
      },
    ]);
  rows.push(...ran);
  // keeps the results alive; a --filter that selects no case here runs nothing
  if (ran.length > 0 && sink === 0) throw new Error('unreachable');
}
writeResults(import.meta.url, rows);
