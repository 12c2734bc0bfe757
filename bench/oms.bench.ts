/**
 * Book, Binance depth sync and OMS + simulated venue through the N-API boundary, each beside a
 * plain-JS anchor doing the same job.
 * Run: `npm run bench -- --filter book` (or `oms`, `binance`), or `npx tsx bench/oms.bench.ts`.
 */
import { BinanceDepthBook, FastKind, FastSide, FastTif, Instrument, Oms, OrderBook, REPORT_BYTES, SimVenue } from '../ts/src/index.js';
import { runGroup, writeResults, type JsRow } from './lib.js';

const btc = new Instrument({ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.001' });
const rows: JsRow[] = [];

// ---- L2 book: 1,000 level deltas per sample ------------------------------------------------

/** SplitMix-like deterministic feed: [side, price, qty] mantissas around a random-walk mid. */
function feed(n: number, seed: number): Array<[number, number, number]> {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let mid = 1_000_000;
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i < n; i++) {
    if (next() % 64 === 0) mid += (next() % 5) - 2;
    const u = next();
    const side = u & 1;
    const r = (u >>> 1) % 100;
    const d = 1 + (r < 70 ? (u >>> 8) % 10 : r < 95 ? (u >>> 8) % 100 : (u >>> 8) % 1000);
    const price = side === 0 ? mid - d : mid + d;
    const qty = (u >>> 20) % 10 < 3 ? 0 : 1 + ((u >>> 24) % 200);
    out.push([side, price, qty]);
  }
  return out;
}

/** The anchor: a JS book with sorted price arrays (binary search + splice) and a Map of sizes. */
class JsBook {
  private readonly bids: number[] = []; // descending
  private readonly asks: number[] = []; // ascending
  private readonly size = [new Map<number, number>(), new Map<number, number>()];
  private seq = 0;
  apply(side: number, price: number, qty: number, seq: number): void {
    if (seq !== this.seq + 1) throw new Error('gap');
    this.seq = seq;
    const arr = side === 0 ? this.bids : this.asks;
    const m = this.size[side]!;
    const better = side === 0 ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (better(arr[mid]!, price)) lo = mid + 1;
      else hi = mid;
    }
    const present = arr[lo] === price;
    if (qty === 0) {
      if (present) {
        arr.splice(lo, 1);
        m.delete(price);
      }
    } else {
      if (!present) arr.splice(lo, 0, price);
      m.set(price, qty);
    }
  }
  best(): number | undefined {
    return this.bids[0];
  }
}

const N = 1000;
const warm = feed(200_000, 1);
const stream = feed(1 << 16, 2);
const tBook = new OrderBook(btc);
tBook.loadSnapshot(0, new Float64Array(), new Float64Array());
const jsBook = new JsBook();
let seqT = 0;
let seqJ = 0;
{
  const recs = new Float64Array(warm.length * 4);
  warm.forEach(([s, p, q], i) => recs.set([s, p, q, ++seqT], i * 4));
  tBook.applyLevels(recs);
  for (const [s, p, q] of warm) jsBook.apply(s, p, q, ++seqJ);
}
const batch = new Float64Array(N * 4);
let cursor = 0;
const one = new Float64Array(2);
const empty = new Float64Array();

rows.push(
  ...(await runGroup('book: 1,000 L2 level deltas per sample (~1,000 levels/side)', [
    {
      name: 'JS sorted arrays + Map (plain JS book)',
      anchor: true,
      opsPerCall: N,
      fn: () => {
        for (let i = 0; i < N; i++) {
          const [s, p, q] = stream[(cursor + i) & 0xffff]!;
          jsBook.apply(s, p, q, ++seqJ);
        }
        cursor += N;
      },
    },
    {
      name: 'OrderBook.applyLevels (one call per 1,000)',
      opsPerCall: N,
      fn: () => {
        for (let i = 0; i < N; i++) {
          const [s, p, q] = stream[(cursor + i) & 0xffff]!;
          const o = i * 4;
          batch[o] = s;
          batch[o + 1] = p;
          batch[o + 2] = q;
          batch[o + 3] = ++seqT;
        }
        cursor += N;
        tBook.applyLevels(batch);
      },
    },
    {
      name: 'OrderBook.applyDelta (one call per delta)',
      opsPerCall: N,
      fn: () => {
        for (let i = 0; i < N; i++) {
          const [s, p, q] = stream[(cursor + i) & 0xffff]!;
          one[0] = p;
          one[1] = q;
          seqT++;
          if (s === 0) tBook.applyDelta(seqT, seqT, one, empty);
          else tBook.applyDelta(seqT, seqT, empty, one);
        }
        cursor += N;
      },
    },
  ])),
);

// ---- Binance depth message → book ----------------------------------------------------------

const bnb = new Instrument({ symbol: 'BNBBTC', tickSize: '0.00000001', lotSize: '0.01' });
const depth = new BinanceDepthBook(bnb, { market: 'spot', symbol: 'BNBBTC' });
depth.onSnapshot(JSON.stringify({ lastUpdateId: 0, bids: [['0.00230000', '10.00']], asks: [['0.00260000', '10.00']] }));
let u = 0;
const msg = (id: number) =>
  `{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":${id},"u":${id},"b":[["0.00240000","10.00000000"],["0.00239000","0.00000000"],["0.00238000","5.50000000"]],"a":[["0.00260000","100.00000000"],["0.00261000","3.25000000"]]}`;
const jsDepth = { bids: new Map<number, number>(), asks: new Map<number, number>(), u: 0 };
let uJ = 0;
rows.push(
  ...(await runGroup('binance: one depthUpdate message (5 levels) → book', [
    {
      name: 'JSON.parse + parseFloat into Maps (plain JS)',
      anchor: true,
      opsPerCall: 100,
      fn: () => {
        for (let i = 0; i < 100; i++) {
          const m = JSON.parse(msg(++uJ)) as { U: number; u: number; b: string[][]; a: string[][] };
          if (m.U !== jsDepth.u + 1) throw new Error('gap');
          jsDepth.u = m.u;
          for (const [p, q] of m.b) {
            const qty = parseFloat(q!);
            if (qty === 0) jsDepth.bids.delete(parseFloat(p!));
            else jsDepth.bids.set(parseFloat(p!), qty);
          }
          for (const [p, q] of m.a) {
            const qty = parseFloat(q!);
            if (qty === 0) jsDepth.asks.delete(parseFloat(p!));
            else jsDepth.asks.set(parseFloat(p!), qty);
          }
        }
      },
    },
    {
      name: 'BinanceDepthBook.onDepthMessage (exact decimals)',
      opsPerCall: 100,
      fn: () => {
        for (let i = 0; i < 100; i++) depth.onDepthMessage(msg(++u));
      },
    },
  ])),
);

// ---- OMS + simulated venue: one order round trip -----------------------------------------

const oms = new Oms();
const venue = new SimVenue();
oms.addInstrument(btc);
venue.addInstrument(btc);
venue.onBookSnapshot(0, new Float64Array([9999, 1_000_000]), new Float64Array([10001, 1_000_000]), 0n);
let k = 0;
const ORDERS = 100;

/** The anchor: a plain-JS OMS + venue (Map by client id, one object per message). */
class JsOmsVenue {
  orders = new Map<string, { qty: number; price: number; status: string; filled: number }>();
  inbox: Array<{ kind: string; id: string }> = [];
  reports: Array<{ id: string; status: string }> = [];
  roundTrip(id: string): void {
    if (this.orders.has(id)) throw new Error('duplicate');
    this.orders.set(id, { qty: 1000, price: 9990, status: 'new', filled: 0 });
    // venue: accept, IOC below the ask → expire
    this.inbox.push({ kind: 'accepted', id }, { kind: 'expired', id });
    for (const e of this.inbox) {
      const o = this.orders.get(e.id)!;
      o.status = e.kind;
      this.reports.push({ id: e.id, status: e.kind });
    }
    this.inbox.length = 0;
    this.reports.length = 0;
    if (this.orders.size > 100_000) this.orders.clear();
  }
}
const jsOms = new JsOmsVenue();
const reportBuf = new Uint8Array(64 * REPORT_BYTES);
let kj = 0;

rows.push(
  ...(await runGroup('oms: submit → simulated ack round trip through N-API (IOC, nothing rests)', [
    {
      name: 'plain-JS OMS + venue (Map, objects)',
      anchor: true,
      opsPerCall: ORDERS,
      fn: () => {
        for (let i = 0; i < ORDERS; i++) jsOms.roundTrip(`j${++kj}`);
      },
    },
    {
      name: 'Oms.submitFast + SimVenue.exchange + drainReportsInto',
      opsPerCall: ORDERS,
      fn: () => {
        for (let i = 0; i < ORDERS; i++) {
          const now = ++k * 1000;
          oms.submitFast(`o${k}`, 0, FastSide.Buy, FastKind.Limit, 1000, 9990, FastTif.Ioc, 0, now);
          venue.exchange(oms, now);
          oms.drainReportsInto(reportBuf);
        }
      },
    },
    {
      name: 'Oms.submit (order object) + exchange + drainReports',
      opsPerCall: ORDERS,
      fn: () => {
        for (let i = 0; i < ORDERS; i++) {
          const now = ++k * 1000;
          oms.submit({ clientId: `o${k}`, instrument: 0, side: 'buy', qty: '1', price: '99.90', tif: 'ioc' }, now);
          venue.exchange(oms, now);
          oms.drainReports();
        }
      },
    },
  ])),
);

writeResults(import.meta.url, rows);
