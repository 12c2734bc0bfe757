/**
 * Seeded synthetic markets from the Rust generator: GBM, Merton jump-diffusion, Heston or
 * Ornstein–Uhlenbeck paths (`tachyon_stats::mc`) on the tick grid, bit-identical bars for a
 * seed on every machine. Used by `npm start`, the bundled
 * examples and tests.
 *
 * @example
 * ```ts
 * import { SyntheticMarket } from 'tachyon';
 * const m = new SyntheticMarket({ seed: 42, symbol: 'BTC/USDT', tickSize: '0.01', lotSize: '0.00001' });
 * const first = m.next(1000); // 1000 one-minute bars as replay records
 * ```
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';
import { RECORD_BYTES } from './records.js';
import type { MarketData } from './load.js';

export interface SyntheticMarketOptions {
  seed: number;
  symbol?: string;
  instrument?: number;
  tickSize?: string;
  lotSize?: string;
  /** Price process (`tachyon_stats::mc`); default `gbm`. */
  model?: 'gbm' | 'merton' | 'heston' | 'ou';
  jumpIntensity?: number;
  jumpMean?: number;
  jumpStd?: number;
  v0?: number;
  kappa?: number;
  theta?: number;
  xi?: number;
  rho?: number;
  startPrice?: number;
  mu?: number;
  sigma?: number;
  /** First bar's open time, ms since the epoch. */
  startMs?: number;
  barMs?: number;
  stepsPerBar?: number;
  /** Mean bar volume in base units (decimal string). */
  meanVolume?: string;
}

export class SyntheticMarket {
  private readonly h: ReturnType<typeof native.syntheticBarsNew>;
  readonly symbol: string;

  constructor(o: SyntheticMarketOptions) {
    this.symbol = o.symbol ?? 'BTC/USDT';
    const opts: Native.SyntheticBarsOptions = {
      seed: o.seed,
      model: o.model,
      jumpIntensity: o.jumpIntensity,
      jumpMean: o.jumpMean,
      jumpStd: o.jumpStd,
      v0: o.v0,
      kappa: o.kappa,
      theta: o.theta,
      xi: o.xi,
      rho: o.rho,
      instrument: o.instrument ?? 0,
      startPrice: o.startPrice,
      mu: o.mu,
      sigma: o.sigma,
      startMs: o.startMs,
      barMs: o.barMs,
      stepsPerBar: o.stepsPerBar,
      tickSize: o.tickSize,
      lotSize: o.lotSize,
      meanVolume: o.meanVolume,
    };
    this.h = native.syntheticBarsNew(opts);
  }

  /** The next `n` bars as 64-byte records. */
  next(n: number): Uint8Array {
    return native.syntheticBarsNext(this.h, n);
  }
}

/** `n` synthetic bars as {@link MarketData}. */
export function syntheticData(n: number, o: SyntheticMarketOptions): MarketData {
  const m = new SyntheticMarket(o);
  const records = m.next(n);
  const count = records.byteLength / RECORD_BYTES;
  const start = o.startMs ?? Date.UTC(2024, 0, 1);
  const bar = o.barMs ?? 60_000;
  return {
    format: 'ohlcv',
    symbols: [m.symbol],
    records,
    count,
    report: {
      file: `synthetic gbm seed ${o.seed}`,
      format: 'ohlcv',
      rows: count,
      accepted: count,
      bad: {},
      badTotal: 0,
      rounded: 0,
      issues: [],
      unknownColumns: [],
      firstMs: count > 0 ? start : Number.NaN,
      lastMs: count > 0 ? start + (count - 1) * bar : Number.NaN,
    },
  };
}
