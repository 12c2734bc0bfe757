//! Fusion of directional signals from several sources.
//!
//! Each source emits a [`SourceSignal`]: a direction (−1, 0, +1), a confidence in `[0, 1]` and
//! an age (in the unit of `half_life`). [`SignalFusion`] keeps each source's track record and
//! combines one signal per source with one of four methods. Every method returns a direction,
//! a confidence in `[0, 1]`, a signed score and each source's contribution to the score.
//!
//! ## Track record
//! Source `i` has weighted hit and miss counts `hᵢ`, `mᵢ` ([`SignalFusion::record`]; with
//! `memory = λ < 1` old outcomes fade: `h ← λh + hit`, `m ← λm + miss`). Its accuracy is the
//! posterior mean of a Beta(`prior_hits + hᵢ`, `prior_misses + mᵢ`) hit rate:
//! `accᵢ = (a₀ + hᵢ)/(a₀ + b₀ + hᵢ + mᵢ)`.
//!
//! ## Methods (sources with direction 0 or confidence 0 abstain)
//! - **Bayesian**: the signal is evidence of accuracy `qᵢ = ½ + (accᵢ − ½)·cᵢ`; its log
//!   likelihood ratio for "up" is `eᵢ = dᵢ·logit(qᵢ)`, clamped to `±max_logit`. With even
//!   prior odds the posterior log-odds are `L = Σ eᵢ`, `P(up) = σ(L)`; direction `sign(L)`,
//!   confidence `|2σ(L) − 1|`, score `L`, contributions `eᵢ`. (A source worse than chance
//!   counts against its own vote.)
//! - **Consensus**: unweighted votes. With `k` participants, fewer than `quorum` gives no
//!   signal; otherwise the larger side wins if its share `s` exceeds `majority` (strictly),
//!   with confidence `2s − 1`; score `(up − down)/k`, contributions `dᵢ/k`.
//! - **Time-decay**: `wᵢ = cᵢ·2^(−ageᵢ/half_life)`; score `S = Σ wᵢdᵢ / Σ cᵢ` (over
//!   participants), direction `sign(S)`, confidence `|S|`, contributions `wᵢdᵢ/Σ cᵢ`. Old
//!   signals count less and lower the confidence.
//! - **Hybrid**: decayed Bayesian evidence `eᵢ = dᵢ·logit(qᵢ)·2^(−ageᵢ/half_life)` behind the
//!   consensus quorum: no signal with fewer than `quorum` participants; otherwise
//!   `L = Σ eᵢ`, direction `sign(L)`, confidence `|2σ(L) − 1| · a` where `a` is the share of
//!   `Σ|eᵢ|` that agrees with `sign(L)` (disagreement lowers confidence); contributions `eᵢ`.

use crate::error::{check, SignalError};

/// One source's current signal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourceSignal {
    /// −1 (down), 0 (no view) or +1 (up).
    pub direction: i8,
    /// Confidence in `[0, 1]`.
    pub confidence: f64,
    /// Age of the signal (≥ 0, in the unit of `half_life`).
    pub age: f64,
}

impl SourceSignal {
    /// A fresh signal (age 0).
    #[must_use]
    pub const fn new(direction: i8, confidence: f64) -> Self {
        Self {
            direction,
            confidence,
            age: 0.0,
        }
    }
}

/// Fusion method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FusionMethod {
    /// Log-odds pooling weighted by track record.
    #[default]
    Bayesian,
    /// Majority with a quorum.
    Consensus,
    /// Confidence weights decaying with age.
    TimeDecay,
    /// Decayed Bayesian evidence behind a quorum, discounted by disagreement.
    Hybrid,
}

/// Parameters of [`SignalFusion`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FusionParams {
    /// Method.
    pub method: FusionMethod,
    /// Beta prior hits `a₀` of every source's hit rate.
    pub prior_hits: f64,
    /// Beta prior misses `b₀`.
    pub prior_misses: f64,
    /// Forgetting factor `λ ∈ (0, 1]` of the track record (1 = never forget).
    pub memory: f64,
    /// Minimum number of participating sources (consensus, hybrid).
    pub quorum: usize,
    /// Share the winning side must exceed (consensus), in `[0.5, 1)`.
    pub majority: f64,
    /// Half-life of a signal's weight (time-decay, hybrid), > 0.
    pub half_life: f64,
    /// Cap on one source's log-likelihood ratio (Bayesian, hybrid), > 0.
    pub max_logit: f64,
}

impl Default for FusionParams {
    fn default() -> Self {
        Self {
            method: FusionMethod::Bayesian,
            prior_hits: 1.0,
            prior_misses: 1.0,
            memory: 1.0,
            quorum: 1,
            majority: 0.5,
            half_life: 1.0,
            max_logit: 4.595_119_850_134_59, // logit(0.99)
        }
    }
}

/// A fused signal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fused {
    /// −1, 0 (no signal) or +1.
    pub direction: i8,
    /// Confidence in `[0, 1]`.
    pub confidence: f64,
    /// Signed score (log-odds for Bayesian/hybrid, vote balance for consensus, weighted mean
    /// for time-decay).
    pub score: f64,
    /// Sources that took part (non-zero direction and confidence).
    pub participants: usize,
}

/// Track records and fusion of `n` sources. See the module docs.
#[derive(Debug, Clone)]
pub struct SignalFusion {
    p: FusionParams,
    hits: Vec<f64>,
    misses: Vec<f64>,
}

fn logit(q: f64) -> f64 {
    (q / (1.0 - q)).ln()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

impl SignalFusion {
    /// Fusion of `sources` sources.
    ///
    /// # Errors
    /// [`SignalError::InvalidParam`] for a bad parameter or no source.
    pub fn new(sources: usize, p: FusionParams) -> Result<Self, SignalError> {
        check(
            "sources",
            sources as f64,
            (1..=65_536).contains(&sources),
            "an integer 1..65536",
        )?;
        check(
            "priorHits",
            p.prior_hits,
            p.prior_hits.is_finite() && p.prior_hits > 0.0,
            "a finite number > 0",
        )?;
        check(
            "priorMisses",
            p.prior_misses,
            p.prior_misses.is_finite() && p.prior_misses > 0.0,
            "a finite number > 0",
        )?;
        check(
            "memory",
            p.memory,
            p.memory > 0.0 && p.memory <= 1.0,
            "in (0, 1]",
        )?;
        check(
            "quorum",
            p.quorum as f64,
            p.quorum >= 1 && p.quorum <= sources,
            "an integer between 1 and the number of sources",
        )?;
        check(
            "majority",
            p.majority,
            p.majority >= 0.5 && p.majority < 1.0,
            "in [0.5, 1)",
        )?;
        check(
            "halfLife",
            p.half_life,
            p.half_life.is_finite() && p.half_life > 0.0,
            "a finite number > 0",
        )?;
        check(
            "maxLogit",
            p.max_logit,
            p.max_logit.is_finite() && p.max_logit > 0.0,
            "a finite number > 0",
        )?;
        Ok(Self {
            p,
            hits: vec![0.0; sources],
            misses: vec![0.0; sources],
        })
    }

    /// Number of sources.
    #[must_use]
    pub fn sources(&self) -> usize {
        self.hits.len()
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> &FusionParams {
        &self.p
    }

    /// Switches the method (track records are kept).
    pub fn set_method(&mut self, m: FusionMethod) {
        self.p.method = m;
    }

    /// Records whether source `i`'s last signal was right.
    ///
    /// # Errors
    /// [`SignalError::LengthMismatch`] for an unknown source.
    pub fn record(&mut self, i: usize, correct: bool) -> Result<(), SignalError> {
        if i >= self.hits.len() {
            return Err(SignalError::LengthMismatch {
                what: "source",
                len: i,
                expected: self.hits.len(),
            });
        }
        let l = self.p.memory;
        self.hits[i] = l * self.hits[i] + if correct { 1.0 } else { 0.0 };
        self.misses[i] = l * self.misses[i] + if correct { 0.0 } else { 1.0 };
        Ok(())
    }

    /// Source `i`'s posterior mean accuracy (NaN for an unknown source).
    #[must_use]
    pub fn accuracy(&self, i: usize) -> f64 {
        match (self.hits.get(i), self.misses.get(i)) {
            (Some(h), Some(m)) => {
                (self.p.prior_hits + h) / (self.p.prior_hits + self.p.prior_misses + h + m)
            }
            _ => f64::NAN,
        }
    }

    /// Source `i`'s weighted (hits, misses).
    #[must_use]
    pub fn track_record(&self, i: usize) -> Option<(f64, f64)> {
        Some((*self.hits.get(i)?, *self.misses.get(i)?))
    }

    fn validate(&self, s: &[SourceSignal], contrib: &[f64]) -> Result<(), SignalError> {
        let n = self.hits.len();
        if s.len() != n {
            return Err(SignalError::LengthMismatch {
                what: "signals",
                len: s.len(),
                expected: n,
            });
        }
        if contrib.len() != n {
            return Err(SignalError::LengthMismatch {
                what: "contributions",
                len: contrib.len(),
                expected: n,
            });
        }
        for (i, x) in s.iter().enumerate() {
            if !(-1..=1).contains(&x.direction) {
                return Err(SignalError::InvalidInput {
                    what: "direction",
                    index: i,
                    value: f64::from(x.direction),
                    expected: "-1, 0 or 1",
                });
            }
            if !(0.0..=1.0).contains(&x.confidence) {
                return Err(SignalError::InvalidInput {
                    what: "confidence",
                    index: i,
                    value: x.confidence,
                    expected: "in [0, 1]",
                });
            }
            if !(x.age >= 0.0 && x.age.is_finite()) {
                return Err(SignalError::InvalidInput {
                    what: "age",
                    index: i,
                    value: x.age,
                    expected: "a finite number >= 0",
                });
            }
        }
        Ok(())
    }

    fn evidence(&self, i: usize, s: &SourceSignal) -> f64 {
        let q = 0.5 + (self.accuracy(i) - 0.5) * s.confidence;
        let m = self.p.max_logit;
        (f64::from(s.direction) * logit(q)).max(-m).min(m)
    }

    fn decay(&self, age: f64) -> f64 {
        (-std::f64::consts::LN_2 * age / self.p.half_life).exp()
    }

    /// Fuses one signal per source with the configured method, writing each source's
    /// contribution to `contributions` (0 for abstainers).
    ///
    /// # Errors
    /// [`SignalError::LengthMismatch`] if `signals` or `contributions` do not have one entry
    /// per source; [`SignalError::InvalidInput`] for a direction outside {−1, 0, 1}, a
    /// confidence outside `[0, 1]` or a negative/non-finite age.
    pub fn fuse(
        &self,
        signals: &[SourceSignal],
        contributions: &mut [f64],
    ) -> Result<Fused, SignalError> {
        self.validate(signals, contributions)?;
        let active = |s: &SourceSignal| s.direction != 0 && s.confidence > 0.0;
        let k = signals.iter().filter(|s| active(s)).count();
        contributions.iter_mut().for_each(|c| *c = 0.0);
        let none = Fused {
            direction: 0,
            confidence: 0.0,
            score: 0.0,
            participants: k,
        };
        if k == 0 {
            return Ok(none);
        }
        Ok(match self.p.method {
            FusionMethod::Bayesian => {
                let mut l = 0.0;
                for (i, s) in signals.iter().enumerate().filter(|(_, s)| active(s)) {
                    let e = self.evidence(i, s);
                    contributions[i] = e;
                    l += e;
                }
                Fused {
                    direction: sign(l),
                    confidence: (2.0 * sigmoid(l) - 1.0).abs(),
                    score: l,
                    participants: k,
                }
            }
            FusionMethod::Consensus => {
                if k < self.p.quorum {
                    return Ok(none);
                }
                let kf = k as f64;
                let mut up = 0usize;
                for (i, s) in signals.iter().enumerate().filter(|(_, s)| active(s)) {
                    contributions[i] = f64::from(s.direction) / kf;
                    if s.direction > 0 {
                        up += 1;
                    }
                }
                let down = k - up;
                let share = up.max(down) as f64 / kf;
                let score = (up as f64 - down as f64) / kf;
                if share > self.p.majority {
                    Fused {
                        direction: if up > down { 1 } else { -1 },
                        confidence: 2.0 * share - 1.0,
                        score,
                        participants: k,
                    }
                } else {
                    Fused { score, ..none }
                }
            }
            FusionMethod::TimeDecay => {
                let total: f64 = signals
                    .iter()
                    .filter(|s| active(s))
                    .map(|s| s.confidence)
                    .sum();
                let mut sc = 0.0;
                for (i, s) in signals.iter().enumerate().filter(|(_, s)| active(s)) {
                    let c = s.confidence * self.decay(s.age) * f64::from(s.direction) / total;
                    contributions[i] = c;
                    sc += c;
                }
                Fused {
                    direction: sign(sc),
                    confidence: sc.abs().min(1.0),
                    score: sc,
                    participants: k,
                }
            }
            FusionMethod::Hybrid => {
                if k < self.p.quorum {
                    return Ok(none);
                }
                let mut l = 0.0;
                let mut abs = 0.0;
                for (i, s) in signals.iter().enumerate().filter(|(_, s)| active(s)) {
                    let e = self.evidence(i, s) * self.decay(s.age);
                    contributions[i] = e;
                    l += e;
                    abs += e.abs();
                }
                let d = sign(l);
                let agree: f64 = contributions
                    .iter()
                    .filter(|e| sign(**e) == d && d != 0)
                    .map(|e| e.abs())
                    .sum();
                let a = if abs > 0.0 { agree / abs } else { 0.0 };
                Fused {
                    direction: d,
                    confidence: (2.0 * sigmoid(l) - 1.0).abs() * a,
                    score: l,
                    participants: k,
                }
            }
        })
    }
}
