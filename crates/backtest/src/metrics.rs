//! Performance metrics of an equity curve and its round trips.
//!
//! Definitions (the conventions of `empyrical`, against which the fixtures are checked):
//! - returns `r_t = E_t / E_{t−1} − 1` between consecutive curve points;
//! - **total return** `E_end / E_0 − 1`; **annual return** (CAGR)
//!   `(E_end / E_0)^(P / n) − 1` with `n` returns and `P` periods per year;
//! - **volatility** `std(r, ddof=1)·√P`;
//! - **Sharpe** `mean(r − rf/P) / std(r − rf/P, ddof=1) · √P`;
//! - **Sortino** `mean(r − rf/P)·P / (√mean(min(r − rf/P, 0)²)·√P)`;
//! - **max drawdown** `max_t (peak_t − E_t) / peak_t` (a positive fraction); its **duration** is
//!   the longest time from a peak to the first point back at or above it (or to the end);
//! - **Calmar** `CAGR / max drawdown`;
//! - **win rate** closed round trips with P&L > 0 / closed round trips; **profit factor**
//!   gross profit / gross loss of closed round trips (∞ without a loss, NaN without trips);
//! - **exposure** share of curve points with a position open, and mean gross exposure /
//!   equity; **turnover** traded notional / mean equity (and per year).
//!
//! Undefined values (zero variance, no trades, fewer than two points) are NaN; the JSON
//! report writes them as `null`.

use crate::ledger::RoundTrip;
use crate::session::EquityPoint;

/// Nanoseconds in a (365.25-day) year.
pub const YEAR_NS: f64 = 365.25 * 86_400e9;

/// Inputs beside the curve.
#[derive(Debug, Clone, Copy)]
pub struct MetricInputs {
    /// Periods per year; `None` infers it from the median spacing of the curve (24/7 markets).
    pub periods_per_year: Option<f64>,
    /// Annual risk-free rate.
    pub risk_free: f64,
    /// Total traded notional.
    pub traded: f64,
    /// Total fees.
    pub fees: f64,
}

/// The metrics (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Metrics {
    /// First equity.
    pub start_equity: f64,
    /// Last equity.
    pub end_equity: f64,
    /// Number of returns.
    pub periods: usize,
    /// Periods per year used.
    pub periods_per_year: f64,
    /// Total return.
    pub total_return: f64,
    /// CAGR.
    pub annual_return: f64,
    /// Annualised volatility.
    pub volatility: f64,
    /// Sharpe ratio.
    pub sharpe: f64,
    /// Sortino ratio.
    pub sortino: f64,
    /// Calmar ratio.
    pub calmar: f64,
    /// Max drawdown (positive fraction).
    pub max_drawdown: f64,
    /// Longest drawdown in ns.
    pub max_drawdown_duration_ns: i64,
    /// Longest drawdown in curve periods.
    pub max_drawdown_duration_periods: usize,
    /// Closed round trips.
    pub trades: usize,
    /// Winning closed round trips / closed round trips.
    pub win_rate: f64,
    /// Gross profit / gross loss.
    pub profit_factor: f64,
    /// Mean P&L per closed round trip.
    pub avg_trade: f64,
    /// Share of points in the market.
    pub exposure_time: f64,
    /// Mean gross exposure / equity.
    pub avg_exposure: f64,
    /// Traded notional / mean equity.
    pub turnover: f64,
    /// Turnover per year.
    pub annual_turnover: f64,
    /// Fees paid.
    pub fees: f64,
}

fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        f64::NAN
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

fn std1(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return f64::NAN;
    }
    let m = mean(x);
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    (ss / (x.len() - 1) as f64).sqrt()
}

/// Median spacing of the timestamps → periods per year (`None` with fewer than 2 points).
#[must_use]
pub fn infer_periods_per_year(ts: &[i64]) -> Option<f64> {
    if ts.len() < 2 {
        return None;
    }
    let mut d: Vec<i64> = ts
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > 0)
        .collect();
    if d.is_empty() {
        return None;
    }
    d.sort_unstable();
    let med = d[d.len() / 2] as f64;
    Some(YEAR_NS / med)
}

/// Max drawdown and its longest duration `(fraction, ns, periods)`.
#[must_use]
pub fn drawdown(ts: &[i64], equity: &[f64]) -> (f64, i64, usize) {
    let mut peak = f64::NEG_INFINITY;
    let mut peak_i = 0usize;
    let mut max_dd = 0.0f64;
    let mut longest = (0i64, 0usize);
    for (i, &e) in equity.iter().enumerate() {
        if e >= peak {
            if peak.is_finite() && i > peak_i + 1 {
                // recovered: the drawdown lasted from peak_i to i
                let d = (ts[i] - ts[peak_i], i - peak_i);
                if d.0 > longest.0 {
                    longest = d;
                }
            }
            peak = e;
            peak_i = i;
        } else {
            let dd = (peak - e) / peak;
            if dd > max_dd {
                max_dd = dd;
            }
        }
    }
    if let (Some(&last_ts), true) = (ts.last(), equity.len() > peak_i + 1) {
        let d = (last_ts - ts[peak_i], equity.len() - 1 - peak_i);
        if d.0 > longest.0 {
            longest = d;
        }
    }
    (max_dd, longest.0, longest.1)
}

/// Computes the metrics.
#[must_use]
pub fn compute(
    curve: &[EquityPoint],
    trips: &[RoundTrip],
    cash_pow: f64,
    inp: &MetricInputs,
) -> Metrics {
    let eq: Vec<f64> = curve.iter().map(|p| p.equity).collect();
    let ts: Vec<i64> = curve.iter().map(|p| p.ts_ns).collect();
    let mut m = Metrics {
        fees: inp.fees,
        ..Metrics::default()
    };
    m.start_equity = eq.first().copied().unwrap_or(f64::NAN);
    m.end_equity = eq.last().copied().unwrap_or(f64::NAN);
    let p = inp
        .periods_per_year
        .or_else(|| infer_periods_per_year(&ts))
        .unwrap_or(f64::NAN);
    m.periods_per_year = p;
    let r: Vec<f64> = eq.windows(2).map(|w| w[1] / w[0] - 1.0).collect();
    m.periods = r.len();
    m.total_return = m.end_equity / m.start_equity - 1.0;
    m.annual_return = if r.is_empty() {
        f64::NAN
    } else {
        (m.end_equity / m.start_equity).powf(p / r.len() as f64) - 1.0
    };
    let rf = inp.risk_free / p;
    let adj: Vec<f64> = r.iter().map(|x| x - rf).collect();
    let sd = std1(&adj);
    m.volatility = std1(&r) * p.sqrt();
    m.sharpe = if sd > 0.0 {
        mean(&adj) / sd * p.sqrt()
    } else {
        f64::NAN
    };
    let down = if adj.is_empty() {
        f64::NAN
    } else {
        (adj.iter().map(|x| x.min(0.0).powi(2)).sum::<f64>() / adj.len() as f64).sqrt() * p.sqrt()
    };
    m.sortino = if down > 0.0 {
        mean(&adj) * p / down
    } else {
        f64::NAN
    };
    let (dd, dd_ns, dd_n) = drawdown(&ts, &eq);
    m.max_drawdown = dd;
    m.max_drawdown_duration_ns = dd_ns;
    m.max_drawdown_duration_periods = dd_n;
    m.calmar = if dd > 0.0 {
        m.annual_return / dd
    } else {
        f64::NAN
    };
    let closed: Vec<f64> = trips
        .iter()
        .filter(|t| !t.open)
        .map(|t| t.pnl as f64 / cash_pow)
        .collect();
    m.trades = closed.len();
    if closed.is_empty() {
        m.win_rate = f64::NAN;
        m.profit_factor = f64::NAN;
        m.avg_trade = f64::NAN;
    } else {
        let wins = closed.iter().filter(|x| **x > 0.0).count();
        m.win_rate = wins as f64 / closed.len() as f64;
        let gp: f64 = closed.iter().filter(|x| **x > 0.0).sum();
        let gl: f64 = -closed.iter().filter(|x| **x < 0.0).sum::<f64>();
        m.profit_factor = if gl > 0.0 { gp / gl } else { f64::INFINITY };
        m.avg_trade = mean(&closed);
    }
    if curve.is_empty() {
        m.exposure_time = f64::NAN;
        m.avg_exposure = f64::NAN;
    } else {
        m.exposure_time = curve.iter().filter(|p| p.in_market).count() as f64 / curve.len() as f64;
        m.avg_exposure = curve.iter().map(|p| p.exposure).sum::<f64>() / curve.len() as f64;
    }
    let me = mean(&eq);
    m.turnover = inp.traded / me;
    let years = match (ts.first(), ts.last()) {
        (Some(a), Some(b)) if b > a => (b - a) as f64 / YEAR_NS,
        _ => f64::NAN,
    };
    m.annual_turnover = m.turnover / years;
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawdown_duration_counts_until_recovery() {
        let ts = [0, 1, 2, 3, 4, 5, 6];
        let eq = [100.0, 110.0, 99.0, 105.0, 111.0, 100.0, 101.0];
        let (dd, ns, n) = drawdown(&ts, &eq);
        assert!((dd - 0.1).abs() < 1e-15); // 110 → 99
                                           // peak 110 at t1, recovered at t4 (3); peak 111 at t4, unrecovered to t6 (2)
        assert_eq!((ns, n), (3, 3));
    }
}
