"""The real series the fixtures use, read from the committed CSVs (shared by the scripts)."""
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "crates", "stats", "tests", "fixtures", "data")


def csv(name):
    return pd.read_csv(os.path.join(DATA, name))


def sp500_close():
    return csv("sp500.csv")["adj_close"].to_numpy(dtype=float)


def sp500_returns():
    """Daily percentage log returns, 100 * diff(log(close)) (5030 values)."""
    return 100.0 * np.diff(np.log(sp500_close()))


def nasdaq_returns():
    """Daily percentage log returns of the NASDAQ Composite (5030 values)."""
    return 100.0 * np.diff(np.log(csv("nasdaq.csv")["adj_close"].to_numpy(dtype=float)))


def series():
    """Named series for the time-series tests; each is described in the fixture."""
    d = csv("default.csv")
    cpi = csv("core_cpi.csv")["cpi"].to_numpy(dtype=float)
    logp = np.log(sp500_close())
    return {
        "sp500_log_price": ("log of S&P 500 adjusted close (sp500.csv)", logp),
        "sp500_log_price_120": ("first 120 values of sp500_log_price", logp[:120]),
        "baa_aaa_spread": ("BAA - AAA yield (default.csv)", (d["BAA"] - d["AAA"]).to_numpy(dtype=float)),
        "core_inflation": ("1200 * diff(log(cpi)) (core_cpi.csv)", 1200.0 * np.diff(np.log(cpi))),
        "sp500_returns": ("100 * diff(log(adj_close)) (sp500.csv)", sp500_returns()),
    }


def run_r(script, payload):
    """Runs `Rscript <script> <payload.json>` and parses its JSON output. The R scripts print
    numbers as strings with 17 significant digits (jsonlite stops at 15); they are turned back
    into floats here."""
    import json
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(payload, f)
        path = f.name
    try:
        text = subprocess.run(["Rscript", os.path.join(HERE, script), path], check=True,
                              capture_output=True, text=True).stdout
    finally:
        os.unlink(path)

    def conv(v):
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(x) for x in v]
        if isinstance(v, str):
            try:
                return float(v)
            except ValueError:
                return v
        return v

    return conv(json.loads(text))
