//! Engine area: decision kernels (scalar anchor vs AVX2 / AVX-512), the pre-trade risk check
//! (anchor: the instrument precision check alone, the part every check must do), the control
//! mode read (anchor: a bare atomic load).

use std::sync::atomic::{AtomicU8, Ordering};

use tachyon_core::{InstrumentSpec, Notional, Price, Quantity, Timestamp};
use tachyon_engine::decision::{Decision, DecisionEngine, KernelPath, StrategyConfig};
use tachyon_engine::risk::{InstrumentRisk, RiskLimits, VenueSpec};
use tachyon_engine::{OrderIntent, OrderSide, RiskConfig, RiskEngine};

use crate::{bb, Kernel, Runner};

const NF: usize = 16;
const ROWS: usize = 1000;

/// Deterministic features in [-4, 4).
fn features(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 * 8.0 - 4.0
        })
        .collect()
}

fn strategy(n: usize) -> StrategyConfig {
    StrategyConfig {
        weights: features(n, 7).iter().map(|x| x / 4.0).collect(),
        bias: 0.1,
        feature_min: Some(vec![-3.0; n]),
        feature_max: Some(vec![3.0; n]),
        score_cap: 10.0,
        buy_threshold: 1.5,
        sell_threshold: 1.5,
    }
}

fn engine(path: KernelPath) -> DecisionEngine {
    DecisionEngine::with_path(&strategy(NF), path).unwrap_or_else(|e| panic!("{e}"))
}

/// `n` instruments on two venues with positions, stops and a correlation matrix; the rate
/// limit never binds, so every bench order runs every check and is approved.
fn risk(n: usize) -> RiskEngine {
    let cfg = RiskConfig {
        limits: RiskLimits {
            max_orders: 1_000_000,
            rate_window_ms: 1,
            max_order_notional: Some("1000000".into()),
            ..RiskLimits::default()
        },
        venues: vec![
            VenueSpec {
                name: "a".into(),
                max_leverage: None,
            },
            VenueSpec {
                name: "b".into(),
                max_leverage: Some(5.0),
            },
        ],
        instruments: (0..n)
            .map(|i| InstrumentRisk {
                spec: InstrumentSpec {
                    symbol: format!("S{i}"),
                    tick_size: "0.01".into(),
                    lot_size: "0.001".into(),
                    min_qty: None,
                    max_qty: Some("1000".into()),
                    min_notional: Some("5".into()),
                    max_notional: None,
                },
                venue: if i % 2 == 0 { "a".into() } else { "b".into() },
                max_position: Some("100".into()),
            })
            .collect(),
        ..RiskConfig::default()
    };
    let t0 = Timestamp::from_nanos(0);
    let mut e = RiskEngine::new(&cfg, t0).unwrap_or_else(|e| panic!("{e}"));
    e.set_equity(
        Notional::from_mantissa(10_000_000, 0).unwrap_or_else(|e| panic!("{e}")),
        t0,
    );
    let px = Price::from_mantissa(100_000, 2).unwrap_or_else(|e| panic!("{e}"));
    let one = Quantity::from_mantissa(1_000, 3).unwrap_or_else(|e| panic!("{e}"));
    for i in 0..n {
        e.set_position(i as u32, one, px)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let mut rho = vec![0.2; n * n];
    for i in 0..n {
        for j in 0..n {
            if i == j {
                rho[i * n + j] = 1.0;
            } else if (i + j) % 5 == 0 {
                rho[i * n + j] = 0.8;
            }
        }
    }
    e.set_correlation(&rho).unwrap_or_else(|e| panic!("{e}"));
    e
}

fn order(i: u32) -> OrderIntent {
    OrderIntent {
        instrument: i,
        side: OrderSide::Buy,
        price: Price::from_mantissa(100_000, 2).unwrap_or_else(|e| panic!("{e}")),
        qty: Quantity::from_mantissa(500, 3).unwrap_or_else(|e| panic!("{e}")),
        stop: Some(Price::from_mantissa(99_000, 2).unwrap_or_else(|e| panic!("{e}"))),
    }
}

fn paths() -> Vec<KernelPath> {
    KernelPath::ALL
        .into_iter()
        .filter(|p| p.is_supported())
        .collect()
}

/// Percentile cases.
pub fn run(r: &mut Runner) {
    let feats = features(NF * 1024, 42);
    let g = "decision: one instrument, 16 features";
    for path in paths() {
        let mut e = engine(path);
        let mut i = 0usize;
        let name = format!("{} kernel", path.name());
        r.latency(g, &name, path == KernelPath::Scalar, || {
            i = (i + 1) & 1023;
            bb(e.decide_one(bb(&feats[i * NF..(i + 1) * NF])).ok());
        });
    }

    let g = "decision: batch of 1,000 instruments × 16 features";
    let batch = features(NF * ROWS, 43);
    for path in paths() {
        let mut e = engine(path);
        let mut out = vec![Decision::default(); ROWS];
        let name = format!("{} kernel", path.name());
        r.throughput(g, &name, path == KernelPath::Scalar, ROWS as u64, || {
            bb(e.decide_batch(bb(&batch), &mut out).ok());
        });
    }

    let g = "risk: pre-trade check, 100 instruments (approved: every limit evaluated)";
    let n = 100;
    let inst = risk(n)
        .instrument(0)
        .cloned()
        .unwrap_or_else(|| unreachable!());
    let o = order(0);
    r.latency(
        g,
        "Instrument::check_order alone (precision part)",
        true,
        || {
            bb(inst.check_order(bb(o.price), bb(o.qty)).ok());
        },
    );
    let mut e = risk(n);
    let orders: Vec<OrderIntent> = (0..n as u32).map(order).collect();
    let mut t = 1_000_000_000i64;
    let mut k = 0usize;
    r.latency(g, "RiskEngine::check (all limits)", false, || {
        t += 1_000;
        k = (k + 1) % n;
        bb(e.check(bb(&orders[k]), Timestamp::from_nanos(t)).is_ok());
    });
    assert_eq!(
        e.counters().approved,
        e.counters().checked,
        "bench orders must all be approved"
    );

    let g = "control: mode read from any thread";
    let raw = AtomicU8::new(0);
    r.latency(g, "bare AtomicU8 load (Acquire)", true, || {
        bb(bb(&raw).load(Ordering::Acquire));
    });
    let c = std::sync::Arc::clone(risk(2).control());
    r.latency(g, "Control::mode()", false, || {
        bb(bb(&c).mode());
    });
}

/// Callgrind kernels (valgrind has no AVX-512, so the counted kernels are scalar and AVX2).
#[must_use]
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            id: "engine/decision_single16_scalar",
            make: || {
                let mut e = engine(KernelPath::Scalar);
                let f = features(NF, 1);
                Box::new(move |n| {
                    for _ in 0..n {
                        bb(e.decide_one(bb(&f)).ok());
                    }
                })
            },
        },
        Kernel {
            id: "engine/decision_single16_avx2",
            make: || {
                let path = if KernelPath::Avx2.is_supported() {
                    KernelPath::Avx2
                } else {
                    KernelPath::Scalar
                };
                let mut e = engine(path);
                let f = features(NF, 1);
                Box::new(move |n| {
                    for _ in 0..n {
                        bb(e.decide_one(bb(&f)).ok());
                    }
                })
            },
        },
        Kernel {
            id: "engine/risk_check_100",
            make: || {
                let mut e = risk(100);
                let orders: Vec<OrderIntent> = (0..100).map(order).collect();
                let mut t = 1_000_000_000i64;
                Box::new(move |n| {
                    for k in 0..n {
                        t += 1_000;
                        bb(
                            e.check(bb(&orders[(k % 100) as usize]), Timestamp::from_nanos(t))
                                .is_ok(),
                        );
                    }
                })
            },
        },
    ]
}
