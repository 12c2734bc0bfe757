/**
 * JS → Rust market events: one N-API call per event (the baseline) vs one call per batch of
 * 1,000 vs the shared ring (no call at all). Each sample moves 1,000 events end to end: the
 * producer waits for the Rust consumer thread when the ring is full, so the figure is the
 * sustained rate the pair achieves.
 * Run: `npm run bench -- --filter events` or `npx tsx bench/stream.bench.ts`.
 */
import { EventBatch, EventStream } from '../ts/src/index.js';
import { runGroup, writeResults } from './lib.js';

const N = 1000;
const CAP = 1 << 16;
const t0 = 1_732_212_000_000_000;

const perEvent = new EventStream({ transport: 'push', capacity: CAP });
const batched = new EventStream({ transport: 'push', capacity: CAP });
const ring = new EventStream({ transport: 'ring', capacity: CAP });
const w = ring.writer();
const batch = new EventBatch(N);
const prebuilt = new EventBatch(N);
for (let i = 0; i < N; i++) prebuilt.pushRaw(1, 0, 1, t0 + i, 6_500_010, 200, i);

let seqA = 0;
let seqB = 0;
let seqC = 0;
let seqD = 0;
const rows = await runGroup('JS → Rust market events (1,000 events per sample)', [
  {
    name: 'one N-API call per event: pushOne()',
    anchor: true,
    opsPerCall: N,
    fn: () => {
      for (let i = 0; i < N; i++) {
        const s = seqA++;
        const e = { kind: 1, instrument: 0, side: 1, tsUs: t0 + s, price: 6_500_010, qty: 200, seq: s } as const;
        while (!perEvent.pushOne(e)) {
          /* full: wait for the consumer */
        }
      }
    },
  },
  {
    name: 'pushBatch() of a prebuilt 1,000-event batch',
    opsPerCall: N,
    fn: () => {
      let done = 0;
      while (done < N) done += batched.pushBatch(prebuilt.bytes.subarray(done * 48));
      seqD += N;
    },
  },
  {
    name: 'write 1,000 records + pushBatch()',
    opsPerCall: N,
    fn: () => {
      batch.clear();
      for (let i = 0; i < N; i++) {
        const s = seqB++;
        batch.pushRaw(1, 0, 1, t0 + s, 6_500_010, 200, s);
      }
      let done = 0;
      while (done < N) done += batched.pushBatch(batch.bytes.subarray(done * 48));
    },
  },
  {
    name: 'shared ring: write 1,000 records + commit()',
    opsPerCall: N,
    fn: () => {
      for (let i = 0; i < N; i++) {
        const s = seqC++;
        while (!w.tryPush(1, 0, 1, t0 + s, 6_500_010, 200, s)) {
          /* full: tryPush published; wait for the consumer */
        }
      }
      w.commit();
    },
  },
]);

for (const [name, s, sent] of [
  ['per-event', perEvent, seqA],
  ['batched', batched, seqB + seqD],
  ['ring', ring, seqC],
] as const) {
  const st = s.close();
  if (st.received !== sent) throw new Error(`${name}: consumer saw ${st.received} of ${sent} events`);
}
writeResults(import.meta.url, rows);
