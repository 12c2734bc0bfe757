#!/usr/bin/env python3
"""Reference values for tachyon_stats::linalg: numpy/LAPACK factorisations of seeded random
matrices and statsmodels OLS on the Longley data (the NIST StRD ill-conditioned regression,
bundled with statsmodels).

    python3 scripts/refs/stats/linalg.py > crates/stats/tests/fixtures/linalg.json
"""
import json
import platform
import sys

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm

rng = np.random.default_rng(20240611)
out = {"spd": [], "sym": [], "ols": []}

for n in [3, 10, 50]:
    g = rng.standard_normal((n, n + 5))
    a = g @ g.T / (n + 5) + 0.1 * np.eye(n)
    b = rng.standard_normal(n)
    l = np.linalg.cholesky(a)
    sign, logdet = np.linalg.slogdet(a)
    out["spd"].append({
        "n": n, "a": a.ravel().tolist(), "b": b.tolist(), "l": l.ravel().tolist(),
        "solve": np.linalg.solve(a, b).tolist(), "inverse": np.linalg.inv(a).ravel().tolist(),
        "log_det": float(logdet),
    })

for n in [2, 5, 20, 50]:
    g = rng.standard_normal((n, n))
    a = (g + g.T) / 2
    w, v = np.linalg.eigh(a)
    out["sym"].append({"n": n, "a": a.ravel().tolist(), "values": w.tolist()})

# OLS on Longley (NIST StRD "Longley", higher difficulty): y = TOTEMP, X = const + 6 columns.
d = sm.datasets.longley.load_pandas()
x = sm.add_constant(d.exog).to_numpy()
y = d.endog.to_numpy()
res = sm.OLS(y, x).fit()
out["ols"].append({
    "name": "longley", "source": "statsmodels.datasets.longley (NIST StRD Longley)",
    "rows": x.shape[0], "cols": x.shape[1], "x": x.ravel().tolist(), "y": y.tolist(),
    "coef": res.params.tolist(), "std_errors": res.bse.tolist(), "rss": float(res.ssr),
    "llf": float(res.llf), "sigma2": float(res.scale),
    "xtx_inv": res.normalized_cov_params.ravel().tolist(),
})
# OLS on a simulated regression with a trend (the ADF design).
n = 300
t = np.arange(1, n + 1, dtype=float)
z = rng.standard_normal(n)
x = np.column_stack([np.ones(n), t, z, np.roll(z, 1)])
y = 0.3 + 0.01 * t + 0.5 * z - 0.2 * x[:, 3] + rng.standard_normal(n)
res = sm.OLS(y, x).fit()
out["ols"].append({
    "name": "trend", "source": "numpy default_rng(20240611) simulation",
    "rows": n, "cols": 4, "x": x.ravel().tolist(), "y": y.tolist(),
    "coef": res.params.tolist(), "std_errors": res.bse.tolist(), "rss": float(res.ssr),
    "llf": float(res.llf), "sigma2": float(res.scale),
    "xtx_inv": res.normalized_cov_params.ravel().tolist(),
})

out["meta"] = {
    "generator": "scripts/refs/stats/linalg.py",
    "command": "python3 scripts/refs/stats/linalg.py > crates/stats/tests/fixtures/linalg.json",
    "versions": f"numpy {np.__version__}, scipy {scipy.__version__}, statsmodels {statsmodels.__version__}",
    "python": platform.python_version(),
}
json.dump(out, sys.stdout)
print()
