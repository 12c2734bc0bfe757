#!/usr/bin/env python3
"""The EMA-cross anchor in NautilusTrader (PyPI `nautilus-trader`), on the same bars.

Conventions matched to Tachyon's (`fillAt: next-open`):
- EMAs computed in the strategy exactly like Tachyon's and backtrader's (alpha 2/(n+1),
  SMA-seeded), because Nautilus's own EMA seeds with the first value.
- Signal on the bar's close; a market order for the difference to the target position.
- Nautilus replays each bar as open → high → low → close prices (`bar_execution`); the bar is
  handed to the strategy at its close, so the order executes against the next bar's open:
  the next-open convention. Bar timestamps are shifted to the bar's close time
  (`ts_init_delta`) so the strategy sees the bar after its prices.
- Fees: the instrument's taker fee set to `fee_bps / 10^4` of notional (Nautilus rounds
  commissions to the quote currency's precision: 8 decimals for USDT).
- A netting margin account (shorts allowed) with ample balance (no cash constraint).

Usage: python3 bench/anchor/ema_cross_nautilus.py bars.csv fast slow qty fee_bps longshort(0/1)
"""
import json
import sys
import time
from decimal import Decimal

import pandas as pd
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.config import LoggingConfig, StrategyConfig
from nautilus_trader.model.currencies import USDT
from nautilus_trader.model.data import Bar, BarType
from nautilus_trader.model.enums import AccountType, OmsType, OrderSide
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.instruments import CurrencyPair
from nautilus_trader.model.objects import Money, Quantity
from nautilus_trader.persistence.wranglers import BarDataWrangler
from nautilus_trader.test_kit.providers import TestInstrumentProvider
from nautilus_trader.trading.strategy import Strategy


class Cfg(StrategyConfig, frozen=True):
    bar_type: str
    fast: int = 10
    slow: int = 30
    qty: str = "0.01"
    longshort: bool = True


class Ema:
    def __init__(self, n):
        self.n, self.a, self.seen, self.sum, self.v = n, 2.0 / (n + 1), 0, 0.0, float("nan")

    def next(self, x):
        if self.seen < self.n:
            self.seen += 1
            self.sum += x
            if self.seen == self.n:
                self.v = self.sum / self.n
        else:
            self.v += self.a * (x - self.v)
        return self.v


class EmaCross(Strategy):
    def __init__(self, config: Cfg):
        super().__init__(config)
        self.bar_type = BarType.from_str(config.bar_type)
        self.f, self.s = Ema(config.fast), Ema(config.slow)
        self.prev = float("nan")
        self.qty = Decimal(config.qty)
        self.pos = Decimal(0)
        self.fills = []

    def on_start(self):
        self.instrument = self.cache.instrument(self.bar_type.instrument_id)
        self.subscribe_bars(self.bar_type)

    def on_bar(self, bar: Bar):
        c = float(bar.close)
        d = self.f.next(c) - self.s.next(c)
        prev, self.prev = self.prev, d
        if d != d or prev != prev:
            return
        if prev <= 0 < d:
            target = self.qty
        elif prev >= 0 > d:
            target = -self.qty if self.config.longshort else Decimal(0)
        else:
            return
        delta = target - self.pos
        if delta == 0:
            return
        side = OrderSide.BUY if delta > 0 else OrderSide.SELL
        self.submit_order(self.order_factory.market(self.bar_type.instrument_id, side, self.instrument.make_qty(abs(delta))))

    def on_order_rejected(self, e):
        print("rejected", e, file=sys.stderr)

    def on_order_denied(self, e):
        print("denied", e, file=sys.stderr)

    def on_order_filled(self, e):
        q = Decimal(str(e.last_qty))
        self.pos += q if e.order_side == OrderSide.BUY else -q
        self.fills.append({
            "ts": e.ts_event // 1_000_000,
            "side": "buy" if e.order_side == OrderSide.BUY else "sell",
            "price": float(e.last_px),
            "qty": float(e.last_qty),
            "fee": float(e.commission),
        })


def main():
    path, fast, slow, qty, fee_bps, ls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5]), sys.argv[6] == "1"
    df = pd.read_csv(path)
    df.index = pd.to_datetime(df["timestamp"], utc=True)
    df = df[["open", "high", "low", "close", "volume"]]
    base = TestInstrumentProvider.btcusdt_binance()
    fee = Decimal(str(fee_bps / 1e4))
    inst = CurrencyPair(
        instrument_id=base.id, raw_symbol=base.raw_symbol, base_currency=base.base_currency, quote_currency=base.quote_currency,
        price_precision=2, size_precision=5, price_increment=base.price_increment, size_increment=Quantity.from_str("0.00001"),
        lot_size=None, max_quantity=None, min_quantity=Quantity.from_str("0.00001"), max_notional=None, min_notional=None,
        max_price=None, min_price=None, margin_init=Decimal(0), margin_maint=Decimal(0), maker_fee=fee, taker_fee=fee,
        ts_event=0, ts_init=0,
    )
    engine = BacktestEngine(config=BacktestEngineConfig(logging=LoggingConfig(bypass_logging=True)))
    engine.add_venue(venue=Venue("BINANCE"), oms_type=OmsType.NETTING, account_type=AccountType.MARGIN, base_currency=USDT,
                     starting_balances=[Money(1_000_000_000, USDT)])
    engine.add_instrument(inst)
    bar_type = BarType.from_str(f"{inst.id}-1-MINUTE-LAST-EXTERNAL")
    bars = BarDataWrangler(bar_type, inst).process(df, ts_init_delta=60_000_000_000 - 1)
    engine.add_data(bars)
    strat = EmaCross(Cfg(bar_type=str(bar_type), fast=fast, slow=slow, qty=qty, longshort=ls))
    engine.add_strategy(strat)
    t0 = time.perf_counter()
    engine.run()
    elapsed = time.perf_counter() - t0
    last = float(df["close"].iloc[-1])
    pos = sum((f["qty"] if f["side"] == "buy" else -f["qty"]) for f in strat.fills)
    flow = sum((-f["qty"] * f["price"] if f["side"] == "buy" else f["qty"] * f["price"]) - f["fee"] for f in strat.fills)
    import nautilus_trader
    print(json.dumps({"engine": f"nautilus-trader {nautilus_trader.__version__}", "bars": len(df), "fills": strat.fills,
                      "pnl": flow + pos * last, "fees": sum(f["fee"] for f in strat.fills), "seconds": elapsed, "bars_per_sec": len(df) / elapsed}))
    engine.dispose()


if __name__ == "__main__":
    main()
