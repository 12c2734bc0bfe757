"""Independent reference for tachyon-signals' fusion and ensemble formulas.

Usage: python3 scripts/refs/signals/fusion_ensemble_ref.py <out.json>

Implements the formulas documented in crates/signals/src/fusion.rs and ensemble.rs with
numpy/scipy building blocks (scipy.special.logit/expit for log-odds, scipy.stats.beta for the
Beta moments, scipy.optimize.isotonic_regression to fit calibration knots, numpy.interp to
apply them) on random scenarios drawn from a fixed seed, and writes inputs and expected
outputs as JSON.
"""
import json
import sys

import numpy as np
import scipy
from scipy import optimize, special, stats

rng = np.random.default_rng(20261121)
METHODS = ["bayesian", "consensus", "timeDecay", "hybrid"]


def fuse(method, p, hits, misses, sig):
    n = len(sig)
    acc = (p["priorHits"] + hits) / (p["priorHits"] + p["priorMisses"] + hits + misses)
    d = np.array([s[0] for s in sig], float)
    c = np.array([s[1] for s in sig], float)
    age = np.array([s[2] for s in sig], float)
    active = (d != 0) & (c > 0)
    k = int(active.sum())
    contrib = np.zeros(n)
    none = dict(direction=0, confidence=0.0, score=0.0, participants=k, contributions=contrib.tolist())
    if k == 0:
        return none
    q = 0.5 + (acc - 0.5) * c
    ev = np.clip(d * special.logit(q), -p["maxLogit"], p["maxLogit"])
    decay = 0.5 ** (age / p["halfLife"])
    if method == "bayesian":
        contrib[active] = ev[active]
        L = contrib.sum()
        return dict(direction=int(np.sign(L)), confidence=abs(2 * special.expit(L) - 1), score=L,
                    participants=k, contributions=contrib.tolist())
    if method == "consensus":
        if k < p["quorum"]:
            return none
        contrib[active] = d[active] / k
        up = int((d[active] > 0).sum())
        down = k - up
        share = max(up, down) / k
        score = (up - down) / k
        if share > p["majority"]:
            return dict(direction=1 if up > down else -1, confidence=2 * share - 1, score=score,
                        participants=k, contributions=contrib.tolist())
        none.update(score=score, contributions=contrib.tolist())
        return none
    if method == "timeDecay":
        total = c[active].sum()
        contrib[active] = c[active] * decay[active] * d[active] / total
        S = contrib.sum()
        return dict(direction=int(np.sign(S)), confidence=min(abs(S), 1.0), score=S,
                    participants=k, contributions=contrib.tolist())
    # hybrid
    if k < p["quorum"]:
        return none
    contrib[active] = ev[active] * decay[active]
    L = contrib.sum()
    s = np.sign(L)
    tot = np.abs(contrib).sum()
    agree = np.abs(contrib[(np.sign(contrib) == s) & (s != 0)]).sum() / tot if tot > 0 else 0.0
    return dict(direction=int(s), confidence=abs(2 * special.expit(L) - 1) * agree, score=L,
                participants=k, contributions=contrib.tolist())


fusion_cases = []
for case in range(240):
    method = METHODS[case % 4]
    n = int(rng.integers(1, 9))
    p = dict(priorHits=float(rng.choice([1.0, 2.0, 0.5])), priorMisses=float(rng.choice([1.0, 3.0])),
             memory=float(rng.choice([1.0, 0.95, 0.8])), quorum=int(rng.integers(1, n + 1)),
             majority=float(rng.choice([0.5, 0.6, 2 / 3])), halfLife=float(rng.choice([1.0, 5.0, 30.0])),
             maxLogit=float(rng.choice([4.59511985013459, 2.0, 10.0])))
    # Track record: a sequence of (source, correct) outcomes, each source with its own skill.
    skill = rng.uniform(0.3, 0.8, n)
    outcomes = []
    hits = np.zeros(n)
    misses = np.zeros(n)
    for _ in range(int(rng.integers(0, 60))):
        i = int(rng.integers(0, n))
        ok = bool(rng.random() < skill[i])
        outcomes.append([i, ok])
        hits[i] = p["memory"] * hits[i] + (1.0 if ok else 0.0)
        misses[i] = p["memory"] * misses[i] + (0.0 if ok else 1.0)
    sig = []
    for i in range(n):
        dirn = int(rng.choice([-1, 0, 1], p=[0.4, 0.2, 0.4]))
        conf = float(rng.choice([0.0, 1.0, rng.uniform(0, 1)], p=[0.1, 0.2, 0.7]))
        age = float(rng.choice([0.0, rng.uniform(0, 50)]))
        sig.append([dirn, conf, age])
    fusion_cases.append(dict(method=method, sources=n, params=p, outcomes=outcomes, signals=sig,
                             expected=fuse(method, p, hits, misses, sig)))

# Calibration knots: isotonic regression of outcomes on raw probabilities of a miscalibrated
# forecaster (true P(up) = raw^1.5), fitted with scipy, de-duplicated on x.
raw = np.sort(rng.uniform(0.05, 0.95, 400))
y = (rng.random(400) < raw ** 1.5).astype(float)
fit = optimize.isotonic_regression(y).x
xs, idx = np.unique(raw, return_index=True)
knots = dict(xs=xs.tolist(), ys=np.clip(fit[idx], 0, 1).tolist())
knots["ys"] = np.maximum.accumulate(knots["ys"]).tolist()


def combine(weights, regimes, penalty, fc, pi, knots):
    a = np.array([f[0] for f in fc])
    b = np.array([f[1] for f in fc])
    mu = stats.beta.mean(a, b)
    var = stats.beta.var(a, b)
    w = np.array(weights, float)
    if regimes:
        w = w * (np.array(pi) @ np.array(regimes))
    w = w / w.sum()
    m = float(w @ mu)
    spread = float(w @ (mu - m) ** 2)
    V = spread + float(w @ var)
    kappa = m * (1 - m) / V - 1 if V > 0 else float("nan")
    alpha, beta = (m * kappa, (1 - m) * kappa) if kappa > 0 else (None, None)
    d = min(1.0, 2 * np.sqrt(spread))
    pr = float(np.interp(m, knots["xs"], knots["ys"])) if knots else m
    direction = 1 if pr > 0.5 else (-1 if pr < 0.5 else 0)
    conf = max(0.0, abs(2 * pr - 1) * (1 - penalty * d))
    return dict(direction=direction, confidence=conf, probability=pr, rawProbability=m,
                disagreement=d, alpha=alpha, beta=beta, weights=w.tolist())


ensemble_cases = []
for case in range(120):
    m = int(rng.integers(1, 7))
    K = int(rng.choice([0, 2, 3]))
    weights = rng.uniform(0.1, 2.0, m).tolist()
    regimes = rng.uniform(0.0, 1.5, (K, m)).tolist() if K else []
    pi = rng.dirichlet(np.ones(K)).tolist() if K else None
    penalty = float(rng.choice([0.0, 0.5, 1.0]))
    fc = [[float(rng.uniform(0.5, 40)), float(rng.uniform(0.5, 40))] for _ in range(m)]
    kn = knots if case % 3 == 0 else None
    ensemble_cases.append(dict(weights=weights, regimeWeights=regimes, penalty=penalty, forecasts=fc,
                               regime=pi, calibrated=kn is not None,
                               expected=combine(weights, regimes, penalty, fc, pi, kn)))

meta = dict(python=sys.version.split()[0], numpy=np.__version__, scipy=scipy.__version__,
            command="python3 scripts/refs/signals/fusion_ensemble_ref.py crates/signals/tests/fixtures/fusion_ensemble.json",
            seed=20261121)
json.dump(dict(meta=meta, knots=knots, fusion=fusion_cases, ensemble=ensemble_cases),
          open(sys.argv[1], "w"), indent=1)
