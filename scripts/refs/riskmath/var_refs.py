#!/usr/bin/env python3
"""Reference VaR/CVaR numbers for crates/riskmath (run from the repo root):

    python3 scripts/refs/riskmath/var_refs.py

Writes crates/riskmath/tests/fixtures/{sp500_returns.csv, french_factors.csv, var_refs.json}.

Data: arch's bundled data sets (arch.data.sp500: S&P 500 daily, 1999-2018; arch.data.frenchdata:
Fama-French monthly factors Mkt-RF, SMB, HML), exported to CSV next to the fixture.

References:
- historical: numpy.quantile(x, 1 - level, method="linear") (numpy's default, Hyndman & Fan
  type 7); CVaR = -mean(x[x <= q]).
- parametric normal: scipy.stats.norm; VaR = -(mu + sigma * norm.ppf(1 - level)),
  CVaR = -mu + sigma * norm.pdf(norm.ppf(level)) / (1 - level).
- parametric Student-t (nu dof, scaled so that sigma is the standard deviation):
  s = sigma * sqrt((nu - 2) / nu); VaR = -mu + s * t.ppf(level, nu);
  CVaR = -mu + s * t.pdf(t.ppf(level, nu), nu) * (nu + t.ppf(level, nu)**2) / ((nu - 1) * (1 - level)).
  The t CVaR is cross-checked here by numerical integration with scipy.integrate.quad.
- portfolio: weights w, volatilities sd and correlation matrix R (from the factor sample);
  sigma_p = sqrt(w' D R D w), mu_p = w' mu.
"""
import json
import math
import platform
import sys

import numpy as np
import scipy
from scipy import integrate, stats
import arch
from arch.data import frenchdata, sp500

OUT = "crates/riskmath/tests/fixtures"
LEVELS = [0.9, 0.95, 0.975, 0.99]


def hist(x, level):
    q = np.quantile(x, 1 - level, method="linear")
    return {"level": level, "var": float(-q), "cvar": float(-x[x <= q].mean())}


def normal(mu, sigma, level):
    z = stats.norm.ppf(level)
    return {
        "level": level,
        "var": float(-mu + sigma * z),
        "cvar": float(-mu + sigma * stats.norm.pdf(z) / (1 - level)),
    }


def student(mu, sigma, nu, level):
    s = sigma * math.sqrt((nu - 2) / nu)
    q = stats.t.ppf(level, nu)
    var = -mu + s * q
    cvar = -mu + s * stats.t.pdf(q, nu) * (nu + q * q) / ((nu - 1) * (1 - level))
    # cross-check: E[loss | loss >= VaR] by integration of the scaled t density
    num, _ = integrate.quad(lambda l: l * stats.t.pdf((l + mu) / s, nu) / s, var, np.inf)
    assert abs(num / (1 - level) - cvar) < 1e-8 * max(1.0, abs(cvar)), (num / (1 - level), cvar)
    return {"level": level, "nu": nu, "var": float(var), "cvar": float(cvar)}


def main():
    px = sp500.load()["Adj Close"]
    r = np.log(px).diff().dropna().to_numpy()
    np.savetxt(f"{OUT}/sp500_returns.csv", r, fmt="%.17g", header="log_return", comments="")

    ff = frenchdata.load()[["Mkt-RF", "SMB", "HML"]].dropna()
    f = ff.to_numpy() / 100.0  # percent → fraction
    np.savetxt(f"{OUT}/french_factors.csv", f, fmt="%.17g", delimiter=",", header="mkt_rf,smb,hml", comments="")
    w = np.array([0.5, 0.3, 0.2])
    mu = f.mean(axis=0)
    sd = f.std(axis=0, ddof=1)
    R = np.corrcoef(f, rowvar=False)
    cov = np.outer(sd, sd) * R
    mu_p = float(w @ mu)
    sigma_p = float(math.sqrt(w @ cov @ w))
    port = f @ w

    out = {
        "_source": {
            "script": "scripts/refs/riskmath/var_refs.py",
            "command": "python3 scripts/refs/riskmath/var_refs.py",
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "arch": arch.__version__,
            "data": "arch.data.sp500 (Adj Close → log returns), arch.data.frenchdata (Mkt-RF, SMB, HML / 100)",
            "quantile": "numpy.quantile method='linear' (type 7); CVaR = -mean(x[x <= q])",
        },
        "sp500": {"n": int(len(r)), "historical": [hist(r, a) for a in LEVELS]},
        "french": {
            "weights": w.tolist(),
            "mu": mu.tolist(),
            "sd": sd.tolist(),
            "corr": R.tolist(),
            "mu_p": mu_p,
            "sigma_p": sigma_p,
            "historical": [hist(port, a) for a in LEVELS],
            "normal": [normal(mu_p, sigma_p, a) for a in LEVELS],
            "student_t": [student(mu_p, sigma_p, nu, a) for nu in (3.0, 5.0, 8.0) for a in LEVELS],
        },
        "ppf": {
            "norm": [[p, float(stats.norm.ppf(p))] for p in (0.9, 0.95, 0.975, 0.99, 0.999)],
        },
    }
    with open(f"{OUT}/var_refs.json", "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    print(f"wrote {OUT}/var_refs.json", file=sys.stderr)


if __name__ == "__main__":
    main()
