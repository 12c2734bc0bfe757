#!/usr/bin/env python3
"""Peaks-over-threshold GPD references: R evd::fpot (MLE + standard errors from the observed
information) and scipy.stats.genpareto.fit (floc=0, tight Nelder-Mead), with VaR/ES from the
McNeil-Frey (2000) tail formulas evaluated on evd's estimates.

    python3 scripts/refs/stats/evt.py > crates/stats/tests/fixtures/evt.json
"""
import json
import sys

import numpy as np
import scipy
from scipy import optimize, stats

from series import run_r, series

S = series()
ret = S["sp500_returns"][1]
spread = S["baa_aaa_spread"][1]
sim = stats.genpareto.rvs(c=-0.25, scale=1.0, size=2000, random_state=np.random.default_rng(11))

sets = {
    "sp500_losses_q90": ("-sp500_returns (percent losses), threshold = 90% quantile", -ret, 0.90),
    "sp500_losses_q95": ("-sp500_returns, threshold = 95% quantile", -ret, 0.95),
    "spread_changes_q90": ("diff(baa_aaa_spread), threshold = 90% quantile", np.diff(spread), 0.90),
    "sim_negative_shape": ("scipy genpareto.rvs(c=-0.25, scale=1, size=2000, default_rng(11)), "
                           "threshold = 50% quantile", sim, 0.50),
}
LEVELS = [0.99, 0.995, 0.999]


def tight(func, x0, args=(), disp=0):
    return optimize.fmin(func, x0, args=args, xtol=1e-13, ftol=1e-15, maxiter=100000,
                         maxfun=100000, disp=disp)


payload = {}
out = {}
for name, (desc, x, q) in sets.items():
    u = float(np.quantile(x, q))
    payload[name] = {"x": x.tolist(), "threshold": u}
    y = x[x > u] - u
    c, loc, scale = stats.genpareto.fit(y, floc=0, optimizer=tight)
    out[name] = {"description": desc, "quantile": q, "threshold": u, "n_total": len(x),
                 "n_exceed": int(len(y)),
                 "scipy": {"shape": float(c), "scale": float(scale),
                           "log_likelihood": float(np.sum(stats.genpareto.logpdf(y, c, 0, scale)))}}

r = run_r("evt_r.R", {"sets": payload})
for name in sets:
    f = r["fits"][name]
    o = out[name]
    o["evd"] = {k: f[k] for k in ["shape", "scale", "se_shape", "se_scale", "log_likelihood"]}
    assert int(f["n_exceed"]) == o["n_exceed"]
    xi, s, u = f["shape"], f["scale"], o["threshold"]
    rate = o["n_exceed"] / o["n_total"]
    risk = []
    for p in LEVELS:
        if p <= 1 - rate:
            continue
        var = u + s / xi * (((1 - p) / rate) ** (-xi) - 1)
        es = var / (1 - xi) + (s - xi * u) / (1 - xi)
        risk.append({"p": p, "var": var, "es": es})
    o["risk_from_evd"] = risk
    o["data"] = sets[name][1].tolist() if name == "sim_negative_shape" else None

json.dump({
    "meta": {
        "generator": "scripts/refs/stats/evt.py (+ evt_r.R)",
        "command": "python3 scripts/refs/stats/evt.py > crates/stats/tests/fixtures/evt.json",
        "versions": f"R evd {r['evd']} ({r['R']}); scipy {scipy.__version__}, numpy {np.__version__}",
        "notes": "threshold = numpy.quantile(x, q) (linear); excesses x - u for x > u; evd fpot "
                 "with control reltol=1e-15, ndeps=1e-4 (1e-5 makes its numerical Hessian singular); scipy genpareto.fit(floc=0) with "
                 "fmin xtol=1e-13; VaR/ES = McNeil-Frey formulas on the evd estimates",
    },
    "sets": out,
}, sys.stdout, indent=0)
print()
