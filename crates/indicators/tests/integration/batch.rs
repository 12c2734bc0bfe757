//! The blocked batch kernels (EMA, RSI, ATR, ADX, Bollinger) against stepping the same
//! indicator bar by bar (`Guarded::update`, the streaming kernel): on real bars and on long
//! synthetic series, on every kernel path this CPU has, split into batches anywhere, continued
//! by updates, and with bad rows (which must send the batch through the checked row-by-row
//! path: same outputs as stepping with refusals, same counters).
//!
//! Tolerance batch vs stepping: `|b − s| ≤ 1e-12 · max(|b|, |s|, unit)` for EMA, RSI, ATR and
//! ADX (their scans are blocked, so they round differently), where `unit` is 1 for outputs on
//! a 0–100 scale (RSI, ±DI, DX, ADX) and 0 for price levels (relative error). Bollinger runs
//! the streaming arithmetic in both forms: exactly equal; its bands are also checked against an
//! exact two-pass computation per window. Every path must give the same bits.

use tachyon_indicators::{
    Adx, Atr, Bar, Bollinger, Columns, Ema, EmaSeed, Guarded, Indicator, InputError, Path, Rsi,
};

use crate::fixtures::{Bars, SETS};

const TOL: f64 = 1e-12;

/// High, low, close.
struct Hlc {
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
}

impl Hlc {
    fn real(set: &str) -> Self {
        let b = Bars::read(set);
        Self {
            high: b.high,
            low: b.low,
            close: b.close,
        }
    }

    /// A long random walk with a trend and quiet stretches (deterministic LCG).
    fn synthetic(n: usize) -> Self {
        let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut u = move || {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((s >> 11) as f64) / ((1u64 << 53) as f64)
        };
        let (mut high, mut low, mut close) = (Vec::new(), Vec::new(), Vec::new());
        let mut p: f64 = 100.0;
        for t in 0..n {
            // Flat for a while every 5000 bars: tiny variance against the price level.
            let vol = if (t / 1000) % 5 == 4 { 1e-7 } else { 0.01 };
            p *= 1.0 + vol * (u() - 0.5) + 1e-5;
            let h = p * (1.0 + vol * u());
            let l = p * (1.0 - vol * u());
            high.push(h);
            low.push(l);
            close.push(l + (h - l) * u());
        }
        Self { high, low, close }
    }

    fn len(&self) -> usize {
        self.close.len()
    }

    fn cols(&self, r: std::ops::Range<usize>) -> Columns<'_> {
        Columns::hlc(&self.high[r.clone()], &self.low[r.clone()], &self.close[r])
    }

    fn bar(&self, t: usize) -> Bar {
        Bar::hlc(self.high[t], self.low[t], self.close[t])
    }
}

/// Steps `ind` over every bar with `Guarded::update`; one vector per output (NaN for refused
/// bars).
fn stepped<I: Indicator>(ind: I, d: &Hlc) -> Vec<Vec<f64>> {
    let w = I::OUTPUTS.len();
    let mut g = Guarded::new(ind);
    let mut out = vec![Vec::with_capacity(d.len()); w];
    let mut tmp = [0.0; 8];
    for t in 0..d.len() {
        match g.update(&d.bar(t)) {
            Ok(o) => I::write(&o, &mut tmp[..w]),
            Err(_) => tmp[..w].iter_mut().for_each(|v| *v = f64::NAN),
        }
        for k in 0..w {
            out[k].push(tmp[k]);
        }
    }
    out
}

/// Runs `g` over `d[r]` in one batch on `path`; one vector per output.
fn batched<I: Indicator>(
    g: &mut Guarded<I>,
    d: &Hlc,
    r: std::ops::Range<usize>,
    path: Path,
) -> Vec<Vec<f64>> {
    let w = I::OUTPUTS.len();
    let n = r.len();
    let mut out = vec![0.0; n * w];
    g.batch_on(path, &d.cols(r), &mut out).expect("batch");
    (0..w).map(|k| out[k * n..(k + 1) * n].to_vec()).collect()
}

/// How one output is compared.
#[derive(Clone, Copy)]
struct Cmp {
    /// 1 for 0–100 / 0–1 outputs, 0 for price levels.
    unit: f64,
    tol: f64,
}

const LVL: Cmp = Cmp {
    unit: 0.0,
    tol: TOL,
};
const OSC: Cmp = Cmp {
    unit: 1.0,
    tol: TOL,
};
/// Bollinger: exactly equal.
const BANDS: [Cmp; 4] = [Cmp {
    unit: 1.0,
    tol: 0.0,
}; 4];

/// Compares `got` with `want`; returns the worst error.
fn agree(what: &str, got: &[f64], want: &[f64], c: Cmp) -> f64 {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let mut worst: f64 = 0.0;
    for (t, (a, b)) in got.iter().zip(want).enumerate() {
        assert_eq!(
            a.is_nan(),
            b.is_nan(),
            "{what} bar {t}: batch {a}, stepping {b}"
        );
        if a.is_nan() {
            continue;
        }
        let e = (a - b).abs() / a.abs().max(b.abs()).max(c.unit).max(f64::MIN_POSITIVE);
        assert!(
            e <= c.tol,
            "{what} bar {t}: batch {a:.17e}, stepping {b:.17e}, error {e:.1e}"
        );
        worst = worst.max(e);
    }
    worst
}

fn same_bits(what: &str, a: &[Vec<f64>], b: &[Vec<f64>]) {
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        for (t, (u, v)) in x.iter().zip(y).enumerate() {
            assert_eq!(
                u.to_bits(),
                v.to_bits(),
                "{what} output {k} bar {t}: paths differ ({u} vs {v})"
            );
        }
    }
}

/// Batch (whole series, every path) against stepping; returns the worst error.
fn check_whole<I: Indicator>(name: &str, proto: &I, cmp: &[Cmp], d: &Hlc) -> f64 {
    let want = stepped(proto.clone(), d);
    let mut first: Option<Vec<Vec<f64>>> = None;
    let mut worst: f64 = 0.0;
    for p in Path::available() {
        let mut g = Guarded::new(proto.clone());
        let got = batched(&mut g, d, 0..d.len(), p);
        assert_eq!(g.stats().accepted, d.len() as u64);
        for k in 0..got.len() {
            let what = format!("{name} [{}] {}", p.name(), I::OUTPUTS[k]);
            worst = worst.max(agree(&what, &got[k], &want[k], cmp[k]));
        }
        match &first {
            None => first = Some(got),
            Some(f) => same_bits(name, f, &got),
        }
    }
    worst
}

/// The five indicators with the periods tested, as (name, check) closures.
fn each_case(d: &Hlc, mut f: impl FnMut(&str, f64)) {
    let osc = [OSC; 4];
    let lvl = [LVL; 4];
    for n in [1, 2, 3, 20, 200] {
        let w = check_whole(&format!("EMA({n})"), &Ema::new(n).unwrap(), &lvl, d);
        f(&format!("EMA({n})"), w);
    }
    let w = check_whole(
        "EMA(20, first)",
        &Ema::with_seed(20, EmaSeed::First).unwrap(),
        &lvl,
        d,
    );
    f("EMA(20, first)", w);
    for n in [1, 2, 14] {
        f(
            &format!("RSI({n})"),
            check_whole(&format!("RSI({n})"), &Rsi::new(n).unwrap(), &osc, d),
        );
        f(
            &format!("ATR({n})"),
            check_whole(&format!("ATR({n})"), &Atr::new(n).unwrap(), &lvl, d),
        );
    }
    for n in [2, 14, 50] {
        f(
            &format!("ADX({n})"),
            check_whole(&format!("ADX({n})"), &Adx::new(n).unwrap(), &osc, d),
        );
    }
    for (n, k) in [(2, 2.0), (20, 2.0), (50, 1.5)] {
        let name = format!("Bollinger({n},{k})");
        let w = check_whole(&name, &Bollinger::new(n, k).unwrap(), &BANDS, d);
        f(&name, w);
        let w = bands_against_two_pass(n, k, d);
        f(&format!("{name} vs two-pass"), w);
    }
}

#[test]
fn batch_agrees_with_stepping_on_real_bars_and_every_path() {
    for set in SETS {
        let d = Hlc::real(set);
        each_case(&d, |name, w| eprintln!("{set:6} {name:18} worst {w:.1e}"));
    }
}

#[test]
fn batch_agrees_with_stepping_on_a_long_series() {
    // Many chunks and scratch blocks; quiet stretches where σ is 1e-7 of the price.
    let d = Hlc::synthetic(40_000);
    each_case(&d, |name, w| eprintln!("synthetic {name:18} worst {w:.1e}"));
}

/// The batch bands against an exact two-pass computation per window (mean, then
/// `Σ(x − mean)²`): lower, middle and upper within 1e-13 of the price level.
fn bands_against_two_pass(n: usize, k: f64, d: &Hlc) -> f64 {
    let x = &d.close;
    let mut g = Guarded::new(Bollinger::new(n, k).unwrap());
    let got = batched(&mut g, d, 0..x.len(), Path::best());
    let mut worst: f64 = 0.0;
    for t in n - 1..x.len() {
        let w = &x[t + 1 - n..=t];
        let mean = w.iter().sum::<f64>() / n as f64;
        let sd = (w.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64).sqrt();
        for (col, want) in [(0, mean - k * sd), (1, mean), (2, mean + k * sd)] {
            let e = (got[col][t] - want).abs() / mean.abs();
            assert!(
                e <= 1e-13,
                "Bollinger({n},{k}) output {col} bar {t}: {} vs two-pass {want}, error {e:.1e}",
                got[col][t]
            );
            worst = worst.max(e);
        }
    }
    worst
}

/// Splits the series into batches at `cuts`, with a few single updates in between, and
/// compares with stepping.
fn check_split<I: Indicator>(name: &str, proto: &I, cmp: &[Cmp], d: &Hlc, cuts: &[usize]) {
    let want = stepped(proto.clone(), d);
    let w = I::OUTPUTS.len();
    for p in Path::available() {
        let mut g = Guarded::new(proto.clone());
        let mut got = vec![Vec::new(); w];
        let mut t = 0;
        let mut tmp = [0.0; 8];
        for &c in cuts.iter().chain(std::iter::once(&d.len())) {
            // Two updates, then a batch up to the cut.
            for _ in 0..2 {
                if t < c {
                    let o = g.update(&d.bar(t)).expect("valid bar");
                    I::write(&o, &mut tmp[..w]);
                    (0..w).for_each(|k| got[k].push(tmp[k]));
                    t += 1;
                }
            }
            if t < c {
                let part = batched(&mut g, d, t..c, p);
                (0..w).for_each(|k| got[k].extend_from_slice(&part[k]));
                t = c;
            }
        }
        for k in 0..w {
            agree(
                &format!("{name} split [{}] {}", p.name(), I::OUTPUTS[k]),
                &got[k],
                &want[k],
                cmp[k],
            );
        }
        assert_eq!(g.stats().accepted, d.len() as u64);
    }
}

#[test]
fn batches_split_anywhere_continue_the_state() {
    let d = Hlc::synthetic(20_000);
    // Inside the seeding, just after it, around chunk and block sizes, and near the end.
    let cuts = [
        3, 10, 17, 40, 41, 300, 2047, 2049, 4000, 8192, 8195, 16_400, 19_990,
    ];
    let osc = [OSC; 4];
    check_split("EMA(20)", &Ema::new(20).unwrap(), &[LVL], &d, &cuts);
    check_split("EMA(3)", &Ema::new(3).unwrap(), &[LVL], &d, &cuts);
    check_split("RSI(14)", &Rsi::new(14).unwrap(), &osc, &d, &cuts);
    check_split("ATR(14)", &Atr::new(14).unwrap(), &[LVL], &d, &cuts);
    check_split("ADX(14)", &Adx::new(14).unwrap(), &osc, &d, &cuts);
    check_split("ADX(5)", &Adx::new(5).unwrap(), &osc, &d, &cuts);
    check_split(
        "Bollinger(20,2)",
        &Bollinger::new(20, 2.0).unwrap(),
        &BANDS,
        &d,
        &cuts,
    );
}

/// Batch over `d` with bad rows: must equal stepping with refusals exactly (the batch falls
/// back to the checked path) and count the same refusals.
fn check_bad_rows<I: Indicator>(name: &str, proto: &I, d: &Hlc) {
    let want = stepped(proto.clone(), d);
    let mut reference = Guarded::new(proto.clone());
    for t in 0..d.len() {
        let _ = reference.update(&d.bar(t));
    }
    for p in Path::available() {
        let mut g = Guarded::new(proto.clone());
        let got = batched(&mut g, d, 0..d.len(), p);
        same_bits(&format!("{name} with bad rows [{}]", p.name()), &got, &want);
        assert_eq!(g.stats(), reference.stats(), "{name}: counters");
        assert!(
            g.stats().rejected() > 0,
            "{name}: the test must contain bad rows"
        );
    }
}

#[test]
fn bad_rows_take_the_checked_path() {
    let base = Hlc::synthetic(3000);
    type Spoil = fn(&mut Hlc, usize);
    let spoil: [(usize, Spoil); 6] = [
        (0, |d, t| d.close[t] = f64::NAN),
        (1, |d, t| d.high[t] = f64::INFINITY),
        (1500, |d, t| d.low[t] = f64::NEG_INFINITY),
        (2999, |d, t| d.close[t] = d.high[t] + 1.0),
        (700, |d, t| d.low[t] = d.high[t] + 1.0),
        (2048, |d, t| {
            d.high[t] = f64::NAN;
            d.low[t] = f64::NAN;
            d.close[t] = f64::NAN;
        }),
    ];
    for (t, f) in spoil {
        let mut d = Hlc {
            high: base.high.clone(),
            low: base.low.clone(),
            close: base.close.clone(),
        };
        f(&mut d, t);
        check_bad_rows("ATR(14)", &Atr::new(14).unwrap(), &d);
        check_bad_rows("ADX(14)", &Adx::new(14).unwrap(), &d);
        // Single-series indicators read only `close`: spoil it the same way.
        if d.close.iter().any(|v| !v.is_finite()) {
            check_bad_rows("EMA(20)", &Ema::new(20).unwrap(), &d);
            check_bad_rows("RSI(14)", &Rsi::new(14).unwrap(), &d);
            check_bad_rows("Bollinger(20,2)", &Bollinger::new(20, 2.0).unwrap(), &d);
        }
    }
}

/// The EMA has no validation pass: a bad value must surface through its state. Every position
/// of short series, every non-finite kind, periods whose smoothing factor is 0 (period 1),
/// tiny or large, and lengths that use the blocked kernel (≥ 64 values after seeding).
#[test]
fn ema_detects_a_non_finite_value_at_any_position() {
    let d = Hlc::synthetic(700);
    for n in [1, 2, 3, 20] {
        for seed in [EmaSeed::Sma, EmaSeed::First] {
            let proto = Ema::with_seed(n, seed).unwrap();
            for len in [1, 5, 90, 700] {
                let step = if len > 100 { 7 } else { 1 };
                for t in (0..len).step_by(step).chain(std::iter::once(len - 1)) {
                    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                        let mut x = d.close[..len].to_vec();
                        x[t] = bad;
                        for p in Path::available() {
                            let mut g = Guarded::new(proto.clone());
                            let mut out = vec![0.0; len];
                            g.batch_on(p, &Columns::values(&x), &mut out)
                                .expect("batch");
                            let mut r = Guarded::new(proto.clone());
                            for (k, &v) in x.iter().enumerate() {
                                let want = r.update_value(v).unwrap_or(f64::NAN);
                                assert_eq!(
                                    out[k].to_bits(),
                                    want.to_bits(),
                                    "EMA({n}, {seed:?}) len {len}, {bad} at {t}, [{}] row {k}",
                                    p.name()
                                );
                            }
                            assert_eq!(g.stats(), r.stats());
                            let e = if bad.is_nan() {
                                InputError::Missing
                            } else {
                                InputError::NonFinite { field: "close" }
                            };
                            assert_eq!(r.update_value(bad).unwrap_err(), e);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn overflowing_but_valid_values_are_accepted() {
    // Finite values whose sums overflow: the fast paths decline, the checked path accepts.
    let x = vec![1.7e308; 300];
    for p in Path::available() {
        let mut g = Guarded::new(Ema::new(5).unwrap());
        let mut out = vec![0.0; 300];
        let s = g.batch_on(p, &Columns::values(&x), &mut out).unwrap();
        assert_eq!(s.skipped, 0);
        assert_eq!(g.stats().accepted, 300);
        let mut r = Guarded::new(Rsi::new(5).unwrap());
        let s = r.batch_on(p, &Columns::values(&x), &mut out).unwrap();
        assert_eq!(s.skipped, 0);
        assert_eq!(out[299], 50.0);
    }
}
