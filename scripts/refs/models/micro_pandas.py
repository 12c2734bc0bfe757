#!/usr/bin/env python3
"""Reference fixtures for the microstructure and realized measures, on arch's bundled S&P 500
daily bars (arch.data.sp500), computed with pandas / statsmodels / numpy:

  amihud_21       pandas: (|ret| / dollar_volume).rolling(21).mean() * 1e6
  roll_autocov_21 pandas: dp.rolling(21).cov(dp.shift(1))   (dp = close.diff(), sample cov)
  roll_spread_21  2*sqrt(-autocov) where autocov < 0, else 0
  kyle_*_50       statsmodels RollingOLS(dp, add_constant(flow), window=50): const, slope, R^2
                  flow = volume * (close - open) / (high - low) / 1e6 (a signed-flow proxy)
  realized        numpy: sum(r^2), (pi/2) * sum(|r_t||r_{t-1}|) over the log returns

Writes crates/models/tests/fixtures/micro_sp500.csv and micro_sp500.json.
Run:  python3 scripts/refs/models/micro_pandas.py
"""
import json
import os
import platform

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from arch.data import sp500
from statsmodels.regression.rolling import RollingOLS

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
FIX = os.path.join(ROOT, "crates", "models", "tests", "fixtures")


def main() -> None:
    d = sp500.load().iloc[:1500]
    close = d["Adj Close"]
    ret = close.pct_change()
    dollar_volume = d["Close"] * d["Volume"]
    dp = close.diff()
    rng = (d["High"] - d["Low"]).replace(0.0, np.nan)
    flow = (d["Volume"] * (d["Close"] - d["Open"]) / rng / 1e6).fillna(0.0)

    out = pd.DataFrame({
        "date": d.index.strftime("%Y-%m-%d"),
        "close": close.values,
        "ret": ret.values,
        "dollar_volume": dollar_volume.values,
        "dp": dp.values,
        "flow": flow.values,
    })
    out["amihud_21"] = ((ret.abs() / dollar_volume).rolling(21).mean() * 1e6).values
    ac = dp.rolling(21).cov(dp.shift(1))
    out["roll_autocov_21"] = ac.values
    out["roll_spread_21"] = np.where(ac < 0, 2.0 * np.sqrt(-ac.clip(upper=0.0)), 0.0)
    out.loc[ac.isna().values, "roll_spread_21"] = np.nan
    # Kyle: regress dp on flow from the second bar (the first has no dp)
    y = dp.iloc[1:]
    x = sm.add_constant(flow.iloc[1:])
    rr = RollingOLS(y, x, window=50).fit()
    kl = pd.DataFrame({"c": rr.params["const"], "l": rr.params[0] if 0 in rr.params else rr.params.iloc[:, 1],
                       "r2": rr.rsquared}).reindex(d.index)
    out["kyle_const_50"] = kl["c"].values
    out["kyle_lambda_50"] = kl["l"].values
    out["kyle_r2_50"] = kl["r2"].values
    out.to_csv(os.path.join(FIX, "micro_sp500.csv"), index=False, float_format="%.17g", na_rep="")

    lr = np.log(close.values[1:] / close.values[:-1])
    meta = {
        "generator": "scripts/refs/models/micro_pandas.py",
        "command": "python3 scripts/refs/models/micro_pandas.py",
        "packages": {"pandas": pd.__version__, "numpy": np.__version__,
                     "statsmodels": statsmodels.__version__, "python": platform.python_version()},
        "data": "arch.data.sp500, first 1500 daily bars (Adj Close, Close, Open, High, Low, Volume)",
        "conventions": __doc__,
        "realized": {"log_returns_of": "close column of micro_sp500.csv",
                     "rv": float(np.sum(lr ** 2)),
                     "bv": float(np.pi / 2 * np.sum(np.abs(lr[1:]) * np.abs(lr[:-1])))},
    }
    with open(os.path.join(FIX, "micro_sp500.json"), "w") as f:
        json.dump(meta, f, indent=1)


if __name__ == "__main__":
    main()
