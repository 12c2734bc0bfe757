#!/usr/bin/env python3
"""ADF reference values: statsmodels adfuller (all regression types and lag rules) and R
urca::ur.df (fixed lags, statistic only) on real series (see series.py / data.py).

    python3 scripts/refs/stats/adf.py > crates/stats/tests/fixtures/adf.json
"""
import json
import sys

import numpy as np
import statsmodels
from statsmodels.tsa.stattools import adfuller

from series import run_r, series

S = series()
names = ["sp500_log_price", "sp500_log_price_120", "baa_aaa_spread", "core_inflation"]
cases = []
for name in names:
    x = S[name][1]
    for reg in ["n", "c", "ct", "ctt"]:
        for lag_rule in ["AIC", "BIC", "t-stat", 0, 3, 12]:
            if isinstance(lag_rule, int):
                r = adfuller(x, maxlag=lag_rule, regression=reg, autolag=None, result_object=False)
                stat, p, used, nobs, crit = r[:5]
                ic = None
            else:
                stat, p, used, nobs, crit, ic = adfuller(x, regression=reg, autolag=lag_rule, result_object=False)
            cases.append({
                "series": name, "regression": reg, "lags": lag_rule, "statistic": float(stat),
                "p_value": float(p), "used_lag": int(used), "nobs": int(nobs),
                "critical_values": [float(crit["1%"]), float(crit["5%"]), float(crit["10%"])],
                "ic_best": None if ic is None else float(ic),
            })

urca = run_r("adf_urca.R", {"series": {n: S[n][1].tolist() for n in names}, "lags": [0, 3, 12]})

out = {
    "meta": {
        "generator": "scripts/refs/stats/adf.py (+ adf_urca.R)",
        "command": "python3 scripts/refs/stats/adf.py > crates/stats/tests/fixtures/adf.json",
        "versions": f"statsmodels {statsmodels.__version__}, numpy {np.__version__}; "
                    f"R urca {urca['urca']} ({urca['R']})",
        "data": {n: S[n][0] for n in names},
        "notes": "lags: an integer is a fixed lag (autolag=None, maxlag=lag); a string is "
                 "statsmodels' autolag with the default maxlag. urca type none/drift/trend = "
                 "regression n/c/ct.",
    },
    "statsmodels": cases,
    "urca": urca["cases"],
}
json.dump(out, sys.stdout, indent=0)
print()
