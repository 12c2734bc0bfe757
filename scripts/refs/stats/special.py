#!/usr/bin/env python3
"""Reference values for tachyon_stats::special.

Exact values come from mpmath at 50 significant digits (rounded once to double); scipy's
values are recorded beside them so the fixture also shows how far scipy itself is from exact.
The Rust tests compare against the mpmath column.

    python3 scripts/refs/stats/special.py > crates/stats/tests/fixtures/special.json
"""
import json
import platform
import sys

import mpmath as mp
import numpy as np
import scipy
from scipy import special as sp
from scipy import stats as st

mp.mp.dps = 50


def fl(v):
    v = mp.mpf(v) if not isinstance(v, mp.mpf) else v
    if mp.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float(v)


def sci(v):
    v = float(v)
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    if np.isnan(v):
        return "nan"
    return v


M = lambda x: mp.mpf(float(x))  # exact value of the double argument


def betainc(a, b, x):
    """Regularized I_x(a, b) (mpmath)."""
    return mp.betainc(mp.mpf(a), mp.mpf(b), 0, mp.mpf(x), regularized=True)


def log_beta_prefix(a, b, x):
    """ln(x^a (1-x)^b / B(a, b)): below ln(1e-290) the value underflows a double."""
    a, b, x = M(a), M(b), M(x)
    return a * mp.log(x) + b * mp.log(1 - x) - mp.log(mp.beta(a, b))


cases = {}


def add(name, args, exact, scipy_val):
    if exact != 0 and abs(exact) < mp.mpf("1e-300"):
        return  # subnormal results: no relative accuracy to test (documented in special.rs)
    cases.setdefault(name, []).append({"args": [float(a) for a in args], "exact": fl(exact),
                                        "scipy": sci(scipy_val)})


# ln_gamma
for x in [1e-300, 1e-10, 1e-3, 0.1, 0.3, 0.5, 0.9, 0.99, 0.999999, 1.0, 1.000001, 1.01, 1.2, 1.4616,
          1.5, 1.7, 1.99, 1.999999, 2.0, 2.000001, 2.01, 2.3, 2.5, 3.0, 3.7, 5.5, 7.25, 10.0, 12.9,
          13.0, 13.5, 20.0, 50.5, 100.0, 171.3, 1e3, 1e5, 1e10, 1e15, 1e100, 1e300,
          -0.5, -1.5, -2.3, -7.9, -10.1, -100.5]:
    add("ln_gamma", [x], mp.log(abs(mp.gamma(M(x)))), sp.gammaln(x))

# digamma
for x in [1e-8, 1e-3, 0.1, 0.5, 0.9, 1.0, 1.2, 1.3, 1.4, 1.46, 1.4616321449683622, 1.47, 1.5, 1.6,
          1.7, 2.0, 2.5, 3.3, 5.0, 9.9, 11.99, 12.0, 15.5, 100.0, 1e5, 1e10, -0.5, -1.25, -3.7,
          -20.2]:
    add("digamma", [x], mp.digamma(M(x)), sp.digamma(x))

# erf / erfc
for x in [-6.0, -3.0, -1.5, -0.5, -1e-5, 1e-300, 1e-10, 0.001, 0.1, 0.5, 0.7, 0.71, 0.9, 1.0, 1.05,
          1.06, 1.07, 1.2, 1.4, 1.414, 1.42, 1.6, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0]:
    add("erf", [x], mp.erf(M(x)), sp.erf(x))
for x in [float(v) for v in np.linspace(-5.9, 27.0, 117)] + [
          -6.0, -3.0, -1.5, -0.5, -1e-5, 0.0, 1e-10, 0.001, 0.1, 0.5, 0.7, 0.71, 0.9, 1.0, 1.05,
          1.06, 1.07, 1.2, 1.4, 1.414, 1.42, 1.6, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0, 25.0, 26.5]:
    add("erfc", [x], mp.erfc(M(x)), sp.erfc(x))

# normal
for x in [-37.0, -30.0, -20.0, -10.0, -8.0, -5.0, -3.0, -2.01, -2.0, -1.99, -1.959963984540054,
          -1.8, -1.51, -1.5, -1.49, -1.4, -1.2, -1.01, -1.0, -0.99, -0.8, -0.3, 0.0, 0.3, 0.99, 1.0,
          1.01, 1.2, 1.49, 1.5, 1.51, 1.99, 2.0, 2.01,
          3.0, 5.0, 8.0] + [float(v) for v in np.linspace(-38.3, 8.3, 233)]:
    add("norm_cdf", [x], mp.ncdf(M(x)), st.norm.cdf(x))
    add("norm_sf", [x], 1 - mp.ncdf(M(x)), st.norm.sf(x))
    add("norm_pdf", [x], mp.npdf(M(x)), st.norm.pdf(x))
    add("norm_logpdf", [x], mp.log(mp.npdf(M(x))), st.norm.logpdf(x))
for p in [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4,
          0.45, 0.49, 0.5, 0.51, 0.6, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 0.99999, 1 - 1e-12]:
    add("norm_ppf", [p], mp.sqrt(2) * mp.erfinv(2 * M(p) - 1) if p > 1e-20 else
        mp.findroot(lambda z: mp.ncdf(z) - M(p), float(st.norm.ppf(p))), st.norm.ppf(p))

# incomplete gamma
for a in [0.1, 0.5, 1.0, 2.5, 10.0, 30.5, 100.0, 1000.0, 1e4]:
    for f in [1e-3, 0.1, 0.5, 0.9, 0.99, 1.0, 1.01, 1.1, 1.5, 2.0, 3.0, 5.0, 20.0]:
        x = a * f
        if a >= 100 and f >= 3:
            continue  # underflow region for large a
        P = mp.gammainc(M(a), 0, M(x), regularized=True)
        Q = mp.gammainc(M(a), M(x), mp.inf, regularized=True)
        add("gamma_p", [a, x], P, sp.gammainc(a, x))
        add("gamma_q", [a, x], Q, sp.gammaincc(a, x))

# incomplete beta
for a, b in [(0.5, 0.5), (0.5, 3.0), (2.0, 3.0), (1.0, 1.0), (5.0, 0.7), (10.0, 20.0),
             (50.0, 50.0), (200.0, 3.5), (0.5, 500.0), (1e3, 1e3), (5e5, 0.5)]:
    mean = a / (a + b)
    for x in sorted({1e-4, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, mean * 0.9, mean, min(mean * 1.05, 0.9999),
                     1 - (1 - mean) * 0.5}):
        if x <= 0 or x >= 1:
            continue
        if log_beta_prefix(a, b, x) < mp.log(mp.mpf("1e-280")):
            continue
        v = betainc(M(a), M(b), M(x))
        if v < mp.mpf("1e-290"):
            continue
        add("beta_inc", [a, b, x], v, sp.betainc(a, b, x))

# chi-square
for k in [1.0, 2.0, 3.0, 5.0, 10.0, 40.0, 100.0, 1000.0]:
    for f in [0.01, 0.2, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0]:
        x = k * f
        a, xx = M(k) / 2, M(x) / 2
        P = mp.gammainc(a, 0, xx, regularized=True)
        Q = mp.gammainc(a, xx, mp.inf, regularized=True)
        if Q < mp.mpf("1e-290"):
            continue
        add("chi2_cdf", [x, k], P, st.chi2.cdf(x, k))
        add("chi2_sf", [x, k], Q, st.chi2.sf(x, k))

# Student t


def t_cdf_exact(x, nu):
    x, nu = M(x), M(nu)
    tail = betainc(nu / 2, mp.mpf(1) / 2, nu / (nu + x * x)) / 2
    return tail if x < 0 else 1 - tail


def t_logpdf_exact(x, nu):
    x, nu = M(x), M(nu)
    return (mp.loggamma((nu + 1) / 2) - mp.loggamma(nu / 2) - mp.log(nu * mp.pi) / 2
            - (nu + 1) / 2 * mp.log(1 + x * x / nu))


for nu in [0.5, 1.0, 2.0, 3.0, 4.5, 7.0, 30.0, 250.0, 1e4, 1e6]:
    for x in [-1e3, -20.0, -5.0, -2.0, -1.0, -0.1, 0.0, 0.1, 1.0, 2.0, 5.0, 20.0]:
        add("t_cdf", [x, nu], t_cdf_exact(x, nu), st.t.cdf(x, nu))
        add("t_logpdf", [x, nu], t_logpdf_exact(x, nu), st.t.logpdf(x, nu))
        add("t_pdf", [x, nu], mp.exp(t_logpdf_exact(x, nu)), st.t.pdf(x, nu))
    for p in [1e-15, 1e-6, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999, 1 - 1e-9]:
        start = float(st.t.ppf(p, nu))
        if p == 0.5:
            exact = mp.mpf(0)
        else:
            # Solve in the tail of the smaller probability for accuracy.
            q = M(p) if p < 0.5 else 1 - M(p)
            f = lambda t: betainc(M(nu) / 2, mp.mpf(1) / 2, M(nu) / (M(nu) + t * t)) / 2 - q
            t = mp.findroot(f, abs(start) if start != 0 else 1.0, tol=mp.mpf(10) ** -45)
            exact = -abs(t) if p < 0.5 else abs(t)
        add("t_ppf", [p, nu], exact, st.t.ppf(p, nu))

meta = {
    "generator": "scripts/refs/stats/special.py",
    "command": "python3 scripts/refs/stats/special.py > crates/stats/tests/fixtures/special.json",
    "exact": f"mpmath {mp.__version__} at {mp.mp.dps} digits, rounded once to double",
    "scipy": f"scipy {scipy.__version__}, numpy {np.__version__}",
    "python": platform.python_version(),
    "fields": "args (function arguments in Rust order), exact (mpmath), scipy",
}
json.dump({"meta": meta, "cases": cases}, sys.stdout, indent=0)
print()
