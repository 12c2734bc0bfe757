//! Metrics against empyrical-reloaded (scripts/refs/backtest/metrics_empyrical.py).
use tachyon_backtest::metrics::{compute, MetricInputs};
use tachyon_backtest::session::EquityPoint;
use tachyon_backtest::RoundTrip;

use crate::common::{close, fixture};

fn trip(pnl: f64) -> RoundTrip {
    RoundTrip {
        instrument: 0,
        direction: 1,
        entry_ns: 0,
        exit_ns: 0,
        max_qty: 0,
        entry_price: 0,
        exit_price: 0,
        pnl: (pnl * 1e8).round() as i128,
        fees: 0,
        entry_notional: 0,
        fills: 2,
        open: false,
    }
}

#[test]
fn metrics_match_empyrical() {
    let f = fixture("metrics.json");
    for c in f["cases"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let ts: Vec<i64> = c["ts_ms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap() * 1_000_000)
            .collect();
        let eq: Vec<f64> = c["equity"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let curve: Vec<EquityPoint> = ts
            .iter()
            .zip(&eq)
            .map(|(&ts_ns, &equity)| EquityPoint {
                ts_ns,
                equity,
                exposure: 0.0,
                in_market: true,
            })
            .collect();
        let trips: Vec<RoundTrip> = c["trade_pnls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| trip(v.as_f64().unwrap()))
            .collect();
        let m = compute(
            &curve,
            &trips,
            1e8,
            &MetricInputs {
                periods_per_year: Some(c["periods_per_year"].as_f64().unwrap()),
                risk_free: c["risk_free"].as_f64().unwrap(),
                traded: 0.0,
                fees: 0.0,
            },
        );
        let e = &c["expected"];
        let want = |k: &str| e[k].as_f64().unwrap();
        for (k, got, tol) in [
            ("total_return", m.total_return, 1e-12),
            ("annual_return", m.annual_return, 1e-9),
            ("volatility", m.volatility, 1e-10),
            ("sharpe", m.sharpe, 1e-10),
            ("sortino", m.sortino, 1e-10),
            ("calmar", m.calmar, 1e-9),
            ("max_drawdown", m.max_drawdown, 1e-12),
            ("win_rate", m.win_rate, 1e-15),
            ("profit_factor", m.profit_factor, 1e-8),
            ("avg_trade", m.avg_trade, 1e-8),
        ] {
            assert!(
                close(got, want(k), tol),
                "{name} {k}: got {got}, empyrical {}",
                want(k)
            );
        }
        assert_eq!(
            m.max_drawdown_duration_ns,
            e["max_drawdown_duration_ms"].as_i64().unwrap() * 1_000_000,
            "{name}"
        );
        assert_eq!(
            m.max_drawdown_duration_periods as i64,
            e["max_drawdown_duration_periods"].as_i64().unwrap(),
            "{name}"
        );
        assert_eq!(m.trades, trips.len());
    }
}

#[test]
fn undefined_metrics_are_nan() {
    let curve = [EquityPoint {
        ts_ns: 0,
        equity: 100.0,
        exposure: 0.0,
        in_market: false,
    }];
    let m = compute(
        &curve,
        &[],
        1.0,
        &MetricInputs {
            periods_per_year: None,
            risk_free: 0.0,
            traded: 0.0,
            fees: 0.0,
        },
    );
    assert!(
        m.sharpe.is_nan() && m.sortino.is_nan() && m.win_rate.is_nan() && m.profit_factor.is_nan()
    );
    let flat: Vec<EquityPoint> = (0..10)
        .map(|i| EquityPoint {
            ts_ns: i * 60_000_000_000,
            equity: 100.0,
            exposure: 0.0,
            in_market: false,
        })
        .collect();
    let m = compute(
        &flat,
        &[trip(5.0)],
        1e8,
        &MetricInputs {
            periods_per_year: None,
            risk_free: 0.0,
            traded: 0.0,
            fees: 0.0,
        },
    );
    assert!(m.sharpe.is_nan(), "zero variance");
    assert_eq!(m.max_drawdown, 0.0);
    assert_eq!(m.profit_factor, f64::INFINITY);
    // minute spacing → 525,960 periods a year (365.25 days)
    assert!((m.periods_per_year - 525_960.0).abs() < 1e-6);
}
