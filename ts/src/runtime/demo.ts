/**
 * The main job for now (`npm start`): a seeded synthetic market streamed from JS into the Rust
 * core through the shared ring, with a live summary in the terminal. Later issues grow this
 * into the paper-trading session (models, decisions, risk, OMS, simulated venue, journal).
 *
 * The market: a mid price that follows a seeded geometric random walk on the instrument's tick
 * grid; each step prints one trade (random side and size) and updates the best bid and ask.
 */
import { Instrument, LatencyHistogram } from '../api/core.js';
import { EventKind, EventStream, Side } from '../api/stream.js';

export interface DemoOptions {
  /** Seconds to run (0 = until `signal` aborts). Default 5. */
  durationSec?: number;
  /** Target events per second. Default 1,000,000. */
  rate?: number;
  /** PRNG seed. Default 42. */
  seed?: number;
  /** Where the live summary goes; default process.stdout. `null` for silence. */
  out?: NodeJS.WritableStream | null;
  /** Stops the run early (Ctrl-C). */
  signal?: AbortSignal;
}

export interface DemoResult {
  sent: number;
  accepted: number;
  rejected: number;
  seqMissing: number;
  seqRegressions: number;
  lastPrice: string;
  elapsedSec: number;
  eventsPerSec: number;
  /** Producer cost per event (JS write + publish), ns: p50 / p99 / p99.9 over chunks. */
  writeNsPerEvent: { p50: number; p99: number; p999: number };
}

/** Small seeded PRNG (mulberry32): deterministic market for a given seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHUNK = 4096;

/** Runs the demo; resolves with the final figures. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const durationSec = options.durationSec ?? 5;
  const rate = options.rate ?? 1_000_000;
  const out = options.out === undefined ? process.stdout : options.out;
  const rnd = mulberry32(options.seed ?? 42);
  const tty = out !== null && 'isTTY' in out && (out as NodeJS.WriteStream).isTTY === true;

  const btc = new Instrument({ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.00001', minNotional: '5' });
  const stream = new EventStream({ capacity: 1 << 16 });
  const w = stream.writer();
  const chunkCost = new LatencyHistogram();

  let mid = 6_500_000; // 65000.00 in ticks of 0.01
  let seq = 0;
  const t0 = performance.now();
  const startUs = Date.now() * 1000;
  let lastPrint = t0;
  const line = (s: string) => out?.write(tty ? `\r${s}\x1b[K` : `${s}\n`);
  out?.write(
    `tachyon demo: seeded synthetic ${btc.symbol} market → shared ring → Rust consumer ` +
      `(${rate.toLocaleString('en-US')} events/s target${durationSec > 0 ? `, ${durationSec} s` : ''}; Ctrl-C stops)\n`,
  );

  for (;;) {
    const now = performance.now();
    const elapsed = (now - t0) / 1000;
    if ((durationSec > 0 && elapsed >= durationSec) || options.signal?.aborted) break;
    const due = Math.floor(elapsed * rate) - seq;
    if (due >= CHUNK / 2) {
      const n = Math.min(due, CHUNK);
      const c0 = performance.now();
      for (let i = 0; i < n; i++) {
        // geometric walk in ticks: ~0.2 bp per step volatility
        const step = Math.round(mid * 0.00002 * (rnd() + rnd() + rnd() - 1.5) * 2);
        mid = Math.max(100, mid + step);
        const tsUs = startUs + Math.floor((seq * 1e6) / rate);
        const kind = i % 4 === 0 ? EventKind.BidLevel : i % 4 === 1 ? EventKind.AskLevel : EventKind.Trade;
        const price = kind === EventKind.BidLevel ? mid - 1 : kind === EventKind.AskLevel ? mid + 1 : mid;
        const side = kind === EventKind.Trade ? (rnd() < 0.5 ? Side.Buy : Side.Sell) : Side.None;
        const qty = 1 + Math.floor(rnd() * 5000); // lots of 0.00001 BTC
        while (!w.tryPush(kind, 0, side, tsUs, price, qty, seq)) {
          // ring full: the consumer is behind; tryPush already published what we wrote
        }
        seq++;
      }
      w.commit();
      chunkCost.record(((performance.now() - c0) * 1e6) / n);
    } else {
      // Ahead of the target rate: let timers and signals run.
      await new Promise((r) => setTimeout(r, 1));
    }
    if (out && now - lastPrint >= (tty ? 250 : 1000)) {
      lastPrint = now;
      const s = stream.stats();
      line(
        `  t=${elapsed.toFixed(1)}s sent=${seq.toLocaleString('en-US')} consumed=${s.received.toLocaleString('en-US')} ` +
          `ring depth=${w.depth} rejected=${s.received - s.accepted} last=${(mid / 100).toFixed(2)}`,
      );
    }
  }
  const stats = stream.close();
  const elapsedSec = (performance.now() - t0) / 1000;
  const sum = chunkCost.summary();
  const result: DemoResult = {
    sent: seq,
    accepted: stats.accepted,
    rejected: stats.received - stats.accepted,
    seqMissing: stats.seqMissing,
    seqRegressions: stats.seqRegressions,
    lastPrice: btc.price((mid / 100).toFixed(2)).toString(),
    elapsedSec,
    eventsPerSec: seq / elapsedSec,
    writeNsPerEvent: { p50: sum.p50, p99: sum.p99, p999: sum.p999 },
  };
  if (out) {
    if (tty) out.write('\n');
    out.write(
      [
        `done in ${elapsedSec.toFixed(2)} s: ${result.sent.toLocaleString('en-US')} events sent, ` +
          `${result.accepted.toLocaleString('en-US')} consumed and accepted by Rust, ${result.rejected} rejected`,
        `  sequence: ${result.seqMissing} missing, ${result.seqRegressions} out of order` +
          (result.accepted === result.sent && result.seqMissing === 0 ? ' — nothing lost' : ' — CHECK FAILED'),
        `  throughput ${Math.round(result.eventsPerSec).toLocaleString('en-US')} events/s; JS write+publish per event ` +
          `p50 ${sum.p50} ns, p99 ${sum.p99} ns, p99.9 ${sum.p999} ns`,
        `  last price ${result.lastPrice} ${btc.symbol}`,
        '',
      ].join('\n'),
    );
  }
  return result;
}
