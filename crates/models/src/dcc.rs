//! DCC-GARCH(1,1) (Engle 2002), estimated in two steps.
//!
//! 1. A univariate GARCH-family model per asset ([`crate::garch::fit`]); standardised residuals
//!    `z_{i,t} = (r_{i,t} − μ_i)/√h_{i,t}`.
//! 2. The correlation dynamics by maximum likelihood on `z`:
//!
//! ```text
//! Q_t = (1 − a − b) Q̄ + a z_{t−1} z_{t−1}ᵀ + b Q_{t−1},   Q_1 = Q̄
//! R_t = diag(Q_t)^{−½} Q_t diag(Q_t)^{−½}
//! L_c(a, b) = −½ Σ_t [ ln|R_t| + z_tᵀ R_t⁻¹ z_t − z_tᵀ z_t ]
//! ```
//! with `a, b ≥ 0`, `a + b ≤ 1 − 10⁻⁶`, and the target `Q̄` the correlation matrix of the
//! uncentred second moments `ZᵀZ/T` (rmgarch's and pymgarch's convention). The gradient of
//! `L_c` is analytic (`∂Q_t/∂θ` carried along the recursion; `∂L/∂R = −½(R⁻¹ − w wᵀ)`,
//! `w = R⁻¹z`). Standard errors of `(a, b)` are second-step only (they ignore the estimation
//! error of step 1).
//!
//! [`DccFilter`] is the online form: one vector of returns per `update`, which advances every
//! univariate variance and `Q`/`R`; [`DccFilter::breakdown`] reports a correlation-breakdown
//! indicator (mean pairwise correlation, its change, the largest eigenvalue's share).

use tachyon_stats::linalg::{
    cholesky_into, cholesky_solve_in_place, inverse_from_cholesky, log_det_from_cholesky,
    lower_mul, sym_eigen, Matrix,
};
use tachyon_stats::rng::Rng;

use crate::error::{check_finite, check_param, check_same_len, ModelError, Result};
use crate::garch::{self, FitOptions, FitStatus, GarchFilter, GarchFit, GarchSpec, MeanModel};
use crate::optim::{self, OptimOptions, Problem};
use crate::realized::StreamStats;

/// Most assets a DCC model accepts.
pub const MAX_ASSETS: usize = 50;

/// Upper bound of `a + b`.
const MAX_PERSISTENCE: f64 = 1.0 - 1e-6;

/// Options of [`fit_dcc`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DccOptions {
    /// The univariate model of every asset (default GARCH(1,1), Normal, constant mean,
    /// backcast start).
    pub univariate: GarchSpec,
    /// Options of the univariate fits.
    pub univariate_fit: FitOptions,
    /// Optimiser options of the correlation step.
    pub optim: OptimOptions,
}

/// The correlation step of a DCC fit.
#[derive(Debug, Clone, PartialEq)]
pub struct DccCorrelationFit {
    /// Assets.
    pub n_assets: usize,
    /// Observations.
    pub nobs: usize,
    /// News coefficient `a`.
    pub a: f64,
    /// Decay coefficient `b`.
    pub b: f64,
    /// Standard errors of `(a, b)` from the inverse Hessian (`None` if not positive definite).
    pub std_errors: Option<[f64; 2]>,
    /// Robust (sandwich) standard errors of `(a, b)`.
    pub robust_std_errors: Option<[f64; 2]>,
    /// Correlation log-likelihood `L_c`.
    pub loglik: f64,
    /// How the optimisation ended.
    pub status: FitStatus,
    /// Optimiser iterations.
    pub iterations: usize,
    /// Likelihood evaluations.
    pub evaluations: usize,
    /// Target `Q̄` (row-major `n × n`).
    pub qbar: Vec<f64>,
    /// `Q` for the period after the sample.
    pub q_next: Vec<f64>,
    /// Mean pairwise correlation of `R_t` for every observation.
    pub mean_correlation: Vec<f64>,
}

/// A two-step DCC-GARCH fit.
#[derive(Debug, Clone, PartialEq)]
pub struct DccFit {
    /// The univariate fits, one per asset.
    pub univariate: Vec<GarchFit>,
    /// The correlation step.
    pub correlation: DccCorrelationFit,
    /// Total log-likelihood: univariate ones plus `L_c`.
    pub loglik: f64,
}

impl DccFit {
    /// Status of the whole fit: the first non-converged step, else converged.
    #[must_use]
    pub fn status(&self) -> FitStatus {
        self.univariate
            .iter()
            .map(|f| f.status)
            .chain(std::iter::once(self.correlation.status))
            .find(|s| *s != FitStatus::Converged)
            .unwrap_or(FitStatus::Converged)
    }

    /// An online filter positioned after the last observation of the sample.
    ///
    /// # Errors
    /// Only if the fit did not produce usable estimates (see [`DccFit::status`]).
    pub fn filter(&self) -> Result<DccFilter> {
        let uni: Vec<GarchFilter> = self
            .univariate
            .iter()
            .map(|f| GarchFilter::new(&f.spec, &f.params, f.next_variance))
            .collect::<Result<_>>()?;
        DccFilter::new(
            uni,
            self.correlation.a,
            self.correlation.b,
            &self.correlation.qbar,
            &self.correlation.q_next,
        )
    }
}

fn check_assets(n: usize) -> Result<()> {
    check_param(
        n as f64,
        (2..=MAX_ASSETS).contains(&n),
        "assets",
        "must be between 2 and 50",
    )
}

/// Splits row-major `T × n` data, checking its shape.
fn shape(data: &[f64], n: usize, what: &'static str) -> Result<usize> {
    check_assets(n)?;
    if data.len() % n != 0 {
        return Err(ModelError::LengthMismatch {
            what,
            expected: data.len() / n * n,
            got: data.len(),
        });
    }
    check_finite(data, what)?;
    Ok(data.len() / n)
}

/// Fits a DCC-GARCH model to `returns`, row-major `T × n` (row `t` holds the `n` assets'
/// returns at time `t`).
///
/// # Errors
/// [`ModelError::InvalidParameter`] for fewer than 2 or more than [`MAX_ASSETS`] assets,
/// [`ModelError::LengthMismatch`] if the data is not `T × n`, and every error of the univariate
/// fits (non-finite, too short, constant series).
pub fn fit_dcc(returns: &[f64], n: usize, opts: &DccOptions) -> Result<DccFit> {
    let t = shape(returns, n, "returns")?;
    let mut univariate = Vec::with_capacity(n);
    let mut z = vec![0.0; t * n];
    let mut col = vec![0.0; t];
    for i in 0..n {
        for (k, c) in col.iter_mut().enumerate() {
            *c = returns[k * n + i];
        }
        let f = garch::fit(&col, &opts.univariate, &opts.univariate_fit)?;
        if f.status == FitStatus::NoFiniteStart {
            return Err(ModelError::InvalidSpec {
                reason: "a univariate GARCH fit found no finite starting point",
            });
        }
        let zi = f.std_residuals(&col)?;
        for (k, v) in zi.iter().enumerate() {
            z[k * n + i] = *v;
        }
        univariate.push(f);
    }
    let correlation = fit_dcc_correlation(&z, n, &opts.optim)?;
    let loglik = univariate.iter().map(|f| f.loglik).sum::<f64>() + correlation.loglik;
    Ok(DccFit {
        univariate,
        correlation,
        loglik,
    })
}

/// `Q̄ = cov2cor(ZᵀZ / T)`.
fn target(z: &[f64], n: usize, t: usize) -> Vec<f64> {
    let mut s = vec![0.0; n * n];
    for row in z.chunks_exact(n) {
        for i in 0..n {
            for j in 0..=i {
                s[i * n + j] += row[i] * row[j];
            }
        }
    }
    for i in 0..n {
        for j in 0..=i {
            s[i * n + j] /= t as f64;
            s[j * n + i] = s[i * n + j];
        }
    }
    let d: Vec<f64> = (0..n).map(|i| 1.0 / s[i * n + i].sqrt()).collect();
    for i in 0..n {
        for j in 0..n {
            s[i * n + j] *= d[i] * d[j];
        }
        s[i * n + i] = 1.0;
    }
    s
}

/// `R = diag(Q)^{−½} Q diag(Q)^{−½}`; `d` receives `1/√Q_ii`. Returns the mean off-diagonal
/// correlation.
#[inline]
fn normalise(q: &[f64], n: usize, r: &mut [f64], d: &mut [f64]) -> f64 {
    for i in 0..n {
        d[i] = 1.0 / q[i * n + i].sqrt();
    }
    let mut sum = 0.0;
    for i in 0..n {
        r[i * n + i] = 1.0;
        for j in 0..i {
            let v = q[i * n + j] * d[i] * d[j];
            r[i * n + j] = v;
            r[j * n + i] = v;
            sum += v;
        }
    }
    sum / (n * (n - 1) / 2) as f64
}

/// Working state of the correlation likelihood.
struct CorrLik<'a> {
    z: &'a [f64],
    n: usize,
    t: usize,
    qbar: Vec<f64>,
    evals: usize,
}

/// Per-observation outputs wanted from a pass.
#[derive(Default)]
struct CorrOut {
    scores: Option<Vec<[f64; 2]>>,
    mean_corr: Option<Vec<f64>>,
    q_next: Vec<f64>,
}

impl CorrLik<'_> {
    /// `L_c(a, b)` and its gradient (−∞ where `R_t` is not positive definite).
    #[allow(clippy::too_many_lines)] // one recursion with its derivatives
    fn eval(&self, a: f64, b: f64, grad: &mut [f64; 2], out: &mut CorrOut) -> f64 {
        let n = self.n;
        let nn = n * n;
        let w0 = 1.0 - a - b;
        let qbar = &self.qbar;
        let mut q = qbar.clone();
        let mut dqa = vec![0.0; nn];
        let mut dqb = vec![0.0; nn];
        let mut r = Matrix::zeros(n, n);
        let mut l = Matrix::zeros(n, n);
        let mut d = vec![0.0; n];
        let mut w = vec![0.0; n];
        let want_grad = true;
        let (mut ll, mut ga, mut gb) = (0.0, 0.0, 0.0);
        for t in 0..self.t {
            if t > 0 {
                let zp = &self.z[(t - 1) * n..t * n];
                for i in 0..n {
                    for j in 0..=i {
                        let k = i * n + j;
                        let zz = zp[i] * zp[j];
                        let qold = q[k];
                        q[k] = w0 * qbar[k] + a * zz + b * qold;
                        dqa[k] = zz - qbar[k] + b * dqa[k];
                        dqb[k] = qold - qbar[k] + b * dqb[k];
                        let m = j * n + i;
                        q[m] = q[k];
                        dqa[m] = dqa[k];
                        dqb[m] = dqb[k];
                    }
                }
            }
            if !(0..n).all(|i| q[i * n + i] > 0.0) {
                return f64::NEG_INFINITY;
            }
            let mc = normalise(&q, n, r.as_mut_slice(), &mut d);
            if let Some(v) = out.mean_corr.as_mut() {
                v.push(mc);
            }
            if cholesky_into(&r, &mut l).is_err() {
                return f64::NEG_INFINITY;
            }
            let zt = &self.z[t * n..(t + 1) * n];
            w.copy_from_slice(zt);
            cholesky_solve_in_place(&l, &mut w);
            let quad: f64 = zt.iter().zip(&w).map(|(x, y)| x * y).sum();
            let zz: f64 = zt.iter().map(|x| x * x).sum();
            ll += -0.5 * (log_det_from_cholesky(&l) + quad - zz);
            if want_grad {
                // ∂l_t/∂R_ij = −½ (R⁻¹_ij − w_i w_j); dR_ij from dQ.
                let rinv = inverse_from_cholesky(&l);
                let (ri, rs) = (rinv.as_slice(), r.as_slice());
                let (mut sa, mut sb) = (0.0, 0.0);
                for i in 0..n {
                    let (qa_i, qb_i) =
                        (dqa[i * n + i] / q[i * n + i], dqb[i * n + i] / q[i * n + i]);
                    for j in 0..i {
                        let k = i * n + j;
                        let (qa_j, qb_j) =
                            (dqa[j * n + j] / q[j * n + j], dqb[j * n + j] / q[j * n + j]);
                        let dd = d[i] * d[j];
                        let dra = dqa[k] * dd - 0.5 * rs[k] * (qa_i + qa_j);
                        let drb = dqb[k] * dd - 0.5 * rs[k] * (qb_i + qb_j);
                        // symmetric: both (i, j) and (j, i)
                        let c = -(ri[k] - w[i] * w[j]);
                        sa += c * dra;
                        sb += c * drb;
                    }
                }
                // diagonal of dR is zero (R_ii ≡ 1)
                ga += sa;
                gb += sb;
                if let Some(s) = out.scores.as_mut() {
                    s.push([sa, sb]);
                }
            }
        }
        // Q for the period after the sample.
        let zl = &self.z[(self.t - 1) * n..self.t * n];
        out.q_next = (0..nn)
            .map(|k| w0 * qbar[k] + a * zl[k / n] * zl[k % n] + b * q[k])
            .collect();
        grad[0] = ga;
        grad[1] = gb;
        ll
    }
}

impl optim::Objective for CorrLik<'_> {
    fn eval(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        self.evals += 1;
        let mut gr = [0.0; 2];
        let ll = CorrLik::eval(self, x[0], x[1], &mut gr, &mut CorrOut::default());
        if !ll.is_finite() {
            return f64::INFINITY;
        }
        let tf = self.t as f64;
        g[0] = -gr[0] / tf;
        g[1] = -gr[1] / tf;
        -ll / tf
    }
}

/// The correlation step alone, on standardised residuals `z` (row-major `T × n`) from any
/// volatility model.
///
/// # Errors
/// Shape and asset-count errors; [`ModelError::TooShort`] for fewer than 30 observations;
/// [`ModelError::Constant`] when an asset's residuals are all zero.
pub fn fit_dcc_correlation(z: &[f64], n: usize, opts: &OptimOptions) -> Result<DccCorrelationFit> {
    let t = shape(z, n, "standardized residuals")?;
    crate::error::check_len(t, 30.max(2 * n), "standardized residuals")?;
    for i in 0..n {
        if z.chunks_exact(n).all(|row| row[i] == 0.0) {
            return Err(ModelError::Constant {
                what: "standardized residuals",
            });
        }
    }
    let mut lik = CorrLik {
        z,
        n,
        t,
        qbar: target(z, n, t),
        evals: 0,
    };
    let problem =
        Problem::new(vec![0.0, 0.0], vec![1.0, 1.0]).with_linear(vec![1.0, 1.0], MAX_PERSISTENCE);
    let mut scratch = [0.0; 2];
    let mut starts: Vec<(f64, [f64; 2])> = [[0.01, 0.95], [0.03, 0.95], [0.05, 0.9], [0.1, 0.8]]
        .iter()
        .map(|x| (optim::Objective::eval(&mut lik, x, &mut scratch), *x))
        .filter(|(f, _)| f.is_finite())
        .collect();
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<optim::OptimResult> = None;
    let mut iterations = 0;
    for (_, x0) in starts.iter().take(2) {
        let r = optim::minimize(&mut lik, x0, &problem, opts);
        iterations += r.iterations;
        let done = r.status.is_converged();
        let better = best.as_ref().map_or(true, |b| {
            (done && !b.status.is_converged()) || (done == b.status.is_converged() && r.f < b.f)
        });
        if better {
            best = Some(r);
        }
        if done {
            break;
        }
    }
    let best = match best {
        Some(b) => b,
        None => {
            return Err(ModelError::InvalidSpec {
                reason: "no starting point of the correlation step gave a positive definite path",
            })
        }
    };
    let (a, b) = (best.x[0], best.x[1]);
    let mut out = CorrOut {
        scores: Some(Vec::with_capacity(t)),
        mean_corr: Some(Vec::with_capacity(t)),
        q_next: Vec::new(),
    };
    let mut g = [0.0; 2];
    let ll = lik.eval(a, b, &mut g, &mut out);
    let (se, rse) = corr_std_errors(&mut lik, a, b, out.scores.as_deref().unwrap_or(&[]));
    Ok(DccCorrelationFit {
        n_assets: n,
        nobs: t,
        a,
        b,
        std_errors: se,
        robust_std_errors: rse,
        loglik: ll,
        status: FitStatus::from_optim(best.status),
        iterations,
        evaluations: lik.evals,
        qbar: lik.qbar.clone(),
        q_next: out.q_next,
        mean_correlation: out.mean_corr.unwrap_or_default(),
    })
}

/// Classic and robust standard errors of `(a, b)` from a central-difference Hessian of the
/// analytic gradient.
fn corr_std_errors(
    lik: &mut CorrLik<'_>,
    a: f64,
    b: f64,
    scores: &[[f64; 2]],
) -> (Option<[f64; 2]>, Option<[f64; 2]>) {
    let x = [a, b];
    let mut h = [[0.0; 2]; 2];
    for k in 0..2 {
        let step = 1e-5 * x[k].abs().max(1e-3);
        let (mut gp, mut gm) = ([0.0; 2], [0.0; 2]);
        let mut xp = x;
        let mut xm = x;
        xp[k] += step;
        xm[k] -= step;
        let fp = lik.eval(xp[0], xp[1], &mut gp, &mut CorrOut::default());
        let fm = lik.eval(xm[0], xm[1], &mut gm, &mut CorrOut::default());
        let (gp, gm, width) = match (fp.is_finite(), fm.is_finite()) {
            (true, true) => (gp, gm, 2.0 * step),
            (true, false) => {
                let mut g0 = [0.0; 2];
                lik.eval(a, b, &mut g0, &mut CorrOut::default());
                (gp, g0, step)
            }
            (false, true) => {
                let mut g0 = [0.0; 2];
                lik.eval(a, b, &mut g0, &mut CorrOut::default());
                (g0, gm, step)
            }
            (false, false) => return (None, None),
        };
        for j in 0..2 {
            // Hessian of the negative log-likelihood.
            h[j][k] = -(gp[j] - gm[j]) / width;
        }
    }
    let hs = [
        [h[0][0], 0.5 * (h[0][1] + h[1][0])],
        [0.5 * (h[0][1] + h[1][0]), h[1][1]],
    ];
    let det = hs[0][0] * hs[1][1] - hs[0][1] * hs[1][0];
    if !(hs[0][0] > 0.0 && det > 0.0) {
        return (None, None);
    }
    let inv = [
        [hs[1][1] / det, -hs[0][1] / det],
        [-hs[1][0] / det, hs[0][0] / det],
    ];
    let se = [inv[0][0].sqrt(), inv[1][1].sqrt()];
    let mut j = [[0.0; 2]; 2];
    for s in scores {
        for p in 0..2 {
            for q in 0..2 {
                j[p][q] += s[p] * s[q];
            }
        }
    }
    let mut sand = [[0.0; 2]; 2];
    for p in 0..2 {
        for q in 0..2 {
            let mut v = 0.0;
            for u in 0..2 {
                for w in 0..2 {
                    v += inv[p][u] * j[u][w] * inv[w][q];
                }
            }
            sand[p][q] = v;
        }
    }
    (Some(se), Some([sand[0][0].sqrt(), sand[1][1].sqrt()]))
}

/// A simulated DCC path.
#[derive(Debug, Clone, PartialEq)]
pub struct DccSimulation {
    /// Returns, row-major `n × assets`.
    pub returns: Vec<f64>,
    /// Standardised residuals `z_t ~ N(0, R_t)`, row-major.
    pub z: Vec<f64>,
    /// Correlation matrices `R_t`, each row-major `assets × assets`, concatenated.
    pub correlations: Vec<f64>,
}

/// Simulates `n` observations (after `burn`) of a DCC model with Normal errors:
/// `z_t ~ N(0, R_t)` (Cholesky of `R_t` times independent normals from the portable seeded
/// `Rng`), `r_{i,t} = μ_i + √h_{i,t} z_{i,t}`, univariate variances by their own recursions.
/// `Q` starts at `Q̄`.
///
/// # Errors
/// [`ModelError::InvalidSpec`] for a univariate model with Student-t errors; the errors of
/// [`DccFilter::new`] (parameters, `Q̄` shape); [`ModelError::Stats`] if `Q̄` is not positive
/// definite.
pub fn simulate(
    univariate: &[(GarchSpec, garch::GarchParams)],
    a: f64,
    b: f64,
    qbar: &[f64],
    n_obs: usize,
    burn: usize,
    seed: u64,
) -> Result<DccSimulation> {
    if univariate
        .iter()
        .any(|(s, _)| s.dist != garch::ErrorDist::Normal)
    {
        return Err(ModelError::InvalidSpec {
            reason: "DCC simulation draws correlated Normal errors; use Normal univariate models",
        });
    }
    let filters = univariate
        .iter()
        .map(|(s, p)| {
            let h0 = match s.kind {
                garch::GarchKind::Egarch => (p.omega / (1.0 - p.beta)).exp(),
                _ => p.unconditional_variance(s).unwrap_or(f64::NAN),
            };
            GarchFilter::new(s, p, h0)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut f = DccFilter::new(filters, a, b, qbar, qbar)?;
    let n = f.n;
    Matrix::from_vec(n, n, qbar.to_vec()).and_then(|m| tachyon_stats::linalg::cholesky(&m))?;
    let mut rng = Rng::new(seed);
    let mut l = Matrix::zeros(n, n);
    let mut e = vec![0.0; n];
    let mut z = vec![0.0; n];
    let mut r = vec![0.0; n];
    let mut out = DccSimulation {
        returns: Vec::with_capacity(n_obs * n),
        z: Vec::with_capacity(n_obs * n),
        correlations: Vec::with_capacity(n_obs * n * n),
    };
    for t in 0..n_obs + burn {
        let rm = Matrix::from_vec(n, n, f.r.clone())?;
        cholesky_into(&rm, &mut l)?;
        rng.fill_normal(&mut e);
        lower_mul(&l, &e, &mut z);
        for i in 0..n {
            r[i] = f.mu[i] + f.uni[i].variance().sqrt() * z[i];
        }
        if t >= burn {
            out.returns.extend_from_slice(&r);
            out.z.extend_from_slice(&z);
            out.correlations.extend_from_slice(&f.r);
        }
        f.update(&r)?;
    }
    Ok(out)
}

/// A correlation-breakdown reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breakdown {
    /// Mean pairwise correlation of the current `R`.
    pub mean_correlation: f64,
    /// Its change over the requested lookback (`None` until that many updates exist).
    pub mean_correlation_change: Option<f64>,
    /// Largest eigenvalue of `R` divided by the number of assets (1 = one common factor
    /// explains everything; `1/n` = no correlation).
    pub largest_eigenvalue_share: f64,
}

/// Mean correlations remembered for [`DccFilter::breakdown`].
const HISTORY: usize = 256;

/// Online DCC filter: one vector of returns per update.
#[derive(Debug, Clone)]
pub struct DccFilter {
    n: usize,
    a: f64,
    b: f64,
    w0: f64,
    qbar: Vec<f64>,
    q: Vec<f64>,
    r: Vec<f64>,
    d: Vec<f64>,
    z: Vec<f64>,
    uni: Vec<GarchFilter>,
    mu: Vec<f64>,
    mean_corr: f64,
    history: Vec<f64>,
    hist_pos: usize,
    hist_len: usize,
    stats: StreamStats,
}

impl DccFilter {
    /// A filter from univariate filters (positioned at the same time), `(a, b)`, the target
    /// `Q̄` and the current `Q` (both row-major `n × n`).
    ///
    /// # Errors
    /// [`ModelError::InvalidParameter`] for `a, b` outside `a, b ≥ 0, a + b < 1`, a wrong
    /// number of assets, or a `Q` with a non-positive diagonal; [`ModelError::LengthMismatch`]
    /// for matrices of the wrong size.
    pub fn new(uni: Vec<GarchFilter>, a: f64, b: f64, qbar: &[f64], q: &[f64]) -> Result<Self> {
        let n = uni.len();
        check_assets(n)?;
        check_param(a, a >= 0.0, "a", "must be >= 0")?;
        check_param(
            b,
            b >= 0.0 && a + b < 1.0,
            "b",
            "must be >= 0 with a + b < 1",
        )?;
        check_same_len(n * n, qbar.len(), "qbar")?;
        check_same_len(n * n, q.len(), "q")?;
        check_finite(qbar, "qbar")?;
        check_finite(q, "q")?;
        if let Some(i) = (0..n).find(|&i| !(q[i * n + i] > 0.0 && qbar[i * n + i] > 0.0)) {
            return Err(ModelError::InvalidInput {
                what: "q",
                index: i * n + i,
                reason: "diagonal must be positive",
            });
        }
        let mu = uni
            .iter()
            .map(|f| {
                if f.spec().mean == MeanModel::Constant {
                    f.params().mu
                } else {
                    0.0
                }
            })
            .collect();
        let mut s = Self {
            n,
            a,
            b,
            w0: 1.0 - a - b,
            qbar: qbar.to_vec(),
            q: q.to_vec(),
            r: vec![0.0; n * n],
            d: vec![0.0; n],
            z: vec![0.0; n],
            uni,
            mu,
            mean_corr: 0.0,
            history: vec![0.0; HISTORY],
            hist_pos: 0,
            hist_len: 0,
            stats: StreamStats::default(),
        };
        s.mean_corr = normalise(&s.q, n, &mut s.r, &mut s.d);
        s.remember();
        Ok(s)
    }

    fn remember(&mut self) {
        self.history[self.hist_pos] = self.mean_corr;
        self.hist_pos = (self.hist_pos + 1) % HISTORY;
        self.hist_len = (self.hist_len + 1).min(HISTORY);
    }

    /// Number of assets.
    #[must_use]
    pub fn n_assets(&self) -> usize {
        self.n
    }

    /// Applies one vector of returns (one per asset): standardises each with its current
    /// variance, advances the univariate variances and `Q`, `R`. Returns `false` (state
    /// unchanged, counted as skipped) if any return is not finite.
    ///
    /// # Errors
    /// [`ModelError::LengthMismatch`] if `returns` does not hold one value per asset.
    #[inline]
    pub fn update(&mut self, returns: &[f64]) -> Result<bool> {
        check_same_len(self.n, returns.len(), "returns")?;
        if !returns.iter().all(|r| r.is_finite()) {
            self.stats.skipped += 1;
            return Ok(false);
        }
        for (((z, &r), mu), f) in self
            .z
            .iter_mut()
            .zip(returns)
            .zip(&self.mu)
            .zip(&mut self.uni)
        {
            *z = (r - mu) / f.variance().sqrt();
            f.update(r);
        }
        self.advance();
        Ok(true)
    }

    /// Applies one vector of standardised residuals (correlation only; the univariate
    /// variances are not touched). Returns `false` if any is not finite.
    ///
    /// # Errors
    /// [`ModelError::LengthMismatch`] if `z` does not hold one value per asset.
    #[inline]
    pub fn update_standardized(&mut self, z: &[f64]) -> Result<bool> {
        check_same_len(self.n, z.len(), "standardized residuals")?;
        if !z.iter().all(|v| v.is_finite()) {
            self.stats.skipped += 1;
            return Ok(false);
        }
        self.z.copy_from_slice(z);
        self.advance();
        Ok(true)
    }

    #[inline]
    fn advance(&mut self) {
        let n = self.n;
        let (w0, a, b) = (self.w0, self.a, self.b);
        for i in 0..n {
            let zi = self.z[i];
            let row = i * n;
            for j in 0..=i {
                let k = row + j;
                let v = w0 * self.qbar[k] + a * zi * self.z[j] + b * self.q[k];
                self.q[k] = v;
                self.q[j * n + i] = v;
            }
        }
        self.mean_corr = normalise(&self.q, n, &mut self.r, &mut self.d);
        self.remember();
        self.stats.updates += 1;
    }

    /// Correlation matrix `R` for the next period (row-major `n × n`).
    #[must_use]
    pub fn correlation(&self) -> &[f64] {
        &self.r
    }

    /// `Q` for the next period.
    #[must_use]
    pub fn q(&self) -> &[f64] {
        &self.q
    }

    /// Conditional variances for the next period.
    #[must_use]
    pub fn variances(&self) -> Vec<f64> {
        self.uni.iter().map(GarchFilter::variance).collect()
    }

    /// Conditional covariance matrix `D R D` for the next period (row-major).
    #[must_use]
    pub fn covariance(&self) -> Vec<f64> {
        let sd: Vec<f64> = self.uni.iter().map(|f| f.variance().sqrt()).collect();
        let n = self.n;
        (0..n * n)
            .map(|k| self.r[k] * sd[k / n] * sd[k % n])
            .collect()
    }

    /// Correlation forecasts for 1…`horizon` periods ahead (each row-major `n × n`):
    /// `E Q_{t+k} ≈ (1 − (a+b)^{k−1}) Q̄ + (a+b)^{k−1} Q_{t+1}`, normalised to a correlation
    /// matrix (Engle & Sheppard 2001).
    ///
    /// # Errors
    /// [`ModelError::InvalidParameter`] when `horizon × n²` exceeds 1e8 values.
    pub fn forecast_correlation(&self, horizon: usize) -> Result<Vec<Vec<f64>>> {
        let n = self.n;
        check_param(
            horizon as f64,
            horizon.saturating_mul(n * n) <= garch::MAX_OUTPUT,
            "horizon",
            "must keep horizon × assets² at most 1e8",
        )?;
        let p = self.a + self.b;
        let mut out = Vec::with_capacity(horizon);
        let mut pk = 1.0;
        let mut r = vec![0.0; n * n];
        let mut d = vec![0.0; n];
        for _ in 0..horizon {
            let qk: Vec<f64> = self
                .qbar
                .iter()
                .zip(&self.q)
                .map(|(qb, q)| (1.0 - pk) * qb + pk * q)
                .collect();
            normalise(&qk, n, &mut r, &mut d);
            out.push(r.clone());
            pk *= p;
        }
        Ok(out)
    }

    /// The correlation-breakdown indicator, with the change of the mean correlation over the
    /// last `lookback` updates (at most 255).
    ///
    /// # Errors
    /// [`ModelError::Stats`] if the eigen-decomposition fails (not expected for a valid `R`).
    pub fn breakdown(&self, lookback: usize) -> Result<Breakdown> {
        let m = Matrix::from_vec(self.n, self.n, self.r.clone())?;
        let e = sym_eigen(&m)?;
        let top = e.values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let change = if lookback < self.hist_len && lookback < HISTORY {
            let idx = (self.hist_pos + HISTORY - 1 - lookback) % HISTORY;
            Some(self.mean_corr - self.history[idx])
        } else {
            None
        };
        Ok(Breakdown {
            mean_correlation: self.mean_corr,
            mean_correlation_change: change,
            largest_eigenvalue_share: top / self.n as f64,
        })
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> StreamStats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::garch::{ErrorDist, GarchKind, GarchParams};

    fn uni(mu: f64, omega: f64, alpha: f64, beta: f64) -> (GarchSpec, GarchParams) {
        (
            GarchSpec::new(GarchKind::Garch, ErrorDist::Normal),
            GarchParams {
                mu,
                omega,
                alpha,
                gamma: 0.0,
                beta,
                nu: None,
            },
        )
    }

    fn filters(n: usize) -> Vec<GarchFilter> {
        (0..n)
            .map(|_| {
                let (s, p) = uni(0.0, 0.1, 0.1, 0.8);
                GarchFilter::new(&s, &p, 1.0).unwrap()
            })
            .collect()
    }

    #[test]
    fn online_update_by_hand() {
        // Q̄ = [[1, .5], [.5, 1]], a = .1, b = .8, Q = [[1.2, .3], [.3, .9]], z = (1, −2):
        // Q' = .1 Q̄ + .1 z zᵀ + .8 Q = [[1.16, .09], [.09, 1.22]];
        // R'_12 = .09 / √(1.16 · 1.22) = 0.075 654 297…
        let qbar = [1.0, 0.5, 0.5, 1.0];
        let q = [1.2, 0.3, 0.3, 0.9];
        let mut f = DccFilter::new(filters(2), 0.1, 0.8, &qbar, &q).unwrap();
        assert!(f.update_standardized(&[1.0, -2.0]).unwrap());
        let want_q = [1.16, 0.09, 0.09, 1.22];
        for (g, w) in f.q().iter().zip(&want_q) {
            assert!((g - w).abs() < 1e-12, "{:?}", f.q());
        }
        let r12 = 0.09 / (1.16f64 * 1.22).sqrt();
        assert!((f.correlation()[1] - r12).abs() < 1e-15);
        assert!((r12 - 0.075_654_297).abs() < 1e-9);
        assert_eq!(f.correlation()[0], 1.0);
        // bad input: skipped and counted, state unchanged
        assert!(!f.update_standardized(&[f64::NAN, 0.0]).unwrap());
        assert_eq!(
            f.stats(),
            StreamStats {
                updates: 1,
                skipped: 1
            }
        );
        assert_eq!(f.update(&[1.0]).unwrap_err().code(), "ERR_LENGTH_MISMATCH");
        // the breakdown indicator: two assets → largest eigenvalue share (1 + |ρ|)/2
        let b = f.breakdown(1).unwrap();
        assert!((b.largest_eigenvalue_share - (1.0 + r12) / 2.0).abs() < 1e-12);
        assert!((b.mean_correlation - r12).abs() < 1e-15);
        let r0 = 0.3 / (1.2f64 * 0.9).sqrt();
        assert!((b.mean_correlation_change.unwrap() - (r12 - r0)).abs() < 1e-15);
        assert_eq!(f.breakdown(5).unwrap().mean_correlation_change, None);
    }

    #[test]
    fn forecasts_revert_to_the_target() {
        let qbar = [1.0, 0.5, 0.5, 1.0];
        let q = [1.2, -0.3, -0.3, 0.9];
        let f = DccFilter::new(filters(2), 0.05, 0.9, &qbar, &q).unwrap();
        let fc = f.forecast_correlation(500).unwrap();
        assert!(f.forecast_correlation(usize::MAX).is_err());
        assert_eq!(fc[0], f.correlation().to_vec());
        assert!((fc[499][1] - 0.5).abs() < 1e-9);
        // monotone move from the current correlation to the target
        assert!(fc[1][1] > fc[0][1] && fc[10][1] > fc[1][1]);
    }

    #[test]
    fn bad_construction() {
        let qbar = [1.0, 0.5, 0.5, 1.0];
        assert_eq!(
            DccFilter::new(filters(2), 0.5, 0.6, &qbar, &qbar)
                .unwrap_err()
                .code(),
            "ERR_INVALID_PARAMETER"
        );
        assert_eq!(
            DccFilter::new(filters(1), 0.1, 0.8, &[1.0], &[1.0])
                .unwrap_err()
                .code(),
            "ERR_INVALID_PARAMETER"
        );
        assert_eq!(
            DccFilter::new(filters(2), 0.1, 0.8, &qbar, &[1.0])
                .unwrap_err()
                .code(),
            "ERR_LENGTH_MISMATCH"
        );
        assert_eq!(
            fit_dcc(&[0.1; 31], 1, &DccOptions::default())
                .unwrap_err()
                .code(),
            "ERR_INVALID_PARAMETER"
        );
        assert_eq!(
            fit_dcc(&[0.1; 31], 2, &DccOptions::default())
                .unwrap_err()
                .code(),
            "ERR_LENGTH_MISMATCH"
        );
        let mut nan = vec![0.1; 200];
        nan[5] = f64::NAN;
        assert_eq!(
            fit_dcc(&nan, 2, &DccOptions::default()).unwrap_err().code(),
            "ERR_NOT_FINITE"
        );
    }

    #[test]
    fn recovers_simulated_dcc_parameters() {
        let u = [
            uni(0.05, 0.02, 0.08, 0.9),
            uni(0.0, 0.05, 0.1, 0.85),
            uni(0.02, 0.01, 0.05, 0.94),
        ];
        let qbar = [1.0, 0.6, 0.2, 0.6, 1.0, 0.4, 0.2, 0.4, 1.0];
        let (a, b) = (0.04, 0.93);
        let sim = simulate(&u, a, b, &qbar, 4000, 300, 7).unwrap();
        let f = fit_dcc(&sim.returns, 3, &DccOptions::default()).unwrap();
        assert_eq!(f.status(), FitStatus::Converged);
        let c = &f.correlation;
        let se = c.std_errors.expect("standard errors");
        assert!(((c.a - a) / se[0]).abs() < 4.0, "a {} se {}", c.a, se[0]);
        assert!(((c.b - b) / se[1]).abs() < 4.0, "b {} se {}", c.b, se[1]);
        // The filter replays the sample: from Q̄ and the fitted residuals its R_t equals the
        // likelihood recursion's (checked on the mean correlation path).
        let z: Vec<f64> = {
            let mut z = vec![0.0; sim.returns.len()];
            for (i, fit) in f.univariate.iter().enumerate() {
                let col: Vec<f64> = sim.returns.chunks_exact(3).map(|r| r[i]).collect();
                for (t, v) in fit.std_residuals(&col).unwrap().iter().enumerate() {
                    z[t * 3 + i] = *v;
                }
            }
            z
        };
        let mut filt = DccFilter::new(filters(3), c.a, c.b, &c.qbar, &c.qbar).unwrap();
        for t in 0..4000 {
            let mc = filt.breakdown(0).unwrap().mean_correlation;
            assert!((mc - c.mean_correlation[t]).abs() < 1e-12, "t = {t}");
            filt.update_standardized(&z[t * 3..t * 3 + 3]).unwrap();
        }
        for (g, w) in filt.q().iter().zip(&c.q_next) {
            assert!((g - w).abs() < 1e-12);
        }
    }
}
