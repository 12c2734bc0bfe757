#!/usr/bin/env python3
"""Gaussian HMM references from hmmlearn (GaussianHMM, covariance_type="diag") on real
returns, all from identical starting parameters (init_params="", covars_prior=0, flat
Dirichlet priors, so its M-step is the plain maximum-likelihood update):

- score (log-likelihood), posteriors (predict_proba) and filtered probabilities (the scaled
  forward lattice) at the starting parameters;
- Viterbi path and log-probability (decode);
- parameters after 1 and after 200 EM updates (n_iter=k, tol=-inf), and their score;
- a fit run to convergence (n_iter=5000, tol=1e-10) and its score, path.

    python3 scripts/refs/stats/hmm.py > crates/stats/tests/fixtures/hmm.json
"""
import json
import sys
import warnings

import hmmlearn
import numpy as np
from hmmlearn import hmm

from series import nasdaq_returns, series

warnings.filterwarnings("ignore")
sp = series()["sp500_returns"][1]
nq = nasdaq_returns()
EVERY = 25  # posteriors / filter rows stored: every 25th observation and the last one

cases = {
    "sp500_k2": (sp[:, None], {
        "start": [0.5, 0.5], "trans": [[0.95, 0.05], [0.05, 0.95]],
        "means": [[0.1], [-0.1]], "vars": [[0.5], [3.0]]}),
    "sp500_k3": (sp[:, None], {
        "start": [0.4, 0.3, 0.3], "trans": [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]],
        "means": [[0.1], [0.0], [-0.2]], "vars": [[0.4], [1.2], [5.0]]}),
    "sp500_nasdaq_k2": (np.column_stack([sp, nq]), {
        "start": [0.5, 0.5], "trans": [[0.97, 0.03], [0.04, 0.96]],
        "means": [[0.1, 0.1], [-0.1, -0.1]], "vars": [[0.5, 0.8], [3.0, 5.0]]}),
}


def model(p, n_iter, tol, impl="log"):
    m = hmm.GaussianHMM(len(p["start"]), covariance_type="diag", n_iter=n_iter, tol=tol,
                        init_params="", covars_prior=0.0, covars_weight=1.0, means_weight=0.0,
                        implementation=impl)
    m.startprob_ = np.array(p["start"], dtype=float)
    m.transmat_ = np.array(p["trans"], dtype=float)
    m.means_ = np.array(p["means"], dtype=float)
    m.covars_ = np.array(p["vars"], dtype=float)
    return m


def params(m):
    return {"start": m.startprob_.tolist(), "trans": m.transmat_.ravel().tolist(),
            "means": m.means_.ravel().tolist(),
            "vars": np.array([np.diag(c) for c in m.covars_]).ravel().tolist()}


rows = lambda n: sorted(set(range(0, n, EVERY)) | {n - 1})
out = {}
for name, (X, p) in cases.items():
    n = len(X)
    m0 = model(p, 1, -np.inf)
    logprob, path = m0.decode(X, algorithm="viterbi")
    post = m0.predict_proba(X)
    _, _, _, fwd, _ = model(p, 1, -np.inf, "scaling")._fit_scaling(X)
    r = rows(n)
    case = {
        "features": X.shape[1], "start_params": params(m0),
        "score": float(m0.score(X)),
        "viterbi": {"log_prob": float(logprob), "path": "".join(map(str, path))},
        "posterior_rows": r, "posteriors": post[r].ravel().tolist(), "filtered": fwd[r].ravel().tolist(),
    }
    for k in [1, 200]:
        mk = model(p, k, -np.inf).fit(X)
        case[f"em_{k}"] = {"params": params(mk), "score": float(mk.score(X))}
    mc = model(p, 5000, 1e-10).fit(X)
    lp, path = mc.decode(X)
    case["converged"] = {"params": params(mc), "score": float(mc.score(X)),
                         "iterations": int(mc.monitor_.iter), "viterbi_log_prob": float(lp),
                         "viterbi_path": "".join(map(str, path))}
    out[name] = case

json.dump({
    "meta": {
        "generator": "scripts/refs/stats/hmm.py",
        "command": "python3 scripts/refs/stats/hmm.py > crates/stats/tests/fixtures/hmm.json",
        "versions": f"hmmlearn {hmmlearn.__version__}, numpy {np.__version__}",
        "data": "sp500_*: 100*diff(log(adj_close)) of sp500.csv (5030 x 1); sp500_nasdaq_k2: "
                "columns sp500 and nasdaq.csv returns (5030 x 2)",
        "layout": "trans k*k, means and vars k*d row-major; posteriors/filtered rows listed in "
                  "posterior_rows, k values each",
    },
    "cases": out,
}, sys.stdout)
print()
