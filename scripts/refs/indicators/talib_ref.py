"""Reference values from TA-Lib (C library via the PyPI wheel), `ta` and pandas for the
tachyon-indicators conformance tests.

Usage: python3 scripts/refs/indicators/talib_ref.py <fixtures-dir>
Reads bars_ttrc.csv (exported by export_ttrc.R), exports bars_sp500.csv from arch's bundled
S&P 500 daily data (first 2500 bars, 1999-2008), and writes talib_<set>.csv and
pandas_<set>.csv with one column per reference output (empty where undefined) plus
meta_python.json with the package versions.
"""
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import talib
import ta
import arch
from arch.data import sp500

out_dir = Path(sys.argv[1])

d = sp500.load().head(2500)
bars = pd.DataFrame({
    "date": d.index.strftime("%Y-%m-%d"),
    "open": d["Open"].values, "high": d["High"].values, "low": d["Low"].values,
    "close": d["Close"].values, "volume": d["Volume"].astype(float).values,
})
bars.to_csv(out_dir / "bars_sp500.csv", index=False, float_format="%.17g")


def talib_columns(b):
    o, h, l, c, v = (b[k].to_numpy(dtype=float) for k in ("open", "high", "low", "close", "volume"))
    macd, sig, hist = talib.MACD(c, 12, 26, 9)
    up, mid, lo = talib.BBANDS(c, 20, 2.0, 2.0, 0)
    sk, sd = talib.STOCH(h, l, c, 14, 3, 0, 3, 0)
    fk, fd = talib.STOCHF(h, l, c, 14, 3, 0)
    return {
        "sma20": talib.SMA(c, 20), "ema20": talib.EMA(c, 20), "wma20": talib.WMA(c, 20),
        "rsi14": talib.RSI(c, 14),
        "macd": macd, "macd_signal": sig, "macd_hist": hist,
        "bb_lower": lo, "bb_middle": mid, "bb_upper": up,
        "atr14": talib.ATR(h, l, c, 14),
        "adx14": talib.ADX(h, l, c, 14), "plus_di14": talib.PLUS_DI(h, l, c, 14),
        "minus_di14": talib.MINUS_DI(h, l, c, 14), "dx14": talib.DX(h, l, c, 14),
        "slowk": sk, "slowd": sd, "fastk": fk, "fastd": fd,
        "willr14": talib.WILLR(h, l, c, 14),
        "obv": talib.OBV(c, v),
        "cci20": talib.CCI(h, l, c, 20),
        "mfi14": talib.MFI(h, l, c, v, 14),
        "sar": talib.SAR(h, l, 0.02, 0.2),
    }


def pandas_columns(b):
    h, l, c, v = b["high"], b["low"], b["close"], b["volume"]
    tp = (h + l + c) / 3.0
    ich = ta.trend.IchimokuIndicator(h, l, window1=9, window2=26, window3=52, visual=False, fillna=False)
    ich_vis = ta.trend.IchimokuIndicator(h, l, window1=9, window2=26, window3=52, visual=True, fillna=False)
    return {
        # pandas' recursive EWM seeded with the first value (EmaSeed::First).
        "ema20_first": c.ewm(span=20, adjust=False).mean(),
        # Anchored VWAP of the typical price from the first bar.
        "vwap_anchored": (tp * v).cumsum() / v.cumsum(),
        # `ta` (bukosabino) Ichimoku: lines computed at each bar, and the forward-shifted cloud.
        "ich_tenkan": ich.ichimoku_conversion_line(), "ich_kijun": ich.ichimoku_base_line(),
        "ich_senkou_a": ich.ichimoku_a(), "ich_senkou_b": ich.ichimoku_b(),
        "ich_cloud_a": ich_vis.ichimoku_a(), "ich_cloud_b": ich_vis.ichimoku_b(),
    }


for name in ("ttrc", "sp500"):
    b = pd.read_csv(out_dir / f"bars_{name}.csv")
    pd.DataFrame(talib_columns(b)).to_csv(out_dir / f"talib_{name}.csv", index=False, float_format="%.17g", na_rep="")
    pd.DataFrame(pandas_columns(b)).to_csv(out_dir / f"pandas_{name}.csv", index=False, float_format="%.17g", na_rep="")

meta = {
    "python": sys.version.split()[0],
    "TA-Lib (PyPI, bundles the C library)": talib.__version__,
    "TA-Lib C library": talib.__ta_version__.decode().split(" ")[0],
    "ta": getattr(ta, "__version__", None) or __import__("importlib.metadata").metadata.version("ta"),
    "pandas": pd.__version__, "numpy": np.__version__, "arch": arch.__version__,
}
(out_dir / "meta_python.json").write_text(json.dumps(meta, indent=2) + "\n")
