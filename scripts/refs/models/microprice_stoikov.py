#!/usr/bin/env python3
"""Reference fixture for Stoikov's micro-price: a pandas port of the estimation procedure
published with Stoikov (2018), "The micro-price: a high-frequency estimator of future prices"
(prep_data_sym / estimate in the paper's companion notebook), run on a synthetic quote process
defined with integer arithmetic so that tachyon's Rust test regenerates the same quotes
(tachyon_models::microprice::synthetic_quotes).

Procedure (as published): spread in ticks, mid, imbalance bs/(bs+as); pd.qcut of the
imbalance into n_imb buckets; next state dt rows later; dM rounded to half ticks, |dM| <= 1.1
tick; symmetrised by mirroring buckets and dM; pivot-table counts; Q, R1 from [Q|R1],
R2 from [Q|R2]; G1 = (I-Q)^-1 R1 K, B = (I-Q)^-1 R2; G* = sum_k B^k G1 — iterated here to
convergence (the notebook stops at B^5).

Writes crates/models/tests/fixtures/microprice_stoikov.json.
Run:  python3 scripts/refs/models/microprice_stoikov.py
"""
import json
import os
import platform

import numpy as np
import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
FIX = os.path.join(ROOT, "crates", "models", "tests", "fixtures")
M64 = (1 << 64) - 1


def synthetic_quotes(n, seed):
    x = seed
    bid, spread, bq, aq = 10_000, 1, 5, 5
    rows = []
    for _ in range(n):
        rows.append((bid * 0.01, (bid + spread) * 0.01, float(bq), float(aq)))
        x = (x * 6364136223846793005 + 1442695040888963407) & M64
        r = x >> 33
        ev = r % 100
        v = r // 100
        up = v % (bq + aq) < bq
        if ev < 30:
            bq = max(bq + v % 5 - 2, 1)
        elif ev < 60:
            aq = max(aq + v % 5 - 2, 1)
        elif ev < 70:
            if spread == 1:
                if not up:
                    bid -= 1
                spread = 2
            else:
                if up:
                    bid += 1
                spread = 1
            bq = 1 + v % 9
            aq = 1 + (v // 9) % 9
        elif ev < 80:
            bid += 1 if up else -1
            bq = 1 + v % 9
            aq = 1 + (v // 9) % 9
    return pd.DataFrame(rows, columns=["bid", "ask", "bs", "as"])


def prep_data_sym(T, n_imb, dt, n_spread, ticksize):
    T = T.copy()
    T["spread"] = np.round((T["ask"] - T["bid"]) / ticksize) * ticksize
    T["mid"] = (T["bid"] + T["ask"]) / 2
    T = T.loc[(T.spread <= n_spread * ticksize + 1e-12) & (T.spread > 0)].copy()
    T["spread"] = np.round(T["spread"] / ticksize).astype(int)
    T["imb"] = T["bs"] / (T["bs"] + T["as"])
    T["imb_bucket"], edges = pd.qcut(T["imb"], n_imb, labels=False, retbins=True)
    T["next_mid"] = T["mid"].shift(-dt)
    T["next_spread"] = T["spread"].shift(-dt)
    T["next_imb_bucket"] = T["imb_bucket"].shift(-dt)
    T["dM"] = np.round((T["next_mid"] - T["mid"]) / ticksize * 2)
    T = T.loc[(T.dM <= 2.2) & (T.dM >= -2.2)].copy()
    pairs = len(T)
    T2 = T.copy()
    T2["imb_bucket"] = n_imb - 1 - T2["imb_bucket"]
    T2["next_imb_bucket"] = n_imb - 1 - T2["next_imb_bucket"]
    T2["dM"] = -T2["dM"]
    T3 = pd.concat([T, T2], ignore_index=True)
    T3["t"] = 1
    return T3, edges, pairs


def estimate(T, n_imb, n_spread, ticksize):
    p = n_imb * n_spread
    states = pd.MultiIndex.from_product([range(1, n_spread + 1), range(n_imb)], names=["spread", "imb_bucket"])
    no_move = T[T["dM"] == 0]
    qc = no_move.pivot_table(index=["spread", "imb_bucket"], columns="next_imb_bucket", values="t",
                             aggfunc="count", fill_value=0).reindex(index=states, columns=range(n_imb), fill_value=0)
    Q_counts = np.zeros((p, p))
    for s in range(n_spread):
        Q_counts[s * n_imb:(s + 1) * n_imb, s * n_imb:(s + 1) * n_imb] = qc.to_numpy()[s * n_imb:(s + 1) * n_imb]
    move = T[T["dM"] != 0]
    R_counts = move.pivot_table(index=["spread", "imb_bucket"], columns="dM", values="t", aggfunc="count",
                                fill_value=0).reindex(index=states, columns=[-2.0, -1.0, 1.0, 2.0], fill_value=0).to_numpy()
    nexts = pd.MultiIndex.from_product([range(1, n_spread + 1), range(n_imb)], names=["next_spread", "next_imb_bucket"])
    R2_counts = move.pivot_table(index=["spread", "imb_bucket"], columns=["next_spread", "next_imb_bucket"], values="t",
                                 aggfunc="count", fill_value=0).reindex(index=states, columns=nexts, fill_value=0).to_numpy()
    T1 = np.concatenate((Q_counts, R_counts), axis=1).astype(float)
    T1 = T1 / T1.sum(axis=1, keepdims=True)
    Q = T1[:, :p]
    R1 = T1[:, p:]
    K = np.array([-1.0, -0.5, 0.5, 1.0]) * ticksize
    T2 = np.concatenate((Q_counts, R2_counts), axis=1).astype(float)
    T2 = T2 / T2.sum(axis=1, keepdims=True)
    R2 = T2[:, p:]
    inv = np.linalg.inv(np.eye(p) - Q)
    G1 = inv @ R1 @ K
    B = inv @ R2
    G = G1.copy()
    for it in range(100000):
        nxt = G1 + B @ G
        if np.max(np.abs(nxt - G)) <= 1e-15 * max(ticksize, np.max(np.abs(G1))):
            G = nxt
            break
        G = nxt
    return G1, G, it + 2


def main():
    n, seed, tick, n_imb, n_spread, dt = 100_000, 7, 0.01, 5, 2, 1
    quotes = synthetic_quotes(n, seed)
    T, edges, pairs = prep_data_sym(quotes, n_imb, dt, n_spread, tick)
    G1, G, iters = estimate(T, n_imb, n_spread, tick)
    out = {
        "generator": "scripts/refs/models/microprice_stoikov.py",
        "command": "python3 scripts/refs/models/microprice_stoikov.py",
        "packages": {"pandas": pd.__version__, "numpy": np.__version__, "python": platform.python_version()},
        "data": f"synthetic_quotes(n={n}, seed={seed}) (integer LCG; same in tachyon_models::microprice)",
        "conventions": __doc__,
        "n": n, "seed": seed, "tick": tick, "n_imbalance": n_imb, "n_spread": n_spread, "dt": dt,
        "edges": [float(e) for e in edges],
        "pairs": int(pairs),
        "first_move": [float(v) for v in G1],
        "adjustment": [float(v) for v in G],
        "iterations": int(iters),
        "quote_checksum": [float(quotes["bid"].sum()), float(quotes["ask"].sum()), float(quotes["bs"].sum()), float(quotes["as"].sum())],
    }
    with open(os.path.join(FIX, "microprice_stoikov.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(edges, pairs, G, iters)


if __name__ == "__main__":
    main()
