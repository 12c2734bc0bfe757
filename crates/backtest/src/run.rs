//! A whole backtest in Rust: replay every record through a [`Session`] and a
//! [`NativeStrategy`], collect fills, the equity curve, round trips and metrics.

use crate::ledger::RoundTrip;
use crate::metrics::{compute, MetricInputs, Metrics};
use crate::session::{EquityPoint, Session, SessionStats};
use crate::strategy::NativeStrategy;
use tachyon_oms::{ExecReport as Report, ReportKind};

/// Everything a run produces.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Equity curve.
    pub curve: Vec<EquityPoint>,
    /// Fills, in order.
    pub fills: Vec<Report>,
    /// Every report (fills, rejections, cancels, expiries), in order.
    pub reports: Vec<Report>,
    /// Round trips (open ones marked).
    pub trips: Vec<RoundTrip>,
    /// Counters.
    pub stats: SessionStats,
    /// Metrics.
    pub metrics: Metrics,
    /// Final cash (cash scale).
    pub cash: i128,
    /// Final equity (cash scale).
    pub equity: i128,
    /// Decimal places of cash amounts.
    pub cash_scale: u8,
}

/// Metric settings of a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Periods per year (`None`: inferred from the curve).
    pub periods_per_year: Option<f64>,
    /// Annual risk-free rate.
    pub risk_free: f64,
}

/// Replays every record in `session` through `strategy`.
pub fn run(
    session: &mut Session,
    strategy: &mut dyn NativeStrategy,
    opts: RunOptions,
) -> RunResult {
    let mut reports = Vec::new();
    while let Some(r) = session.step_next() {
        strategy.on_record(session, &r);
        if session.pending_reports() > 0 {
            session.take_reports(&mut reports);
        }
    }
    finish(session, reports, opts)
}

/// Closes a session's curve and computes the results (also used by the JS-driven loop).
pub fn finish(session: &mut Session, mut reports: Vec<Report>, opts: RunOptions) -> RunResult {
    session.take_reports(&mut reports);
    session.finish_curve();
    let cash_scale = session.ledger().cash_scale();
    let pow = 10f64.powi(i32::from(cash_scale));
    let trips = session.ledger_mut().all_trips();
    let l = session.ledger();
    let metrics = compute(
        session.curve(),
        &trips,
        pow,
        &MetricInputs {
            periods_per_year: opts.periods_per_year,
            risk_free: opts.risk_free,
            traded: l.traded as f64 / pow,
            fees: l.fees as f64 / pow,
        },
    );
    RunResult {
        curve: session.curve().to_vec(),
        fills: reports
            .iter()
            .filter(|r| r.kind == ReportKind::Fill as u8 || r.kind == ReportKind::PartialFill as u8)
            .copied()
            .collect(),
        reports,
        trips,
        stats: session.stats().clone(),
        metrics,
        cash: l.cash,
        equity: l.equity(),
        cash_scale,
    }
}
