//! The decision engine: feature rows → score → action, batched across instruments.
//!
//! # Model
//! One [`DecisionEngine`] holds one strategy's parameters ([`StrategyConfig`]): a weight per
//! feature, a bias, optional per-feature clamps (winsorising bounds), a score cap and the buy and
//! sell thresholds. For each instrument row `x` (one `f64` per feature):
//!
//! 1. every feature is clamped to `[featureMin[f], featureMax[f]]`;
//! 2. `score = Σ w[f]·clamp(x[f]) + bias`, summed in the canonical order below;
//! 3. the score is clamped to `[-scoreCap, scoreCap]`;
//! 4. `buy` if `score ≥ buyThreshold`, `sell` if `score ≤ -sellThreshold`, otherwise `hold`;
//! 5. `confidence = |score| / scoreCap` ∈ [0, 1] (signal strength relative to the cap, not a
//!    probability).
//!
//! A row with any NaN or ±∞ feature is **never traded**: the action is `hold`, score and
//! confidence are 0 and the reason [`HoldReason::MissingFeature`] is counted. A row whose sum
//! overflows to a non-finite score holds with [`HoldReason::NonFiniteScore`]. Which clamp fired
//! is reported as [`ClampFlags`] plus the index of the first clamped feature.
//!
//! # Paths and identical results
//! The dot product runs on one of three paths chosen once, at construction, by run-time CPU
//! detection ([`KernelPath::detect`]): AVX-512F, AVX2 or portable scalar. All three evaluate the
//! **same** sequence of IEEE-754 operations, so scores are bit-identical and decisions
//! identical (a test runs every available path on the same random inputs):
//! - eight accumulators `acc[j]` take features `f ≡ j (mod 8)` in increasing `f`, each step
//!   `acc[j] = acc[j] + w[f]·x[f]` with a separate multiply and add (no FMA: fusing would round
//!   differently from the scalar path);
//! - the tail beyond the last full block of 8 is padded with `x = 0, w = 0`;
//! - `score = ((acc0+acc4) + (acc2+acc6)) + ((acc1+acc5) + (acc3+acc7)) + bias`, the natural
//!   halving reduction of one 512-bit register (or two 256-bit ones);
//! - clamps use the x86 `max`/`min` operand order (`max(x, lo) = x > lo ? x : lo`).
//!
//! Everything after the score (score clamp, thresholds, confidence) is the same scalar code on
//! every path.

mod kernel;

use std::fmt;

use crate::error::EngineError;

pub use kernel::KernelPath;

/// Largest number of features per row.
pub const MAX_FEATURES: usize = 4096;

/// What to do with an instrument.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Action {
    /// Do nothing.
    #[default]
    Hold = 0,
    /// Open or add long / reduce short.
    Buy = 1,
    /// Open or add short / reduce long.
    Sell = 2,
}

impl Action {
    /// Lower-case name (`"hold"`, `"buy"`, `"sell"`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Hold => "hold",
            Self::Buy => "buy",
            Self::Sell => "sell",
        }
    }
}

/// Why an instrument was held.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HoldReason {
    /// Not held (a buy or a sell).
    #[default]
    None = 0,
    /// The score is inside the `(-sellThreshold, buyThreshold)` band.
    BelowThreshold = 1,
    /// A feature is NaN or ±∞ (missing data): never traded.
    MissingFeature = 2,
    /// The weighted sum overflowed to a non-finite value: never traded.
    NonFiniteScore = 3,
}

impl HoldReason {
    /// Stable code (`"BELOW_THRESHOLD"`, `"MISSING_FEATURE"`, `"NON_FINITE_SCORE"`, or `""`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "",
            Self::BelowThreshold => "BELOW_THRESHOLD",
            Self::MissingFeature => "MISSING_FEATURE",
            Self::NonFiniteScore => "NON_FINITE_SCORE",
        }
    }
}

/// Which clamps fired for one decision (bit set).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ClampFlags(pub u8);

impl ClampFlags {
    /// No clamp fired.
    pub const NONE: Self = Self(0);
    /// At least one feature was below its `featureMin` and was raised to it.
    pub const FEATURE_LOW: u8 = 1;
    /// At least one feature was above its `featureMax` and was lowered to it.
    pub const FEATURE_HIGH: u8 = 2;
    /// The score was below `-scoreCap` and was raised to it.
    pub const SCORE_LOW: u8 = 4;
    /// The score was above `scoreCap` and was lowered to it.
    pub const SCORE_HIGH: u8 = 8;

    /// `true` if no clamp fired.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// `true` if all bits of `flag` are set.
    #[must_use]
    pub fn has(self, flag: u8) -> bool {
        self.0 & flag == flag
    }
}

impl fmt::Debug for ClampFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (Self::FEATURE_LOW, "FEATURE_LOW"),
            (Self::FEATURE_HIGH, "FEATURE_HIGH"),
            (Self::SCORE_LOW, "SCORE_LOW"),
            (Self::SCORE_HIGH, "SCORE_HIGH"),
        ];
        let set: Vec<&str> = names
            .iter()
            .filter(|(b, _)| self.0 & b != 0)
            .map(|(_, n)| *n)
            .collect();
        write!(f, "ClampFlags({})", set.join("|"))
    }
}

/// Index reported in [`Decision::clamp_feature`] when no feature was clamped.
pub const NO_FEATURE: u16 = u16::MAX;

/// The decision for one instrument.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Decision {
    /// Clamped score (0 for a row with a missing feature or a non-finite score).
    pub score: f64,
    /// `|score| / scoreCap` ∈ [0, 1].
    pub confidence: f64,
    /// The action.
    pub action: Action,
    /// Which clamps fired.
    pub clamp: ClampFlags,
    /// Why the row was held ([`HoldReason::None`] for a trade).
    pub reason: HoldReason,
    /// Index of the first feature that was clamped, or [`NO_FEATURE`].
    pub clamp_feature: u16,
}

/// A strategy's parameters as given (validated by [`DecisionEngine::new`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyConfig {
    /// One weight per feature (finite). The feature count is `weights.len()`.
    pub weights: Vec<f64>,
    /// Added to the weighted sum (finite). Default 0.
    pub bias: f64,
    /// Lower clamp per feature (`-∞` for none). Same length as `weights` if given.
    pub feature_min: Option<Vec<f64>>,
    /// Upper clamp per feature (`+∞` for none). Same length as `weights` if given.
    pub feature_max: Option<Vec<f64>>,
    /// The score is clamped to `[-scoreCap, scoreCap]` (finite, > 0).
    pub score_cap: f64,
    /// Buy when `score ≥ buyThreshold` (in `(0, scoreCap]`).
    pub buy_threshold: f64,
    /// Sell when `score ≤ -sellThreshold` (in `(0, scoreCap]`).
    pub sell_threshold: f64,
}

/// Validated parameters, padded to whole blocks of 8 features.
#[derive(Debug, Clone)]
pub(crate) struct Params {
    pub(crate) n_features: usize,
    pub(crate) w: Vec<f64>,
    pub(crate) lo: Vec<f64>,
    pub(crate) hi: Vec<f64>,
    pub(crate) bias: f64,
    pub(crate) cap: f64,
    pub(crate) buy: f64,
    pub(crate) sell: f64,
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> EngineError {
    EngineError::Config {
        field: field.into(),
        reason: reason.into(),
    }
}

impl Params {
    fn new(c: &StrategyConfig) -> Result<Self, EngineError> {
        let n = c.weights.len();
        if n == 0 || n > MAX_FEATURES {
            return Err(invalid(
                "weights",
                format!("needs 1 to {MAX_FEATURES} features, got {n}"),
            ));
        }
        if let Some(i) = c.weights.iter().position(|w| !w.is_finite()) {
            return Err(invalid(
                format!("weights[{i}]"),
                format!("must be finite, got {}", c.weights[i]),
            ));
        }
        if !c.bias.is_finite() {
            return Err(invalid("bias", format!("must be finite, got {}", c.bias)));
        }
        let bound = |v: &Option<Vec<f64>>, name: &str, default: f64| {
            let Some(v) = v else {
                return Ok(vec![default; n]);
            };
            if v.len() != n {
                return Err(invalid(
                    name,
                    format!("has {} entries; weights has {n}", v.len()),
                ));
            }
            if let Some(i) = v.iter().position(|x| x.is_nan()) {
                return Err(invalid(format!("{name}[{i}]"), "must not be NaN"));
            }
            Ok(v.clone())
        };
        let lo = bound(&c.feature_min, "featureMin", f64::NEG_INFINITY)?;
        let hi = bound(&c.feature_max, "featureMax", f64::INFINITY)?;
        for i in 0..n {
            if lo[i] > hi[i] {
                return Err(invalid(
                    format!("featureMin[{i}]"),
                    format!("{} is above featureMax[{i}] {}", lo[i], hi[i]),
                ));
            }
        }
        if !(c.score_cap.is_finite() && c.score_cap > 0.0) {
            return Err(invalid(
                "scoreCap",
                format!("must be finite and positive, got {}", c.score_cap),
            ));
        }
        for (name, t) in [
            ("buyThreshold", c.buy_threshold),
            ("sellThreshold", c.sell_threshold),
        ] {
            if !(t > 0.0 && t <= c.score_cap) {
                return Err(invalid(
                    name,
                    format!("must be in (0, scoreCap = {}], got {t}", c.score_cap),
                ));
            }
        }
        let padded = n.div_ceil(8) * 8;
        let pad = |mut v: Vec<f64>, fill: f64| {
            v.resize(padded, fill);
            v
        };
        Ok(Self {
            n_features: n,
            w: pad(c.weights.clone(), 0.0),
            lo: pad(lo, f64::NEG_INFINITY),
            hi: pad(hi, f64::INFINITY),
            bias: c.bias,
            cap: c.score_cap,
            buy: c.buy_threshold,
            sell: c.sell_threshold,
        })
    }
}

/// What the dot-product kernels hand to the common scalar finish.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowSum {
    /// Weighted sum of clamped features, without the bias.
    pub(crate) sum: f64,
    /// Some feature was NaN or ±∞.
    pub(crate) bad: bool,
    /// `FEATURE_LOW` / `FEATURE_HIGH` bits.
    pub(crate) flags: u8,
    /// First clamped feature or [`NO_FEATURE`].
    pub(crate) first: u16,
}

/// The scalar finish shared by every path: bias, score clamp, thresholds, confidence.
#[inline(always)]
pub(crate) fn finish(p: &Params, r: RowSum) -> Decision {
    let s = r.sum + p.bias;
    if r.bad {
        return Decision {
            score: 0.0,
            confidence: 0.0,
            action: Action::Hold,
            clamp: ClampFlags(r.flags),
            reason: HoldReason::MissingFeature,
            clamp_feature: r.first,
        };
    }
    // `s - s` is 0 for finite s, NaN for ±∞ and NaN.
    #[allow(clippy::eq_op)] // deliberate finiteness test, identical to the SIMD kernels
    let finite = s - s == 0.0;
    if !finite {
        return Decision {
            score: 0.0,
            confidence: 0.0,
            action: Action::Hold,
            clamp: ClampFlags(r.flags),
            reason: HoldReason::NonFiniteScore,
            clamp_feature: r.first,
        };
    }
    let neg_cap = -p.cap;
    let low = s < neg_cap;
    let high = s > p.cap;
    let c = if s > neg_cap { s } else { neg_cap };
    let c = if c < p.cap { c } else { p.cap };
    let buy = c >= p.buy;
    let sell = c <= -p.sell;
    let action = match (buy, sell) {
        (true, _) => Action::Buy,
        (false, true) => Action::Sell,
        _ => Action::Hold,
    };
    Decision {
        score: c,
        confidence: c.abs() / p.cap,
        action,
        clamp: ClampFlags(
            r.flags
                | (u8::from(low) * ClampFlags::SCORE_LOW)
                | (u8::from(high) * ClampFlags::SCORE_HIGH),
        ),
        reason: if action == Action::Hold {
            HoldReason::BelowThreshold
        } else {
            HoldReason::None
        },
        clamp_feature: r.first,
    }
}

/// Running totals of what the engine decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecisionCounters {
    /// Rows decided.
    pub decisions: u64,
    /// Buys.
    pub buys: u64,
    /// Sells.
    pub sells: u64,
    /// Holds inside the threshold band.
    pub holds: u64,
    /// Holds because a feature was NaN or ±∞.
    pub missing_feature: u64,
    /// Holds because the score was not finite.
    pub non_finite_score: u64,
    /// Rows on which at least one clamp (feature or score) fired.
    pub clamped: u64,
}

impl DecisionCounters {
    #[inline(always)]
    fn record(&mut self, d: &Decision) {
        self.decisions += 1;
        self.buys += u64::from(d.action == Action::Buy);
        self.sells += u64::from(d.action == Action::Sell);
        self.holds += u64::from(d.reason == HoldReason::BelowThreshold);
        self.missing_feature += u64::from(d.reason == HoldReason::MissingFeature);
        self.non_finite_score += u64::from(d.reason == HoldReason::NonFiniteScore);
        self.clamped += u64::from(d.clamp.0 != 0);
    }
}

/// Output columns of a batch: one entry per instrument in each slice.
#[derive(Debug)]
pub struct DecisionColumns<'a> {
    /// Action codes (`0` hold, `1` buy, `2` sell).
    pub actions: &'a mut [u8],
    /// Scores.
    pub scores: &'a mut [f64],
    /// Confidences.
    pub confidence: &'a mut [f64],
    /// [`ClampFlags`] bits.
    pub clamps: &'a mut [u8],
    /// [`HoldReason`] codes.
    pub reasons: &'a mut [u8],
    /// First clamped feature or [`NO_FEATURE`].
    pub clamp_features: &'a mut [u16],
}

/// A strategy's decision engine (see the [module docs](self)).
///
/// # Example
/// ```
/// use tachyon_engine::decision::{Action, DecisionEngine, StrategyConfig};
/// let mut engine = DecisionEngine::new(&StrategyConfig {
///     weights: vec![1.0, -0.5],
///     bias: 0.0,
///     feature_min: None,
///     feature_max: Some(vec![3.0, 3.0]),
///     score_cap: 2.0,
///     buy_threshold: 0.5,
///     sell_threshold: 0.5,
/// })
/// .unwrap();
/// let d = engine.decide_one(&[1.0, 0.2]).unwrap();
/// assert_eq!(d.action, Action::Buy);
/// assert_eq!(d.score, 0.9);
/// assert_eq!(engine.decide_one(&[f64::NAN, 0.0]).unwrap().action, Action::Hold);
/// assert_eq!(engine.counters().missing_feature, 1);
/// ```
#[derive(Debug, Clone)]
pub struct DecisionEngine {
    params: Params,
    path: KernelPath,
    counters: DecisionCounters,
}

impl DecisionEngine {
    /// Validates the strategy and picks the fastest kernel this CPU supports.
    ///
    /// # Errors
    /// [`EngineError::Config`] naming the first bad field.
    pub fn new(config: &StrategyConfig) -> Result<Self, EngineError> {
        Self::with_path(config, KernelPath::detect())
    }

    /// As [`DecisionEngine::new`] on a given kernel path (tests and benches).
    ///
    /// # Errors
    /// [`EngineError::Config`], or [`EngineError::UnsupportedPath`] if this CPU lacks the path.
    pub fn with_path(config: &StrategyConfig, path: KernelPath) -> Result<Self, EngineError> {
        if !path.is_supported() {
            return Err(EngineError::UnsupportedPath(path.name()));
        }
        Ok(Self {
            params: Params::new(config)?,
            path,
            counters: DecisionCounters::default(),
        })
    }

    /// Replaces the strategy parameters (same validation); the path and counters stay.
    ///
    /// # Errors
    /// [`EngineError::Config`]; the engine is unchanged on error.
    pub fn set_strategy(&mut self, config: &StrategyConfig) -> Result<(), EngineError> {
        self.params = Params::new(config)?;
        Ok(())
    }

    /// Features per row.
    #[must_use]
    pub fn n_features(&self) -> usize {
        self.params.n_features
    }

    /// The kernel in use.
    #[must_use]
    pub fn path(&self) -> KernelPath {
        self.path
    }

    /// Totals so far.
    #[must_use]
    pub fn counters(&self) -> DecisionCounters {
        self.counters
    }

    /// Decides one instrument.
    ///
    /// # Errors
    /// [`EngineError::Dimension`] if `row.len()` is not the feature count.
    #[inline]
    pub fn decide_one(&mut self, row: &[f64]) -> Result<Decision, EngineError> {
        if row.len() != self.params.n_features {
            return Err(EngineError::Dimension {
                what: "features",
                expected: self.params.n_features,
                got: row.len(),
            });
        }
        let d = finish(&self.params, kernel::row_sum(self.path, &self.params, row));
        self.counters.record(&d);
        Ok(d)
    }

    /// Decides every row of `features` (row-major, instruments × features) into `out`.
    ///
    /// # Errors
    /// [`EngineError::Dimension`] if `features` is not a whole number of rows or `out` has
    /// another length than the number of rows. Nothing is written on error.
    pub fn decide_batch(
        &mut self,
        features: &[f64],
        out: &mut [Decision],
    ) -> Result<(), EngineError> {
        let rows = self.rows(features)?;
        check_len("out", rows, out.len())?;
        let counters = &mut self.counters;
        kernel::for_each_row(self.path, &self.params, features, |i, d| {
            counters.record(&d);
            out[i] = d;
        });
        Ok(())
    }

    /// As [`DecisionEngine::decide_batch`] into separate columns (the N-API layout).
    ///
    /// # Errors
    /// [`EngineError::Dimension`] naming the first column of the wrong length.
    pub fn decide_batch_columns(
        &mut self,
        features: &[f64],
        out: &mut DecisionColumns<'_>,
    ) -> Result<(), EngineError> {
        let rows = self.rows(features)?;
        check_len("actions", rows, out.actions.len())?;
        check_len("scores", rows, out.scores.len())?;
        check_len("confidence", rows, out.confidence.len())?;
        check_len("clamps", rows, out.clamps.len())?;
        check_len("reasons", rows, out.reasons.len())?;
        check_len("clampFeatures", rows, out.clamp_features.len())?;
        let counters = &mut self.counters;
        kernel::for_each_row(self.path, &self.params, features, |i, d| {
            counters.record(&d);
            out.actions[i] = d.action as u8;
            out.scores[i] = d.score;
            out.confidence[i] = d.confidence;
            out.clamps[i] = d.clamp.0;
            out.reasons[i] = d.reason as u8;
            out.clamp_features[i] = d.clamp_feature;
        });
        Ok(())
    }

    fn rows(&self, features: &[f64]) -> Result<usize, EngineError> {
        let n = self.params.n_features;
        if !features.len().is_multiple_of(n) {
            return Err(EngineError::Dimension {
                what: "features (a whole number of rows)",
                expected: features.len() / n * n,
                got: features.len(),
            });
        }
        Ok(features.len() / n)
    }
}

fn check_len(what: &'static str, expected: usize, got: usize) -> Result<(), EngineError> {
    if expected == got {
        Ok(())
    } else {
        Err(EngineError::Dimension {
            what,
            expected,
            got,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(weights: Vec<f64>) -> StrategyConfig {
        StrategyConfig {
            weights,
            bias: 0.0,
            feature_min: None,
            feature_max: None,
            score_cap: 10.0,
            buy_threshold: 1.0,
            sell_threshold: 1.0,
        }
    }

    fn paths() -> Vec<KernelPath> {
        KernelPath::ALL
            .into_iter()
            .filter(|p| p.is_supported())
            .collect()
    }

    #[test]
    fn hand_computed_decisions_on_every_path() {
        for path in paths() {
            let mut c = cfg(vec![0.5, -1.0, 2.0]);
            c.feature_min = Some(vec![-1.0, -1.0, -1.0]);
            c.feature_max = Some(vec![1.0, 1.0, 1.0]);
            c.bias = 0.25;
            c.score_cap = 2.0;
            let mut e = DecisionEngine::with_path(&c, path).unwrap();
            // 0.5*1 - 1*0.5 + 2*0.25 + 0.25 = 0.75 → hold
            let d = e.decide_one(&[1.0, 0.5, 0.25]).unwrap();
            assert_eq!(
                (d.action, d.score, d.reason),
                (Action::Hold, 0.75, HoldReason::BelowThreshold)
            );
            assert_eq!(d.confidence, 0.375);
            assert!(d.clamp.is_empty() && d.clamp_feature == NO_FEATURE);
            // feature 2 clamped high to 1: 0 + 0 + 2 + 0.25 = 2.25 → score clamp to 2 → buy
            let d = e.decide_one(&[0.0, 0.0, 7.0]).unwrap();
            assert_eq!((d.action, d.score, d.confidence), (Action::Buy, 2.0, 1.0));
            assert!(d.clamp.has(ClampFlags::FEATURE_HIGH) && d.clamp.has(ClampFlags::SCORE_HIGH));
            assert_eq!(d.clamp_feature, 2);
            // feature 1 clamped high (−1·1), feature 0 clamped low (0.5·−1): −1.5 + 0.25 → sell
            let d = e.decide_one(&[-3.0, 4.0, 0.0]).unwrap();
            assert_eq!((d.action, d.score), (Action::Sell, -1.25));
            assert_eq!(
                d.clamp.0,
                ClampFlags::FEATURE_LOW | ClampFlags::FEATURE_HIGH
            );
            assert_eq!(d.clamp_feature, 0);
            // exactly at the threshold trades
            let mut c2 = cfg(vec![1.0]);
            c2.buy_threshold = 0.5;
            let mut e2 = DecisionEngine::with_path(&c2, path).unwrap();
            assert_eq!(e2.decide_one(&[0.5]).unwrap().action, Action::Buy);
            assert_eq!(e2.decide_one(&[-1.0]).unwrap().action, Action::Sell);
            assert_eq!(e2.decide_one(&[-0.999]).unwrap().action, Action::Hold);
        }
    }

    #[test]
    fn missing_and_infinite_features_hold_and_are_counted() {
        for path in paths() {
            let mut c = cfg(vec![1.0; 11]);
            c.feature_max = Some(vec![0.5; 11]);
            let mut e = DecisionEngine::with_path(&c, path).unwrap();
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                for pos in [0, 7, 8, 10] {
                    let mut row = vec![5.0; 11];
                    row[pos] = bad;
                    let d = e.decide_one(&row).unwrap();
                    assert_eq!(d.action, Action::Hold, "{path:?} {bad} @ {pos}");
                    assert_eq!(d.reason, HoldReason::MissingFeature);
                    assert_eq!((d.score, d.confidence), (0.0, 0.0));
                }
            }
            assert_eq!(e.counters().missing_feature, 12);
            assert_eq!(e.counters().buys, 0);
            // overflow to ±inf without any bad input
            let mut e = DecisionEngine::with_path(&cfg(vec![1e300, 1e300]), path).unwrap();
            let d = e.decide_one(&[1e300, 1e300]).unwrap();
            assert_eq!(
                (d.action, d.reason),
                (Action::Hold, HoldReason::NonFiniteScore)
            );
            let d = e.decide_one(&[1e300, -1e300]).unwrap();
            assert_eq!(d.action, Action::Hold);
            assert_eq!(e.counters().non_finite_score, 2); // inf and inf − inf = NaN
        }
    }

    #[test]
    fn batch_equals_single_and_checks_shapes() {
        for path in paths() {
            let mut e =
                DecisionEngine::with_path(&cfg(vec![0.3, -0.7, 1.1, 0.2, 0.9]), path).unwrap();
            let feats: Vec<f64> = (0..50)
                .map(|i| ((i * 37 % 23) as f64 - 11.0) / 3.0)
                .collect();
            let mut out = vec![Decision::default(); 10];
            e.decide_batch(&feats, &mut out).unwrap();
            for (i, d) in out.iter().enumerate() {
                assert_eq!(*d, e.decide_one(&feats[i * 5..i * 5 + 5]).unwrap());
            }
            assert!(matches!(
                e.decide_batch(&feats[..49], &mut out),
                Err(EngineError::Dimension { .. })
            ));
            assert!(matches!(
                e.decide_batch(&feats, &mut out[..9]),
                Err(EngineError::Dimension { .. })
            ));
            assert!(e.decide_one(&[1.0]).is_err());
            assert_eq!(e.counters().decisions, 20);
        }
    }

    #[test]
    fn config_errors_name_the_field() {
        let field = |f: fn(&mut StrategyConfig)| {
            let mut c = cfg(vec![1.0, 2.0]);
            f(&mut c);
            match DecisionEngine::new(&c).unwrap_err() {
                EngineError::Config { field, .. } => field,
                e => panic!("{e}"),
            }
        };
        assert_eq!(field(|c| c.weights.clear()), "weights");
        assert_eq!(field(|c| c.weights[1] = f64::NAN), "weights[1]");
        assert_eq!(field(|c| c.bias = f64::INFINITY), "bias");
        assert_eq!(field(|c| c.feature_min = Some(vec![0.0])), "featureMin");
        assert_eq!(
            field(|c| c.feature_max = Some(vec![0.0, f64::NAN])),
            "featureMax[1]"
        );
        assert_eq!(
            field(|c| {
                c.feature_min = Some(vec![0.0, 2.0]);
                c.feature_max = Some(vec![1.0, 1.0]);
            }),
            "featureMin[1]"
        );
        assert_eq!(field(|c| c.score_cap = 0.0), "scoreCap");
        assert_eq!(field(|c| c.buy_threshold = 0.0), "buyThreshold");
        assert_eq!(field(|c| c.sell_threshold = 11.0), "sellThreshold");
    }
}
