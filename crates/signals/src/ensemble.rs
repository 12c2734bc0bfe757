//! Ensemble combiner of model forecasts given as Beta(α, β) distributions of the probability
//! that the next move is up.
//!
//! ## Formulas
//! For model `i`: mean `μᵢ = αᵢ/(αᵢ+βᵢ)`, variance `vᵢ = αᵢβᵢ/((αᵢ+βᵢ)²(αᵢ+βᵢ+1))`.
//! - **Weights**: `wᵢ = baseᵢ · Σₖ πₖ·Rₖᵢ` where `R` is the regime-weight matrix (K regimes ×
//!   M models) and `π` the current regime probabilities (e.g. an HMM's filtered state
//!   probabilities, or a one-hot vector); without regimes `wᵢ = baseᵢ`. Normalised:
//!   `w̃ᵢ = wᵢ/Σw`.
//! - **Combined probability**: `m = Σ w̃ᵢμᵢ`.
//! - **Disagreement**: `D = sqrt(Σ w̃ᵢ(μᵢ − m)²)`, reported as `d = min(1, 2D)` (2D = 1 when
//!   the models split evenly between 0 and 1).
//! - **Moment-matched Beta** of the mixture: variance `V = Σ w̃ᵢ(vᵢ + (μᵢ − m)²)`,
//!   `κ = m(1−m)/V − 1`, `α* = mκ`, `β* = (1−m)κ` (NaN when `V = 0`).
//! - **Calibration** (optional): `p = f(m)` with a monotone map `f`
//!   ([`IsotonicCalibration`], e.g. fitted by isotonic regression on past forecasts and
//!   outcomes); without one `p = m`.
//! - **Decision**: direction `sign(p − ½)`; confidence `|2p − 1| · (1 − λ·d)` with
//!   `λ = disagreement_penalty ∈ [0, 1]`.

use std::fmt;

use crate::error::{check, SignalError};

/// One model's forecast: the probability of an up move is Beta(α, β) distributed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaForecast {
    /// α > 0.
    pub alpha: f64,
    /// β > 0.
    pub beta: f64,
}

impl BetaForecast {
    /// Beta(α, β).
    #[must_use]
    pub const fn new(alpha: f64, beta: f64) -> Self {
        Self { alpha, beta }
    }

    /// Mean `α/(α+β)`.
    #[must_use]
    pub fn mean(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    /// Variance `αβ/((α+β)²(α+β+1))`.
    #[must_use]
    pub fn variance(&self) -> f64 {
        let s = self.alpha + self.beta;
        self.alpha * self.beta / (s * s * (s + 1.0))
    }
}

/// A monotone map from raw to calibrated probabilities.
pub trait Calibrator: fmt::Debug + Send + Sync {
    /// The calibrated probability for raw probability `p`.
    fn calibrate(&self, p: f64) -> f64;
}

/// Piecewise-linear isotonic calibration through fitted knots `(xⱼ, yⱼ)` (x strictly
/// increasing, y non-decreasing, both in `[0, 1]`), flat beyond the end knots — the form an
/// isotonic regression of outcomes on raw probabilities produces.
#[derive(Debug, Clone, PartialEq)]
pub struct IsotonicCalibration {
    xs: Vec<f64>,
    ys: Vec<f64>,
}

impl IsotonicCalibration {
    /// From knots.
    ///
    /// # Errors
    /// [`SignalError::InvalidInput`] for fewer than one knot, x not strictly increasing, y
    /// decreasing, or a value outside `[0, 1]`; [`SignalError::LengthMismatch`] if `xs` and
    /// `ys` differ in length.
    pub fn from_knots(xs: &[f64], ys: &[f64]) -> Result<Self, SignalError> {
        if xs.len() != ys.len() {
            return Err(SignalError::LengthMismatch {
                what: "ys",
                len: ys.len(),
                expected: xs.len(),
            });
        }
        if xs.is_empty() {
            return Err(SignalError::InvalidInput {
                what: "xs",
                index: 0,
                value: 0.0,
                expected: "at least one knot",
            });
        }
        for i in 0..xs.len() {
            let bad = |what, value, expected| {
                Err(SignalError::InvalidInput {
                    what,
                    index: i,
                    value,
                    expected,
                })
            };
            if !(0.0..=1.0).contains(&xs[i]) {
                return bad("xs", xs[i], "in [0, 1]");
            }
            if !(0.0..=1.0).contains(&ys[i]) {
                return bad("ys", ys[i], "in [0, 1]");
            }
            if i > 0 && xs[i] <= xs[i - 1] {
                return bad("xs", xs[i], "strictly increasing");
            }
            if i > 0 && ys[i] < ys[i - 1] {
                return bad("ys", ys[i], "non-decreasing");
            }
        }
        Ok(Self {
            xs: xs.to_vec(),
            ys: ys.to_vec(),
        })
    }

    /// The knots.
    #[must_use]
    pub fn knots(&self) -> (&[f64], &[f64]) {
        (&self.xs, &self.ys)
    }
}

impl Calibrator for IsotonicCalibration {
    fn calibrate(&self, p: f64) -> f64 {
        let (xs, ys) = (&self.xs, &self.ys);
        let last = xs.len() - 1;
        if p <= xs[0] {
            return ys[0];
        }
        if p >= xs[last] {
            return ys[last];
        }
        // First knot strictly above p (exists because p < xs[last]).
        let j = xs.partition_point(|x| *x <= p);
        let (x0, x1, y0, y1) = (xs[j - 1], xs[j], ys[j - 1], ys[j]);
        y0 + (y1 - y0) * (p - x0) / (x1 - x0)
    }
}

/// Parameters of [`Ensemble`].
#[derive(Debug, Clone, PartialEq)]
pub struct EnsembleParams {
    /// Base weight of each model (≥ 0); its length is the number of models.
    pub weights: Vec<f64>,
    /// Regime weights: one row of per-model weights (≥ 0) per regime; empty for none.
    pub regime_weights: Vec<Vec<f64>>,
    /// Disagreement penalty λ in `[0, 1]`.
    pub disagreement_penalty: f64,
}

impl EnsembleParams {
    /// Equal weights for `models` models, no regimes, λ = 0.5.
    #[must_use]
    pub fn equal(models: usize) -> Self {
        Self {
            weights: vec![1.0; models],
            regime_weights: Vec::new(),
            disagreement_penalty: 0.5,
        }
    }
}

/// The combined forecast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnsembleOutput {
    /// −1, 0 or +1.
    pub direction: i8,
    /// `|2p − 1|·(1 − λd)`.
    pub confidence: f64,
    /// Calibrated probability of an up move `p`.
    pub probability: f64,
    /// Weighted mean probability before calibration `m`.
    pub raw_probability: f64,
    /// Disagreement `d ∈ [0, 1]`.
    pub disagreement: f64,
    /// Moment-matched Beta α* (NaN if undefined).
    pub alpha: f64,
    /// Moment-matched Beta β* (NaN if undefined).
    pub beta: f64,
}

/// Weighted Beta ensemble with regime weights, a disagreement penalty and optional
/// calibration. See the module docs.
#[derive(Debug)]
pub struct Ensemble {
    p: EnsembleParams,
    calibrator: Option<Box<dyn Calibrator>>,
}

impl Ensemble {
    /// An ensemble.
    ///
    /// # Errors
    /// [`SignalError::InvalidParam`] for no model, a negative or non-finite weight, regime
    /// rows of the wrong length, or λ outside `[0, 1]`.
    pub fn new(p: EnsembleParams) -> Result<Self, SignalError> {
        let m = p.weights.len();
        check(
            "weights",
            m as f64,
            (1..=65_536).contains(&m),
            "1..65536 models",
        )?;
        for w in &p.weights {
            check("weights", *w, w.is_finite() && *w >= 0.0, "finite and >= 0")?;
        }
        for row in &p.regime_weights {
            check(
                "regimeWeights",
                row.len() as f64,
                row.len() == m,
                "one weight per model in every regime row",
            )?;
            for w in row {
                check(
                    "regimeWeights",
                    *w,
                    w.is_finite() && *w >= 0.0,
                    "finite and >= 0",
                )?;
            }
        }
        check(
            "disagreementPenalty",
            p.disagreement_penalty,
            (0.0..=1.0).contains(&p.disagreement_penalty),
            "in [0, 1]",
        )?;
        Ok(Self {
            p,
            calibrator: None,
        })
    }

    /// Sets (or clears) the calibration map.
    pub fn set_calibrator(&mut self, c: Option<Box<dyn Calibrator>>) {
        self.calibrator = c;
    }

    /// Number of models.
    #[must_use]
    pub fn models(&self) -> usize {
        self.p.weights.len()
    }

    /// Number of regimes (0 without regime weights).
    #[must_use]
    pub fn regimes(&self) -> usize {
        self.p.regime_weights.len()
    }

    /// Combines one forecast per model. `regime` gives the regime probabilities (length
    /// [`Ensemble::regimes`], non-negative, summing to 1) and is ignored without regime
    /// weights. The normalised effective weights are written to `weights_out`.
    ///
    /// # Errors
    /// [`SignalError::LengthMismatch`] for wrong lengths (or regime probabilities missing
    /// while regimes are configured); [`SignalError::InvalidInput`] for α or β not finite
    /// and > 0, bad regime probabilities, or effective weights summing to 0.
    pub fn combine(
        &self,
        forecasts: &[BetaForecast],
        regime: Option<&[f64]>,
        weights_out: &mut [f64],
    ) -> Result<EnsembleOutput, SignalError> {
        let m = self.models();
        for (what, len) in [
            ("forecasts", forecasts.len()),
            ("weights", weights_out.len()),
        ] {
            if len != m {
                return Err(SignalError::LengthMismatch {
                    what,
                    len,
                    expected: m,
                });
            }
        }
        for (i, f) in forecasts.iter().enumerate() {
            for (what, v) in [("alpha", f.alpha), ("beta", f.beta)] {
                if !(v.is_finite() && v > 0.0) {
                    return Err(SignalError::InvalidInput {
                        what,
                        index: i,
                        value: v,
                        expected: "a finite number > 0",
                    });
                }
            }
        }
        weights_out.copy_from_slice(&self.p.weights);
        let k = self.regimes();
        if k > 0 {
            let pi = regime.ok_or(SignalError::LengthMismatch {
                what: "regime",
                len: 0,
                expected: k,
            })?;
            if pi.len() != k {
                return Err(SignalError::LengthMismatch {
                    what: "regime",
                    len: pi.len(),
                    expected: k,
                });
            }
            let mut total = 0.0;
            for (j, v) in pi.iter().enumerate() {
                if !(v.is_finite() && *v >= 0.0) {
                    return Err(SignalError::InvalidInput {
                        what: "regime",
                        index: j,
                        value: *v,
                        expected: "a probability >= 0",
                    });
                }
                total += v;
            }
            if (total - 1.0).abs() > 1e-9 {
                return Err(SignalError::InvalidInput {
                    what: "regime",
                    index: 0,
                    value: total,
                    expected: "probabilities summing to 1",
                });
            }
            for (i, w) in weights_out.iter_mut().enumerate() {
                let r: f64 = pi
                    .iter()
                    .zip(&self.p.regime_weights)
                    .map(|(p, row)| p * row[i])
                    .sum();
                *w *= r;
            }
        }
        let total: f64 = weights_out.iter().sum();
        if total.is_nan() || total <= 0.0 {
            return Err(SignalError::InvalidInput {
                what: "weights",
                index: 0,
                value: total,
                expected: "effective weights with a positive sum",
            });
        }
        weights_out.iter_mut().for_each(|w| *w /= total);
        let mean: f64 = forecasts
            .iter()
            .zip(weights_out.iter())
            .map(|(f, w)| w * f.mean())
            .sum();
        let spread: f64 = forecasts
            .iter()
            .zip(weights_out.iter())
            .map(|(f, w)| w * (f.mean() - mean).powi(2))
            .sum();
        let var: f64 = spread
            + forecasts
                .iter()
                .zip(weights_out.iter())
                .map(|(f, w)| w * f.variance())
                .sum::<f64>();
        let (alpha, beta) = if var > 0.0 {
            let kappa = mean * (1.0 - mean) / var - 1.0;
            if kappa > 0.0 {
                (mean * kappa, (1.0 - mean) * kappa)
            } else {
                (f64::NAN, f64::NAN)
            }
        } else {
            (f64::NAN, f64::NAN)
        };
        let d = (2.0 * spread.sqrt()).min(1.0);
        let p = match &self.calibrator {
            Some(c) => c.calibrate(mean),
            None => mean,
        };
        let direction = if p > 0.5 {
            1
        } else if p < 0.5 {
            -1
        } else {
            0
        };
        Ok(EnsembleOutput {
            direction,
            confidence: ((2.0 * p - 1.0).abs() * (1.0 - self.p.disagreement_penalty * d)).max(0.0),
            probability: p,
            raw_probability: mean,
            disagreement: d,
            alpha,
            beta,
        })
    }
}
