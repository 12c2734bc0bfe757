//! The pre-trade risk engine.
//!
//! [`RiskEngine::check`] answers "may this [`OrderIntent`] go out now?" with an [`Approval`]
//! or a typed [`RiskRejection`], reading the portfolio state the engine keeps (positions,
//! marks, stops, equity, correlations) and the shared [`Control`] mode. The OMS calls it before
//! every order; the engine's owner feeds it fills, marks, equity, quotes and venue errors.
//!
//! # Order of checks (the first failure is returned)
//! 1. unknown instrument; quote staleness of this instrument (may escalate the mode);
//! 2. mode Pause → `MODE_PAUSE`;
//! 3. precision, tick, lot, min/max quantity, min/max notional — `Instrument::check_order`
//!    (exact fixed point);
//! 4. mode Reduce/Emergency: only position-reducing orders (`|post| < |pos|`, same side or
//!    flat); in Reduce at most `limits.reduceStage` of the position per order;
//! 5. `limits.maxOrderNotional` (exact);
//! 6. order rate (`limits.maxOrders` per `limits.rateWindowMs`, sliding window);
//! 7. `maxPosition` (exact);
//! 8. for orders that are not position-reducing: equity known, hard drawdown, soft drawdown,
//!    daily loss;
//! 9. concentration, correlated exposure, portfolio heat, venue leverage.
//!
//! Exposure limits (7 and 9) reject an order only if the measure after it is **above the limit
//! and above its value before the order**: an order that lowers an exposure always passes
//! them, so a book that is over a limit (after a price move or a lowered limit) can always be
//! reduced.
//!
//! # Exact and floating-point arithmetic
//! Prices, quantities, notionals and positions are `tachyon_core` fixed point; the instrument
//! rules, `maxOrderNotional` and `maxPosition` are compared exactly. Ratios to equity
//! (concentration, correlated exposure, heat, leverage, drawdown, daily loss) are computed in
//! `f64` from exact notionals (each converted once, relative error ≤ 2⁻⁵³); drawdown is
//! `(peak − equity) / peak` so that whole-unit equities hit a limit like 20% exactly. Within
//! about 1e-15 of a limit the outcome may go either way. Approved orders consume the rate limit;
//! rejected ones do not.

mod config;
mod rejection;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use tachyon_core::{Instrument, InstrumentId, Notional, Price, Quantity, Rounding, Timestamp};
use tachyon_riskmath::{position_fraction, Sizing};

pub use config::{InstrumentRisk, RiskConfig, RiskLimits, VenueSpec};
pub use rejection::{RiskRejection, REJECTION_CODES};

use crate::breakers::{Breakers, Trip};
use crate::control::{Control, Mode, Source, Transition};
use crate::error::EngineError;
use config::Limits;

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderSide {
    /// Buy (adds to the position).
    Buy,
    /// Sell (subtracts from the position).
    Sell,
}

/// An order the OMS wants to send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrderIntent {
    /// Instrument id (position in the configured list).
    pub instrument: InstrumentId,
    /// Side.
    pub side: OrderSide,
    /// Limit price, or the expected fill price of a market order, at the instrument's scale.
    pub price: Price,
    /// Quantity (positive) at the instrument's scale.
    pub qty: Quantity,
    /// Protective stop for the resulting position (portfolio heat); `None` keeps the
    /// position's current stop.
    pub stop: Option<Price>,
}

/// What an approved order does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Approval {
    /// Order notional (exact).
    pub notional: Notional,
    /// Position after a full fill.
    pub position_after: Quantity,
    /// The order reduces the position without flipping it.
    pub reducing: bool,
}

/// Totals of the checks so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskCounters {
    /// Checks run.
    pub checked: u64,
    /// Orders approved.
    pub approved: u64,
    /// Rejections per code, indexed like [`REJECTION_CODES`].
    pub rejected: [u64; REJECTION_CODES.len()],
}

impl RiskCounters {
    /// Rejections with `code`.
    #[must_use]
    pub fn rejected_with(&self, code: &str) -> u64 {
        REJECTION_CODES
            .iter()
            .position(|c| *c == code)
            .map_or(0, |i| self.rejected[i])
    }
}

/// A sizing result: side, lot-rounded quantity and the capped fraction it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizedOrder {
    /// Side (from the sign of the fraction).
    pub side: OrderSide,
    /// Quantity, rounded down to the lot so `qty × price ≤ |fraction| × equity`.
    pub qty: Quantity,
    /// The capped fraction of equity.
    pub fraction: f64,
}

#[derive(Debug, Clone)]
struct InstrumentState {
    inst: Instrument,
    venue: usize,
    max_position: Option<Quantity>,
    pos: Quantity,
    mark: Option<Price>,
    stop: Option<Price>,
    /// Signed position notional at the mark (f64 of the exact product).
    exposure: f64,
    /// Risk to stop (heat contribution).
    risk: f64,
    /// Correlated partners: (instrument, sign of ρ).
    partners: Vec<(usize, f64)>,
}

#[derive(Debug, Clone)]
struct VenueState {
    name: String,
    max_leverage: f64,
    gross: f64,
    equity: Option<f64>,
}

/// The pre-trade risk engine (see the [module docs](self)).
#[derive(Debug)]
pub struct RiskEngine {
    limits: Limits,
    instruments: Vec<InstrumentState>,
    venues: Vec<VenueState>,
    symbols: HashMap<String, usize>,
    equity: Option<f64>,
    peak: f64,
    day_start: Option<f64>,
    heat: f64,
    rate: VecDeque<i64>,
    breakers: Breakers,
    control: Arc<Control>,
    counters: RiskCounters,
}

fn side_sign(s: OrderSide) -> i64 {
    match s {
        OrderSide::Buy => 1,
        OrderSide::Sell => -1,
    }
}

impl RiskEngine {
    /// Validates the configuration and starts in Normal mode at `now`.
    ///
    /// # Errors
    /// [`EngineError::Config`] naming the first bad field (documented config keys).
    pub fn new(config: &RiskConfig, now: Timestamp) -> Result<Self, EngineError> {
        let limits = config.limits.validate()?;
        config.breakers.validate()?;
        let control = Arc::new(Control::new(&config.control, now)?);
        let mut e = Self {
            breakers: Breakers::new(config.breakers.clone(), 0, 0),
            limits,
            instruments: Vec::new(),
            venues: Vec::new(),
            symbols: HashMap::new(),
            equity: None,
            peak: 0.0,
            day_start: None,
            heat: 0.0,
            rate: VecDeque::with_capacity((config.limits.max_orders as usize).min(4096)),
            control,
            counters: RiskCounters {
                checked: 0,
                approved: 0,
                rejected: [0; REJECTION_CODES.len()],
            },
        };
        for v in &config.venues {
            e.add_venue(v)?;
        }
        for i in &config.instruments {
            e.add_instrument(i)?;
        }
        Ok(e)
    }

    /// Registers a venue; returns its id.
    ///
    /// # Errors
    /// [`EngineError::Config`] for an empty or duplicate name or a bad leverage cap.
    pub fn add_venue(&mut self, v: &VenueSpec) -> Result<u32, EngineError> {
        let i = self.venues.len();
        let lev = config::validate_venue(v, i, self.limits.max_leverage)?;
        if self.venue_id(&v.name).is_some() {
            return Err(EngineError::Config {
                field: format!("venues[{i}].name"),
                reason: format!("duplicate venue {:?}", v.name),
            });
        }
        self.venues.push(VenueState {
            name: v.name.trim().to_owned(),
            max_leverage: lev,
            gross: 0.0,
            equity: None,
        });
        self.breakers.add_venue();
        Ok(i as u32)
    }

    /// Registers an instrument; returns its id.
    ///
    /// # Errors
    /// [`EngineError::Config`] naming the field (`instruments[i].…`).
    pub fn add_instrument(&mut self, r: &InstrumentRisk) -> Result<InstrumentId, EngineError> {
        let i = self.instruments.len();
        let (inst, max_position) = config::validate_instrument(r, i)?;
        let venue = self.venue_id(&r.venue).ok_or_else(|| EngineError::Config {
            field: format!("instruments[{i}].venue"),
            reason: format!("unknown venue {:?}", r.venue),
        })? as usize;
        if self.symbols.contains_key(inst.symbol()) {
            return Err(EngineError::Config {
                field: format!("instruments[{i}].symbol"),
                reason: format!("duplicate symbol {:?}", inst.symbol()),
            });
        }
        self.symbols.insert(inst.symbol().to_owned(), i);
        let qs = inst.qty_scale();
        self.instruments.push(InstrumentState {
            inst,
            venue,
            max_position,
            pos: Quantity::zero(qs),
            mark: None,
            stop: None,
            exposure: 0.0,
            risk: 0.0,
            partners: Vec::new(),
        });
        self.breakers.add_instrument();
        Ok(i as InstrumentId)
    }

    /// The shared control state (hand an `Arc` to the OMS to read the mode).
    #[must_use]
    pub fn control(&self) -> &Arc<Control> {
        &self.control
    }

    /// The current mode (one atomic load).
    #[inline]
    #[must_use]
    pub fn mode(&self) -> Mode {
        self.control.mode()
    }

    /// Id of a symbol.
    #[must_use]
    pub fn instrument_id(&self, symbol: &str) -> Option<InstrumentId> {
        self.symbols.get(symbol).map(|i| *i as InstrumentId)
    }

    /// Id of a venue.
    #[must_use]
    pub fn venue_id(&self, name: &str) -> Option<u32> {
        self.venues
            .iter()
            .position(|v| v.name == name.trim())
            .map(|i| i as u32)
    }

    /// An instrument's spec.
    #[must_use]
    pub fn instrument(&self, id: InstrumentId) -> Option<&Instrument> {
        self.instruments.get(id as usize).map(|s| &s.inst)
    }

    /// Number of instruments.
    #[must_use]
    pub fn instrument_count(&self) -> usize {
        self.instruments.len()
    }

    /// Current position of an instrument.
    #[must_use]
    pub fn position(&self, id: InstrumentId) -> Option<Quantity> {
        self.instruments.get(id as usize).map(|s| s.pos)
    }

    /// Totals so far.
    #[must_use]
    pub fn counters(&self) -> &RiskCounters {
        &self.counters
    }

    /// Current equity, peak equity and the day's starting equity (f64 of the exact values).
    #[must_use]
    pub fn equity(&self) -> (Option<f64>, f64, Option<f64>) {
        (self.equity, self.peak, self.day_start)
    }

    /// Portfolio heat (Σ risk to stop) in quote currency.
    #[must_use]
    pub fn heat(&self) -> f64 {
        self.heat
    }

    /// Gross notional on a venue.
    #[must_use]
    pub fn venue_gross(&self, venue: u32) -> Option<f64> {
        self.venues.get(venue as usize).map(|v| v.gross)
    }

    fn state(&self, id: InstrumentId) -> Result<&InstrumentState, EngineError> {
        self.instruments
            .get(id as usize)
            .ok_or(EngineError::Unknown {
                what: "instrument",
                id,
            })
    }

    fn state_mut(&mut self, id: InstrumentId) -> Result<&mut InstrumentState, EngineError> {
        self.instruments
            .get_mut(id as usize)
            .ok_or(EngineError::Unknown {
                what: "instrument",
                id,
            })
    }

    fn escalate(&self, trip: Option<Trip>, now: Timestamp) -> Option<Transition> {
        let t = trip?;
        self.control
            .escalate(t.mode, Source::Trigger, t.reason, now)
    }

    // ------------------------------------------------------------------ the check

    /// Checks an order against every limit (see the [module docs](self)); an approval consumes
    /// one slot of the order rate limit. Every outcome is counted.
    ///
    /// # Errors
    /// The first [`RiskRejection`] (a domain outcome, not a failure of the engine).
    pub fn check(&mut self, o: &OrderIntent, now: Timestamp) -> Result<Approval, RiskRejection> {
        self.counters.checked += 1;
        let r = self.evaluate(o, now);
        match &r {
            Ok(_) => {
                self.counters.approved += 1;
                // `evaluate` left fewer than `max_orders` in the window.
                self.rate.push_back(now.as_nanos());
            }
            Err(e) => self.counters.rejected[e.index()] += 1,
        }
        r
    }

    fn evaluate(&mut self, o: &OrderIntent, now: Timestamp) -> Result<Approval, RiskRejection> {
        let idx = o.instrument as usize;
        if idx >= self.instruments.len() {
            return Err(RiskRejection::UnknownInstrument { id: o.instrument });
        }
        let stale = self
            .breakers
            .stale(idx, now.as_nanos(), self.instruments[idx].inst.symbol());
        self.escalate(stale, now);
        let mode = self.control.mode();
        if mode == Mode::Pause {
            return Err(RiskRejection::Mode { mode });
        }
        let s = &self.instruments[idx];
        let notional = s
            .inst
            .check_order(o.price, o.qty)
            .map_err(RiskRejection::Instrument)?;
        let pos = s.pos.mantissa();
        let post = pos
            .checked_add(side_sign(o.side) * o.qty.mantissa())
            .ok_or(RiskRejection::Overflow)?;
        let reducing = pos != 0 && post.signum() != -pos.signum() && post.abs() < pos.abs();
        let qs = s.inst.qty_scale();
        let q = |m: i64| Quantity::from_mantissa(m, qs).map_err(|_| RiskRejection::Overflow);
        match mode {
            Mode::Reduce | Mode::Emergency if !reducing => {
                return Err(RiskRejection::Mode { mode })
            }
            Mode::Reduce => {
                let lot = s.inst.lot().mantissa();
                let stage = (self.limits.reduce_stage * pos.unsigned_abs() as f64).ceil() as i64;
                let stage = ((stage + lot - 1) / lot * lot).max(s.inst.min_qty().mantissa());
                if o.qty.mantissa() > stage {
                    return Err(RiskRejection::ReduceStage {
                        qty: o.qty,
                        max: q(stage)?,
                    });
                }
            }
            _ => {}
        }
        if let Some(max) = self.limits.max_order_notional {
            if notional.cmp_value(max).is_gt() {
                return Err(RiskRejection::MaxOrderNotional { notional, max });
            }
        }
        // Forget approvals that left the window; what stays is at most `max_orders` long.
        while self
            .rate
            .front()
            .is_some_and(|t| now.as_nanos().saturating_sub(*t) >= self.limits.rate_window_ns)
        {
            self.rate.pop_front();
        }
        if self.rate.len() >= self.limits.max_orders as usize {
            return Err(RiskRejection::RateLimit {
                max_orders: self.limits.max_orders,
                window_ms: (self.limits.rate_window_ns / 1_000_000) as u64,
            });
        }
        let s = &self.instruments[idx];
        if let Some(max) = s.max_position {
            if post.unsigned_abs() > max.mantissa().unsigned_abs()
                && post.unsigned_abs() > pos.unsigned_abs()
            {
                return Err(RiskRejection::PositionLimit {
                    position: q(post)?,
                    max,
                });
            }
        }
        let equity = match self.equity {
            Some(e) if e > 0.0 => e,
            _ if reducing => {
                return Ok(Approval {
                    notional,
                    position_after: q(post)?,
                    reducing,
                })
            }
            _ => return Err(RiskRejection::NoEquity),
        };
        if !reducing {
            let l = &self.limits;
            let dd = if self.peak > 0.0 {
                (self.peak - equity) / self.peak
            } else {
                0.0
            };
            if dd >= l.hard_drawdown {
                return Err(RiskRejection::HardDrawdown {
                    drawdown: dd,
                    limit: l.hard_drawdown,
                });
            }
            if dd >= l.soft_drawdown {
                return Err(RiskRejection::SoftDrawdown {
                    drawdown: dd,
                    limit: l.soft_drawdown,
                });
            }
            if let Some(start) = self.day_start.filter(|d| *d > 0.0) {
                let loss = (start - equity) / start;
                if loss >= l.daily_loss {
                    return Err(RiskRejection::DailyLoss {
                        loss,
                        limit: l.daily_loss,
                    });
                }
            }
        }
        // Exposures after the order, valued at the order price.
        let post_q = q(post)?;
        let post_exp = o
            .price
            .checked_mul_qty(post_q)
            .map_err(|_| RiskRejection::Overflow)?
            .to_f64();
        let l = &self.limits;
        let (old_abs, new_abs) = (s.exposure.abs(), post_exp.abs());
        if new_abs > l.concentration * equity && new_abs > old_abs {
            return Err(RiskRejection::Concentration {
                ratio: new_abs / equity,
                limit: l.concentration,
            });
        }
        if !s.partners.is_empty() {
            let others: f64 = s
                .partners
                .iter()
                .map(|(j, sign)| sign * self.instruments[*j].exposure)
                .sum();
            let (pre, after) = ((s.exposure + others).abs(), (post_exp + others).abs());
            if after > l.max_correlated_exposure * equity && after > pre {
                return Err(RiskRejection::CorrelatedExposure {
                    ratio: after / equity,
                    limit: l.max_correlated_exposure,
                });
            }
        }
        let stop = o.stop.or(s.stop);
        let new_risk = position_risk(post_q, o.price, stop, post_exp, l.default_stop_fraction);
        let heat_after = self.heat - s.risk + new_risk;
        if heat_after > l.max_heat * equity && heat_after > self.heat {
            return Err(RiskRejection::Heat {
                ratio: heat_after / equity,
                limit: l.max_heat,
            });
        }
        let v = &self.venues[s.venue];
        let venue_eq = v.equity.unwrap_or(equity);
        let gross_after = v.gross - old_abs + new_abs;
        if venue_eq <= 0.0 && gross_after > v.gross {
            return Err(RiskRejection::Leverage {
                venue: s.venue as u32,
                ratio: f64::INFINITY,
                limit: v.max_leverage,
            });
        }
        if gross_after > v.max_leverage * venue_eq && gross_after > v.gross {
            return Err(RiskRejection::Leverage {
                venue: s.venue as u32,
                ratio: gross_after / venue_eq,
                limit: v.max_leverage,
            });
        }
        Ok(Approval {
            notional,
            position_after: post_q,
            reducing,
        })
    }

    // ------------------------------------------------------------------ portfolio updates

    fn refresh(&mut self, idx: usize) {
        let dsf = self.limits.default_stop_fraction;
        let s = &mut self.instruments[idx];
        s.exposure = match s.mark {
            Some(m) => m
                .checked_mul_qty(s.pos)
                .map(Notional::to_f64)
                .unwrap_or(f64::INFINITY * s.pos.mantissa().signum() as f64),
            None => 0.0,
        };
        s.risk = match s.mark {
            Some(m) => position_risk(s.pos, m, s.stop, s.exposure, dsf),
            None => 0.0,
        };
        let venue = s.venue;
        self.heat = self.instruments.iter().map(|s| s.risk).sum();
        self.venues[venue].gross = self
            .instruments
            .iter()
            .filter(|s| s.venue == venue)
            .map(|s| s.exposure.abs())
            .sum();
    }

    /// Applies a fill: the position moves by `±qty`, the mark becomes `price`.
    ///
    /// # Errors
    /// [`EngineError::Unknown`], or [`EngineError::Fixed`] for a scale mismatch or overflow
    /// (the state is unchanged on error).
    pub fn apply_fill(
        &mut self,
        id: InstrumentId,
        side: OrderSide,
        qty: Quantity,
        price: Price,
    ) -> Result<Quantity, EngineError> {
        let s = self.state(id)?;
        if price.scale() != s.inst.price_scale() {
            return Err(tachyon_core::FixedError::ScaleMismatch {
                left: price.scale(),
                right: s.inst.price_scale(),
            }
            .into());
        }
        let delta = qty.checked_mul_int(side_sign(side))?;
        let post = s.pos.checked_add(delta)?;
        price.checked_mul_qty(post)?;
        let s = self.state_mut(id)?;
        s.pos = post;
        s.mark = Some(price);
        self.refresh(id as usize);
        Ok(post)
    }

    /// Replaces a position (e.g. after reconciliation with the venue) and its mark.
    ///
    /// # Errors
    /// [`EngineError::Unknown`] or [`EngineError::Fixed`] (scale mismatch, overflow).
    pub fn set_position(
        &mut self,
        id: InstrumentId,
        qty: Quantity,
        mark: Price,
    ) -> Result<(), EngineError> {
        let s = self.state(id)?;
        let (ps, qs) = (s.inst.price_scale(), s.inst.qty_scale());
        for (got, want) in [(mark.scale(), ps), (qty.scale(), qs)] {
            if got != want {
                return Err(tachyon_core::FixedError::ScaleMismatch {
                    left: got,
                    right: want,
                }
                .into());
            }
        }
        mark.checked_mul_qty(qty)?;
        let s = self.state_mut(id)?;
        s.pos = qty;
        s.mark = Some(mark);
        self.refresh(id as usize);
        Ok(())
    }

    /// New mark price for an instrument.
    ///
    /// # Errors
    /// [`EngineError::Unknown`] or a scale mismatch.
    pub fn mark(&mut self, id: InstrumentId, price: Price) -> Result<(), EngineError> {
        let s = self.state(id)?;
        if price.scale() != s.inst.price_scale() {
            return Err(tachyon_core::FixedError::ScaleMismatch {
                left: price.scale(),
                right: s.inst.price_scale(),
            }
            .into());
        }
        price.checked_mul_qty(s.pos)?;
        self.state_mut(id)?.mark = Some(price);
        self.refresh(id as usize);
        Ok(())
    }

    /// Sets or clears a position's protective stop (portfolio heat).
    ///
    /// # Errors
    /// [`EngineError::Unknown`] or a scale mismatch.
    pub fn set_stop(&mut self, id: InstrumentId, stop: Option<Price>) -> Result<(), EngineError> {
        let s = self.state(id)?;
        if let Some(p) = stop {
            if p.scale() != s.inst.price_scale() {
                return Err(tachyon_core::FixedError::ScaleMismatch {
                    left: p.scale(),
                    right: s.inst.price_scale(),
                }
                .into());
            }
        }
        self.state_mut(id)?.stop = stop;
        self.refresh(id as usize);
        Ok(())
    }

    /// New account equity (any scale). Updates the peak; the first value also starts the day.
    /// Evaluates the drawdown and daily-loss breakers and returns the transition they caused.
    pub fn set_equity(&mut self, equity: Notional, now: Timestamp) -> Option<Transition> {
        let e = equity.to_f64();
        self.equity = Some(e);
        if e > self.peak {
            self.peak = e;
        }
        if self.day_start.is_none() {
            self.day_start = Some(e);
        }
        let dd = if self.peak > 0.0 {
            (self.peak - e) / self.peak
        } else {
            0.0
        };
        let loss = match self.day_start {
            Some(s) if s > 0.0 => (s - e) / s,
            _ => 0.0,
        };
        let l = &self.limits;
        let trip =
            self.breakers
                .on_equity(dd, l.soft_drawdown, l.hard_drawdown, loss, l.daily_loss);
        self.escalate(trip, now)
    }

    /// Starts a new trading day at the current equity (daily loss is measured from here).
    pub fn start_day(&mut self) {
        self.day_start = self.equity;
    }

    /// Collateral on a venue (its leverage is gross notional / this); default: account equity.
    ///
    /// # Errors
    /// [`EngineError::Unknown`] for a bad venue id.
    pub fn set_venue_equity(&mut self, venue: u32, equity: Notional) -> Result<(), EngineError> {
        let v = self
            .venues
            .get_mut(venue as usize)
            .ok_or(EngineError::Unknown {
                what: "venue",
                id: venue,
            })?;
        v.equity = Some(equity.to_f64());
        Ok(())
    }

    /// Correlation matrix of the instruments (row-major `n × n`, `n` = instrument count, e.g.
    /// a DCC `R_t`). Pairs with `|ρ| ≥ limits.correlationThreshold` become partners.
    ///
    /// # Errors
    /// [`EngineError::Dimension`] or [`EngineError::Config`] (`correlation[i][j]`) for a
    /// non-finite, out-of-range or asymmetric entry or a diagonal other than 1 (tolerance
    /// 1e-9). The previous matrix stays on error.
    pub fn set_correlation(&mut self, matrix: &[f64]) -> Result<(), EngineError> {
        let n = self.instruments.len();
        if matrix.len() != n * n {
            return Err(EngineError::Dimension {
                what: "correlation (instruments²)",
                expected: n * n,
                got: matrix.len(),
            });
        }
        const TOL: f64 = 1e-9;
        let bad = |i: usize, j: usize, why: &str| EngineError::Config {
            field: format!("correlation[{i}][{j}]"),
            reason: format!("{why}, got {}", matrix[i * n + j]),
        };
        for i in 0..n {
            for j in 0..n {
                let r = matrix[i * n + j];
                if !r.is_finite() || r.abs() > 1.0 + TOL {
                    return Err(bad(i, j, "must be in [-1, 1]"));
                }
                if i == j && (r - 1.0).abs() > TOL {
                    return Err(bad(i, j, "the diagonal must be 1"));
                }
                if (r - matrix[j * n + i]).abs() > TOL {
                    return Err(bad(i, j, "must equal its transpose"));
                }
            }
        }
        let thr = self.limits.correlation_threshold;
        for (i, s) in self.instruments.iter_mut().enumerate() {
            s.partners = (0..n)
                .filter(|&j| j != i && matrix[i * n + j].abs() >= thr)
                .map(|j| (j, matrix[i * n + j].signum()))
                .collect();
        }
        Ok(())
    }

    // ------------------------------------------------------------------ breaker inputs

    /// A top-of-book quote: records it for staleness and checks the spread breaker.
    ///
    /// # Errors
    /// [`EngineError::Unknown`] or a scale mismatch.
    pub fn on_quote(
        &mut self,
        id: InstrumentId,
        bid: Price,
        ask: Price,
        ts: Timestamp,
    ) -> Result<Option<Transition>, EngineError> {
        let s = self.state(id)?;
        let ps = s.inst.price_scale();
        for p in [bid, ask] {
            if p.scale() != ps {
                return Err(tachyon_core::FixedError::ScaleMismatch {
                    left: p.scale(),
                    right: ps,
                }
                .into());
            }
        }
        let spread = ask.mantissa().saturating_sub(bid.mantissa()).max(0);
        let symbol = s.inst.symbol().to_owned();
        let trip = self
            .breakers
            .on_quote(id as usize, spread, ts.as_nanos(), &symbol);
        Ok(self.escalate(trip, ts))
    }

    /// A fill's slippage against the expected one, both in basis points (expected > 0).
    ///
    /// # Errors
    /// [`EngineError::NotFinite`] for a non-finite or non-positive expected slippage or a
    /// non-finite observed one.
    pub fn on_slippage(
        &mut self,
        expected_bps: f64,
        observed_bps: f64,
        now: Timestamp,
    ) -> Result<Option<Transition>, EngineError> {
        if !(expected_bps.is_finite() && expected_bps > 0.0) {
            return Err(EngineError::NotFinite("expectedBps (and positive)"));
        }
        if !observed_bps.is_finite() {
            return Err(EngineError::NotFinite("observedBps"));
        }
        let trip = self.breakers.on_slippage(expected_bps, observed_bps);
        Ok(self.escalate(trip, now))
    }

    /// An error reported by a venue (reject, timeout, disconnect).
    ///
    /// # Errors
    /// [`EngineError::Unknown`] for a bad venue id.
    pub fn on_venue_error(
        &mut self,
        venue: u32,
        now: Timestamp,
    ) -> Result<Option<Transition>, EngineError> {
        let name = self
            .venues
            .get(venue as usize)
            .ok_or(EngineError::Unknown {
                what: "venue",
                id: venue,
            })?
            .name
            .clone();
        let trip = self
            .breakers
            .on_venue_error(venue as usize, now.as_nanos(), &name);
        Ok(self.escalate(trip, now))
    }

    /// Time-driven checks: quote staleness of every quoted instrument and the dead-man
    /// heartbeat. Call it from the orchestrator's timer.
    pub fn poll(&mut self, now: Timestamp) -> Vec<Transition> {
        let mut out = Vec::new();
        let trip = self
            .breakers
            .poll_staleness(now.as_nanos(), |i| self.instruments[i].inst.symbol());
        out.extend(self.escalate(trip, now));
        out.extend(self.control.check_heartbeat(now));
        out
    }

    /// The orders that flatten every open position at its mark (what Emergency asks the OMS
    /// to send after cancelling everything): one full reducing order per position, side
    /// opposite to the position. Positions without a mark are skipped (no price to send).
    /// Each passes [`RiskEngine::check`] in every mode except Pause.
    #[must_use]
    pub fn flatten_intents(&self) -> Vec<OrderIntent> {
        self.instruments
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let m = s.pos.mantissa();
                let mark = s.mark?;
                if m == 0 {
                    return None;
                }
                Some(OrderIntent {
                    instrument: i as InstrumentId,
                    side: if m > 0 {
                        OrderSide::Sell
                    } else {
                        OrderSide::Buy
                    },
                    price: mark,
                    qty: Quantity::from_mantissa(m.checked_abs()?, s.pos.scale()).ok()?,
                    stop: None,
                })
            })
            .collect()
    }

    // ------------------------------------------------------------------ sizing

    /// Sizes an order on `id` at `price`: the capped fraction of equity from
    /// `tachyon_riskmath::position_fraction`, turned into a quantity rounded **down** to the
    /// lot, then lowered lot by lot until `qty × price ≤ |fraction| × equity` holds for the
    /// exact notional — the cap always wins.
    ///
    /// # Errors
    /// [`EngineError::Sizing`] for bad sizing inputs, [`EngineError::Config`] when no positive
    /// equity is known, [`EngineError::Unknown`], or a price scale mismatch.
    pub fn size(
        &self,
        id: InstrumentId,
        rule: &Sizing,
        price: Price,
        max_fraction: f64,
    ) -> Result<SizedOrder, EngineError> {
        let s = self.state(id)?;
        s.inst.check_price(price).map_err(|r| EngineError::Config {
            field: "price".into(),
            reason: r.to_string(),
        })?;
        let fraction = position_fraction(rule, max_fraction)?;
        let equity = self
            .equity
            .filter(|e| *e > 0.0)
            .ok_or_else(|| EngineError::Config {
                field: "equity".into(),
                reason: "no positive equity is known (call setEquity)".into(),
            })?;
        let side = if fraction < 0.0 {
            OrderSide::Sell
        } else {
            OrderSide::Buy
        };
        let budget = fraction.abs() * equity;
        let qs = s.inst.qty_scale();
        let lot = s.inst.lot().mantissa();
        let scale = tachyon_core::fixed::pow10(qs) as f64;
        let raw = (budget / price.to_f64() * scale).floor();
        let mut m = if raw.is_finite() && raw >= 0.0 {
            (raw.min(i64::MAX as f64) as i64) / lot * lot
        } else {
            0
        };
        loop {
            let qty = Quantity::from_mantissa(m, qs)?;
            match price.checked_mul_qty(qty) {
                Ok(n) if n.to_f64() <= budget => {
                    return Ok(SizedOrder {
                        side,
                        qty,
                        fraction,
                    })
                }
                _ if m <= 0 => {
                    return Ok(SizedOrder {
                        side,
                        qty: Quantity::zero(qs),
                        fraction,
                    })
                }
                _ => m -= lot,
            }
        }
    }

    /// Rounds a quantity down to an instrument's lot (helper for callers sizing themselves).
    ///
    /// # Errors
    /// [`EngineError::Unknown`] or [`EngineError::Fixed`].
    pub fn floor_to_lot(&self, id: InstrumentId, qty: Quantity) -> Result<Quantity, EngineError> {
        Ok(self.state(id)?.inst.round_qty(qty, Rounding::TowardZero)?)
    }
}

/// Risk to stop of a position: `|qty| × |price − stop|`, or `|notional| × default` without a
/// stop.
fn position_risk(qty: Quantity, price: Price, stop: Option<Price>, exposure: f64, dsf: f64) -> f64 {
    match stop {
        Some(st) => {
            let dist = (price.mantissa() as f64 - st.mantissa() as f64).abs()
                / tachyon_core::fixed::pow10(price.scale()) as f64;
            qty.to_f64().abs() * dist
        }
        None => exposure.abs() * dsf,
    }
}

#[cfg(test)]
mod tests;
