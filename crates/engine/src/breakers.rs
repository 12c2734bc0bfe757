//! Circuit breakers: conditions that move the control mode on their own.
//!
//! | trigger (config key) | fires when | default threshold | default mode |
//! |---|---|---|---|
//! | `slippage` | observed slippage > `threshold` × expected | 3 | reduce |
//! | `quoteStaleness` | no quote for an instrument for > `threshold` ms | 500 | pause |
//! | `spread` | spread > `threshold` × median of the last `spreadWindow` spreads | 5 | pause |
//! | `venueErrors` | ≥ `threshold` errors from one venue within `venueErrorWindowMs` | 5 | pause |
//! | `softDrawdown` | drawdown from peak equity ≥ `limits.softDrawdown` | 0.15 | reduce |
//! | `hardDrawdown` | drawdown from peak equity ≥ `limits.hardDrawdown` | 0.20 | emergency |
//! | `dailyLoss` | loss since the day's start ≥ `limits.dailyLoss` of it | 0.05 | pause |
//!
//! Breakers only escalate ([`crate::control::Control::escalate`]); returning to Normal is an
//! operator's decision. Each evaluation returns a [`Trip`] (mode + reason) or nothing; the
//! [`crate::RiskEngine`] applies it with source `trigger`.

use std::collections::VecDeque;

use crate::control::Mode;
use crate::error::EngineError;

/// One configurable trigger.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TriggerRule {
    /// Off when `false`.
    pub enabled: bool,
    /// The trigger's threshold (its unit depends on the trigger; see the module table).
    pub threshold: f64,
    /// The mode it moves to.
    pub mode: Mode,
}

impl TriggerRule {
    const fn on(threshold: f64, mode: Mode) -> Self {
        Self {
            enabled: true,
            threshold,
            mode,
        }
    }
}

/// A trigger whose threshold lives in the risk limits (drawdowns, daily loss).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModeRule {
    /// Off when `false` (the pre-trade limit still applies).
    pub enabled: bool,
    /// The mode it moves to.
    pub mode: Mode,
}

/// Every breaker's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakerConfig {
    /// `breakers.slippage`: threshold = multiple of the expected slippage.
    pub slippage: TriggerRule,
    /// `breakers.quoteStaleness`: threshold in milliseconds.
    pub quote_staleness: TriggerRule,
    /// `breakers.spread`: threshold = multiple of the recent median spread.
    pub spread: TriggerRule,
    /// `breakers.spreadWindow`: spreads kept per instrument for the median.
    pub spread_window: usize,
    /// `breakers.spreadMinSamples`: spreads needed before the spread breaker can fire.
    pub spread_min_samples: usize,
    /// `breakers.venueErrors`: threshold = error count within the window.
    pub venue_errors: TriggerRule,
    /// `breakers.venueErrorWindowMs`.
    pub venue_error_window_ms: u64,
    /// `breakers.softDrawdown` (threshold `limits.softDrawdown`).
    pub soft_drawdown: ModeRule,
    /// `breakers.hardDrawdown` (threshold `limits.hardDrawdown`).
    pub hard_drawdown: ModeRule,
    /// `breakers.dailyLoss` (threshold `limits.dailyLoss`).
    pub daily_loss: ModeRule,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            slippage: TriggerRule::on(3.0, Mode::Reduce),
            quote_staleness: TriggerRule::on(500.0, Mode::Pause),
            spread: TriggerRule::on(5.0, Mode::Pause),
            spread_window: 64,
            spread_min_samples: 20,
            venue_errors: TriggerRule::on(5.0, Mode::Pause),
            venue_error_window_ms: 10_000,
            soft_drawdown: ModeRule {
                enabled: true,
                mode: Mode::Reduce,
            },
            hard_drawdown: ModeRule {
                enabled: true,
                mode: Mode::Emergency,
            },
            daily_loss: ModeRule {
                enabled: true,
                mode: Mode::Pause,
            },
        }
    }
}

fn bad(field: &str, reason: String) -> EngineError {
    EngineError::Config {
        field: format!("breakers.{field}"),
        reason,
    }
}

impl BreakerConfig {
    /// Checks every field; errors name the documented key.
    ///
    /// # Errors
    /// [`EngineError::Config`] for the first bad field.
    pub fn validate(&self) -> Result<(), EngineError> {
        // (key, rule, lowest allowed threshold, is that bound itself allowed)
        let rules = [
            ("slippage", self.slippage, 1.0, false),
            ("quoteStaleness", self.quote_staleness, 0.0, false),
            ("spread", self.spread, 1.0, false),
            ("venueErrors", self.venue_errors, 1.0, true),
        ];
        for (name, r, min, inclusive) in rules {
            let ok =
                r.threshold.is_finite() && (r.threshold > min || (inclusive && r.threshold == min));
            if !ok {
                let op = if inclusive { "at least" } else { "above" };
                return Err(bad(
                    &format!("{name}.threshold"),
                    format!("must be a finite number {op} {min}, got {}", r.threshold),
                ));
            }
            if r.mode == Mode::Normal {
                return Err(bad(&format!("{name}.mode"), "must not be normal".into()));
            }
        }
        if self.venue_errors.threshold.fract() != 0.0 {
            return Err(bad(
                "venueErrors.threshold",
                format!("must be a whole count, got {}", self.venue_errors.threshold),
            ));
        }
        for (name, r) in [
            ("softDrawdown", self.soft_drawdown),
            ("hardDrawdown", self.hard_drawdown),
            ("dailyLoss", self.daily_loss),
        ] {
            if r.mode == Mode::Normal {
                return Err(bad(&format!("{name}.mode"), "must not be normal".into()));
            }
        }
        if !(4..=4096).contains(&self.spread_window) {
            return Err(bad(
                "spreadWindow",
                format!("must be 4 to 4096, got {}", self.spread_window),
            ));
        }
        if self.spread_min_samples == 0 || self.spread_min_samples > self.spread_window {
            return Err(bad(
                "spreadMinSamples",
                format!(
                    "must be 1 to spreadWindow ({}), got {}",
                    self.spread_window, self.spread_min_samples
                ),
            ));
        }
        if self.venue_error_window_ms == 0 {
            return Err(bad("venueErrorWindowMs", "must be positive".into()));
        }
        Ok(())
    }
}

/// A breaker fired: move to `mode` because of `reason`.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    /// Target mode.
    pub mode: Mode,
    /// Why (starts with the trigger's key, e.g. `"spread: …"`).
    pub reason: String,
}

/// Rolling window of spreads with an exact median (sorted copy, O(window) per update).
#[derive(Debug, Clone, Default)]
struct SpreadWindow {
    order: VecDeque<i64>,
    sorted: Vec<i64>,
}

impl SpreadWindow {
    fn median(&self) -> f64 {
        let n = self.sorted.len();
        if n % 2 == 1 {
            self.sorted[n / 2] as f64
        } else {
            (self.sorted[n / 2 - 1] as f64 + self.sorted[n / 2] as f64) / 2.0
        }
    }

    fn push(&mut self, v: i64, cap: usize) {
        if self.order.len() == cap {
            if let Some(old) = self.order.pop_front() {
                if let Ok(i) = self.sorted.binary_search(&old) {
                    self.sorted.remove(i);
                }
            }
        }
        self.order.push_back(v);
        let i = self.sorted.partition_point(|x| *x < v);
        self.sorted.insert(i, v);
    }
}

/// Breaker state per instrument and venue.
#[derive(Debug, Clone)]
pub struct Breakers {
    cfg: BreakerConfig,
    last_quote: Vec<Option<i64>>,
    spreads: Vec<SpreadWindow>,
    venue_errors: Vec<VecDeque<i64>>,
}

impl Breakers {
    /// Empty state for `instruments` instruments and `venues` venues.
    #[must_use]
    pub fn new(cfg: BreakerConfig, instruments: usize, venues: usize) -> Self {
        Self {
            cfg,
            last_quote: vec![None; instruments],
            spreads: vec![SpreadWindow::default(); instruments],
            venue_errors: vec![VecDeque::new(); venues],
        }
    }

    /// The settings.
    #[must_use]
    pub fn config(&self) -> &BreakerConfig {
        &self.cfg
    }

    pub(crate) fn add_instrument(&mut self) {
        self.last_quote.push(None);
        self.spreads.push(SpreadWindow::default());
    }

    pub(crate) fn add_venue(&mut self) {
        self.venue_errors.push(VecDeque::new());
    }

    /// A fill's slippage in basis points against the expected one (must be > 0).
    pub fn on_slippage(&self, expected_bps: f64, observed_bps: f64) -> Option<Trip> {
        let r = self.cfg.slippage;
        if r.enabled && observed_bps > r.threshold * expected_bps {
            return Some(Trip {
                mode: r.mode,
                reason: format!(
                    "slippage: {observed_bps:.2} bps > {} × expected {expected_bps:.2} bps",
                    r.threshold
                ),
            });
        }
        None
    }

    /// A top-of-book quote for instrument `i` at `ts_ns`; `spread` in price mantissa units
    /// (ticks × tick mantissa). Records it for staleness; checks the spread against the median
    /// of the previous ones (the new spread joins the window afterwards).
    pub fn on_quote(&mut self, i: usize, spread: i64, ts_ns: i64, symbol: &str) -> Option<Trip> {
        let prev = self.last_quote[i];
        self.last_quote[i] = Some(prev.map_or(ts_ns, |p| p.max(ts_ns)));
        let r = self.cfg.spread;
        let w = &mut self.spreads[i];
        let mut trip = None;
        if r.enabled && w.sorted.len() >= self.cfg.spread_min_samples {
            let med = w.median();
            if med > 0.0 && spread as f64 > r.threshold * med {
                trip = Some(Trip {
                    mode: r.mode,
                    reason: format!(
                        "spread: {symbol} spread {spread} > {} × median {med} (price units)",
                        r.threshold
                    ),
                });
            }
        }
        w.push(spread, self.cfg.spread_window);
        trip
    }

    /// Staleness of instrument `i` at `now_ns` (only once it has had a quote).
    pub fn stale(&self, i: usize, now_ns: i64, symbol: &str) -> Option<Trip> {
        let r = self.cfg.quote_staleness;
        let last = self.last_quote[i]?;
        let age_ms = now_ns.saturating_sub(last) as f64 / 1e6;
        if r.enabled && age_ms > r.threshold {
            return Some(Trip {
                mode: r.mode,
                reason: format!(
                    "quoteStaleness: {symbol} last quote {age_ms:.1} ms ago > {} ms",
                    r.threshold
                ),
            });
        }
        None
    }

    /// Every instrument's staleness at `now_ns`; the first stale one trips.
    pub fn poll_staleness<'a>(
        &self,
        now_ns: i64,
        symbol: impl Fn(usize) -> &'a str,
    ) -> Option<Trip> {
        (0..self.last_quote.len()).find_map(|i| self.stale(i, now_ns, symbol(i)))
    }

    /// An error from venue `v` at `now_ns`.
    pub fn on_venue_error(&mut self, v: usize, now_ns: i64, venue: &str) -> Option<Trip> {
        let r = self.cfg.venue_errors;
        let window = i64::try_from(self.cfg.venue_error_window_ms)
            .unwrap_or(i64::MAX)
            .saturating_mul(1_000_000);
        let q = &mut self.venue_errors[v];
        while q
            .front()
            .is_some_and(|t| now_ns.saturating_sub(*t) > window)
        {
            q.pop_front();
        }
        q.push_back(now_ns);
        let need = r.threshold as usize;
        while q.len() > need {
            q.pop_front();
        }
        if r.enabled && q.len() >= need {
            return Some(Trip {
                mode: r.mode,
                reason: format!(
                    "venueErrors: {} errors from {venue} within {} ms",
                    q.len(),
                    self.cfg.venue_error_window_ms
                ),
            });
        }
        None
    }

    /// Drawdown and daily-loss breakers for fractions computed by the risk engine; the most
    /// severe trip wins.
    pub fn on_equity(
        &self,
        drawdown: f64,
        soft: f64,
        hard: f64,
        daily_loss: f64,
        daily_limit: f64,
    ) -> Option<Trip> {
        let c = &self.cfg;
        let mut best: Option<Trip> = None;
        let mut consider = |rule: ModeRule, hit: bool, reason: String| {
            if rule.enabled && hit && best.as_ref().is_none_or(|b| rule.mode > b.mode) {
                best = Some(Trip {
                    mode: rule.mode,
                    reason,
                });
            }
        };
        consider(
            c.hard_drawdown,
            drawdown >= hard,
            format!(
                "hardDrawdown: drawdown {:.2}% ≥ {:.2}%",
                drawdown * 100.0,
                hard * 100.0
            ),
        );
        consider(
            c.soft_drawdown,
            drawdown >= soft,
            format!(
                "softDrawdown: drawdown {:.2}% ≥ {:.2}%",
                drawdown * 100.0,
                soft * 100.0
            ),
        );
        consider(
            c.daily_loss,
            daily_loss >= daily_limit,
            format!(
                "dailyLoss: loss {:.2}% of the day's starting equity ≥ {:.2}%",
                daily_loss * 100.0,
                daily_limit * 100.0
            ),
        );
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_median_is_exact() {
        let mut w = SpreadWindow::default();
        for v in [5, 1, 4, 2, 3] {
            w.push(v, 4);
        }
        // window now 1,4,2,3 → median 2.5
        assert_eq!(w.median(), 2.5);
        w.push(10, 4); // 4,2,3,10 → 3.5
        assert_eq!(w.median(), 3.5);
    }

    #[test]
    fn spread_breaker_needs_samples_and_compares_to_the_median() {
        let cfg = BreakerConfig {
            spread_min_samples: 5,
            ..BreakerConfig::default()
        };
        let mut b = Breakers::new(cfg, 1, 1);
        for t in 0..4 {
            assert!(b.on_quote(0, 100, t, "X").is_none());
        }
        assert!(
            b.on_quote(0, 10_000, 4, "X").is_none(),
            "only 4 samples before it"
        );
        // window: 100 ×4, 10000 → median 100; 5×100 = 500
        assert!(b.on_quote(0, 500, 5, "X").is_none());
        let t = b.on_quote(0, 501, 6, "X").unwrap();
        assert_eq!(t.mode, Mode::Pause);
        assert!(t.reason.starts_with("spread:"));
    }

    #[test]
    fn venue_error_burst_counts_within_the_window() {
        let b0 = BreakerConfig::default();
        let mut b = Breakers::new(b0, 0, 1);
        let ms = 1_000_000;
        for k in 0..4 {
            assert!(b.on_venue_error(0, k * 3_000 * ms, "sim").is_none());
        }
        // errors at 0, 3, 6, 9 s; the 5th at 12 s: the one at 0 s is out of the 10 s window
        assert!(b.on_venue_error(0, 12_000 * ms, "sim").is_none());
        let t = b.on_venue_error(0, 12_500 * ms, "sim").unwrap();
        assert!(t.reason.contains("5 errors from sim"));
    }

    #[test]
    fn equity_breakers_pick_the_most_severe() {
        let b = Breakers::new(BreakerConfig::default(), 0, 0);
        assert!(b.on_equity(0.1, 0.15, 0.2, 0.0, 0.05).is_none());
        assert_eq!(
            b.on_equity(0.15, 0.15, 0.2, 0.0, 0.05).unwrap().mode,
            Mode::Reduce
        );
        assert_eq!(
            b.on_equity(0.25, 0.15, 0.2, 0.3, 0.05).unwrap().mode,
            Mode::Emergency
        );
        assert_eq!(
            b.on_equity(0.0, 0.15, 0.2, 0.05, 0.05).unwrap().mode,
            Mode::Pause
        );
        // daily loss (pause) and soft drawdown (reduce) together: reduce is more severe
        assert_eq!(
            b.on_equity(0.16, 0.15, 0.2, 0.06, 0.05).unwrap().mode,
            Mode::Reduce
        );
    }

    #[test]
    fn validation_names_fields() {
        let field = |f: fn(&mut BreakerConfig)| {
            let mut c = BreakerConfig::default();
            f(&mut c);
            match c.validate().unwrap_err() {
                EngineError::Config { field, .. } => field,
                e => panic!("{e}"),
            }
        };
        assert_eq!(
            field(|c| c.slippage.threshold = 0.5),
            "breakers.slippage.threshold"
        );
        assert_eq!(
            field(|c| c.spread.mode = Mode::Normal),
            "breakers.spread.mode"
        );
        assert_eq!(
            field(|c| c.venue_errors.threshold = 2.5),
            "breakers.venueErrors.threshold"
        );
        assert_eq!(field(|c| c.spread_window = 2), "breakers.spreadWindow");
        assert_eq!(
            field(|c| c.spread_min_samples = 100),
            "breakers.spreadMinSamples"
        );
        assert_eq!(
            field(|c| c.daily_loss.mode = Mode::Normal),
            "breakers.dailyLoss.mode"
        );
        assert!(BreakerConfig::default().validate().is_ok());
    }
}
