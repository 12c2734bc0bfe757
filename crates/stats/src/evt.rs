//! Extreme value theory: peaks over threshold with a generalized Pareto (GPD) tail, fitted by
//! maximum likelihood, and the tail estimators of VaR and expected shortfall.
//!
//! # Model
//! Excesses `y = x − u > 0` over a threshold `u` follow
//! `G(y) = 1 − (1 + ξ y / σ)^{−1/ξ}` (σ > 0; `ξ = 0` is the exponential limit). `ξ > 0` is a
//! heavy (Pareto-type) tail; `ξ` is scipy's `genpareto` `c` and R evd's `shape`.
//!
//! # Fit
//! Grimshaw's (1993) reduction: with `θ = ξ/σ` the likelihood maximised over `ξ` for fixed `θ`
//! is `ℓ_p(θ) = −n ln(S/(nθ)) − S − n`, `S = Σ ln(1 + θ yᵢ)`, `ξ = S/n`, `σ = S/(nθ)`. We scan
//! `ℓ_p` on a grid covering `θ ∈ (−1/y_max, ∞)`, refine the best bracket with Brent's method,
//! and polish with Newton steps on the full two-parameter likelihood (analytic gradient and
//! Hessian). Only local maxima with `ξ > −1` are considered (beyond, the likelihood is
//! unbounded at the upper end point). Standard errors come from the observed information;
//! they are regular only for `ξ > −½` ([`GpdStatus::IrregularShape`] otherwise).
//!
//! # Tail risk (McNeil & Frey 2000)
//! With `n` observations of which `N_u` exceed `u`, for `p > 1 − N_u/n`:
//! `VaR_p = u + σ/ξ · (((n/N_u)(1 − p))^{−ξ} − 1)` and
//! `ES_p = VaR_p/(1 − ξ) + (σ − ξ u)/(1 − ξ)` (finite for `ξ < 1`).
//!
//! Checked against R `evd::fpot` and scipy `genpareto.fit` on S&P 500 losses
//! (`tests/fixtures/evt.json`).

use crate::error::{check_finite, Result, StatsError};
use crate::linalg::{inverse_spd, Matrix};

/// How a GPD fit ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpdStatus {
    /// A regular interior maximum (`ξ > −½`); standard errors are valid.
    Converged,
    /// The maximum has `−1 < ξ ≤ −½`: the estimate is the local maximum but the usual
    /// asymptotics fail, so `std_errors` is `None`.
    IrregularShape,
    /// The observed information is not positive definite at the estimate (flat or saddle
    /// likelihood); `std_errors` is `None`.
    SingularInformation,
}

impl GpdStatus {
    /// A stable string for bindings: `"converged"`, `"irregular_shape"`,
    /// `"singular_information"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Converged => "converged",
            Self::IrregularShape => "irregular_shape",
            Self::SingularInformation => "singular_information",
        }
    }
}

/// A fitted generalized Pareto distribution for excesses over a threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct GpdFit {
    /// Shape `ξ`.
    pub shape: f64,
    /// Scale `σ`.
    pub scale: f64,
    /// Maximised log-likelihood.
    pub log_likelihood: f64,
    /// Standard errors `(se(ξ), se(σ))` from the observed information, when regular.
    pub std_errors: Option<(f64, f64)>,
    /// Covariance matrix `[[var ξ, cov], [cov, var σ]]`, when regular.
    pub covariance: Option<[[f64; 2]; 2]>,
    /// Number of excesses fitted.
    pub nobs: usize,
    /// How the fit ended.
    pub status: GpdStatus,
}

/// GPD log-likelihood of excesses `y` (all > 0) at `(ξ, σ)`; `−∞` outside the support.
#[must_use]
pub fn gpd_log_likelihood(y: &[f64], shape: f64, scale: f64) -> f64 {
    if scale.is_nan() || scale <= 0.0 || !shape.is_finite() {
        return f64::NEG_INFINITY;
    }
    let n = y.len() as f64;
    let mut acc = 0.0;
    if shape.abs() < 1e-12 {
        for v in y {
            acc += v / scale;
        }
        return -n * scale.ln() - acc;
    }
    for v in y {
        let a = shape * v / scale;
        if a <= -1.0 {
            return f64::NEG_INFINITY;
        }
        acc += a.ln_1p();
    }
    -n * scale.ln() - (1.0 + 1.0 / shape) * acc
}

/// Profile log-likelihood `ℓ_p(θ)` and the implied `(ξ, σ)`.
fn profile(y: &[f64], mean: f64, theta: f64) -> (f64, f64, f64) {
    let n = y.len() as f64;
    if theta == 0.0 {
        return (-n * mean.ln() - n, 0.0, mean);
    }
    let mut s = 0.0;
    for v in y {
        s += (theta * v).ln_1p();
    }
    let xi = s / n;
    let sigma = s / (n * theta);
    (-n * sigma.ln() - s - n, xi, sigma)
}

/// Maximum-likelihood fit of a GPD to excesses `y` (all strictly positive).
///
/// # Errors
/// [`StatsError::NotFinite`], [`StatsError::TooShort`] (fewer than 3 excesses),
/// [`StatsError::InvalidParameter`] for an excess ≤ 0, [`StatsError::Constant`] when all
/// excesses are equal, [`StatsError::NoConvergence`] if no maximum with `ξ > −1` exists.
pub fn gpd_fit(y: &[f64]) -> Result<GpdFit> {
    check_finite(y, "excesses")?;
    if y.len() < 3 {
        return Err(StatsError::TooShort {
            what: "GPD fit",
            needed: 3,
            got: y.len(),
        });
    }
    if let Some(&v) = y.iter().find(|v| **v <= 0.0) {
        return Err(StatsError::InvalidParameter {
            name: "excesses",
            reason: "must be > 0",
            value: v,
        });
    }
    let n = y.len() as f64;
    let ymax = y.iter().fold(0.0_f64, |m, v| m.max(*v));
    let ymin = y.iter().fold(f64::INFINITY, |m, v| m.min(*v));
    if ymax == ymin {
        return Err(StatsError::Constant { what: "excesses" });
    }
    let mean = y.iter().sum::<f64>() / n;

    // Grid over θ: towards the end point −1/y_max on the left, log-spaced on the right.
    let mut grid: Vec<f64> = Vec::with_capacity(160);
    for k in (1..=50).rev() {
        grid.push(-(1.0 - 0.5_f64.powi(k)) / ymax);
    }
    for j in -40..=40 {
        let t = 10f64.powf(f64::from(j) / 4.0) / mean;
        grid.push(-t.min(0.999 / ymax));
    }
    grid.push(0.0);
    for j in -40..=48 {
        grid.push(10f64.powf(f64::from(j) / 4.0) / mean);
    }
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    let vals: Vec<(f64, f64)> = grid
        .iter()
        .map(|&t| {
            let (l, xi, _) = profile(y, mean, t);
            (
                if xi > -1.0 && l.is_finite() {
                    l
                } else {
                    f64::NEG_INFINITY
                },
                xi,
            )
        })
        .collect();
    // The best interior local maximum with ξ > −1.
    let mut best: Option<usize> = None;
    for i in 1..grid.len() - 1 {
        let l = vals[i].0;
        let local_max = l.is_finite() && l >= vals[i - 1].0 && l >= vals[i + 1].0;
        if local_max && best.map_or(true, |b| l > vals[b].0) {
            best = Some(i);
        }
    }
    let b = best.ok_or(StatsError::NoConvergence {
        what: "GPD maximum likelihood (no maximum with shape > -1)",
        iterations: grid.len(),
    })?;
    let theta = brent_max(
        |t| {
            let (l, xi, _) = profile(y, mean, t);
            if xi > -1.0 {
                l
            } else {
                f64::NEG_INFINITY
            }
        },
        grid[b - 1],
        grid[b],
        grid[b + 1],
    );
    let (_, mut xi, mut sigma) = profile(y, mean, theta);

    // Newton polish on (ξ, σ) with the analytic Hessian (skipped in the exponential limit,
    // where the profile maximum is already the answer to rounding).
    for _ in 0..20 {
        if xi.abs() < 1e-8 {
            break;
        }
        let (g, h) = grad_hess(y, xi, sigma);
        let neg_h =
            Matrix::from_vec(2, 2, vec![-h[0][0], -h[0][1], -h[1][0], -h[1][1]]).expect("2x2");
        let inv = match inverse_spd(&neg_h) {
            Ok(m) => m,
            Err(_) => break,
        };
        let dx = inv[(0, 0)] * g[0] + inv[(0, 1)] * g[1];
        let ds = inv[(1, 0)] * g[0] + inv[(1, 1)] * g[1];
        let (nx, ns) = (xi + dx, sigma + ds);
        let l0 = gpd_log_likelihood(y, xi, sigma);
        let l1 = gpd_log_likelihood(y, nx, ns);
        if ns.is_nan() || ns <= 0.0 || nx.is_nan() || nx <= -1.0 || l1 < l0 - 1e-9 * l0.abs() {
            break;
        }
        xi = nx;
        sigma = ns;
        if dx.abs() <= 1e-15 * (1.0 + xi.abs()) && ds.abs() <= 1e-15 * sigma {
            break;
        }
    }
    let h = if xi.abs() >= 1e-8 {
        grad_hess(y, xi, sigma).1
    } else {
        hess_exp_limit(y, sigma)
    };
    let neg_h = Matrix::from_vec(2, 2, vec![-h[0][0], -h[0][1], -h[1][0], -h[1][1]]).expect("2x2");
    let info = inverse_spd(&neg_h).ok();
    let log_likelihood = gpd_log_likelihood(y, xi, sigma);
    let (status, covariance) = match info {
        _ if xi <= -0.5 => (GpdStatus::IrregularShape, None),
        Some(c) => (
            GpdStatus::Converged,
            Some([[c[(0, 0)], c[(0, 1)]], [c[(1, 0)], c[(1, 1)]]]),
        ),
        None => (GpdStatus::SingularInformation, None),
    };
    Ok(GpdFit {
        shape: xi,
        scale: sigma,
        log_likelihood,
        std_errors: covariance.map(|c| (c[0][0].sqrt(), c[1][1].sqrt())),
        covariance,
        nobs: y.len(),
        status,
    })
}

/// Gradient and Hessian of the GPD log-likelihood in `(ξ, σ)` (ξ ≠ 0).
fn grad_hess(y: &[f64], xi: f64, sigma: f64) -> ([f64; 2], [[f64; 2]; 2]) {
    let n = y.len() as f64;
    let (mut sl, mut sza, mut sz2a2, mut sza2) = (0.0, 0.0, 0.0, 0.0);
    for v in y {
        let z = v / sigma;
        let a = 1.0 + xi * z;
        sl += (xi * z).ln_1p();
        sza += z / a;
        sz2a2 += z * z / (a * a);
        sza2 += z / (a * a);
    }
    let gx = sl / (xi * xi) - (1.0 + 1.0 / xi) * sza;
    let gs = -n / sigma + (xi + 1.0) / sigma * sza;
    let hxx = -2.0 / (xi * xi * xi) * sl + 2.0 / (xi * xi) * sza + (1.0 + 1.0 / xi) * sz2a2;
    let hxs = sza / sigma - (xi + 1.0) / sigma * sz2a2;
    let hss = n / (sigma * sigma) - (xi + 1.0) / (sigma * sigma) * (sza + sza2);
    ([gx, gs], [[hxx, hxs], [hxs, hss]])
}

/// The `ξ → 0` limit of the Hessian of [`grad_hess`] (series of `ln(1 + ξz)`, `z = y/σ`):
/// `∂²ℓ/∂ξ² = Σz² − ⅔Σz³`, `∂²ℓ/∂ξ∂σ = (Σz − Σz²)/σ`, `∂²ℓ/∂σ² = (n − 2Σz)/σ²`.
fn hess_exp_limit(y: &[f64], sigma: f64) -> [[f64; 2]; 2] {
    let n = y.len() as f64;
    let (mut s1, mut s2, mut s3) = (0.0, 0.0, 0.0);
    for v in y {
        let z = v / sigma;
        s1 += z;
        s2 += z * z;
        s3 += z * z * z;
    }
    let hxx = s2 - 2.0 / 3.0 * s3;
    let hxs = (s1 - s2) / sigma;
    let hss = (n - 2.0 * s1) / (sigma * sigma);
    [[hxx, hxs], [hxs, hss]]
}

/// Brent's method for a maximum of `f` bracketed by `a < b < c` with `f(b) ≥ f(a), f(c)`.
fn brent_max(f: impl Fn(f64) -> f64, a: f64, b: f64, c: f64) -> f64 {
    const GOLD: f64 = 0.381_966_011_250_105_1;
    let g = |x: f64| -f(x);
    let (mut lo, mut hi) = (a, c);
    let (mut x, mut w, mut v) = (b, b, b);
    let (mut fx, mut fw, mut fv) = (g(b), g(b), g(b));
    let (mut d, mut e) = (0.0_f64, 0.0_f64);
    for _ in 0..200 {
        let m = 0.5 * (lo + hi);
        let tol = 1e-13 * x.abs() + 1e-300;
        if (x - m).abs() <= 2.0 * tol - 0.5 * (hi - lo) {
            break;
        }
        let mut golden = true;
        if e.abs() > tol {
            let r = (x - w) * (fx - fv);
            let q = (x - v) * (fx - fw);
            let mut p = (x - v) * q - (x - w) * r;
            let mut q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            if p.abs() < (0.5 * q * e).abs() && p > q * (lo - x) && p < q * (hi - x) {
                e = d;
                d = p / q;
                let u = x + d;
                if u - lo < 2.0 * tol || hi - u < 2.0 * tol {
                    d = if x < m { tol } else { -tol };
                }
                golden = false;
            }
        }
        if golden {
            e = if x < m { hi - x } else { lo - x };
            d = GOLD * e;
        }
        let u = if d.abs() >= tol {
            x + d
        } else {
            x + if d > 0.0 { tol } else { -tol }
        };
        let fu = g(u);
        if fu <= fx {
            if u < x {
                hi = x;
            } else {
                lo = x;
            }
            v = w;
            fv = fw;
            w = x;
            fw = fx;
            x = u;
            fx = fu;
        } else {
            if u < x {
                lo = u;
            } else {
                hi = u;
            }
            if fu <= fw || w == x {
                v = w;
                fv = fw;
                w = u;
                fw = fu;
            } else if fu <= fv || v == x || v == w {
                v = u;
                fv = fu;
            }
        }
    }
    x
}

/// A peaks-over-threshold model: a GPD fitted to the excesses over `threshold`.
#[derive(Debug, Clone, PartialEq)]
pub struct PotFit {
    /// The threshold `u`.
    pub threshold: f64,
    /// Observations in the sample `n`.
    pub n_total: usize,
    /// Exceedances `N_u` (observations strictly above `u`).
    pub n_exceed: usize,
    /// The GPD fit of the excesses.
    pub gpd: GpdFit,
}

/// Fits a GPD to the excesses of `data` over `threshold` (e.g. daily losses as positive
/// numbers over their 90% quantile, see [`threshold_quantile`]).
///
/// # Errors
/// [`StatsError::NotFinite`] (data or threshold), and those of [`gpd_fit`] (e.g.
/// [`StatsError::TooShort`] with fewer than 3 exceedances).
pub fn pot_fit(data: &[f64], threshold: f64) -> Result<PotFit> {
    check_finite(data, "data")?;
    if !threshold.is_finite() {
        return Err(StatsError::NotFinite {
            what: "threshold",
            index: 0,
        });
    }
    let excess: Vec<f64> = data
        .iter()
        .filter(|x| **x > threshold)
        .map(|x| x - threshold)
        .collect();
    let gpd = gpd_fit(&excess)?;
    Ok(PotFit {
        threshold,
        n_total: data.len(),
        n_exceed: excess.len(),
        gpd,
    })
}

impl PotFit {
    fn check_level(&self, p: f64) -> Result<f64> {
        let tail = self.n_exceed as f64 / self.n_total as f64;
        if !(p > 1.0 - tail && p < 1.0) {
            return Err(StatsError::InvalidParameter {
                name: "p",
                reason: "must be in (1 - exceedance rate, 1): the tail model only covers \
                         levels beyond the threshold",
                value: p,
            });
        }
        // (n / N_u)(1 − p)
        Ok((1.0 - p) / tail)
    }

    /// Value at risk at level `p` (e.g. 0.99) from the fitted tail.
    ///
    /// # Errors
    /// [`StatsError::InvalidParameter`] unless `1 − N_u/n < p < 1`.
    pub fn var(&self, p: f64) -> Result<f64> {
        let r = self.check_level(p)?;
        let (xi, s) = (self.gpd.shape, self.gpd.scale);
        // σ/ξ (r^{−ξ} − 1) = σ · expm1(−ξ ln r)/ξ, → −σ ln r as ξ → 0.
        let lr = r.ln();
        let q = if xi.abs() < 1e-12 {
            -s * lr
        } else {
            s * (-xi * lr).exp_m1() / xi
        };
        Ok(self.threshold + q)
    }

    /// Expected shortfall (conditional VaR) at level `p`.
    ///
    /// # Errors
    /// [`StatsError::InvalidParameter`] unless `1 − N_u/n < p < 1`, or if `ξ ≥ 1` (the mean
    /// of the tail is infinite).
    pub fn es(&self, p: f64) -> Result<f64> {
        let var = self.var(p)?;
        let (xi, s) = (self.gpd.shape, self.gpd.scale);
        if xi >= 1.0 {
            return Err(StatsError::InvalidParameter {
                name: "shape",
                reason: "must be < 1 for a finite expected shortfall",
                value: xi,
            });
        }
        Ok(var / (1.0 - xi) + (s - xi * self.threshold) / (1.0 - xi))
    }
}

/// The `q`-quantile of `data` with linear interpolation between order statistics (numpy's
/// default, R type 7): a common threshold choice, e.g. `q = 0.9` for the top 10% of losses.
///
/// # Errors
/// [`StatsError::NotFinite`], [`StatsError::TooShort`] for empty data,
/// [`StatsError::InvalidParameter`] unless `0 ≤ q ≤ 1`.
pub fn threshold_quantile(data: &[f64], q: f64) -> Result<f64> {
    check_finite(data, "data")?;
    if data.is_empty() {
        return Err(StatsError::TooShort {
            what: "quantile",
            needed: 1,
            got: 0,
        });
    }
    if !(0.0..=1.0).contains(&q) {
        return Err(StatsError::InvalidParameter {
            name: "q",
            reason: "must be in [0, 1]",
            value: q,
        });
    }
    let mut s = data.to_vec();
    s.sort_by(f64::total_cmp);
    let h = (s.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(s.len() - 1);
    Ok(s[lo] + (h - lo as f64) * (s[hi] - s[lo]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn gpd_sample(r: &mut Rng, n: usize, xi: f64, sigma: f64) -> Vec<f64> {
        // Inversion: y = σ/ξ (U^{−ξ} − 1).
        (0..n)
            .map(|_| {
                let u = r.open01();
                if xi == 0.0 {
                    -sigma * u.ln()
                } else {
                    sigma / xi * (u.powf(-xi) - 1.0)
                }
            })
            .collect()
    }

    #[test]
    fn recovers_known_parameters_within_their_standard_errors() {
        let mut r = Rng::new(17);
        for &(xi, sigma) in &[(0.3, 2.0), (0.0, 1.5), (-0.3, 1.0), (0.8, 0.5)] {
            let y = gpd_sample(&mut r, 20_000, xi, sigma);
            let f = gpd_fit(&y).unwrap();
            let (se_x, se_s) = f.std_errors.unwrap();
            assert!(
                (f.shape - xi).abs() < 4.0 * se_x,
                "ξ {xi}: {} ± {se_x}",
                f.shape
            );
            assert!(
                (f.scale - sigma).abs() < 4.0 * se_s,
                "σ {sigma}: {} ± {se_s}",
                f.scale
            );
            // The MLE beats nearby points.
            let l = f.log_likelihood;
            for (dx, ds) in [(1e-4, 0.0), (-1e-4, 0.0), (0.0, 1e-4), (0.0, -1e-4)] {
                assert!(gpd_log_likelihood(&y, f.shape + dx, f.scale + ds) <= l);
            }
        }
    }

    #[test]
    fn exponential_tail_var_es_closed_form() {
        // ξ = 0: VaR = u − σ ln((n/N_u)(1 − p)), ES = VaR + σ.
        let pot = PotFit {
            threshold: 2.0,
            n_total: 1000,
            n_exceed: 100,
            gpd: GpdFit {
                shape: 0.0,
                scale: 0.5,
                log_likelihood: 0.0,
                std_errors: None,
                covariance: None,
                nobs: 100,
                status: GpdStatus::Converged,
            },
        };
        let var = pot.var(0.99).unwrap();
        assert!((var - (2.0 - 0.5 * 0.1_f64.ln())).abs() < 1e-14);
        assert!((pot.es(0.99).unwrap() - (var + 0.5)).abs() < 1e-14);
        assert_eq!(pot.var(0.5).unwrap_err().code(), "ERR_INVALID_PARAMETER");
    }

    #[test]
    fn exponential_limit_of_the_hessian_is_continuous() {
        let mut r = Rng::new(2);
        let y = gpd_sample(&mut r, 500, 0.0, 1.3);
        let lim = hess_exp_limit(&y, 1.3);
        // The mean of ξ = ±1e-3 cancels the O(ξ) term (and is far enough from 0 that the
        // general formula's 1/ξ³ cancellation costs nothing).
        let (_, hp) = grad_hess(&y, 1e-3, 1.3);
        let (_, hm) = grad_hess(&y, -1e-3, 1.3);
        for i in 0..2 {
            for j in 0..2 {
                let near = 0.5 * (hp[i][j] + hm[i][j]);
                let e = (lim[i][j] - near).abs() / lim[i][j].abs();
                assert!(e < 1e-4, "H[{i}][{j}]: {} vs {near}", lim[i][j]);
            }
        }
    }

    #[test]
    fn bad_input() {
        assert_eq!(gpd_fit(&[1.0, 2.0]).unwrap_err().code(), "ERR_TOO_SHORT");
        assert_eq!(
            gpd_fit(&[1.0, 1.0, 1.0]).unwrap_err().code(),
            "ERR_CONSTANT_SERIES"
        );
        assert_eq!(
            gpd_fit(&[1.0, -1.0, 2.0]).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
        assert_eq!(
            pot_fit(&[1.0, f64::NAN], 0.0).unwrap_err().code(),
            "ERR_NOT_FINITE"
        );
        assert_eq!(threshold_quantile(&[1.0, 2.0, 3.0, 4.0], 0.5).unwrap(), 2.5);
    }
}
