#!/usr/bin/env python3
"""The EMA-cross anchor in backtrader (PyPI `backtrader`), on the same bars as Tachyon.

Conventions (the same as Tachyon's simulated venue with `fillAt: next-open`):
- EMA: backtrader's `bt.ind.EMA` — alpha 2/(n+1), seeded with the SMA of the first n closes.
- Signal on the bar's close: fast crosses above slow → target +qty, below → -qty (long-short)
  or 0 (long-only); the order is the difference to the current position.
- Market orders fill at the next bar's open (backtrader's default, cheat-on-open off), no slippage.
- Commission: percentage of notional (COMM_PERC), `fee_bps / 10^4`, charged per fill.
- Cash is not a constraint (huge starting cash, no margin checks), like the Tachyon run.

Usage: python3 bench/anchor/ema_cross_backtrader.py bars.csv fast slow qty fee_bps longshort(0/1)
Prints one JSON object: fills, final P&L, elapsed seconds, bars per second.
"""
import json
import sys
import time

import backtrader as bt
import pandas as pd


class EmaCross(bt.Strategy):
    params = dict(fast=10, slow=30, qty=0.01, longshort=True)

    def __init__(self):
        self.f = bt.ind.EMA(self.data.close, period=self.p.fast)
        self.s = bt.ind.EMA(self.data.close, period=self.p.slow)
        self.prev = None
        self.fills = []

    def next(self):
        d = self.f[0] - self.s[0]
        prev, self.prev = self.prev, d
        if prev is None:
            return
        target = None
        if prev <= 0 < d:
            target = self.p.qty
        elif prev >= 0 > d:
            target = -self.p.qty if self.p.longshort else 0.0
        if target is None:
            return
        delta = round(target - self.position.size, 10)
        if delta > 0:
            self.buy(size=delta)
        elif delta < 0:
            self.sell(size=-delta)

    def notify_order(self, order):
        if order.status == order.Completed:
            ex = order.executed
            self.fills.append({
                "ts": int(pd.Timestamp(bt.num2date(ex.dt)).value // 1_000_000),
                "side": "buy" if order.isbuy() else "sell",
                "price": ex.price,
                "qty": abs(ex.size),
                "fee": ex.comm,
            })


def main():
    path, fast, slow, qty, fee_bps, ls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6] == "1"
    df = pd.read_csv(path)
    df["datetime"] = pd.to_datetime(df["timestamp"], utc=True).dt.tz_localize(None)
    df = df.set_index("datetime")[["open", "high", "low", "close", "volume"]]
    t0 = time.perf_counter()
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(bt.feeds.PandasData(dataname=df, timeframe=bt.TimeFrame.Minutes))
    cerebro.addstrategy(EmaCross, fast=fast, slow=slow, qty=qty, longshort=ls)
    cerebro.broker.setcash(1e12)
    cerebro.broker.setcommission(commission=fee_bps / 1e4, commtype=bt.CommInfoBase.COMM_PERC, stocklike=True)
    cerebro.broker.set_checksubmit(False)
    strat = cerebro.run(runonce=True, preload=True)[0]
    elapsed = time.perf_counter() - t0
    last_close = float(df["close"].iloc[-1])
    pos = sum((f["qty"] if f["side"] == "buy" else -f["qty"]) for f in strat.fills)
    cash_flow = sum((-f["qty"] * f["price"] if f["side"] == "buy" else f["qty"] * f["price"]) - f["fee"] for f in strat.fills)
    print(json.dumps({
        "engine": f"backtrader {bt.__version__}",
        "bars": len(df),
        "fills": strat.fills,
        "pnl": cash_flow + pos * last_close,
        "fees": sum(f["fee"] for f in strat.fills),
        "seconds": elapsed,
        "bars_per_sec": len(df) / elapsed,
    }))


if __name__ == "__main__":
    main()
