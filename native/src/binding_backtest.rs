//! Bindings of `tachyon_backtest`: the replay session (an `External` handle driven per order,
//! never per event), whole Rust-only runs (sync and `AsyncTask`), metrics, synthetic bars and
//! the split helpers. Records cross as one `Uint8Array` of 64-byte records, reports come back
//! the same way.

use napi::bindgen_prelude::{AsyncTask, External, Float64Array, Uint32Array, Uint8Array};
use napi::{Env, Task};
use napi_derive::napi;
use tachyon_backtest::ledger::Side;
use tachyon_backtest::metrics::{compute, MetricInputs};
use tachyon_backtest::record::RecordError;
use tachyon_backtest::run::{finish, run, RunOptions, RunResult};
use tachyon_backtest::session::{EquityPoint, OrderRequest, Reject, Session, SessionConfig};
use tachyon_backtest::strategy::{DecisionStrategy, EmaCross, NativeStrategy};
use tachyon_backtest::synthetic::{BarSpec, SyntheticBars};
use tachyon_backtest::{split, write_reports, ExecReport as Report};
use tachyon_core::{Price, Quantity};
use tachyon_stats::mc::{self, Process};

use crate::error::{invalid_arg, invalid_state, OrThrow, Result};
use crate::options::backtest::{
    decision_setup, ema_cross_setup, BacktestSessionOptions, MetricOptions, NativeStrategyOptions,
    SyntheticBarsOptions,
};

/// A replay session, held by JS as an `External` handle (see CONTRIBUTING.md).
#[derive(Debug)]
pub struct BindingBacktestSession {
    inner: Session,
    /// Reports taken from the session but not yet handed to JavaScript.
    reports: Vec<Report>,
    all_reports: Vec<Report>,
    finished: bool,
}

/// Every refusal code, indexed by `reason − 1` of a rejected report.
#[napi]
pub fn backtest_reject_codes() -> Vec<&'static str> {
    Reject::ALL.iter().map(|r| r.code()).collect()
}

/// Every bad-record code, in the order of `BacktestStats.badRecords`.
#[napi]
pub fn backtest_record_error_codes() -> Vec<&'static str> {
    RecordError::ALL.iter().map(|r| r.code()).collect()
}

impl BindingBacktestSession {
    /// Every waiting report as 64-byte records (kept for the run's result too).
    fn take_bytes(&mut self) -> Vec<u8> {
        self.inner.take_reports(&mut self.reports);
        let mut out = Vec::with_capacity(self.reports.len() * tachyon_backtest::REPORT_SIZE);
        write_reports(&self.reports, &mut out);
        self.all_reports.append(&mut self.reports);
        out
    }
}

/// Creates a session.
#[napi(catch_unwind)]
pub fn backtest_session_new(
    options: BacktestSessionOptions,
) -> Result<External<BindingBacktestSession>> {
    let cfg = SessionConfig::try_from(options)?;
    Ok(External::new(BindingBacktestSession {
        inner: Session::new(cfg).or_throw()?,
        reports: Vec::new(),
        all_reports: Vec::new(),
        finished: false,
    }))
}

/// Appends 64-byte records; returns how many were accepted (bad ones are counted in stats).
#[napi(catch_unwind)]
pub fn backtest_session_push(
    session: &mut External<BindingBacktestSession>,
    bytes: &[u8],
) -> Result<u32> {
    Ok(session.inner.push_bytes(bytes).or_throw()? as u32)
}

/// Processes records up to (not including) global index `upto`, stopping right after a record
/// that produced reports; returns the new cursor.
#[napi]
pub fn backtest_session_advance(session: &mut External<BindingBacktestSession>, upto: f64) -> f64 {
    session.inner.advance(upto.max(0.0) as usize) as f64
}

/// Lock-step advance in one call: processes records up to `upto`, stopping right after a record
/// that produced reports, and returns those reports (64-byte records), or `null` when none
/// came (then the cursor is `min(upto, len)`).
#[napi]
pub fn backtest_session_advance_take(
    session: &mut External<BindingBacktestSession>,
    upto: f64,
) -> Option<Uint8Array> {
    let s: &mut BindingBacktestSession = session;
    s.inner.advance(upto.max(0.0) as usize);
    if s.inner.pending_reports() == 0 && s.reports.is_empty() {
        return None;
    }
    Some(Uint8Array::new(s.take_bytes()))
}

/// Processes every record up to `upto` without stopping; returns the new cursor.
#[napi]
pub fn backtest_session_advance_all(
    session: &mut External<BindingBacktestSession>,
    upto: f64,
) -> f64 {
    session.inner.advance_all(upto.max(0.0) as usize) as f64
}

/// Records accepted so far.
#[napi]
pub fn backtest_session_len(session: &External<BindingBacktestSession>) -> f64 {
    session.inner.len() as f64
}

/// Index of the next record to process.
#[napi]
pub fn backtest_session_cursor(session: &External<BindingBacktestSession>) -> f64 {
    session.inner.cursor() as f64
}

/// Submits an order at the current market time: quantity and limit are mantissas at the
/// instrument's scales (`limit` ≤ 0 for a market order); `side` 1 buy, 2 sell. Returns the
/// order id (> 0), or `−(1 + index)` of the refusal in `backtestRejectCodes()`.
#[napi(catch_unwind)]
pub fn backtest_session_submit(
    session: &mut External<BindingBacktestSession>,
    instrument: u32,
    side: u32,
    qty: f64,
    limit: f64,
    ioc: bool,
) -> Result<f64> {
    let side = Side::from_u8(u8::try_from(side).unwrap_or(0))
        .ok_or_else(|| invalid_arg(format!("side must be 1 (buy) or 2 (sell), got {side}")))?;
    let qty = crate::options::safe_integer(qty, "qty")?;
    let limit = if limit > 0.0 {
        Some(crate::options::safe_integer(limit, "limit")?)
    } else {
        None
    };
    Ok(
        match session.inner.submit(OrderRequest {
            instrument,
            side,
            qty,
            limit,
            ioc,
        }) {
            Ok(id) => id as f64,
            Err(r) => -f64::from(r.byte()),
        },
    )
}

/// Books a fill from an earlier session (rebuilding the ledger from the journal): mantissas
/// for quantity and price, the fee as a decimal string in the account currency.
#[napi(catch_unwind)]
pub fn backtest_session_restore_fill(
    session: &mut External<BindingBacktestSession>,
    instrument: u32,
    side: u32,
    qty: f64,
    price: f64,
    fee: String,
    ts_ms: f64,
) -> Result<()> {
    let s: &mut BindingBacktestSession = session;
    let side = Side::from_u8(u8::try_from(side).unwrap_or(0))
        .ok_or_else(|| invalid_arg(format!("side must be 1 (buy) or 2 (sell), got {side}")))?;
    let cs = s.inner.ledger().cash_scale();
    let fee = tachyon_core::Fixed::parse_with(&fee, cs, tachyon_core::Rounding::Exact)
        .map_err(|e| invalid_arg(format!("fee {fee:?}: {e}")))?;
    s.inner
        .restore_fill(
            instrument,
            side,
            crate::options::safe_integer(qty, "qty")?,
            crate::options::safe_integer(price, "price")?,
            i128::from(fee.mantissa()),
            (ts_ms * 1e6) as i64,
        )
        .or_throw()
}

/// Cancels an open order; `false` if it is not open.
#[napi]
pub fn backtest_session_cancel(
    session: &mut External<BindingBacktestSession>,
    order_id: f64,
) -> bool {
    session.inner.cancel(order_id as u64)
}

/// Open orders.
#[napi]
pub fn backtest_session_open_count(session: &External<BindingBacktestSession>) -> u32 {
    session.inner.open_count() as u32
}

/// Reports waiting.
#[napi]
pub fn backtest_session_pending_reports(session: &External<BindingBacktestSession>) -> u32 {
    (session.inner.pending_reports() + session.reports.len()) as u32
}

/// Takes the reports produced since the last call (64-byte records).
#[napi]
pub fn backtest_session_take_reports(session: &mut External<BindingBacktestSession>) -> Uint8Array {
    let s: &mut BindingBacktestSession = session;
    Uint8Array::new(s.take_bytes())
}

/// Moves up to `out.length / 64` reports into a caller-owned buffer (no allocation: the hot
/// path after each order); returns how many were written. Reports that do not fit stay for
/// the next call.
#[napi(catch_unwind)]
pub fn backtest_session_take_reports_into(
    session: &mut External<BindingBacktestSession>,
    mut out: Uint8Array,
) -> u32 {
    // SAFETY: the typed array is a live argument of this call; JavaScript is suspended until
    // it returns, and nothing else holds a Rust view of this memory.
    let out: &mut [u8] = unsafe { out.as_mut() };
    let s: &mut BindingBacktestSession = session;
    s.inner.take_reports(&mut s.reports);
    let size = tachyon_backtest::REPORT_SIZE;
    let n = (out.len() / size).min(s.reports.len());
    for (k, r) in s.reports.drain(..n).enumerate() {
        out[k * size..(k + 1) * size].copy_from_slice(&r.to_bytes());
        s.all_reports.push(r);
    }
    n as u32
}

/// Drops processed records from memory (long paper sessions).
#[napi]
pub fn backtest_session_compact(session: &mut External<BindingBacktestSession>) {
    session.inner.compact();
}

/// A position.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct PositionState {
    pub instrument: u32,
    /// Signed quantity, decimal string.
    pub qty: String,
    /// Signed cost of the open quantity, decimal string.
    pub cost: String,
    /// Average entry price (`cost / qty`, float); NaN when flat.
    pub avg_price: f64,
    /// Realized P&L before fees, decimal string.
    pub realized: String,
    /// Fees paid, decimal string.
    pub fees: String,
    /// Last price, decimal string ("0" before any).
    pub mark: String,
}

/// Account state (exact decimals as strings, floats for display).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct AccountState {
    pub cash: String,
    pub equity: String,
    pub equity_f64: f64,
    /// Market time of the last processed record, ms (NaN before any).
    pub now_ms: f64,
    pub positions: Vec<PositionState>,
    pub traded: String,
    pub fees: String,
}

fn money(v: i128, scale: u8) -> String {
    let neg = v < 0;
    let a = v.unsigned_abs();
    let p = 10u128.pow(u32::from(scale));
    let (i, f) = (a / p, a % p);
    let s = if scale == 0 {
        format!("{i}")
    } else {
        format!("{i}.{f:0width$}", width = usize::from(scale))
    };
    if neg && a != 0 {
        format!("-{s}")
    } else {
        s
    }
}

fn account(s: &Session) -> AccountState {
    let l = s.ledger();
    let cs = l.cash_scale();
    let pow = 10f64.powi(i32::from(cs));
    AccountState {
        cash: money(l.cash, cs),
        equity: money(l.equity(), cs),
        equity_f64: s.equity_f64(),
        now_ms: if s.now() == i64::MIN {
            f64::NAN
        } else {
            s.now() as f64 / 1e6
        },
        positions: l
            .positions()
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let inst = &s.instruments()[i];
                let qs = inst.qty_scale();
                PositionState {
                    instrument: i as u32,
                    qty: Quantity::from_mantissa(p.qty, qs)
                        .map(|q| q.to_string())
                        .unwrap_or_default(),
                    cost: money(p.cost, cs),
                    avg_price: if p.qty == 0 {
                        f64::NAN
                    } else {
                        (p.cost as f64 / pow) / (p.qty as f64 / 10f64.powi(i32::from(qs)))
                    },
                    realized: money(p.realized, cs),
                    fees: money(p.fees, cs),
                    mark: Price::from_mantissa(p.mark, inst.price_scale())
                        .map(|q| q.to_string())
                        .unwrap_or_default(),
                }
            })
            .collect(),
        traded: money(l.traded, cs),
        fees: money(l.fees, cs),
    }
}

/// Cash, equity and positions now.
#[napi]
pub fn backtest_session_account(session: &External<BindingBacktestSession>) -> AccountState {
    account(&session.inner)
}

/// Counters.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BacktestStats {
    pub records: f64,
    /// Per `backtestRecordErrorCodes()`.
    pub bad_records: Vec<f64>,
    pub processed: f64,
    pub orders: f64,
    /// Per `backtestRejectCodes()`.
    pub rejected: Vec<f64>,
    pub fills: f64,
    pub cancelled: f64,
    pub expired: f64,
}

fn stats_js(s: &tachyon_backtest::session::SessionStats) -> BacktestStats {
    BacktestStats {
        records: s.records as f64,
        bad_records: s.bad_records.iter().map(|v| *v as f64).collect(),
        processed: s.processed as f64,
        orders: s.orders as f64,
        rejected: s.rejected.iter().map(|v| *v as f64).collect(),
        fills: s.fills as f64,
        cancelled: s.cancelled as f64,
        expired: s.expired as f64,
    }
}

/// Counters so far.
#[napi]
pub fn backtest_session_stats(session: &External<BindingBacktestSession>) -> BacktestStats {
    stats_js(session.inner.stats())
}

/// The metrics (NaN where undefined; `profitFactor` is +∞ without a losing trade).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct MetricsJs {
    pub start_equity: f64,
    pub end_equity: f64,
    pub periods: f64,
    pub periods_per_year: f64,
    pub total_return: f64,
    pub annual_return: f64,
    pub volatility: f64,
    pub sharpe: f64,
    pub sortino: f64,
    pub calmar: f64,
    pub max_drawdown: f64,
    pub max_drawdown_duration_ms: f64,
    pub max_drawdown_duration_periods: f64,
    pub trades: f64,
    pub win_rate: f64,
    pub profit_factor: f64,
    pub avg_trade: f64,
    pub exposure_time: f64,
    pub avg_exposure: f64,
    pub turnover: f64,
    pub annual_turnover: f64,
    pub fees: f64,
}

fn metrics_js(m: &tachyon_backtest::Metrics) -> MetricsJs {
    MetricsJs {
        start_equity: m.start_equity,
        end_equity: m.end_equity,
        periods: m.periods as f64,
        periods_per_year: m.periods_per_year,
        total_return: m.total_return,
        annual_return: m.annual_return,
        volatility: m.volatility,
        sharpe: m.sharpe,
        sortino: m.sortino,
        calmar: m.calmar,
        max_drawdown: m.max_drawdown,
        max_drawdown_duration_ms: m.max_drawdown_duration_ns as f64 / 1e6,
        max_drawdown_duration_periods: m.max_drawdown_duration_periods as f64,
        trades: m.trades as f64,
        win_rate: m.win_rate,
        profit_factor: m.profit_factor,
        avg_trade: m.avg_trade,
        exposure_time: m.exposure_time,
        avg_exposure: m.avg_exposure,
        turnover: m.turnover,
        annual_turnover: m.annual_turnover,
        fees: m.fees,
    }
}

/// A round trip (flat → flat).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct RoundTripJs {
    pub instrument: u32,
    /// 1 long, −1 short.
    pub direction: i32,
    pub entry_ms: f64,
    pub exit_ms: f64,
    /// Largest absolute quantity, decimal string.
    pub qty: String,
    pub entry_price: String,
    pub exit_price: String,
    /// Realized P&L minus fees, decimal string.
    pub pnl: String,
    pub fees: String,
    /// P&L / entry notional.
    pub return_pct: f64,
    pub fills: u32,
    /// Still open at the end (P&L realized so far).
    pub open: bool,
}

/// Everything a run produces.
#[napi(object)]
#[allow(missing_debug_implementations)] // holds JS typed arrays, which have no Debug
pub struct BacktestResultJs {
    /// Equity curve: times (ms since the epoch), equity, gross exposure / equity, in-market flag.
    pub curve_ms: Float64Array,
    pub curve_equity: Float64Array,
    pub curve_exposure: Float64Array,
    pub curve_in_market: Uint8Array,
    /// Fills as 64-byte reports.
    pub fills: Uint8Array,
    /// Every report (fills, rejections, cancels, expiries).
    pub reports: Uint8Array,
    pub trips: Vec<RoundTripJs>,
    pub metrics: MetricsJs,
    pub stats: BacktestStats,
    pub account: AccountState,
}

fn result_js(s: &Session, r: &RunResult) -> BacktestResultJs {
    let cs = r.cash_scale;
    let pow = 10f64.powi(i32::from(cs));
    let mut fills = Vec::new();
    write_reports(&r.fills, &mut fills);
    let mut reports = Vec::new();
    write_reports(&r.reports, &mut reports);
    BacktestResultJs {
        curve_ms: Float64Array::new(r.curve.iter().map(|p| p.ts_ns as f64 / 1e6).collect()),
        curve_equity: Float64Array::new(r.curve.iter().map(|p| p.equity).collect()),
        curve_exposure: Float64Array::new(r.curve.iter().map(|p| p.exposure).collect()),
        curve_in_market: Uint8Array::new(r.curve.iter().map(|p| u8::from(p.in_market)).collect()),
        fills: Uint8Array::new(fills),
        reports: Uint8Array::new(reports),
        trips: r
            .trips
            .iter()
            .map(|t| {
                let inst = &s.instruments()[t.instrument as usize];
                RoundTripJs {
                    instrument: t.instrument,
                    direction: i32::from(t.direction),
                    entry_ms: t.entry_ns as f64 / 1e6,
                    exit_ms: t.exit_ns as f64 / 1e6,
                    qty: Quantity::from_mantissa(t.max_qty, inst.qty_scale())
                        .map(|q| q.to_string())
                        .unwrap_or_default(),
                    entry_price: Price::from_mantissa(t.entry_price, inst.price_scale())
                        .map(|q| q.to_string())
                        .unwrap_or_default(),
                    exit_price: Price::from_mantissa(t.exit_price, inst.price_scale())
                        .map(|q| q.to_string())
                        .unwrap_or_default(),
                    pnl: money(t.pnl, cs),
                    fees: money(t.fees, cs),
                    return_pct: if t.entry_notional == 0 {
                        f64::NAN
                    } else {
                        (t.pnl as f64 / pow) / (t.entry_notional as f64 / pow)
                    },
                    fills: t.fills,
                    open: t.open,
                }
            })
            .collect(),
        metrics: metrics_js(&r.metrics),
        stats: stats_js(&r.stats),
        account: account(s),
    }
}

fn run_options(o: &Option<MetricOptions>) -> Result<RunOptions> {
    let o = o.clone().unwrap_or_default();
    if let Some(p) = o.periods_per_year {
        if !(p.is_finite() && p > 0.0) {
            return Err(invalid_arg(format!(
                "periodsPerYear must be positive, got {p}"
            )));
        }
    }
    let rf = o.risk_free.unwrap_or(0.0);
    if !rf.is_finite() {
        return Err(invalid_arg("riskFree must be finite"));
    }
    Ok(RunOptions {
        periods_per_year: o.periods_per_year,
        risk_free: rf,
    })
}

/// Processes what is left, closes the curve and returns the results. The session can not be
/// used for trading afterwards.
#[napi(catch_unwind)]
pub fn backtest_session_finish(
    session: &mut External<BindingBacktestSession>,
    options: Option<MetricOptions>,
) -> Result<BacktestResultJs> {
    let s: &mut BindingBacktestSession = session;
    if s.finished {
        return Err(invalid_state("session already finished"));
    }
    let opts = run_options(&options)?;
    let end = s.inner.len();
    s.inner.advance_all(end);
    s.finished = true;
    let mut prior = std::mem::take(&mut s.all_reports);
    prior.append(&mut s.reports);
    let r = finish(&mut s.inner, prior, opts);
    Ok(result_js(&s.inner, &r))
}

struct Prepared {
    session: Session,
    strategy: Box<dyn NativeStrategy + Send>,
    opts: RunOptions,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared").finish_non_exhaustive()
    }
}

fn prepare(
    options: BacktestSessionOptions,
    bytes: &[u8],
    strategy: &NativeStrategyOptions,
    metric: &Option<MetricOptions>,
) -> Result<Prepared> {
    let cfg = SessionConfig::try_from(options)?;
    let mut session = Session::new(cfg).or_throw()?;
    let lot_scale = session.instruments()[0].qty_scale();
    let qty = Quantity::parse(&strategy.qty, lot_scale)
        .map_err(|e| invalid_arg(format!("strategy.qty: {e}")))?;
    if !qty.is_positive() {
        return Err(invalid_arg("strategy.qty must be positive"));
    }
    let scales: Vec<u8> = session
        .instruments()
        .iter()
        .map(|i| i.price_scale())
        .collect();
    let direction = if strategy.long_short.unwrap_or(false) {
        tachyon_backtest::Direction::LongShort
    } else {
        tachyon_backtest::Direction::LongOnly
    };
    let strategy: Box<dyn NativeStrategy + Send> = match strategy.kind.as_str() {
        "emaCross" => {
            let setup = ema_cross_setup(strategy)?;
            Box::new(
                EmaCross::new(
                    setup.fast,
                    setup.slow,
                    qty.mantissa(),
                    setup.direction,
                    &scales,
                )
                .or_throw()?,
            )
        }
        "decision" => {
            let (features, engine) = decision_setup(strategy)?;
            Box::new(
                DecisionStrategy::new(&features, &engine, qty.mantissa(), direction, &scales)
                    .or_throw()?,
            )
        }
        other => {
            return Err(invalid_arg(format!(
                "strategy.kind must be \"emaCross\" or \"decision\", got {other:?}"
            )))
        }
    };
    session.push_bytes(bytes).or_throw()?;
    Ok(Prepared {
        session,
        strategy,
        opts: run_options(metric)?,
    })
}

/// Runs a whole backtest in Rust (no JS call per event) and returns the results.
#[napi(catch_unwind)]
pub fn backtest_run(
    options: BacktestSessionOptions,
    records: &[u8],
    strategy: NativeStrategyOptions,
    metrics: Option<MetricOptions>,
) -> Result<BacktestResultJs> {
    let mut p = prepare(options, records, &strategy, &metrics)?;
    let r = run(&mut p.session, p.strategy.as_mut(), p.opts);
    Ok(result_js(&p.session, &r))
}

#[derive(Debug)]
pub struct BacktestRunTask {
    prepared: Option<Prepared>,
}

impl Task for BacktestRunTask {
    type Output = (Session, RunResult);
    type JsValue = BacktestResultJs;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let mut p = self
            .prepared
            .take()
            .ok_or_else(|| napi::Error::from_reason("task already ran"))?;
        let r = run(&mut p.session, p.strategy.as_mut(), p.opts);
        Ok((p.session, r))
    }

    fn resolve(&mut self, _env: Env, out: Self::Output) -> napi::Result<BacktestResultJs> {
        Ok(result_js(&out.0, &out.1))
    }
}

/// `backtestRun` on a worker thread (input checked first, as `backtestRun`).
#[napi(catch_unwind, ts_return_type = "Promise<BacktestResultJs>")]
pub fn backtest_run_async(
    options: BacktestSessionOptions,
    records: &[u8],
    strategy: NativeStrategyOptions,
    metrics: Option<MetricOptions>,
) -> Result<AsyncTask<BacktestRunTask>> {
    Ok(AsyncTask::new(BacktestRunTask {
        prepared: Some(prepare(options, records, &strategy, &metrics)?),
    }))
}

/// Metrics of an arbitrary equity curve (times in ms) and round-trip P&Ls.
#[napi(catch_unwind)]
pub fn backtest_metrics(
    curve_ms: Float64Array,
    equity: Float64Array,
    trade_pnls: Option<Float64Array>,
    in_market: Option<Uint8Array>,
    options: Option<MetricOptions>,
) -> Result<MetricsJs> {
    if curve_ms.len() != equity.len() {
        return Err(invalid_arg(format!(
            "curveMs has {} points, equity {}",
            curve_ms.len(),
            equity.len()
        )));
    }
    if let Some(i) = equity.iter().position(|e| !e.is_finite()) {
        return Err(invalid_arg(format!("equity[{i}] is not finite")));
    }
    let opts = run_options(&options)?;
    let curve: Vec<EquityPoint> = curve_ms
        .iter()
        .zip(equity.iter())
        .enumerate()
        .map(|(i, (t, e))| EquityPoint {
            ts_ns: (t * 1e6) as i64,
            equity: *e,
            exposure: 0.0,
            in_market: in_market
                .as_ref()
                .is_some_and(|m| m.get(i).copied().unwrap_or(0) != 0),
        })
        .collect();
    let trips: Vec<tachyon_backtest::RoundTrip> = trade_pnls
        .as_ref()
        .map(|v| {
            v.iter()
                .map(|p| tachyon_backtest::RoundTrip {
                    instrument: 0,
                    direction: 1,
                    entry_ns: 0,
                    exit_ns: 0,
                    max_qty: 0,
                    entry_price: 0,
                    exit_price: 0,
                    pnl: (p * 1e8).round() as i128,
                    fees: 0,
                    entry_notional: 0,
                    fills: 0,
                    open: false,
                })
                .collect()
        })
        .unwrap_or_default();
    let m = compute(
        &curve,
        &trips,
        1e8,
        &MetricInputs {
            periods_per_year: opts.periods_per_year,
            risk_free: opts.risk_free,
            traded: 0.0,
            fees: 0.0,
        },
    );
    Ok(metrics_js(&m))
}

/// A seeded synthetic bar generator (`External` handle).
#[derive(Debug)]
pub struct BindingSyntheticBars {
    inner: SyntheticBars,
}

fn process(o: &SyntheticBarsOptions, price: f64, mu: f64, sigma: f64) -> Result<Process> {
    Ok(match o.model.as_deref().unwrap_or("gbm") {
        "gbm" => Process::Gbm(mc::Gbm {
            s0: price,
            mu,
            sigma,
        }),
        "merton" => Process::Merton(mc::Merton {
            s0: price,
            mu,
            sigma,
            lambda: o.jump_intensity.unwrap_or(50.0),
            jump_mean: o.jump_mean.unwrap_or(0.0),
            jump_std: o.jump_std.unwrap_or(0.01),
        }),
        "heston" => Process::Heston(mc::Heston {
            s0: price,
            mu,
            v0: o.v0.unwrap_or(sigma * sigma),
            kappa: o.kappa.unwrap_or(2.0),
            theta: o.theta.unwrap_or(sigma * sigma),
            xi: o.xi.unwrap_or(0.5),
            rho: o.rho.unwrap_or(-0.7),
        }),
        "ou" => {
            // `sigma` is a fraction of the long-run price, like the other models' volatility
            let theta = o.theta.unwrap_or(price);
            Process::Ou(mc::OrnsteinUhlenbeck {
                x0: price,
                kappa: o.kappa.unwrap_or(50.0),
                theta,
                sigma: sigma * theta,
            })
        }
        other => {
            return Err(invalid_arg(format!(
                "model must be gbm, merton, heston or ou, got {other:?}"
            )))
        }
    })
}

fn synthetic(o: &SyntheticBarsOptions) -> Result<SyntheticBars> {
    let seed = crate::options::safe_integer(o.seed, "seed")?;
    let tick = Price::parse_auto(o.tick_size.as_deref().unwrap_or("0.01"))
        .map_err(|e| invalid_arg(format!("tickSize: {e}")))?;
    let lot = Quantity::parse_auto(o.lot_size.as_deref().unwrap_or("0.00001"))
        .map_err(|e| invalid_arg(format!("lotSize: {e}")))?;
    let vol = Quantity::parse(o.mean_volume.as_deref().unwrap_or("5"), lot.scale())
        .map_err(|e| invalid_arg(format!("meanVolume: {e}")))?;
    let price = o.start_price.unwrap_or(65_000.0);
    let sigma = o.sigma.unwrap_or(0.6);
    let mu = o.mu.unwrap_or(0.0);
    let bar_ms = o.bar_ms.unwrap_or(60_000.0);
    let start_ms = o.start_ms.unwrap_or(1_704_067_200_000.0);
    if !(price.is_finite() && price > 0.0) {
        return Err(invalid_arg("startPrice must be positive"));
    }
    if !(sigma.is_finite() && sigma >= 0.0 && mu.is_finite()) {
        return Err(invalid_arg("sigma must be >= 0 and mu finite"));
    }
    if !(bar_ms.is_finite() && bar_ms >= 1.0 && start_ms.is_finite()) {
        return Err(invalid_arg("barMs must be >= 1 and startMs finite"));
    }
    if !tick.is_positive() {
        return Err(invalid_arg("tickSize must be positive"));
    }
    let p = process(o, price, mu, sigma)?;
    SyntheticBars::new(
        seed as u64,
        &p,
        BarSpec {
            instrument: o.instrument.unwrap_or(0),
            start_ns: (start_ms * 1e6) as i64,
            bar_ns: (bar_ms * 1e6) as i64,
            steps_per_bar: o.steps_per_bar.unwrap_or(8).max(1),
            tick: tick.mantissa(),
            price_scale: tick.scale(),
            mean_volume: vol.mantissa() as f64,
        },
    )
    .or_throw()
}

/// Creates a synthetic bar generator.
#[napi(catch_unwind)]
pub fn synthetic_bars_new(options: SyntheticBarsOptions) -> Result<External<BindingSyntheticBars>> {
    Ok(External::new(BindingSyntheticBars {
        inner: synthetic(&options)?,
    }))
}

/// The next `n` bars as 64-byte records.
#[napi]
pub fn synthetic_bars_next(gen: &mut External<BindingSyntheticBars>, n: u32) -> Uint8Array {
    let mut v = Vec::with_capacity(n as usize);
    gen.inner.fill(n as usize, &mut v);
    let mut out = Vec::with_capacity(v.len() * tachyon_backtest::RECORD_SIZE);
    for r in &v {
        out.extend_from_slice(&r.to_bytes());
    }
    Uint8Array::new(out)
}

/// A walk-forward window.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct WindowJs {
    pub train_start: u32,
    pub train_end: u32,
    pub test_start: u32,
    pub test_end: u32,
}

/// Walk-forward windows over `n` observations (see `tachyon_backtest::split`).
#[napi(catch_unwind)]
pub fn walk_forward_windows(
    n: u32,
    train: u32,
    test: u32,
    step: Option<u32>,
    gap: Option<u32>,
    anchored: Option<bool>,
) -> Result<Vec<WindowJs>> {
    let w = split::walk_forward(
        n as usize,
        train as usize,
        test as usize,
        step.unwrap_or(test) as usize,
        gap.unwrap_or(0) as usize,
        anchored.unwrap_or(false),
    )
    .or_throw()?;
    Ok(w.into_iter()
        .map(|w| WindowJs {
            train_start: w.train.start as u32,
            train_end: w.train.end as u32,
            test_start: w.test.start as u32,
            test_end: w.test.end as u32,
        })
        .collect())
}

/// A purged k-fold split.
#[napi(object)]
#[allow(missing_debug_implementations)] // holds a JS typed array, which has no Debug
pub struct FoldJs {
    pub train: Uint32Array,
    pub test_start: u32,
    pub test_end: u32,
}

/// Purged k-fold with embargo (López de Prado); `times` and `t1` in any integer unit (ms).
#[napi(catch_unwind)]
pub fn purged_kfold(
    times: Float64Array,
    t1: Float64Array,
    k: u32,
    embargo: Option<f64>,
) -> Result<Vec<FoldJs>> {
    let conv = |v: &Float64Array, what: &str| -> Result<Vec<i64>> {
        v.iter()
            .map(|x| crate::options::safe_integer(*x, what))
            .collect()
    };
    let f = split::purged_kfold(
        &conv(&times, "times")?,
        &conv(&t1, "t1")?,
        k as usize,
        embargo.unwrap_or(0.0),
    )
    .or_throw()?;
    Ok(f.into_iter()
        .map(|f| FoldJs {
            train: Uint32Array::new(f.train.into_iter().map(|i| i as u32).collect()),
            test_start: f.test.start as u32,
            test_end: f.test.end as u32,
        })
        .collect())
}
