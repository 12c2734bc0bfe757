// A strategy module: `npx tachyon backtest --strategy ts/examples/strategies/breakout.mjs`
// (or `tachyon paper --strategy …`, or `strategy: { kind: module, module: … }` in a config).
// The default export is a factory of the strategy's parameters (`strategy.params`).
//
// Rule: buy when the close breaks above the highest high of the last `lookback` bars, go flat
// when it falls below the lowest low; one position of `qty`.

/** @param {{ lookback?: number, qty?: number }} params */
export default function breakout(params = {}) {
  const n = Number(params.lookback ?? 60);
  const qty = Number(params.qty ?? 0.25);
  const highs = [];
  const lows = [];
  return {
    name: `breakout(${n})`,
    /** @param {import('tachyon').Bar} bar @param {import('tachyon').StrategyContext} ctx */
    onBar(bar, ctx) {
      if (highs.length === n) {
        const hi = Math.max(...highs);
        const lo = Math.min(...lows);
        if (bar.close > hi && ctx.position(bar.symbol) <= 0) {
          ctx.record({ symbol: bar.symbol, action: 'buy', score: bar.close / hi - 1 });
          ctx.targetPosition(bar.symbol, qty);
        } else if (bar.close < lo && ctx.position(bar.symbol) > 0) {
          ctx.record({ symbol: bar.symbol, action: 'flat', score: bar.close / lo - 1 });
          ctx.targetPosition(bar.symbol, 0);
        }
        highs.shift();
        lows.shift();
      }
      highs.push(bar.high);
      lows.push(bar.low);
    },
    /** @param {import('tachyon').Fill} fill @param {import('tachyon').StrategyContext} ctx */
    onFill(fill, ctx) {
      ctx.log('fill', { side: fill.side, qty: fill.exact.qty, price: fill.exact.price });
    },
  };
}
