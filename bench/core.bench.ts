/**
 * N-API boundary: what one call costs, beside the empty napi-rs call and plain JS.
 * Run: `npm run bench -- --filter napi` or `npx tsx bench/core.bench.ts`.
 */
import { EventStream, Instrument, Price } from '../ts/src/index.js';
import { native } from '../ts/src/native.js';
import { runGroup, writeResults, type JsRow } from './lib.js';

const N = 1000;
const rows: JsRow[] = [];
let sink = 0;

const jsAdd = (a: number, b: number): number => a + b;
const stream = new EventStream({ transport: 'push', capacity: 16 });
const handle = (stream as unknown as { h: ReturnType<typeof native.streamNew> }).h;
rows.push(
  ...(await runGroup('napi call overhead (per call)', [
    { name: 'empty napi-rs call: noop()', anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) native.noop(); } },
    { name: 'trivial binding, no args: eventRecordBytes()', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += native.eventRecordBytes(); } },
    { name: 'trivial binding on a handle: streamCapacity(h)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += native.streamCapacity(handle); } },
    { name: 'two f64 args + f64 result: addF64(a, b)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += native.addF64(i, 1); } },
    { name: 'plain JS function: add(a, b)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += jsAdd(i, 1); } },
  ])),
);
stream.close();

// Fixed-point order check through N-API vs the same rules on BigInt mantissas in JS.
const btc = new Instrument({ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.00001', minNotional: '5', maxQty: '1000' });
const px = btc.price('65000.10');
const qty = btc.qty('0.12345');
const [pm, qm, tick, lot, minN, maxQ] = [6_500_010n, 12_345n, 1n, 1n, 5n * 10n ** 7n, 1000n * 10n ** 5n];
function jsCheck(p: bigint, q: bigint): boolean {
  return p > 0n && p % tick === 0n && q > 0n && q % lot === 0n && q <= maxQ && p * q >= minN;
}
rows.push(
  ...(await runGroup('order check through N-API (per call)', [
    { name: 'JS BigInt mantissas (same rules)', anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += jsCheck(pm, qm) ? 1 : 0; } },
    { name: 'Instrument.checkOrder(price, qty)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += btc.checkOrder(px, qty).ok ? 1 : 0; } },
    { name: 'Price.add (allocates a result object)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += px.add(px).scale; } },
  ])),
);
void Price;
if (sink === 42) console.log('');
writeResults(import.meta.url, rows);
