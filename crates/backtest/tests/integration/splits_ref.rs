//! Splits against scikit-learn's TimeSeriesSplit and the AFML PurgedKFold
//! (scripts/refs/backtest/splits_sklearn_afml.py).
use tachyon_backtest::split::{purged_kfold, walk_forward};

use crate::common::fixture;

fn pair(v: &serde_json::Value) -> (usize, usize) {
    let a = v.as_array().unwrap();
    (
        a[0].as_u64().unwrap() as usize,
        a[1].as_u64().unwrap() as usize,
    )
}

#[test]
fn walk_forward_matches_time_series_split() {
    let f = fixture("splits.json");
    for c in f["walk_forward"].as_array().unwrap() {
        let g = |k: &str| c[k].as_u64().unwrap() as usize;
        let w = walk_forward(
            g("n"),
            g("train"),
            g("test"),
            g("test"),
            g("gap"),
            c["anchored"].as_bool().unwrap(),
        )
        .unwrap();
        let want = c["windows"].as_array().unwrap();
        assert_eq!(w.len(), want.len(), "{c}");
        for (got, exp) in w.iter().zip(want) {
            assert_eq!((got.train.start, got.train.end), pair(&exp["train"]));
            assert_eq!((got.test.start, got.test.end), pair(&exp["test"]));
        }
    }
}

#[test]
fn purged_kfold_matches_afml() {
    let f = fixture("splits.json");
    for c in f["purged_kfold"].as_array().unwrap() {
        let v = |k: &str| -> Vec<i64> {
            c[k].as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_i64().unwrap())
                .collect()
        };
        let folds = purged_kfold(
            &v("times"),
            &v("t1"),
            c["k"].as_u64().unwrap() as usize,
            c["embargo"].as_f64().unwrap(),
        )
        .unwrap();
        let want = c["folds"].as_array().unwrap();
        assert_eq!(folds.len(), want.len());
        for (got, exp) in folds.iter().zip(want) {
            assert_eq!((got.test.start, got.test.end), pair(&exp["test"]));
            let train: Vec<usize> = exp["train"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as usize)
                .collect();
            assert_eq!(got.train, train, "fold {:?}", got.test);
        }
    }
}

#[test]
fn bad_split_arguments_are_errors() {
    assert_eq!(
        walk_forward(10, 0, 2, 2, 0, false).unwrap_err().code(),
        "ERR_BACKTEST_SPLIT"
    );
    assert!(purged_kfold(&[0, 1, 2], &[0, 1], 2, 0.0).is_err());
    assert!(purged_kfold(&[0, 2, 1], &[0, 2, 1], 2, 0.0).is_err());
    assert!(purged_kfold(&[0, 1, 2], &[5, 0, 2], 2, 0.0).is_err());
    assert!(purged_kfold(&[0, 1, 2], &[0, 1, 2], 4, 0.0).is_err());
    assert!(purged_kfold(&[0, 1, 2], &[0, 1, 2], 2, 1.0).is_err());
}
