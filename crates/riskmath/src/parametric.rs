//! Parametric and Monte Carlo VaR/CVaR of a portfolio from means, volatilities and a
//! correlation matrix (e.g. DCC `R_t` and GARCH σ forecasts), with Normal or Student-t returns.
//!
//! Conventions as in [`crate::var`]: P&L positive is a gain; VaR and CVaR are positive losses at
//! confidence `level`.
//!
//! - Portfolio moments: `μ_p = wᵀμ`, `σ_p = √(wᵀ D R D w)` with `D = diag(σ)`.
//! - Normal: `VaR = −μ + σ z_α`, `CVaR = −μ + σ φ(z_α)/(1 − α)` (`z_α = Φ⁻¹(α)`).
//! - Student-t with `ν > 2` degrees of freedom, scaled so that `σ` is the standard deviation
//!   (`s = σ √((ν − 2)/ν)`): `VaR = −μ + s t_α`,
//!   `CVaR = −μ + s f_ν(t_α) (ν + t_α²) / ((ν − 1)(1 − α))`.
//! - Monte Carlo: `paths` draws of the asset vector `x = μ + L z` (`L Lᵀ = D R D`, `z` standard
//!   normal) — for Student-t, `x = μ + L z √((ν − 2)/W)` with `W ~ χ²_ν`, a multivariate t with
//!   the same covariance — then the historical estimator of [`crate::var`] on `wᵀx`. Seeded with
//!   `tachyon_stats::rng::Rng`, so identical on every platform.

use tachyon_stats::linalg::{lower_mul, Matrix};
use tachyon_stats::rng::Rng;
use tachyon_stats::special::{norm_pdf, norm_ppf, t_pdf, t_ppf};

use crate::var::{check_level, historical_sorted, VarError, VarEstimate};

/// Distribution of returns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Gaussian.
    Normal,
    /// Student-t with `nu > 2` degrees of freedom, scaled to unit variance.
    StudentT {
        /// Degrees of freedom (> 2).
        nu: f64,
    },
}

fn check_dist(d: Dist) -> Result<Dist, VarError> {
    match d {
        Dist::StudentT { nu } if !(nu.is_finite() && nu > 2.0) => Err(VarError::OutOfRange {
            what: "nu",
            range: "a finite number above 2",
        }),
        d => Ok(d),
    }
}

/// VaR/CVaR of one return distribution with mean `mu` and standard deviation `sigma`.
///
/// # Errors
/// [`VarError`] for a non-finite `mu`, a negative or non-finite `sigma`, a level outside
/// (0.5, 1) or `nu ≤ 2`.
pub fn parametric(mu: f64, sigma: f64, level: f64, dist: Dist) -> Result<VarEstimate, VarError> {
    let level = check_level(level)?;
    if !mu.is_finite() {
        return Err(VarError::NotFinite("mu"));
    }
    if !(sigma.is_finite() && sigma >= 0.0) {
        return Err(VarError::OutOfRange {
            what: "sigma",
            range: "a finite number >= 0",
        });
    }
    Ok(match check_dist(dist)? {
        Dist::Normal => {
            let z = norm_ppf(level);
            VarEstimate {
                var: -mu + sigma * z,
                cvar: -mu + sigma * norm_pdf(z) / (1.0 - level),
            }
        }
        Dist::StudentT { nu } => {
            let s = sigma * ((nu - 2.0) / nu).sqrt();
            let q = t_ppf(level, nu);
            VarEstimate {
                var: -mu + s * q,
                cvar: -mu + s * t_pdf(q, nu) * (nu + q * q) / ((nu - 1.0) * (1.0 - level)),
            }
        }
    })
}

/// A validated portfolio: weights, means, volatilities and correlation.
#[derive(Debug, Clone)]
pub struct Portfolio {
    w: Vec<f64>,
    mu: Vec<f64>,
    /// Covariance `D R D`.
    cov: Matrix,
}

impl Portfolio {
    /// Checks shapes and values: `n` weights, means and volatilities (≥ 0), and an `n × n`
    /// row-major correlation matrix with unit diagonal, entries in [-1, 1], symmetric (tolerance
    /// 1e-9).
    ///
    /// # Errors
    /// [`VarError::Dimension`], [`VarError::NotFinite`] or [`VarError::OutOfRange`].
    pub fn new(weights: &[f64], mu: &[f64], sd: &[f64], corr: &[f64]) -> Result<Self, VarError> {
        let n = weights.len();
        if n == 0 {
            return Err(VarError::TooFew { need: 1, got: 0 });
        }
        for (what, v) in [("mu", mu), ("sd", sd)] {
            if v.len() != n {
                return Err(VarError::Dimension {
                    what,
                    expected: n,
                    got: v.len(),
                });
            }
        }
        if corr.len() != n * n {
            return Err(VarError::Dimension {
                what: "corr (n × n)",
                expected: n * n,
                got: corr.len(),
            });
        }
        for (what, v) in [("weights", weights), ("mu", mu), ("sd", sd), ("corr", corr)] {
            if v.iter().any(|x| !x.is_finite()) {
                return Err(VarError::NotFinite(what));
            }
        }
        if sd.iter().any(|s| *s < 0.0) {
            return Err(VarError::OutOfRange {
                what: "sd",
                range: ">= 0",
            });
        }
        for i in 0..n {
            for j in 0..n {
                let r = corr[i * n + j];
                if r.abs() > 1.0 + 1e-9
                    || (i == j && (r - 1.0).abs() > 1e-9)
                    || (r - corr[j * n + i]).abs() > 1e-9
                {
                    return Err(VarError::OutOfRange {
                        what: "corr",
                        range: "symmetric with unit diagonal and entries in [-1, 1]",
                    });
                }
            }
        }
        let cov = Matrix::from_fn(n, n, |i, j| sd[i] * corr[i * n + j] * sd[j]);
        Ok(Self {
            w: weights.to_vec(),
            mu: mu.to_vec(),
            cov,
        })
    }

    /// `(μ_p, σ_p)`.
    #[must_use]
    pub fn moments(&self) -> (f64, f64) {
        let n = self.w.len();
        let mean: f64 = self.w.iter().zip(&self.mu).map(|(w, m)| w * m).sum();
        let mut var = 0.0;
        for i in 0..n {
            let mut row = 0.0;
            for j in 0..n {
                row += self.cov[(i, j)] * self.w[j];
            }
            var += self.w[i] * row;
        }
        (mean, var.max(0.0).sqrt())
    }

    /// Parametric VaR/CVaR.
    ///
    /// # Errors
    /// As [`parametric`].
    pub fn parametric(&self, level: f64, dist: Dist) -> Result<VarEstimate, VarError> {
        let (m, s) = self.moments();
        parametric(m, s, level, dist)
    }

    /// Monte Carlo VaR/CVaR from `paths` seeded draws.
    ///
    /// # Errors
    /// [`VarError`] for a bad level or `nu`, fewer than 100 paths, or a correlation matrix that
    /// is not positive definite (Cholesky fails).
    pub fn monte_carlo(
        &self,
        level: f64,
        dist: Dist,
        paths: usize,
        seed: u64,
    ) -> Result<VarEstimate, VarError> {
        let level = check_level(level)?;
        let dist = check_dist(dist)?;
        if paths < 100 {
            return Err(VarError::TooFew {
                need: 100,
                got: paths,
            });
        }
        let l = self.cov.cholesky().map_err(|_| VarError::OutOfRange {
            what: "corr",
            range: "positive definite (Cholesky failed)",
        })?;
        let n = self.w.len();
        let mut rng = Rng::new(seed);
        let (mut z, mut x) = (vec![0.0; n], vec![0.0; n]);
        let mut pnl = Vec::with_capacity(paths);
        for _ in 0..paths {
            rng.fill_normal(&mut z);
            lower_mul(&l, &z, &mut x);
            let scale = match dist {
                Dist::Normal => 1.0,
                Dist::StudentT { nu } => ((nu - 2.0) / rng.chi_square(nu)).sqrt(),
            };
            let p: f64 = self
                .w
                .iter()
                .zip(&self.mu)
                .zip(&x)
                .map(|((w, m), xi)| w * (m + xi * scale))
                .sum();
            pnl.push(p);
        }
        // Unstable: see `var::historical`.
        pnl.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        Ok(historical_sorted(&pnl, level))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_normal_by_hand() {
        // z_0.99 = 2.3263478740408408, φ(z)/(0.01) = 2.665214220345808
        let e = parametric(0.0, 1.0, 0.99, Dist::Normal).unwrap();
        assert!((e.var - 2.326_347_874_040_840_8).abs() < 1e-12);
        assert!((e.cvar - 2.665_214_220_345_808).abs() < 1e-9);
        let e = parametric(0.01, 2.0, 0.95, Dist::Normal).unwrap();
        assert!((e.var - (-0.01 + 2.0 * 1.644_853_626_951_472_2)).abs() < 1e-12);
    }

    #[test]
    fn bad_inputs() {
        assert!(parametric(0.0, -1.0, 0.99, Dist::Normal).is_err());
        assert!(parametric(0.0, 1.0, 0.99, Dist::StudentT { nu: 2.0 }).is_err());
        assert!(parametric(f64::NAN, 1.0, 0.99, Dist::Normal).is_err());
        assert!(Portfolio::new(&[1.0, 1.0], &[0.0], &[1.0, 1.0], &[1.0, 0.0, 0.0, 1.0]).is_err());
        assert!(Portfolio::new(&[1.0, 1.0], &[0.0; 2], &[1.0; 2], &[1.0, 0.5, 0.4, 1.0]).is_err());
        let p = Portfolio::new(&[1.0, 1.0], &[0.0; 2], &[1.0; 2], &[1.0, 1.0, 1.0, 1.0]).unwrap();
        // perfectly correlated: semidefinite, Cholesky may fail → a typed error, never a panic
        let _ = p.monte_carlo(0.99, Dist::Normal, 1000, 1);
        assert!(p.monte_carlo(0.99, Dist::Normal, 10, 1).is_err());
    }
}
