#!/usr/bin/env python3
"""Reference splits for tachyon-backtest's `split` module.

- Walk-forward: scikit-learn's TimeSeriesSplit(n_splits, test_size, gap, max_train_size), for
  sizes where it coincides with windows moving forward from the start (see split.rs docs).
- Purged k-fold: López de Prado, Advances in Financial Machine Learning (2018), snippet 7.3
  `PurgedKFold.split`, transcribed below with pandas (times as a DatetimeIndex-like integer
  index, t1 as the label end times).

Usage: python3 scripts/refs/backtest/splits_sklearn_afml.py > crates/backtest/tests/fixtures/splits.json
"""
import json
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.model_selection import TimeSeriesSplit


def afml_purged_kfold(t1: pd.Series, n_splits: int, pct_embargo: float):
    """Snippet 7.3 (PurgedKFold.split), with X = t1's index."""
    indices = np.arange(len(t1))
    mbrg = int(len(t1) * pct_embargo)
    test_starts = [(i[0], i[-1] + 1) for i in np.array_split(np.arange(len(t1)), n_splits)]
    out = []
    for i, j in test_starts:
        t0 = t1.index[i]  # start of test set
        test_indices = indices[i:j]
        max_t1_idx = t1.index.searchsorted(t1.iloc[test_indices].max())
        train_indices = t1.index.searchsorted(t1[t1 <= t0].index)
        if max_t1_idx < len(t1):  # right train (with embargo)
            train_indices = np.concatenate((train_indices, indices[max_t1_idx + mbrg:]))
        out.append({"train": sorted(set(int(x) for x in train_indices)), "test": [int(i), int(j)]})
    return out


def main():
    wf = []
    for n, train, test, gap, rolling in [(100, 40, 10, 0, True), (100, 40, 10, 0, False), (103, 20, 7, 6, True), (61, 11, 5, 0, False)]:
        assert (n - train - gap) % test == 0
        k = (n - train - gap) // test
        tss = TimeSeriesSplit(n_splits=k, test_size=test, gap=gap, max_train_size=train if rolling else None)
        windows = []
        for tr, te in tss.split(np.zeros(n)):
            if not rolling:
                assert tr[0] == 0
            windows.append({"train": [int(tr[0]), int(tr[-1]) + 1], "test": [int(te[0]), int(te[-1]) + 1]})
        # sklearn's first rolling window may be shorter than max_train_size only if it starts at 0
        wf.append({"n": n, "train": train, "test": test, "gap": gap, "anchored": not rolling, "windows": windows})

    pk = []
    rng = np.random.Generator(np.random.PCG64(7))
    for n, k, emb in [(50, 5, 0.0), (50, 5, 0.04), (97, 4, 0.03), (200, 10, 0.01)]:
        times = np.cumsum(rng.integers(1, 5, n)) * 60_000
        horizon = rng.integers(0, 8, n)
        t1_pos = np.minimum(np.arange(n) + horizon, n - 1)
        t1 = pd.Series(times[t1_pos], index=times)
        pk.append({"times": [int(x) for x in times], "t1": [int(x) for x in t1.values], "k": k, "embargo": emb, "folds": afml_purged_kfold(t1, k, emb)})

    json.dump(
        {
            "source": "scripts/refs/backtest/splits_sklearn_afml.py",
            "packages": {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "pandas": pd.__version__},
            "command": "python3 scripts/refs/backtest/splits_sklearn_afml.py > crates/backtest/tests/fixtures/splits.json",
            "walk_forward": wf,
            "purged_kfold": pk,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
