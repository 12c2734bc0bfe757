/**
 * The EMA-cross strategy in TypeScript: the same rule as the Rust `EmaCross` (and the anchor
 * scripts in bench/anchor): fast and slow EMAs of the close, SMA-seeded with α = 2/(n+1);
 * when the fast line crosses above the slow one, target `+qty`; below it, `0` (long-only) or
 * `−qty` (long-short).
 */
import type { Bar, Strategy, StrategyContext, Trade } from '../strategy.js';

export interface EmaCrossParams {
  fast?: number;
  slow?: number;
  /** Position size (decimal). */
  qty?: number | string;
  longShort?: boolean;
}

/** SMA-seeded EMA (NaN while seeding). */
export class Ema {
  private readonly alpha: number;
  private seen = 0;
  private sum = 0;
  value = Number.NaN;
  constructor(readonly n: number) {
    this.alpha = 2 / (n + 1);
  }
  next(x: number): number {
    if (this.seen < this.n) {
      this.seen++;
      this.sum += x;
      if (this.seen === this.n) this.value = this.sum / this.n;
    } else this.value += this.alpha * (x - this.value);
    return this.value;
  }
}

export function emaCross(params: EmaCrossParams = {}): Strategy {
  const fastN = Number(params.fast ?? 10);
  const slowN = Number(params.slow ?? 30);
  if (!(Number.isInteger(fastN) && Number.isInteger(slowN) && fastN >= 1 && fastN < slowN))
    throw new Error(`ema-cross needs integer periods 1 <= fast < slow, got fast ${String(params.fast)}, slow ${String(params.slow)}`);
  const qty = Number(params.qty ?? 0.01);
  if (!(qty > 0)) throw new Error(`ema-cross needs qty > 0, got ${String(params.qty)}`);
  const longShort = params.longShort === true;
  const state = new Map<number, { fast: Ema; slow: Ema; prev: number }>();
  const onPrice = (instrument: number, symbol: string, px: number, ctx: StrategyContext) => {
    let s = state.get(instrument);
    if (!s) state.set(instrument, (s = { fast: new Ema(fastN), slow: new Ema(slowN), prev: Number.NaN }));
    const diff = s.fast.next(px) - s.slow.next(px);
    const prev = s.prev;
    s.prev = diff;
    if (!(Number.isFinite(diff) && Number.isFinite(prev))) return;
    let target: number;
    if (prev <= 0 && diff > 0) target = qty;
    else if (prev >= 0 && diff < 0) target = longShort ? -qty : 0;
    else return;
    ctx.record({ symbol, action: target > 0 ? 'buy' : target < 0 ? 'sell' : 'flat', score: diff, detail: { fast: s.fast.value, slow: s.slow.value } });
    ctx.targetPosition(symbol, target);
  };
  return {
    name: `ema-cross(${fastN},${slowN})`,
    onBar(bar: Bar, ctx: StrategyContext) {
      onPrice(bar.instrument, bar.symbol, bar.close, ctx);
    },
    onTrade(t: Trade, ctx: StrategyContext) {
      onPrice(t.instrument, t.symbol, t.price, ctx);
    },
  };
}
