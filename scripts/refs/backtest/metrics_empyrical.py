#!/usr/bin/env python3
"""Reference metrics for tachyon-backtest's `metrics` module, from empyrical-reloaded (an
independent implementation: Quantopian's empyrical), plus drawdown durations and trade
statistics computed here with pandas from their textbook definitions.

Usage: python3 scripts/refs/backtest/metrics_empyrical.py > crates/backtest/tests/fixtures/metrics.json

Curves:
- `gbm_daily`: 1500 daily equity points, numpy Generator(PCG64(20240601)) GBM, mu 8%, sigma 20%.
- `sp500`: the S&P 500 closes bundled with `arch` (arch.data.sp500, 1999-2018), as an equity
  curve, 252 periods per year, risk-free 2% a year.
- `drawdown_end`: a hand-made curve whose last drawdown never recovers (duration to the end).
"""
import json
import sys

import arch
import arch.data.sp500
import empyrical as ep
import numpy as np
import pandas as pd
import sklearn  # noqa: F401  (version recorded beside the splits fixture)


def dd_duration(ts_ms, eq):
    """Longest drawdown, from runs of underwater points (equity below its running maximum):
    a run from index a to b lasts from the peak at a-1 to the recovery at b+1, or to the last
    point if it never recovers. Vectorised with pandas, independent of the loop in metrics.rs."""
    s = pd.Series(np.asarray(eq, dtype=float))
    under = s < s.cummax()
    run_id = (under != under.shift()).cumsum()[under]
    best = (0, 0)
    last = len(s) - 1
    for _, idx in run_id.groupby(run_id).groups.items():
        a, b = int(idx.min()), int(idx.max())
        end = b + 1 if b < last else last
        best = max(best, (ts_ms[end] - ts_ms[a - 1], end - (a - 1)))
    return best


def case(name, ts_ms, eq, ppy, rf_annual, trade_pnls):
    eq = np.asarray(eq, dtype=float)
    r = pd.Series(eq[1:] / eq[:-1] - 1.0)
    rf = rf_annual / ppy
    d_ms, d_n = dd_duration(ts_ms, eq)
    pnls = np.asarray(trade_pnls, dtype=float)
    wins, losses = pnls[pnls > 0], pnls[pnls < 0]
    return {
        "name": name,
        "periods_per_year": ppy,
        "risk_free": rf_annual,
        "ts_ms": [int(t) for t in ts_ms],
        "equity": eq.tolist(),
        "trade_pnls": pnls.tolist(),
        "expected": {
            "total_return": float(eq[-1] / eq[0] - 1.0),
            "annual_return": float(ep.annual_return(r, annualization=ppy)),
            "volatility": float(ep.annual_volatility(r, annualization=ppy)),
            "sharpe": float(ep.sharpe_ratio(r, risk_free=rf, annualization=ppy)),
            "sortino": float(ep.sortino_ratio(r, required_return=rf, annualization=ppy)),
            "calmar": float(ep.calmar_ratio(r, annualization=ppy)),
            "max_drawdown": float(-ep.max_drawdown(r)),
            "max_drawdown_duration_ms": int(d_ms),
            "max_drawdown_duration_periods": int(d_n),
            "win_rate": float(len(wins) / len(pnls)),
            "profit_factor": float(wins.sum() / -losses.sum()),
            "avg_trade": float(pnls.mean()),
        },
    }


def main():
    cases = []
    rng = np.random.Generator(np.random.PCG64(20240601))
    n, mu, sigma, dt = 1500, 0.08, 0.20, 1 / 252
    z = rng.standard_normal(n - 1)
    eq = 100000.0 * np.exp(np.concatenate([[0.0], np.cumsum((mu - 0.5 * sigma**2) * dt + sigma * np.sqrt(dt) * z)]))
    ts = [1_704_067_200_000 + i * 86_400_000 for i in range(n)]
    pnls = rng.normal(50, 400, 120)
    cases.append(case("gbm_daily", ts, eq, 252.0, 0.0, pnls))

    sp = arch.data.sp500.load()["Adj Close"].dropna()
    ts = [int(pd.Timestamp(t).value // 1_000_000) for t in sp.index]
    cases.append(case("sp500", ts, sp.values, 252.0, 0.02, [120.0, -80.0, 35.5, -10.25, 0.0, 260.0]))

    eq = [100, 104, 103, 108, 108, 99, 101, 107, 109, 105, 97, 96, 98]
    ts = [1_700_000_000_000 + i * 3_600_000 for i in range(len(eq))]
    cases.append(case("drawdown_end", ts, eq, 24 * 365.25, 0.0, [4.0, -1.0, 5.0, -9.0]))

    json.dump(
        {
            "source": "scripts/refs/backtest/metrics_empyrical.py",
            "packages": {
                "empyrical-reloaded": ep.__version__,
                "numpy": np.__version__,
                "pandas": pd.__version__,
                "arch": arch.__version__,
            },
            "command": "python3 scripts/refs/backtest/metrics_empyrical.py > crates/backtest/tests/fixtures/metrics.json",
            "data": "gbm_daily: numpy PCG64(20240601); sp500: arch.data.sp500 Adj Close; drawdown_end: hand-made",
            "cases": cases,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
