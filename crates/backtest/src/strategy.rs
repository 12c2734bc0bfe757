//! Strategies that run inside the Rust loop (no JavaScript call per event).
//!
//! A [`NativeStrategy`] sees each processed record and may submit orders through the
//! [`Session`]. The built-in [`EmaCross`] is the reference strategy of the anchor comparison
//! (bench/anchor): fast and slow EMAs of the close (`tachyon_indicators::Ema`: SMA-seeded,
//! α = 2/(n+1), the TA-Lib / TTR / backtrader convention); when the fast line crosses above the slow one it targets
//! `+qty`, below it `0` (long-only) or `−qty` (long-short). Orders are market orders for the
//! difference between the target and the position plus pending orders.

use tachyon_engine::{Action, DecisionEngine, StrategyConfig};
use tachyon_indicators::{Bollinger, Ema, Rsi};

use crate::error::BacktestError;
use crate::ledger::Side;
use crate::record::{Kind, Record};
use crate::session::{OrderRequest, Session};

/// A strategy run by the Rust loop.
pub trait NativeStrategy {
    /// Called after the session processed `record` (fills it caused are already booked).
    fn on_record(&mut self, session: &mut Session, record: &Record);
}

/// Long-only or long-short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Targets `+qty` or flat.
    LongOnly,
    /// Targets `+qty` or `−qty`.
    LongShort,
}

/// EMA crossover on bar closes (or trade prices), one instance per instrument set.
#[derive(Debug, Clone)]
pub struct EmaCross {
    fast: Vec<Ema>,
    slow: Vec<Ema>,
    prev_diff: Vec<f64>,
    qty: i64,
    direction: Direction,
    price_pow: Vec<f64>,
    /// Crossovers seen (for tests and summaries).
    pub signals: u64,
}

impl EmaCross {
    /// `fast < slow` periods, `qty` mantissa per instrument, for `price_scales`.
    ///
    /// # Errors
    /// [`BacktestError::Config`] unless `1 ≤ fast < slow ≤ 1,000,000` and `qty > 0`.
    pub fn new(
        fast: usize,
        slow: usize,
        qty: i64,
        direction: Direction,
        price_scales: &[u8],
    ) -> Result<Self, BacktestError> {
        if fast == 0 || fast >= slow {
            return Err(BacktestError::config(
                "fast",
                format!("needs 1 <= fast < slow, got {fast} and {slow}"),
            ));
        }
        if qty <= 0 {
            return Err(BacktestError::config("qty", "must be positive"));
        }
        let bad =
            |e: tachyon_indicators::IndicatorError| BacktestError::config("slow", e.to_string());
        let (f, sl) = (Ema::new(fast).map_err(bad)?, Ema::new(slow).map_err(bad)?);
        let n = price_scales.len();
        Ok(Self {
            fast: vec![f; n],
            slow: vec![sl; n],
            prev_diff: vec![f64::NAN; n],
            qty,
            direction,
            price_pow: price_scales
                .iter()
                .map(|s| 10f64.powi(i32::from(*s)))
                .collect(),
            signals: 0,
        })
    }
}

impl NativeStrategy for EmaCross {
    #[inline]
    fn on_record(&mut self, s: &mut Session, r: &Record) {
        let i = r.instrument as usize;
        let px = match Kind::from_u8(r.kind) {
            Some(Kind::Bar) => r.d,
            Some(Kind::Trade) => r.a,
            _ => return,
        };
        let x = px as f64 / self.price_pow[i];
        let f = self.fast[i].next(x);
        let sl = self.slow[i].next(x);
        let diff = f - sl;
        let prev = self.prev_diff[i];
        self.prev_diff[i] = diff;
        if !(diff.is_finite() && prev.is_finite()) {
            return;
        }
        let target = if prev <= 0.0 && diff > 0.0 {
            self.qty
        } else if prev >= 0.0 && diff < 0.0 {
            match self.direction {
                Direction::LongOnly => 0,
                Direction::LongShort => -self.qty,
            }
        } else {
            return;
        };
        self.signals += 1;
        let pos = s.ledger().position(r.instrument).qty;
        let delta = target - pos;
        if delta != 0 {
            let side = if delta > 0 { Side::Buy } else { Side::Sell };
            let _ = s.submit(OrderRequest {
                instrument: r.instrument,
                side,
                qty: delta.abs(),
                limit: None,
                ioc: false,
            });
        }
    }
}

/// A feature the decision strategy computes per bar from the close (streaming indicators of
/// `tachyon_indicators`; NaN while an indicator warms up, which the decision engine turns into
/// a hold with `MISSING_FEATURE`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FeatureSpec {
    /// `(EMA(fast) − EMA(slow)) / close`.
    EmaGap {
        /// Fast period.
        fast: usize,
        /// Slow period.
        slow: usize,
    },
    /// `(RSI(n) − 50) / 50` ∈ [−1, 1] (Wilder).
    Rsi {
        /// Period.
        period: usize,
    },
    /// `close / close[n bars ago] − 1`.
    Return {
        /// Look-back in bars.
        bars: usize,
    },
    /// Bollinger %B − ½ (position of the close in the bands, centred).
    BollingerB {
        /// Period.
        period: usize,
        /// Band width in standard deviations.
        k: f64,
    },
}

#[derive(Debug, Clone)]
enum FeatureState {
    EmaGap(Ema, Ema),
    Rsi(Rsi),
    Return(std::collections::VecDeque<f64>, usize),
    Bollinger(Bollinger),
}

impl FeatureState {
    fn new(spec: FeatureSpec) -> Result<Self, BacktestError> {
        let bad = |e: tachyon_indicators::IndicatorError| {
            BacktestError::config("features", e.to_string())
        };
        Ok(match spec {
            FeatureSpec::EmaGap { fast, slow } => {
                if fast == 0 || fast >= slow {
                    return Err(BacktestError::config(
                        "features",
                        format!("emaGap needs 1 <= fast < slow, got {fast} and {slow}"),
                    ));
                }
                Self::EmaGap(Ema::new(fast).map_err(bad)?, Ema::new(slow).map_err(bad)?)
            }
            FeatureSpec::Rsi { period } => Self::Rsi(Rsi::new(period).map_err(bad)?),
            FeatureSpec::Return { bars } => {
                if bars == 0 || bars > 100_000 {
                    return Err(BacktestError::config(
                        "features",
                        "return needs 1 to 100000 bars",
                    ));
                }
                Self::Return(std::collections::VecDeque::with_capacity(bars + 1), bars)
            }
            FeatureSpec::BollingerB { period, k } => {
                Self::Bollinger(Bollinger::new(period, k).map_err(bad)?)
            }
        })
    }

    #[inline]
    fn next(&mut self, close: f64) -> f64 {
        match self {
            Self::EmaGap(f, s) => (f.next(close) - s.next(close)) / close,
            Self::Rsi(r) => (r.next(close) - 50.0) / 50.0,
            Self::Return(q, n) => {
                q.push_back(close);
                if q.len() > *n + 1 {
                    q.pop_front();
                }
                if q.len() == *n + 1 {
                    close / q[0] - 1.0
                } else {
                    f64::NAN
                }
            }
            Self::Bollinger(b) => b.next(close).percent_b - 0.5,
        }
    }
}

/// A strategy that is pure configuration of the Rust decision engine: per bar, the features are
/// computed from the close, the [`DecisionEngine`] scores them (weights, bias, clamps,
/// thresholds — `tachyon_engine::StrategyConfig`), and a `buy` targets `+qty`, a `sell`
/// targets `−qty` (long-short) or flat (long-only), a `hold` keeps the position. No JavaScript
/// runs per bar.
#[derive(Debug)]
pub struct DecisionStrategy {
    engine: DecisionEngine,
    states: Vec<Vec<FeatureState>>,
    row: Vec<f64>,
    qty: i64,
    direction: Direction,
    price_pow: Vec<f64>,
    /// Decisions taken (buy + sell + hold).
    pub decisions: u64,
    /// Orders sent.
    pub orders: u64,
}

impl DecisionStrategy {
    /// Features, engine parameters (one weight per feature), size and direction.
    ///
    /// # Errors
    /// [`BacktestError::Config`] for a bad feature, a weight count that does not match the
    /// features, or an engine parameter the engine refuses (its message names the field).
    pub fn new(
        features: &[FeatureSpec],
        engine: &StrategyConfig,
        qty: i64,
        direction: Direction,
        price_scales: &[u8],
    ) -> Result<Self, BacktestError> {
        if features.is_empty() {
            return Err(BacktestError::config(
                "features",
                "needs at least one feature",
            ));
        }
        if engine.weights.len() != features.len() {
            return Err(BacktestError::config(
                "weights",
                format!(
                    "has {} entries for {} features",
                    engine.weights.len(),
                    features.len()
                ),
            ));
        }
        if qty <= 0 {
            return Err(BacktestError::config("qty", "must be positive"));
        }
        let eng = DecisionEngine::new(engine)
            .map_err(|e| BacktestError::config("engine", e.to_string()))?;
        let one: Vec<FeatureState> = features
            .iter()
            .map(|f| FeatureState::new(*f))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            engine: eng,
            states: vec![one; price_scales.len()],
            row: vec![0.0; features.len()],
            qty,
            direction,
            price_pow: price_scales
                .iter()
                .map(|s| 10f64.powi(i32::from(*s)))
                .collect(),
            decisions: 0,
            orders: 0,
        })
    }
}

impl NativeStrategy for DecisionStrategy {
    #[inline]
    fn on_record(&mut self, s: &mut Session, r: &Record) {
        if r.kind != Kind::Bar as u8 {
            return;
        }
        let i = r.instrument as usize;
        let close = r.d as f64 / self.price_pow[i];
        for (x, st) in self.row.iter_mut().zip(self.states[i].iter_mut()) {
            *x = st.next(close);
        }
        let Ok(d) = self.engine.decide_one(&self.row) else {
            return;
        };
        self.decisions += 1;
        let target = match d.action {
            Action::Buy => self.qty,
            Action::Sell => match self.direction {
                Direction::LongOnly => 0,
                Direction::LongShort => -self.qty,
            },
            Action::Hold => return,
        };
        let pos = s.ledger().position(r.instrument).qty;
        let delta = target - pos;
        if delta != 0 {
            self.orders += 1;
            let side = if delta > 0 { Side::Buy } else { Side::Sell };
            let _ = s.submit(OrderRequest {
                instrument: r.instrument,
                side,
                qty: delta.abs(),
                limit: None,
                ioc: false,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(weights: Vec<f64>) -> StrategyConfig {
        StrategyConfig {
            weights,
            bias: 0.0,
            feature_min: None,
            feature_max: None,
            score_cap: 1.0,
            buy_threshold: 0.1,
            sell_threshold: 0.1,
        }
    }

    #[test]
    fn decision_strategy_validates_its_setup() {
        let f = [
            FeatureSpec::EmaGap { fast: 5, slow: 20 },
            FeatureSpec::Rsi { period: 14 },
        ];
        assert!(
            DecisionStrategy::new(&f, &engine(vec![1.0, 1.0]), 1, Direction::LongOnly, &[2])
                .is_ok()
        );
        assert!(
            DecisionStrategy::new(&f, &engine(vec![1.0]), 1, Direction::LongOnly, &[2]).is_err()
        );
        assert!(DecisionStrategy::new(&[], &engine(vec![]), 1, Direction::LongOnly, &[2]).is_err());
        assert!(DecisionStrategy::new(
            &f,
            &engine(vec![1.0, f64::NAN]),
            1,
            Direction::LongOnly,
            &[2]
        )
        .is_err());
        assert!(DecisionStrategy::new(
            &[FeatureSpec::EmaGap { fast: 20, slow: 5 }],
            &engine(vec![1.0]),
            1,
            Direction::LongOnly,
            &[2]
        )
        .is_err());
    }

    #[test]
    fn bad_periods_are_config_errors() {
        assert!(EmaCross::new(30, 10, 1, Direction::LongOnly, &[2]).is_err());
        assert!(EmaCross::new(0, 10, 1, Direction::LongOnly, &[2]).is_err());
        assert!(EmaCross::new(3, 10, 0, Direction::LongOnly, &[2]).is_err());
        assert!(EmaCross::new(3, 10, 1, Direction::LongOnly, &[2]).is_ok());
    }
}
