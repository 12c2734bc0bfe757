//! Conformance with independent implementations on real daily OHLCV data.
//!
//! Data: TTR's bundled `ttrc` (first 2500 bars) and arch's bundled S&P 500 index (first 2500
//! bars). References: TA-Lib 0.8 (C, via the PyPI wheel), R TTR 0.24, pandas and `ta` 0.11
//! (see `tests/fixtures/README.md` for versions and the command).
//!
//! Tolerance: `|ours − ref| ≤ 1e-9 · max(|ours|, |ref|, scale)` at every bar from the
//! comparison start, where `scale` is 0 for price-level outputs (relative error) and the
//! column's natural unit for outputs that cross zero (1 for 0–100 oscillators, the mean
//! price for MACD, the mean volume for OBV), so that values near zero are judged on the
//! column's scale rather than relative to themselves. Where the seeding conventions match, the
//! comparison starts at the first defined value and both sides must start at the same bar;
//! where they differ (TA-Lib's MACD), it starts once the difference has decayed and the
//! start-bar check is skipped.

use tachyon_indicators::{
    Adx, Atr, Bollinger, Cci, Columns, Donchian, Ema, EmaSeed, Guarded, Ichimoku, Indicator,
    Keltner, Macd, Mfi, Obv, ParabolicSar, Rsi, Sma, Stochastic, Vwap, WilliamsR, Wma,
};

use crate::fixtures::{Bars, Table, SETS};

const REL: f64 = 1e-9;

/// Runs `ind` over every bar (validated) and returns one vector per output.
fn run<I: Indicator>(ind: I, b: &Bars) -> Vec<Vec<f64>> {
    let mut g = Guarded::new(ind);
    let cols = Columns {
        ts: None,
        open: Some(&b.open),
        high: Some(&b.high),
        low: Some(&b.low),
        close: Some(&b.close),
        volume: Some(&b.volume),
    };
    let n = b.len();
    let w = I::OUTPUTS.len();
    let mut out = vec![0.0; n * w];
    let s = g.batch(&cols, &mut out).expect("batch");
    assert_eq!(s.skipped, 0, "real data must validate");
    (0..w).map(|k| out[k * n..(k + 1) * n].to_vec()).collect()
}

fn first_defined(x: &[f64]) -> Option<usize> {
    x.iter().position(|v| !v.is_nan())
}

struct Case<'a> {
    set: &'a str,
    reference: &'a str,
    column: &'a str,
    ours: &'a [f64],
    theirs: &'a [f64],
    /// First bar compared (defaults to the first bar both define).
    from: Option<usize>,
    scale: f64,
}

/// Compares and returns (bars compared, worst error relative to the tolerance's scale).
fn check(c: &Case<'_>) -> (usize, f64) {
    let ours_start = first_defined(c.ours);
    let theirs_start = first_defined(c.theirs);
    let from = match c.from {
        Some(f) => f,
        None => {
            assert_eq!(
                ours_start, theirs_start,
                "{} {} {}: first defined bar differs (ours {:?}, reference {:?})",
                c.set, c.reference, c.column, ours_start, theirs_start
            );
            ours_start.expect("defined somewhere")
        }
    };
    let mut worst: f64 = 0.0;
    let mut n = 0;
    for t in from..c.ours.len() {
        let (a, b) = (c.ours[t], c.theirs[t]);
        assert!(
            a.is_nan() == b.is_nan(),
            "{} {} {} bar {t}: ours {a}, reference {b}",
            c.set,
            c.reference,
            c.column
        );
        if a.is_nan() {
            continue;
        }
        let denom = a.abs().max(b.abs()).max(c.scale).max(f64::MIN_POSITIVE);
        let e = (a - b).abs() / denom;
        assert!(
            e <= REL,
            "{} {} {} bar {t}: ours {a:.17e}, reference {b:.17e}, error {e:.2e}",
            c.set,
            c.reference,
            c.column
        );
        worst = worst.max(e);
        n += 1;
    }
    assert!(
        n > 1000,
        "{} {} {}: only {n} bars compared",
        c.set,
        c.reference,
        c.column
    );
    eprintln!(
        "{:6} {:6} {:16} bars {:5} from {:4} worst {:.1e}",
        c.set, c.reference, c.column, n, from, worst
    );
    (n, worst)
}

/// (our output, reference column, scale) triples for one reference table.
fn compare_all(
    set: &str,
    reference: &str,
    table: &Table,
    pairs: &[(&[f64], &str, f64)],
    from: Option<usize>,
) {
    for (ours, col, scale) in pairs {
        check(&Case {
            set,
            reference,
            column: col,
            ours,
            theirs: table.col(col),
            from,
            scale: *scale,
        });
    }
}

#[test]
fn moving_averages() {
    for set in SETS {
        let b = Bars::read(set);
        let ta = Table::read(&format!("talib_{set}.csv"));
        let ttr = Table::read(&format!("ttr_{set}.csv"));
        let pd = Table::read(&format!("pandas_{set}.csv"));
        let sma = run(Sma::new(20).unwrap(), &b);
        let ema = run(Ema::new(20).unwrap(), &b);
        let wma = run(Wma::new(20).unwrap(), &b);
        let ema_first = run(Ema::with_seed(20, EmaSeed::First).unwrap(), &b);
        for (name, t) in [("TA-Lib", &ta), ("TTR", &ttr)] {
            compare_all(
                set,
                name,
                t,
                &[
                    (&sma[0], "sma20", 0.0),
                    (&ema[0], "ema20", 0.0),
                    (&wma[0], "wma20", 0.0),
                ],
                None,
            );
        }
        compare_all(
            set,
            "pandas",
            &pd,
            &[(&ema_first[0], "ema20_first", 0.0)],
            None,
        );
    }
}

#[test]
fn rsi_macd_bollinger() {
    for set in SETS {
        let b = Bars::read(set);
        let price = b.mean_close();
        let ta = Table::read(&format!("talib_{set}.csv"));
        let ttr = Table::read(&format!("ttr_{set}.csv"));
        let rsi = run(Rsi::new(14).unwrap(), &b);
        let macd = run(Macd::new(12, 26, 9).unwrap(), &b);
        let bb = run(Bollinger::new(20, 2.0).unwrap(), &b);
        for (name, t) in [("TA-Lib", &ta), ("TTR", &ttr)] {
            compare_all(
                set,
                name,
                t,
                &[
                    (&rsi[0], "rsi14", 1.0),
                    (&bb[0], "bb_lower", 0.0),
                    (&bb[1], "bb_middle", 0.0),
                    (&bb[2], "bb_upper", 0.0),
                ],
                None,
            );
        }
        compare_all(set, "TTR", &ttr, &[(&bb[3], "bb_pctb", 1.0)], None);
        // MACD: our seeding is TTR's (each EMA SMA-seeded on its own first n values).
        compare_all(
            set,
            "TTR",
            &ttr,
            &[(&macd[0], "macd", price), (&macd[1], "macd_signal", price)],
            None,
        );
        // TA-Lib seeds the fast EMA so that it starts with the slow one; the difference decays
        // like (11/13)^t, below 1e-9 of the price after ~130 bars. Compared from bar 300.
        compare_all(
            set,
            "TA-Lib",
            &ta,
            &[
                (&macd[0], "macd", price),
                (&macd[1], "macd_signal", price),
                (&macd[2], "macd_hist", price),
            ],
            Some(300),
        );
    }
}

#[test]
fn atr_adx_keltner() {
    for set in SETS {
        let b = Bars::read(set);
        let ta = Table::read(&format!("talib_{set}.csv"));
        let ttr = Table::read(&format!("ttr_{set}.csv"));
        let atr = run(Atr::new(14).unwrap(), &b);
        let adx = run(Adx::new(14).unwrap(), &b);
        let kc = run(Keltner::new(20, 2.0, 20).unwrap(), &b);
        for (name, t) in [("TA-Lib", &ta), ("TTR", &ttr)] {
            compare_all(
                set,
                name,
                t,
                &[
                    (&atr[0], "atr14", 0.0),
                    (&adx[0], "adx14", 1.0),
                    (&adx[1], "plus_di14", 1.0),
                    (&adx[2], "minus_di14", 1.0),
                    (&adx[3], "dx14", 1.0),
                ],
                None,
            );
        }
        compare_all(
            set,
            "TTR",
            &ttr,
            &[
                (&kc[0], "kc_lower", 0.0),
                (&kc[1], "kc_middle", 0.0),
                (&kc[2], "kc_upper", 0.0),
            ],
            None,
        );
    }
}

#[test]
fn range_oscillators() {
    for set in SETS {
        let b = Bars::read(set);
        let ta = Table::read(&format!("talib_{set}.csv"));
        let ttr = Table::read(&format!("ttr_{set}.csv"));
        let slow = run(Stochastic::new(14, 3, 3).unwrap(), &b);
        let fast = run(Stochastic::new(14, 1, 3).unwrap(), &b);
        let wpr = run(WilliamsR::new(14).unwrap(), &b);
        let cci = run(Cci::new(20).unwrap(), &b);
        // TA-Lib starts %K only where %D is defined too (it aligns a function's outputs on
        // the last one's start); the values agree from there.
        compare_all(
            set,
            "TA-Lib",
            &ta,
            &[(&slow[0], "slowk", 1.0), (&slow[1], "slowd", 1.0)],
            Some(Stochastic::new(14, 3, 3).unwrap().lookback()),
        );
        compare_all(
            set,
            "TA-Lib",
            &ta,
            &[(&fast[0], "fastk", 1.0), (&fast[1], "fastd", 1.0)],
            Some(Stochastic::new(14, 1, 3).unwrap().lookback()),
        );
        compare_all(
            set,
            "TA-Lib",
            &ta,
            &[(&wpr[0], "willr14", 1.0), (&cci[0], "cci20", 1.0)],
            None,
        );
        compare_all(
            set,
            "TTR",
            &ttr,
            &[
                (&fast[0], "fastk14", 1.0),
                (&fast[1], "fastd3", 1.0),
                (&slow[0], "fastd3", 1.0),
                (&slow[1], "slowd3", 1.0),
                (&wpr[0], "wpr14", 1.0),
                (&cci[0], "cci20", 1.0),
            ],
            None,
        );
    }
}

#[test]
fn volume_indicators() {
    for set in SETS {
        let b = Bars::read(set);
        let vol = b.mean_volume();
        let ta = Table::read(&format!("talib_{set}.csv"));
        let ttr = Table::read(&format!("ttr_{set}.csv"));
        let pd = Table::read(&format!("pandas_{set}.csv"));
        let obv = run(Obv::new(), &b);
        let mfi = run(Mfi::new(14).unwrap(), &b);
        let vwap = run(Vwap::rolling(10).unwrap(), &b);
        let avwap = run(Vwap::anchored(), &b);
        for (name, t) in [("TA-Lib", &ta), ("TTR", &ttr)] {
            compare_all(set, name, t, &[(&obv[0], "obv", vol)], None);
        }
        compare_all(set, "TA-Lib", &ta, &[(&mfi[0], "mfi14", 1.0)], None);
        // TTR computes the typical price with R's `mean` (long double plus a correction
        // pass), so two equal typical prices (14.02/3 from different H, L, C) can differ in the
        // last bit and count as a rise or a fall. We (and TA-Lib) count them as no change.
        // Compared on every bar whose 14-change window holds no such exact tie.
        let tp: Vec<f64> = (0..b.len())
            .map(|t| (b.high[t] + b.low[t] + b.close[t]) / 3.0)
            .collect();
        let tie: Vec<bool> = (0..b.len())
            .map(|t| t > 0 && (tp[t] - tp[t - 1]).abs() <= 1e-12 * tp[t])
            .collect();
        let mut masked_ours = mfi[0].clone();
        let mut masked_ttr = ttr.col("mfi14").to_vec();
        let mut kept = 0;
        for t in 14..b.len() {
            if tie[t - 13..=t].iter().any(|x| *x) {
                masked_ours[t] = f64::NAN;
                masked_ttr[t] = f64::NAN;
            } else {
                kept += 1;
            }
        }
        assert!(kept > 1000, "{set}: only {kept} tie-free MFI bars");
        check(&Case {
            set,
            reference: "TTR",
            column: "mfi14 (no ties)",
            ours: &masked_ours,
            theirs: &masked_ttr,
            from: Some(14),
            scale: 1.0,
        });
        compare_all(set, "TTR", &ttr, &[(&vwap[0], "vwap10", 0.0)], None);
        compare_all(
            set,
            "pandas",
            &pd,
            &[(&avwap[0], "vwap_anchored", 0.0)],
            None,
        );
    }
}

#[test]
fn channels_ichimoku_sar() {
    for set in SETS {
        let b = Bars::read(set);
        let ta = Table::read(&format!("talib_{set}.csv"));
        let ttr = Table::read(&format!("ttr_{set}.csv"));
        let pd = Table::read(&format!("pandas_{set}.csv"));
        let dc = run(Donchian::new(20).unwrap(), &b);
        let ich = run(Ichimoku::new(9, 26, 52, 26).unwrap(), &b);
        let sar = run(ParabolicSar::new(0.02, 0.2).unwrap(), &b);
        compare_all(
            set,
            "TTR",
            &ttr,
            &[
                (&dc[0], "dc_upper", 0.0),
                (&dc[1], "dc_middle", 0.0),
                (&dc[2], "dc_lower", 0.0),
            ],
            None,
        );
        compare_all(
            set,
            "ta",
            &pd,
            &[
                (&ich[0], "ich_tenkan", 0.0),
                (&ich[1], "ich_kijun", 0.0),
                (&ich[2], "ich_senkou_a", 0.0),
            ],
            None,
        );
        // `ta`'s shifted ("visual") span A fills the first `displacement` bars with the
        // series mean; compared from our first value.
        compare_all(
            set,
            "ta",
            &pd,
            &[(&ich[5], "ich_cloud_a", 0.0)],
            Some(25 + 26),
        );
        // `ta` computes span B with `min_periods = 0`, i.e. midpoints of partial windows
        // before 52 bars exist; we leave those undefined. Compared from our first value.
        compare_all(set, "ta", &pd, &[(&ich[3], "ich_senkou_b", 0.0)], Some(51));
        compare_all(
            set,
            "ta",
            &pd,
            &[(&ich[6], "ich_cloud_b", 0.0)],
            Some(51 + 26),
        );
        // Chikou is the close, drawn `displacement` bars back.
        assert_eq!(ich[4], b.close);
        compare_all(set, "TA-Lib", &ta, &[(&sar[0], "sar", 0.0)], None);
    }
}
