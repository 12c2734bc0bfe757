#!/usr/bin/env python3
"""Reference fixture for DCC-GARCH(1,1) from `pymgarch` (Engle 2002 two-step on `arch`
marginals, validated by its authors against R rmgarch), on real data bundled with `arch`:
daily percent returns of the S&P 500 (arch.data.sp500), the NASDAQ composite
(arch.data.nasdaq) and WTI crude (arch.data.wti), on their common dates, last 2000.

Stage 1: arch GARCH(1,1), Normal, constant mean, fitted with tol=1e-12 (passed to pymgarch as
fitted marginals). Stage 2: pymgarch DCC(dist='norm'), correlation targeting with
Qbar = cov2cor(Z'Z/T), Q_1 = Qbar (rmgarch's convention).

Writes crates/models/tests/fixtures/dcc_returns.csv (date, 3 return columns, 3 standardized
residual columns) and dcc_pymgarch.json.
Run:  python3 scripts/refs/models/dcc_pymgarch.py
"""
import json
import os
import platform

import arch
import numpy as np
import pandas as pd
import pymgarch
from arch import arch_model
from arch.data import nasdaq, sp500, wti
from pymgarch import DCC
from pymgarch.correlation import dcc_path

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
FIX = os.path.join(ROOT, "crates", "models", "tests", "fixtures")


def main() -> None:
    s = 100.0 * sp500.load()["Adj Close"].pct_change()
    q = 100.0 * nasdaq.load()["Adj Close"].pct_change()
    w = wti.load()["DCOILWTICO"]
    w = 100.0 * w.pct_change(fill_method=None)
    df = pd.concat({"sp500": s, "nasdaq": q, "wti": w}, axis=1, join="inner").dropna()
    df = df[np.isfinite(df).all(axis=1)].iloc[-2000:]

    marg = []
    for c in df.columns:
        m = arch_model(df[c], mean="Constant", vol="GARCH", p=1, o=0, q=1, dist="normal", rescale=False)
        marg.append(m.fit(disp="off", tol=1e-12, options={"maxiter": 2000, "ftol": 1e-14}))
    res = DCC(dist="norm").fit(df, marginals=marg, compute_se=False)
    a, b = (float(v) for v in res.psi)
    eps = res.eps
    path = dcc_path(eps, a, b, 0.0, res.Sbar, None)
    lc = float(np.sum(-0.5 * (path.logdet + path.quad) + 0.5 * np.sum(eps ** 2, axis=1)))

    out = pd.DataFrame({"date": df.index.strftime("%Y-%m-%d")})
    for i, c in enumerate(df.columns):
        out[c] = df[c].values
    for i, c in enumerate(df.columns):
        out["z_" + c] = eps[:, i]
    out.to_csv(os.path.join(FIX, "dcc_returns.csv"), index=False, float_format="%.17g")

    fixture = {
        "source": {
            "generator": "scripts/refs/models/dcc_pymgarch.py",
            "command": "python3 scripts/refs/models/dcc_pymgarch.py",
            "packages": {"pymgarch": pymgarch.__version__ if hasattr(pymgarch, "__version__") else "0.6.0",
                         "arch": arch.__version__, "numpy": np.__version__,
                         "pandas": pd.__version__, "python": platform.python_version()},
            "data": "arch.data sp500, nasdaq (Adj Close) and wti (DCOILWTICO): 100 x pct_change on "
                    "common dates, last 2000 -> dcc_returns.csv",
            "conventions": "stage 1 arch GARCH(1,1) Normal constant mean, arch backcast, tol=1e-12; "
                           "stage 2 pymgarch DCC norm, Qbar = cov2cor(Z'Z/T), Q_1 = Qbar, a + b < 1; "
                           "loglik_correlation = sum_t -0.5 (ln|R_t| + z'R^-1 z - z'z); loglik = joint "
                           "Gaussian log-likelihood of the returns (pymgarch loglikelihood)",
        },
        "assets": list(df.columns),
        "nobs": int(len(df)),
        "a": a,
        "b": b,
        "converged": bool(res.converged),
        "loglik_correlation": lc,
        "loglik": float(res.loglikelihood),
        "univariate_params": [[float(v) for v in m.params.to_numpy()] for m in marg],
        "qbar": res.Sbar.ravel().tolist(),
        "r_last": path.R[-1].ravel().tolist(),
        "q_next": (1 - a - b) * res.Sbar.ravel() + a * np.outer(eps[-1], eps[-1]).ravel()
                  + b * path.q_last.ravel(),
    }
    fixture["q_next"] = [float(v) for v in fixture["q_next"]]
    with open(os.path.join(FIX, "dcc_pymgarch.json"), "w") as f:
        json.dump(fixture, f, indent=1)
    print(a, b, lc, res.loglikelihood, res.converged)


if __name__ == "__main__":
    main()
