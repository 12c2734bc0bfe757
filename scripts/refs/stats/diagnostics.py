#!/usr/bin/env python3
"""Jarque-Bera and Ljung-Box reference values: statsmodels (jarque_bera, acf,
acorr_ljungbox) and R (tseries::jarque.bera.test, stats::Box.test) on real series.

    python3 scripts/refs/stats/diagnostics.py > crates/stats/tests/fixtures/diagnostics.json
"""
import json
import sys

import numpy as np
import scipy
import statsmodels
from statsmodels.stats.diagnostic import acorr_ljungbox
from statsmodels.stats.stattools import jarque_bera
from statsmodels.tsa.stattools import acf

from series import run_r, series

S = series()
ret = S["sp500_returns"][1]
data = {
    "sp500_returns": ("100 * diff(log(adj_close)) (sp500.csv)", ret),
    "sp500_returns_sq": ("sp500_returns squared (ARCH effects)", ret ** 2),
    "sp500_returns_60": ("first 60 values of sp500_returns", ret[:60]),
    "core_inflation": S["core_inflation"],
}
MAX_LAG = 20
MODEL_DF = [0, 2]
out = {"jarque_bera": {}, "acf": {}, "ljung_box": []}
for name, (_, x) in data.items():
    jb, p, skew, kurt = jarque_bera(x)
    out["jarque_bera"][name] = {"statistic": float(jb), "p_value": float(p),
                                "skewness": float(skew), "kurtosis": float(kurt)}
    out["acf"][name] = acf(x, nlags=MAX_LAG, fft=False).tolist()
    for mdf in MODEL_DF:
        r = acorr_ljungbox(x, lags=MAX_LAG, boxpierce=True, model_df=mdf)
        nan = lambda v: None if np.isnan(v) else float(v)
        out["ljung_box"].append({
            "series": name, "model_df": mdf,
            "statistic": r["lb_stat"].tolist(), "p_value": [nan(v) for v in r["lb_pvalue"]],
            "box_pierce": r["bp_stat"].tolist(),
            "box_pierce_p_value": [nan(v) for v in r["bp_pvalue"]],
        })

r = run_r("diagnostics_r.R", {"series": {n: v[1].tolist() for n, v in data.items()},
                              "max_lag": MAX_LAG, "model_df": MODEL_DF})
out["r"] = {"jarque_bera": r["jarque_bera"], "ljung_box": r["ljung_box"]}
out["meta"] = {
    "generator": "scripts/refs/stats/diagnostics.py (+ diagnostics_r.R)",
    "command": "python3 scripts/refs/stats/diagnostics.py > crates/stats/tests/fixtures/diagnostics.json",
    "versions": f"statsmodels {statsmodels.__version__}, scipy {scipy.__version__}, numpy "
                f"{np.__version__}; R tseries {r['tseries']} ({r['R']})",
    "data": {n: v[0] for n, v in data.items()},
    "max_lag": MAX_LAG,
}
json.dump(out, sys.stdout, indent=0)
print()
