//! Position sizing as a signed fraction of equity (position notional / equity).
//!
//! | method | fraction of equity |
//! |---|---|
//! | [`Sizing::Kelly`] (binary bet) | `k · (p − (1 − p)/b)` |
//! | [`Sizing::KellyContinuous`] | `k · μ/σ²` |
//! | [`Sizing::FixedFractional`] | `r · entry / |entry − stop|` |
//! | [`Sizing::VolTarget`] | `σ_target / σ_forecast` (σ_forecast e.g. a GARCH forecast) |
//! | [`Sizing::AtrStop`] | `r · entry / (m · ATR)` (stop at `entry ∓ m · ATR`) |
//!
//! `k` is the Kelly multiplier, **capped at [`KELLY_CAP`] = 0.25** (a larger one is lowered to
//! 0.25); `r` is the fraction of equity risked if the stop is hit. Every result is then clamped to
//! `[-max_fraction, max_fraction]`: **the cap always wins**, whatever the inputs. Only Kelly can
//! be negative (a negative edge means the other side); the other methods return a magnitude.

use std::fmt;

/// Largest Kelly multiplier: fractional Kelly is at most a quarter of full Kelly.
pub const KELLY_CAP: f64 = 0.25;

/// Why a sizing input is unusable.
#[derive(Debug, Clone, PartialEq)]
pub enum SizingError {
    /// An input is NaN or ±∞.
    NotFinite(&'static str),
    /// An input is outside its domain.
    OutOfRange {
        /// The input's name.
        what: &'static str,
        /// The allowed range.
        range: &'static str,
        /// The value given.
        got: f64,
    },
}

impl SizingError {
    /// Stable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFinite(_) => "ERR_NOT_FINITE",
            Self::OutOfRange { .. } => "ERR_OUT_OF_RANGE",
        }
    }
}

impl fmt::Display for SizingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFinite(w) => write!(f, "{w} must be a finite number"),
            Self::OutOfRange { what, range, got } => {
                write!(f, "{what} must be {range}, got {got}")
            }
        }
    }
}

impl std::error::Error for SizingError {}

/// A sizing rule and its inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sizing {
    /// Binary-outcome Kelly.
    Kelly {
        /// Probability of a win, in (0, 1).
        win_prob: f64,
        /// Win/loss payoff ratio `b` (> 0).
        payoff: f64,
        /// Kelly multiplier `k` (> 0; capped at [`KELLY_CAP`]).
        multiplier: f64,
    },
    /// Continuous (Gaussian) Kelly `μ/σ²` on per-period excess return and volatility.
    KellyContinuous {
        /// Expected excess return per period.
        mu: f64,
        /// Volatility per period (> 0).
        sigma: f64,
        /// Kelly multiplier `k` (> 0; capped at [`KELLY_CAP`]).
        multiplier: f64,
    },
    /// Risk a fixed fraction of equity between entry and stop.
    FixedFractional {
        /// Fraction of equity lost if the stop is hit, in (0, 1].
        risk_fraction: f64,
        /// Entry price (> 0).
        entry: f64,
        /// Stop price (> 0, ≠ entry).
        stop: f64,
    },
    /// Scale exposure so the position's volatility matches a target.
    VolTarget {
        /// Target volatility (same period as the forecast), > 0.
        target_vol: f64,
        /// Forecast volatility of the instrument (e.g. GARCH), > 0.
        forecast_vol: f64,
    },
    /// Fixed fractional with the stop `atr_multiple × ATR` away from entry.
    AtrStop {
        /// Fraction of equity lost if the stop is hit, in (0, 1].
        risk_fraction: f64,
        /// Entry price (> 0).
        entry: f64,
        /// Average true range (> 0), in price units.
        atr: f64,
        /// Stop distance in ATRs (> 0).
        atr_multiple: f64,
    },
}

fn finite(x: f64, what: &'static str) -> Result<f64, SizingError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(SizingError::NotFinite(what))
    }
}

fn positive(x: f64, what: &'static str) -> Result<f64, SizingError> {
    if finite(x, what)? > 0.0 {
        Ok(x)
    } else {
        Err(SizingError::OutOfRange {
            what,
            range: "> 0",
            got: x,
        })
    }
}

fn unit_open(x: f64, what: &'static str) -> Result<f64, SizingError> {
    let x = finite(x, what)?;
    if x > 0.0 && x < 1.0 {
        Ok(x)
    } else {
        Err(SizingError::OutOfRange {
            what,
            range: "in (0, 1)",
            got: x,
        })
    }
}

fn unit_half_open(x: f64, what: &'static str) -> Result<f64, SizingError> {
    let x = finite(x, what)?;
    if x > 0.0 && x <= 1.0 {
        Ok(x)
    } else {
        Err(SizingError::OutOfRange {
            what,
            range: "in (0, 1]",
            got: x,
        })
    }
}

/// Full Kelly fraction of a binary bet: `p − (1 − p)/b`.
///
/// # Errors
/// [`SizingError`] for `p ∉ (0, 1)` or `b ≤ 0`.
pub fn kelly_binary(win_prob: f64, payoff: f64) -> Result<f64, SizingError> {
    let p = unit_open(win_prob, "winProb")?;
    let b = positive(payoff, "payoff")?;
    Ok(p - (1.0 - p) / b)
}

/// Full continuous Kelly fraction `μ/σ²`.
///
/// # Errors
/// [`SizingError`] for non-finite `μ` or `σ ≤ 0`.
pub fn kelly_continuous(mu: f64, sigma: f64) -> Result<f64, SizingError> {
    let mu = finite(mu, "mu")?;
    let s = positive(sigma, "sigma")?;
    Ok(mu / (s * s))
}

/// Stop price `atr_multiple × atr` below (long) or above (short) `entry`.
///
/// # Errors
/// [`SizingError`] for non-positive inputs.
pub fn atr_stop(entry: f64, atr: f64, atr_multiple: f64, long: bool) -> Result<f64, SizingError> {
    let e = positive(entry, "entry")?;
    let d = positive(atr, "atr")? * positive(atr_multiple, "atrMultiple")?;
    Ok(if long { e - d } else { e + d })
}

/// `σ_period · √periods`: annualises a per-period volatility (e.g. a daily GARCH forecast with
/// 252 or 365 periods).
///
/// # Errors
/// [`SizingError`] for `σ < 0` or `periods ≤ 0`.
pub fn annualize(sigma: f64, periods: f64) -> Result<f64, SizingError> {
    let s = finite(sigma, "sigma")?;
    if s < 0.0 {
        return Err(SizingError::OutOfRange {
            what: "sigma",
            range: ">= 0",
            got: s,
        });
    }
    Ok(s * positive(periods, "periods")?.sqrt())
}

/// The uncapped fraction for a rule (Kelly multiplier already capped at [`KELLY_CAP`]).
///
/// # Errors
/// [`SizingError`] naming the bad input.
pub fn raw_fraction(rule: &Sizing) -> Result<f64, SizingError> {
    match *rule {
        Sizing::Kelly {
            win_prob,
            payoff,
            multiplier,
        } => {
            let k = positive(multiplier, "multiplier")?.min(KELLY_CAP);
            Ok(k * kelly_binary(win_prob, payoff)?)
        }
        Sizing::KellyContinuous {
            mu,
            sigma,
            multiplier,
        } => {
            let k = positive(multiplier, "multiplier")?.min(KELLY_CAP);
            Ok(k * kelly_continuous(mu, sigma)?)
        }
        Sizing::FixedFractional {
            risk_fraction,
            entry,
            stop,
        } => {
            let r = unit_half_open(risk_fraction, "riskFraction")?;
            let e = positive(entry, "entry")?;
            let s = positive(stop, "stop")?;
            let d = (e - s).abs();
            if d == 0.0 {
                return Err(SizingError::OutOfRange {
                    what: "stop",
                    range: "different from entry",
                    got: s,
                });
            }
            Ok(r * e / d)
        }
        Sizing::VolTarget {
            target_vol,
            forecast_vol,
        } => Ok(positive(target_vol, "targetVol")? / positive(forecast_vol, "forecastVol")?),
        Sizing::AtrStop {
            risk_fraction,
            entry,
            atr,
            atr_multiple,
        } => {
            let r = unit_half_open(risk_fraction, "riskFraction")?;
            let e = positive(entry, "entry")?;
            let d = positive(atr, "atr")? * positive(atr_multiple, "atrMultiple")?;
            Ok(r * e / d)
        }
    }
}

/// The fraction of equity for `rule`, clamped to `[-max_fraction, max_fraction]`. Returns 0
/// for a result that overflowed to ±∞ (a vanishing σ or stop distance) — never more than the
/// cap.
///
/// # Errors
/// [`SizingError`] naming the bad input; `max_fraction` must be finite and > 0.
pub fn position_fraction(rule: &Sizing, max_fraction: f64) -> Result<f64, SizingError> {
    let cap = positive(max_fraction, "maxFraction")?;
    let f = raw_fraction(rule)?;
    if f.is_nan() {
        return Ok(0.0);
    }
    Ok(f.max(-cap).min(cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
    }

    #[test]
    fn hand_computed_cases() {
        // p = 0.6, b = 1: f* = 0.6 − 0.4 = 0.2; quarter Kelly 0.05
        close(kelly_binary(0.6, 1.0).unwrap(), 0.2);
        // p = 0.55, b = 2: 0.55 − 0.45/2 = 0.325
        close(kelly_binary(0.55, 2.0).unwrap(), 0.325);
        let k = |m| Sizing::Kelly {
            win_prob: 0.6,
            payoff: 1.0,
            multiplier: m,
        };
        close(position_fraction(&k(0.25), 1.0).unwrap(), 0.05);
        close(position_fraction(&k(0.1), 1.0).unwrap(), 0.02);
        // a multiplier above the cap is lowered to 0.25
        close(position_fraction(&k(1.0), 1.0).unwrap(), 0.05);
        // μ = 0.0005/day, σ = 0.02/day: μ/σ² = 1.25; quarter = 0.3125
        close(kelly_continuous(0.0005, 0.02).unwrap(), 1.25);
        // risk 1% with entry 100 and stop 95: 0.01·100/5 = 0.2 of equity
        let ff = Sizing::FixedFractional {
            risk_fraction: 0.01,
            entry: 100.0,
            stop: 95.0,
        };
        close(position_fraction(&ff, 1.0).unwrap(), 0.2);
        // target 10% against a 40% forecast: 0.25 of equity
        let vt = Sizing::VolTarget {
            target_vol: 0.10,
            forecast_vol: 0.40,
        };
        close(position_fraction(&vt, 1.0).unwrap(), 0.25);
        // ATR 2 × 2.5 = 5 below 100 → stop 95, same as fixed fractional above
        close(atr_stop(100.0, 2.5, 2.0, true).unwrap(), 95.0);
        close(atr_stop(100.0, 2.5, 2.0, false).unwrap(), 105.0);
        let atr = Sizing::AtrStop {
            risk_fraction: 0.01,
            entry: 100.0,
            atr: 2.5,
            atr_multiple: 2.0,
        };
        close(position_fraction(&atr, 1.0).unwrap(), 0.2);
        // daily 1% → annual √252 %
        close(annualize(0.01, 252.0).unwrap(), 0.01 * 252f64.sqrt());
    }

    #[test]
    fn the_cap_wins() {
        let vt = Sizing::VolTarget {
            target_vol: 0.5,
            forecast_vol: 0.01,
        };
        assert_eq!(position_fraction(&vt, 0.3).unwrap(), 0.3);
        let k = Sizing::Kelly {
            win_prob: 0.01,
            payoff: 0.5,
            multiplier: 0.25,
        };
        assert_eq!(position_fraction(&k, 0.1).unwrap(), -0.1);
        let tiny = Sizing::FixedFractional {
            risk_fraction: 1.0,
            entry: 1e300,
            stop: 1e300 * (1.0 - 1e-15),
        };
        assert!(position_fraction(&tiny, 0.5).unwrap() <= 0.5);
        let overflow = Sizing::KellyContinuous {
            mu: 1e300,
            sigma: 1e-300,
            multiplier: 0.25,
        };
        assert_eq!(position_fraction(&overflow, 0.5).unwrap(), 0.5);
    }

    #[test]
    fn bad_inputs_name_themselves() {
        let e = kelly_binary(1.0, 1.0).unwrap_err();
        assert_eq!(e.code(), "ERR_OUT_OF_RANGE");
        assert!(e.to_string().starts_with("winProb"));
        assert_eq!(
            kelly_continuous(f64::NAN, 1.0).unwrap_err(),
            SizingError::NotFinite("mu")
        );
        let ff = Sizing::FixedFractional {
            risk_fraction: 0.01,
            entry: 100.0,
            stop: 100.0,
        };
        assert!(position_fraction(&ff, 1.0)
            .unwrap_err()
            .to_string()
            .starts_with("stop"));
        assert!(position_fraction(
            &Sizing::VolTarget {
                target_vol: 0.1,
                forecast_vol: 0.2
            },
            0.0
        )
        .is_err());
    }
}
