// Test strategy: alternates between a long position of `qty` and flat on every bar, so a
// session sends an order per bar (crash tests need many orders in little time).
export default function flip(params = {}) {
  const qty = Number(params.qty ?? 0.001);
  let n = 0;
  return {
    name: 'flip',
    onBar(bar, ctx) {
      n++;
      ctx.record({ symbol: bar.symbol, action: n % 2 ? 'buy' : 'flat', score: null });
      ctx.targetPosition(bar.symbol, n % 2 ? qty : 0);
    },
  };
}
