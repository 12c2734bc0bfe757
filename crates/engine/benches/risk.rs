//! Criterion benches of the pre-trade check and the mode read.
//!
//! `cargo bench -p tachyon-engine --bench risk`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use tachyon_core::{InstrumentSpec, Notional, Price, Quantity, Timestamp};
use tachyon_engine::risk::{InstrumentRisk, RiskLimits, VenueSpec};
use tachyon_engine::{OrderIntent, OrderSide, RiskConfig, RiskEngine};

/// An engine with `n` instruments on 2 venues, positions everywhere, a correlation matrix with
/// some partners, and a rate limit that never binds.
pub fn engine(n: usize) -> RiskEngine {
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
    let mut e = RiskEngine::new(&cfg, Timestamp::from_nanos(0)).unwrap();
    e.set_equity(
        Notional::parse("10000000", 0).unwrap(),
        Timestamp::from_nanos(0),
    );
    for i in 0..n {
        e.set_position(
            i as u32,
            Quantity::parse("1", 3).unwrap(),
            Price::parse("1000.00", 2).unwrap(),
        )
        .unwrap();
    }
    let mut rho = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            rho[i * n + j] = if i == j {
                1.0
            } else if (i + j) % 5 == 0 {
                0.8
            } else {
                0.2
            };
        }
    }
    e.set_correlation(&rho).unwrap();
    e
}

pub fn order(i: u32) -> OrderIntent {
    OrderIntent {
        instrument: i,
        side: OrderSide::Buy,
        price: Price::parse("1000.00", 2).unwrap(),
        qty: Quantity::parse("0.5", 3).unwrap(),
        stop: Some(Price::parse("990.00", 2).unwrap()),
    }
}

fn check(c: &mut Criterion) {
    let mut g = c.benchmark_group("risk");
    for n in [10usize, 100] {
        let mut e = engine(n);
        let orders: Vec<OrderIntent> = (0..n as u32).map(order).collect();
        let mut t = 1_000_000_000i64;
        let mut k = 0usize;
        g.bench_function(format!("check/{n}-instruments"), |b| {
            b.iter(|| {
                t += 1_000;
                k = (k + 1) % n;
                black_box(
                    e.check(black_box(&orders[k]), Timestamp::from_nanos(t))
                        .is_ok(),
                )
            })
        });
    }
    let e = engine(4);
    g.bench_function("mode-read", |b| b.iter(|| black_box(black_box(&e).mode())));
    g.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
