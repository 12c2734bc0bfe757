#!/usr/bin/env python3
"""Reference top-of-book analytics for tachyon-book, computed with numpy from level lists
(no Tachyon code): spread, microprice and order-book imbalance over
the best n levels (float64).

    microprice = (bid * ask_qty + ask * bid_qty) / (bid_qty + ask_qty)
    imbalance(n) = (sum of the best n bid qtys - same for asks) / (their sum)

    python3 scripts/refs/book/analytics.py > crates/book/tests/fixtures/analytics_reference.json
"""
import json
import platform
import random

import numpy as np

SEED = 6
PS, QS = 2, 3


def book(rng: random.Random):
    mid = rng.randint(5_000, 2_000_000)  # price mantissa
    spread = rng.randint(1, 20)
    bid0 = mid - spread // 2 - 1
    ask0 = bid0 + spread
    nb, na = rng.randint(1, 40), rng.randint(1, 40)
    bids = sorted({bid0 - rng.randint(0, 500) for _ in range(nb)} | {bid0}, reverse=True)
    asks = sorted({ask0 + rng.randint(0, 500) for _ in range(na)} | {ask0})
    bids = [(p, rng.randint(1, 50_000)) for p in bids if p > 0]
    asks = [(p, rng.randint(1, 50_000)) for p in asks]
    return bids, asks


def main() -> None:
    rng = random.Random(SEED)
    cases = []
    for _ in range(200):
        bids, asks = book(rng)
        (bp, bq), (ap, aq) = bids[0], asks[0]
        b = np.array(bids, dtype=np.float64)
        a = np.array(asks, dtype=np.float64)
        micro = (b[0, 0] * a[0, 1] + a[0, 0] * b[0, 1]) / (b[0, 1] + a[0, 1]) / 10**PS
        imb = {}
        for n in (1, 3, 5, 10, 1000):
            sb, sa = b[:n, 1].sum(), a[:n, 1].sum()
            imb[str(n)] = float((sb - sa) / (sb + sa))
        cases.append(
            {
                "bids": bids,
                "asks": asks,
                "spread_mantissa": ap - bp,
                "microprice": float(micro),
                "imbalance": imb,
            }
        )
    out = {
        "meta": {
            "generator": "scripts/refs/book/analytics.py",
            "command": "python3 scripts/refs/book/analytics.py > crates/book/tests/fixtures/analytics_reference.json",
            "python": platform.python_version(),
            "numpy": np.__version__,
            "seed": SEED,
            "scales": {"price": PS, "qty": QS},
            "data": "synthetic: 200 seeded random books (1-40 levels per side, mantissas)",
        },
        "cases": cases,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
