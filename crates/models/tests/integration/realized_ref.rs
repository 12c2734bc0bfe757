//! Rolling OHLC volatility against R TTR's `volatility()` (fixtures/range_vol_ttr.csv: TTR's
//! `ttrc` bars, n = 20, N = 260). Same warm-up (NaN where TTR has NA), values to 1e-10.

use tachyon_models::realized::{range_volatility, RangeEstimator, RangeVol};

use crate::common::{close, csv_column, csv_column_na};

const FILE: &str = "range_vol_ttr.csv";

#[test]
fn ttr_volatility_estimators() {
    let o = csv_column(FILE, "open");
    let h = csv_column(FILE, "high");
    let l = csv_column(FILE, "low");
    let c = csv_column(FILE, "close");
    for (col, est) in [
        ("close_to_close", RangeEstimator::CloseToClose),
        ("parkinson", RangeEstimator::Parkinson),
        ("garman_klass", RangeEstimator::GarmanKlass),
        ("rogers_satchell", RangeEstimator::RogersSatchell),
        ("yang_zhang", RangeEstimator::YangZhang),
    ] {
        let want = csv_column_na(FILE, col);
        let got = range_volatility(&o, &h, &l, &c, est, 20, 260.0).unwrap();
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g.is_nan(), w.is_nan(), "{col}[{i}]: got {g}, TTR {w}");
            if !w.is_nan() {
                close(&format!("{col}[{i}]"), *g, *w, 1e-10, 0.0);
            }
        }
        // streaming equals batch
        let mut s = RangeVol::new(est, 20, 260.0).unwrap();
        for i in 0..c.len() {
            let v = s.update(o[i], h[i], l[i], c[i]).unwrap_or(f64::NAN);
            assert!(
                v.to_bits() == got[i].to_bits(),
                "{col}[{i}] streaming {v} batch {}",
                got[i]
            );
        }
    }
}
