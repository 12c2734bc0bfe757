#!/usr/bin/env python3
"""Reference fixtures for the GARCH family from Python `arch`, on arch's bundled S&P 500 data.

Writes, next to the fixtures of tachyon-models:
  crates/models/tests/fixtures/sp500_returns.csv   date,ret  (100 x daily simple return of Adj Close)
  crates/models/tests/fixtures/garch_arch.json     fits of GARCH, GJR (o=1), EGARCH x Normal, StudentsT

Conventions (what tachyon must match): constant mean, arch's default backcast (EWMA 0.94 over the
first 75 squared residuals from the sample mean, fixed during the fit), returns in percent,
arch's bounds. `tol=1e-12` so that SLSQP stops at the optimum to well inside 1e-4 relative.
Standard errors: "classic" = inverse of arch's numerical Hessian; "robust" = arch's sandwich.

Run:  python3 scripts/refs/models/garch_arch.py
"""
import json
import os
import platform
import sys

import arch
import numpy as np
import pandas as pd
import scipy
from arch import arch_model
from arch.data import sp500

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
FIX = os.path.join(ROOT, "crates", "models", "tests", "fixtures")


def main() -> None:
    os.makedirs(FIX, exist_ok=True)
    data = sp500.load()
    ret = 100.0 * data["Adj Close"].pct_change().dropna()
    out = pd.DataFrame({"date": ret.index.strftime("%Y-%m-%d"), "ret": ret.values})
    out.to_csv(os.path.join(FIX, "sp500_returns.csv"), index=False, float_format="%.17g")
    r = out["ret"].to_numpy()

    cases = []
    for vol, o, kind in (("GARCH", 0, "garch"), ("GARCH", 1, "gjr"), ("EGARCH", 1, "egarch")):
        for dist, dname in (("normal", "normal"), ("studentst", "t")):
            am = arch_model(r, mean="Constant", vol=vol, p=1, o=o, q=1, dist=dist, rescale=False)
            res = am.fit(disp="off", tol=1e-12, options={"maxiter": 2000, "ftol": 1e-14})
            res_c = am.fit(disp="off", tol=1e-12, options={"maxiter": 2000, "ftol": 1e-14},
                           cov_type="classic")
            names = [n.replace("[1]", "").replace("alpha", "alpha").replace("nu", "nu")
                     for n in res.params.index]
            names = ["mu" if n == "mu" else n for n in names]
            rename = {"mu": "mu", "omega": "omega", "alpha": "alpha", "gamma": "gamma",
                      "beta": "beta", "nu": "nu"}
            names = [rename[n] for n in names]
            cv = res.conditional_volatility ** 2
            horizon = 10 if kind != "egarch" else 1
            fc = res.forecast(horizon=horizon, reindex=False).variance.to_numpy()[-1]
            resids = r - res.params["mu"]
            backcast = float(am.volatility.backcast(r - r.mean()))
            if kind == "egarch":
                backcast = float(np.exp(backcast))  # arch stores ln(backcast) for EGARCH
            cases.append({
                "name": f"{kind}_{dname}",
                "kind": kind,
                "dist": dname,
                "mean": "constant",
                "init": "backcast",
                "nobs": int(len(r)),
                "names": names,
                "params": [float(v) for v in res.params.to_numpy()],
                "loglik": float(res.loglikelihood),
                "aic": float(res.aic),
                "bic": float(res.bic),
                "std_errors": [float(v) for v in res_c.std_err.to_numpy()],
                "robust_std_errors": [float(v) for v in res.std_err.to_numpy()],
                "backcast": backcast,
                "convergence_flag": int(res.convergence_flag),
                "variance_index": [0, 1, 2, 100, 1000, len(r) - 2, len(r) - 1],
                "variances": [float(cv[i]) for i in (0, 1, 2, 100, 1000, len(r) - 2, len(r) - 1)],
                "forecast": [float(v) for v in fc],
                "std_resid_sum_sq": float(np.sum((resids / np.sqrt(cv)) ** 2)),
            })
    fixture = {
        "source": {
            "generator": "scripts/refs/models/garch_arch.py",
            "command": "python3 scripts/refs/models/garch_arch.py",
            "packages": {"arch": arch.__version__, "numpy": np.__version__,
                         "scipy": scipy.__version__, "pandas": pd.__version__,
                         "python": platform.python_version()},
            "data": "arch.data.sp500 (S&P 500 daily, Adj Close); returns = 100 * pct_change, "
                    "exported to sp500_returns.csv",
            "conventions": "constant mean; arch default EWMA backcast; percent returns; "
                           "fit(tol=1e-12); std_errors = classic (inverse Hessian), "
                           "robust_std_errors = arch sandwich; forecast = analytic variance "
                           "forecast from the end of the sample (EGARCH: horizon 1 only, arch "
                           "simulates beyond)",
        },
        "cases": cases,
    }
    with open(os.path.join(FIX, "garch_arch.json"), "w") as f:
        json.dump(fixture, f, indent=1)
    for c in cases:
        print(c["name"], c["params"], c["loglik"], c["convergence_flag"], file=sys.stderr)


if __name__ == "__main__":
    main()
