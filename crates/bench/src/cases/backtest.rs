//! Backtest replay: the Rust loop (`tachyon_backtest::Session` + `EmaCross`: exact fixed-point
//! ledger, fees, next-open fills, equity curve) beside a naive loop doing the same job in `f64`
//! (the same EMAs, the same next-open fills, float cash), on the same seeded synthetic bars.
//! The floor is ≥ 5M events/s with a decision-engine strategy (bench/baseline.json).

use tachyon_backtest::synthetic::{BarSpec, SyntheticBars};
use tachyon_backtest::{
    DecisionStrategy, Direction, EmaCross, FeatureSpec, FeeRate, NativeStrategy, OrderRequest,
    Record, RunOptions, Session, SessionConfig, Side, VenueModel,
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
    run_l2(r);
}

const L2_RECORDS: usize = 1_000_000;

/// The L2 session: BTC/USDT-like grid (tick 0.01, lot 0.001), 10 bps taker, 2 bps maker.
fn l2_session() -> Session {
    let mut cfg = SessionConfig::simple(InstrumentSpec::unbounded("BTC/USDT", "0.01", "0.001"));
    cfg.venue = VenueModel::L2(Box::new(tachyon_sim::SimConfig {
        fees: tachyon_sim::FeeSchedule {
            tiers: vec![tachyon_sim::FeeTier {
                min_volume: tachyon_core::Notional::zero(0),
                maker_ppm: 200,
                taker_ppm: 1_000,
            }],
        },
        ..tachyon_sim::SimConfig::default()
    }));
    Session::new(cfg).unwrap_or_else(|e| panic!("{e}"))
}

fn l2_tape(n: usize) -> Vec<Record> {
    tachyon_backtest::synthetic::l2_tape(n, 1, 0, 1_704_067_200_000_000_000, 6_500_000, 1, 1, 500)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The anchor: the same level updates applied to two `BTreeMap` ladders (no validation, no
/// matching, no queue estimates, no accounting).
fn naive_book(tape: &[Record]) -> i64 {
    use std::collections::BTreeMap;
    let mut bids: BTreeMap<i64, i64> = BTreeMap::new();
    let mut asks: BTreeMap<i64, i64> = BTreeMap::new();
    let mut mid = 0;
    for r in tape {
        let side = match r.kind {
            2 => &mut bids,
            3 => &mut asks,
            4 => {
                bids.clear();
                asks.clear();
                continue;
            }
            _ => continue,
        };
        if r.b == 0 {
            side.remove(&r.a);
        } else {
            side.insert(r.a, r.b);
        }
        if let (Some((b, _)), Some((a, _))) = (bids.last_key_value(), asks.first_key_value()) {
            mid = (b + a) / 2;
        }
    }
    mid
}

/// Replays the tape; with `quote`, keeps one lot bid and offered at the touch (re-quoted when
/// both are gone, cancelled every 1,000 records).
fn l2_replay(tape: &[Record], quote: bool) -> i128 {
    let mut s = l2_session();
    s.push(tape);
    let mut reports = Vec::new();
    let mut k = 0usize;
    while s.step_next().is_some() {
        k += 1;
        if !quote || !k.is_multiple_of(20) {
            continue;
        }
        if k.is_multiple_of(1_000) {
            for id in s.open_orders() {
                s.cancel(id);
            }
        }
        if s.open_count() == 0 {
            let touch = s.sim().and_then(|v| v.book(0)).and_then(|b| {
                Some((
                    b.ladder(tachyon_book::BookSide::Bid).best()?.price,
                    b.ladder(tachyon_book::BookSide::Ask).best()?.price,
                ))
            });
            if let Some((b, a)) = touch {
                for (side, px) in [(Side::Buy, b), (Side::Sell, a)] {
                    let _ = s.submit(OrderRequest {
                        instrument: 0,
                        side,
                        qty: 1,
                        limit: Some(px),
                        ioc: false,
                    });
                }
            }
        }
        s.take_reports(&mut reports);
        reports.clear();
    }
    s.finish_curve();
    s.ledger().equity()
}

/// L2 percentile cases (records per second through `VenueModel::L2`).
pub fn run_l2(r: &mut Runner) {
    let tape = l2_tape(L2_RECORDS);
    let g = "L2 replay: 1M synthetic book updates + trades through SimVenue";
    r.throughput(
        g,
        "naive BTreeMap book (levels only)",
        true,
        L2_RECORDS as u64,
        || {
            bb(naive_book(bb(&tape)));
        },
    );
    r.throughput(
        g,
        "tachyon Session L2 (sim book, queue estimates, mark, curve)",
        false,
        L2_RECORDS as u64,
        || {
            bb(l2_replay(bb(&tape), false));
        },
    );
    r.throughput(
        g,
        "tachyon Session L2 + quoting at the touch (orders through the OMS)",
        false,
        L2_RECORDS as u64,
        || {
            bb(l2_replay(bb(&tape), true));
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
