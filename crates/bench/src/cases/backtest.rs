//! Backtest replay: the Rust loop (`tachyon_backtest::Session` + `EmaCross`: exact fixed-point
//! ledger, fees, next-open fills, equity curve) beside a naive loop doing the same job in `f64`
//! (the same EMAs, the same next-open fills, float cash), on the same seeded synthetic bars.
//! The floor is ≥ 5M events/s with a decision-engine strategy (bench/baseline.json).

use tachyon_backtest::synthetic::{BarSpec, SyntheticBars};
use tachyon_backtest::{
    DecisionStrategy, Direction, EmaCross, FeatureSpec, FeeRate, NativeStrategy, Record,
    RunOptions, Session, SessionConfig,
};
use tachyon_core::InstrumentSpec;
use tachyon_stats::mc::{Gbm, Process};

use crate::{bb, Kernel, Runner};

const BARS: usize = 1_000_000;

fn bars(n: usize) -> Vec<Record> {
    let mut g = SyntheticBars::new(
        1,
        &Process::Gbm(Gbm {
            s0: 65_000.0,
            mu: 0.0,
            sigma: 0.6,
        }),
        BarSpec {
            instrument: 0,
            start_ns: 1_704_067_200_000_000_000,
            bar_ns: 60_000_000_000,
            steps_per_bar: 4,
            tick: 1,
            price_scale: 2,
            mean_volume: 500_000.0,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut v = Vec::with_capacity(n);
    g.fill(n, &mut v);
    v
}

fn session() -> Session {
    let mut cfg = SessionConfig::simple(InstrumentSpec {
        symbol: "BTC/USDT".into(),
        tick_size: "0.01".into(),
        lot_size: "0.00001".into(),
        min_qty: None,
        max_qty: None,
        min_notional: Some("5".into()),
        max_notional: None,
    });
    cfg.taker_fee = FeeRate::from_bps(10.0);
    Session::new(cfg).unwrap_or_else(|e| panic!("{e}"))
}

fn decision() -> DecisionStrategy {
    let features = [
        FeatureSpec::EmaGap { fast: 12, slow: 48 },
        FeatureSpec::Rsi { period: 14 },
        FeatureSpec::Return { bars: 5 },
        FeatureSpec::BollingerB { period: 20, k: 2.0 },
    ];
    let engine = tachyon_engine::StrategyConfig {
        weights: vec![400.0, 0.2, 20.0, 0.2],
        bias: 0.0,
        feature_min: None,
        feature_max: None,
        score_cap: 1.0,
        buy_threshold: 0.25,
        sell_threshold: 0.25,
    };
    DecisionStrategy::new(&features, &engine, 1_000, Direction::LongShort, &[2])
        .unwrap_or_else(|e| panic!("{e}"))
}

fn strategy() -> EmaCross {
    EmaCross::new(10, 30, 1_000, Direction::LongShort, &[2]).unwrap_or_else(|e| panic!("{e}"))
}

/// The anchor: the same rule and fill convention in plain `f64`, no ledger, no checks.
fn naive(bars: &[Record]) -> f64 {
    let (a_f, a_s) = (2.0 / 11.0, 2.0 / 31.0);
    let (mut f, mut s, mut n, mut sf, mut ss) = (0.0f64, 0.0f64, 0usize, 0.0, 0.0);
    let (mut prev, mut pos, mut cash, mut pending) = (f64::NAN, 0.0f64, 100_000.0f64, 0.0f64);
    let mut curve = Vec::with_capacity(bars.len());
    for b in bars {
        let (open, close) = (b.a as f64 / 100.0, b.d as f64 / 100.0);
        if pending != 0.0 {
            cash -= pending * open + (pending * open).abs() * 0.001;
            pos += pending;
            pending = 0.0;
        }
        n += 1;
        if n <= 10 {
            sf += close;
            f = sf / n as f64;
        } else {
            f += a_f * (close - f);
        }
        if n <= 30 {
            ss += close;
            s = ss / n as f64;
        } else {
            s += a_s * (close - s);
        }
        let d = if n >= 30 { f - s } else { f64::NAN };
        if d.is_finite() && prev.is_finite() {
            if prev <= 0.0 && d > 0.0 {
                pending = 0.01 - pos;
            } else if prev >= 0.0 && d < 0.0 {
                pending = -0.01 - pos;
            }
        }
        prev = d;
        curve.push(cash + pos * close);
    }
    curve.last().copied().unwrap_or(0.0)
}

/// Percentile cases.
pub fn run(r: &mut Runner) {
    let data = bars(BARS);
    let g = "backtest replay: 1M synthetic 1-min bars, 10 bps fees, next-open fills";
    r.throughput(g, "naive f64 loop (same rule)", true, BARS as u64, || {
        bb(naive(bb(&data)));
    });
    r.throughput(
        g,
        "tachyon Session + EmaCross (exact ledger)",
        false,
        BARS as u64,
        || {
            let mut s = session();
            s.push(bb(&data));
            let mut st = strategy();
            bb(
                tachyon_backtest::run(&mut s, &mut st, RunOptions::default())
                    .metrics
                    .sharpe,
            );
        },
    );
    r.throughput(
        g,
        "tachyon Session + DecisionStrategy (4 features, decision engine)",
        false,
        BARS as u64,
        || {
            let mut s = session();
            s.push(bb(&data));
            let mut st = decision();
            bb(
                tachyon_backtest::run(&mut s, &mut st, RunOptions::default())
                    .metrics
                    .sharpe,
            );
        },
    );
}

fn kernel(mut st: impl NativeStrategy + 'static) -> Box<dyn FnMut(u64)> {
    // enough records for the gate's 2N iterations; each iteration replays one bar
    let data = bars(20_000);
    let mut s = session();
    s.push(&data);
    Box::new(move |n| {
        for _ in 0..n {
            if let Some(rec) = s.step_next() {
                st.on_record(&mut s, &rec);
                if s.pending_reports() > 0 {
                    let mut v = Vec::new();
                    s.take_reports(&mut v);
                    bb(v);
                }
            }
        }
    })
}

/// Callgrind kernels.
#[must_use]
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            id: "backtest/bar_step_ema_cross",
            make: || kernel(strategy()),
        },
        Kernel {
            id: "backtest/bar_step_decision",
            make: || kernel(decision()),
        },
    ]
}
