#!/usr/bin/env python3
"""Independent VPIN reference (no VPIN library exists on PyPI/CRAN that we can pin): VPIN of
Easley, Lopez de Prado & O'Hara (2012) computed with a different algorithm from tachyon's
streaming bucket filler — bucket membership by interval overlap of cumulative volumes
(numpy.searchsorted) — and scipy's normal CDF, on arch's S&P 500 daily bars.

  bars      price = Adj Close, volume = Volume / 1e6; the first bar only primes the price
  BVC       buy fraction of bar i = Phi(dP_i / sigma), sigma = population sd of all dP (full sample)
  buckets   V_b = total bucketed volume / 250; bucket k covers cumulative volume [k V_b, (k+1) V_b)
  VPIN      mean over the last n = 50 complete buckets of |V_b - 2 B_k| / V_b

Writes crates/models/tests/fixtures/vpin_sp500.json.
Run:  python3 scripts/refs/models/vpin_numpy.py
"""
import json
import os
import platform

import numpy as np
import scipy
from arch.data import sp500
from scipy.stats import norm

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
FIX = os.path.join(ROOT, "crates", "models", "tests", "fixtures")


def main() -> None:
    d = sp500.load()
    price = d["Adj Close"].to_numpy()
    vol = d["Volume"].to_numpy() / 1e6
    dp = np.diff(price)
    sigma = float(np.std(dp))
    frac = norm.cdf(dp / sigma)
    v = vol[1:]
    vb = float(v.sum() / 250.0)
    cum = np.concatenate([[0.0], np.cumsum(v)])  # bar i covers [cum[i], cum[i+1])
    nb = int(np.floor(cum[-1] / vb + 1e-12))
    buy = np.zeros(nb)
    for k in range(nb):
        lo, hi = k * vb, (k + 1) * vb
        i0 = np.searchsorted(cum, lo, side="right") - 1
        i1 = np.searchsorted(cum, hi, side="left") - 1
        for i in range(max(i0, 0), min(i1, len(v) - 1) + 1):
            overlap = min(hi, cum[i + 1]) - max(lo, cum[i])
            if overlap > 0:
                buy[k] += overlap * frac[i]
    imb = np.abs(vb - 2.0 * buy)
    n = 50
    vpin = np.full(nb, np.nan)
    for k in range(n - 1, nb):
        vpin[k] = imb[k - n + 1:k + 1].sum() / (n * vb)
    out = {
        "generator": "scripts/refs/models/vpin_numpy.py",
        "command": "python3 scripts/refs/models/vpin_numpy.py",
        "packages": {"numpy": np.__version__, "scipy": scipy.__version__,
                     "python": platform.python_version()},
        "data": "arch.data.sp500 daily bars: price = Adj Close, volume = Volume / 1e6",
        "conventions": __doc__,
        "price": price.tolist(),
        "volume": vol.tolist(),
        "bucket_volume": vb,
        "window": n,
        "sigma": sigma,
        "buckets": nb,
        "buy_volume": buy.tolist(),
        "vpin": [None if np.isnan(x) else float(x) for x in vpin],
    }
    with open(os.path.join(FIX, "vpin_sp500.json"), "w") as f:
        json.dump(out, f)
    print(nb, sigma, vb, np.nanmax(vpin), np.nanmean(vpin))


if __name__ == "__main__":
    main()
