#!/usr/bin/env python3
"""References for multiple testing (R p.adjust) and isotonic regression / calibration
(R isoreg, scipy.optimize.isotonic_regression, scikit-learn IsotonicRegression).

p-values are real: two-sided one-sample t-tests of zero mean S&P 500 return in each of 250
consecutive 20-day windows (scipy.stats.ttest_1samp), plus small edge cases (ties, 0, 1).
Calibration data are real: score = 20-day momentum of the S&P 500 (rounded to 0.1% to create
ties), outcome = 1 if the next day's return is positive.

    python3 scripts/refs/stats/multitest_isotonic.py > crates/stats/tests/fixtures/multitest.json
"""
import json
import sys

import numpy as np
import scipy
import sklearn
from scipy import stats
from scipy.optimize import isotonic_regression
from sklearn.isotonic import IsotonicRegression

from series import run_r, series

ret = series()["sp500_returns"][1]
windows = [ret[i * 20:(i + 1) * 20] for i in range(250)]
p_real = [float(stats.ttest_1samp(w, 0.0).pvalue) for w in windows]
p_sets = {
    "sp500_window_ttests": p_real,
    "ties_and_bounds": [0.01, 0.04, 0.04, 0.0, 1.0, 0.2, 0.01, 0.5, 0.049, 0.2],
    "single": [0.03],
}

# Isotonic regression inputs: distinct x for R isoreg; weights for scipy.
rng = np.random.default_rng(7)
x_iso = np.arange(300, dtype=float)
y_iso = np.log1p(x_iso) + ret[:300]  # a noisy increasing curve on real noise
w_iso = rng.uniform(0.5, 3.0, size=300)
iso_sets = {"noisy_log_curve": {"x": x_iso.tolist(), "y": y_iso.tolist()}}
scipy_iso = {
    "unweighted_increasing": isotonic_regression(y_iso, increasing=True).x.tolist(),
    "weighted_increasing": isotonic_regression(y_iso, weights=w_iso, increasing=True).x.tolist(),
    "weighted_decreasing": isotonic_regression(y_iso, weights=w_iso, increasing=False).x.tolist(),
}

# Calibration: momentum score → P(next-day return > 0).
logp = np.log(np.exp(np.cumsum(ret / 100.0)))  # cumulative log return (index level up to a constant)
mom = np.array([logp[t] - logp[t - 20] for t in range(20, len(ret) - 1)])
score = np.round(100.0 * mom, 1)
outcome = (ret[21:len(ret)] > 0).astype(float)
assert len(score) == len(outcome)
train = slice(0, 3000)
test_scores = np.concatenate([score[3000:], [-1e3, 1e3, score[0]]])  # include out-of-range
ir = IsotonicRegression(out_of_bounds="clip", increasing=True).fit(score[train], outcome[train])
w_cal = rng.uniform(0.2, 2.0, size=3000)
irw = IsotonicRegression(out_of_bounds="clip", increasing=True).fit(
    score[train], outcome[train], sample_weight=w_cal)
calib = {
    "train_scores": score[train].tolist(), "train_outcomes": outcome[train].tolist(),
    "train_weights": w_cal.tolist(), "test_scores": test_scores.tolist(),
    "predict": ir.predict(test_scores).tolist(),
    "predict_weighted": irw.predict(test_scores).tolist(),
}

r = run_r("multitest_isotonic_r.R", {"p": p_sets, "iso": iso_sets})

out = {
    "meta": {
        "generator": "scripts/refs/stats/multitest_isotonic.py (+ multitest_isotonic_r.R)",
        "command": "python3 scripts/refs/stats/multitest_isotonic.py > crates/stats/tests/fixtures/multitest.json",
        "versions": f"{r['R'][0]}; scipy {scipy.__version__}; scikit-learn {sklearn.__version__}; "
                    f"numpy {np.__version__}",
        "data": "p-values: t-tests on 20-day windows of sp500 returns (sp500.csv); isotonic: "
                "log1p(0..299) + first 300 sp500 returns, weights uniform(0.5, 3) seed 7; "
                "calibration: 20-day momentum (percent, 1 decimal) vs next-day up move, first 3000 "
                "days train, the rest test",
    },
    "p_values": p_sets,
    "p_adjust": r["p_adjust"],
    "isotonic": {"y": y_iso.tolist(), "weights": w_iso.tolist(), "isoreg": r["isoreg"]["noisy_log_curve"],
                 "scipy": scipy_iso},
    "calibration": calib,
}
json.dump(out, sys.stdout)
print()
