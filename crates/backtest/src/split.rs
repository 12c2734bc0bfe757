//! Train/test splits for time series: walk-forward windows and purged k-fold with an embargo.
//!
//! # Walk-forward
//! Windows move forward from the start: test block `w` is `[s_w, s_w + test)` with
//! `s_w = train + gap + w·step`; its training block is the `train` observations before it
//! (rolling) or everything from 0 (anchored), ending `gap` observations before the test block.
//! Windows stop when a test block would pass the end. With `step = test` and
//! `n − train − gap` a multiple of `test` this is exactly scikit-learn's
//! `TimeSeriesSplit(n_splits, test_size=test, gap=gap, max_train_size=train or None)`, which
//! the fixtures check.
//!
//! # Purged k-fold (López de Prado, *Advances in Financial Machine Learning*, §7.4)
//! Observation `i` starts at `times[i]` and its label is known at `t1[i] ≥ times[i]`. The
//! observations are cut into `k` contiguous test folds (`numpy.array_split` sizes: the first
//! `n mod k` folds one longer). For a test fold `[a, b)`:
//! - left training set: observations whose label ends at or before the test start,
//!   `t1[j] ≤ times[a]` (purging overlaps);
//! - right training set: observations from `m + embargo` on, where `m` is the first index whose
//!   start time is at or after the test fold's latest label end (`searchsorted` left) and
//!   `embargo = ⌊n · embargo_pct⌋`.
//!
//! This is the book's `PurgedKFold.split` (snippet 7.3) exactly, quirks included (the embargo
//! applies after the purged region, only to the right); the fixtures come from that code.

use std::ops::Range;

use crate::error::BacktestError;

/// One walk-forward window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Training observations.
    pub train: Range<usize>,
    /// Test observations.
    pub test: Range<usize>,
}

/// Walk-forward windows over `n` observations.
///
/// # Errors
/// [`BacktestError::Split`] for `train = 0`, `test = 0`, `step = 0`, or no window fitting.
pub fn walk_forward(
    n: usize,
    train: usize,
    test: usize,
    step: usize,
    gap: usize,
    anchored: bool,
) -> Result<Vec<Window>, BacktestError> {
    if train == 0 || test == 0 || step == 0 {
        return Err(BacktestError::Split(
            "train, test and step must be at least 1".into(),
        ));
    }
    let mut out = Vec::new();
    let mut s = train + gap;
    while s + test <= n {
        let train_end = s - gap;
        let train_start = if anchored { 0 } else { train_end - train };
        out.push(Window {
            train: train_start..train_end,
            test: s..s + test,
        });
        s += step;
    }
    if out.is_empty() {
        return Err(BacktestError::Split(format!(
            "{n} observations are fewer than train {train} + gap {gap} + test {test}"
        )));
    }
    Ok(out)
}

/// One purged k-fold split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    /// Training observations (sorted).
    pub train: Vec<usize>,
    /// Test observations.
    pub test: Range<usize>,
}

/// Purged k-fold with embargo (see the module docs).
///
/// # Errors
/// [`BacktestError::Split`] if `times`/`t1` differ in length, `times` is not sorted, a label
/// ends before it starts, `k < 2` or `k > n`, or `embargo_pct` is outside `[0, 1)`.
pub fn purged_kfold(
    times: &[i64],
    t1: &[i64],
    k: usize,
    embargo_pct: f64,
) -> Result<Vec<Fold>, BacktestError> {
    let n = times.len();
    if t1.len() != n {
        return Err(BacktestError::Split(format!(
            "times has {n} entries, t1 has {}",
            t1.len()
        )));
    }
    if k < 2 || k > n {
        return Err(BacktestError::Split(format!(
            "k must be between 2 and the {n} observations, got {k}"
        )));
    }
    if !(0.0..1.0).contains(&embargo_pct) {
        return Err(BacktestError::Split(format!(
            "embargo must be in [0, 1), got {embargo_pct}"
        )));
    }
    if let Some(i) = (1..n).find(|&i| times[i] < times[i - 1]) {
        return Err(BacktestError::Split(format!(
            "times must be sorted; times[{i}] < times[{}]",
            i - 1
        )));
    }
    if let Some(i) = (0..n).find(|&i| t1[i] < times[i]) {
        return Err(BacktestError::Split(format!(
            "label {i} ends ({}) before it starts ({})",
            t1[i], times[i]
        )));
    }
    let embargo = (n as f64 * embargo_pct) as usize;
    let (q, r) = (n / k, n % k);
    let mut out = Vec::with_capacity(k);
    let mut a = 0;
    for f in 0..k {
        let b = a + q + usize::from(f < r);
        let t0 = times[a];
        let max_t1 = t1[a..b].iter().copied().max().unwrap_or(t0);
        // left: label ends at or before the test start (AFML: t1[t1 <= t0].index)
        let mut train: Vec<usize> = (0..n).filter(|&j| t1[j] <= t0).collect();
        // right: from searchsorted(times, max_t1) + embargo
        let m = times.partition_point(|&t| t < max_t1);
        if m < n {
            train.extend((m + embargo).min(n)..n);
        }
        train.sort_unstable();
        train.dedup();
        out.push(Fold { train, test: a..b });
        a = b;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_forward_rolls_and_anchors() {
        let w = walk_forward(10, 4, 2, 2, 0, false).unwrap();
        assert_eq!(
            w,
            vec![
                Window {
                    train: 0..4,
                    test: 4..6
                },
                Window {
                    train: 2..6,
                    test: 6..8
                },
                Window {
                    train: 4..8,
                    test: 8..10
                },
            ]
        );
        let a = walk_forward(12, 4, 3, 3, 1, true).unwrap();
        assert_eq!(
            a,
            vec![
                Window {
                    train: 0..4,
                    test: 5..8
                },
                Window {
                    train: 0..7,
                    test: 8..11
                },
            ]
        );
        assert!(walk_forward(3, 4, 2, 2, 0, false).is_err());
    }

    #[test]
    fn purged_kfold_never_trains_on_overlapping_labels() {
        let times: Vec<i64> = (0..20).collect();
        let t1: Vec<i64> = times.iter().map(|t| (t + 3).min(19)).collect();
        let folds = purged_kfold(&times, &t1, 4, 0.1).unwrap();
        assert_eq!(folds.len(), 4);
        for f in &folds {
            let (a, b) = (f.test.start, f.test.end);
            let max_t1 = t1[a..b].iter().max().copied().unwrap();
            for &j in &f.train {
                assert!(!(a..b).contains(&j));
                // label interval [times[j], t1[j]] does not overlap [times[a], max_t1]
                assert!(
                    t1[j] <= times[a] || times[j] >= max_t1,
                    "fold {a}..{b} trains on {j}"
                );
            }
        }
    }
}
