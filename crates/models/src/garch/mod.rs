//! The GARCH family: GARCH(1,1), GJR-GARCH(1,1) and EGARCH(1,1) with a constant (or zero)
//! mean and Normal or standardised Student-t errors.
//!
//! ```text
//! r_t = μ + e_t,  e_t = √h_t · z_t,  z_t iid, E z = 0, Var z = 1
//! GARCH   h_t = ω + α e²_{t−1} + β h_{t−1}
//! GJR     h_t = ω + (α + γ·1[e_{t−1} < 0]) e²_{t−1} + β h_{t−1}
//! EGARCH  ln h_t = ω + α(|z_{t−1}| − √(2/π)) + γ z_{t−1} + β ln h_{t−1}
//! ```
//!
//! - [`fit`]: maximum likelihood with analytic gradients ([`crate::optim`]), classic
//!   (inverse Hessian) and robust (sandwich/QMLE) standard errors, AIC/BIC, a status.
//! - [`loglik`]: the log-likelihood and variance path at given parameters.
//! - [`GarchFilter`]: the online one-observation variance update and h-step forecasts.
//!
//! # Variance initialisation
//! The recursion needs values for the pre-sample `e²_{−1}` and `h_{−1}` ([`VarianceInit`]):
//! - [`VarianceInit::Backcast`] (default; Python `arch`'s convention): both are the
//!   exponentially weighted mean of the first `min(75, n)` squared residuals with weights
//!   `0.94^i` (normalised), the residuals taken from the sample mean (or the raw returns for a
//!   zero mean), computed once and held fixed during the fit. So
//!   `h₀ = ω + (α + γ/2 + β)·b` for GARCH/GJR and `ln h₀ = ω + β·ln b` for EGARCH (arch adds
//!   no `α`/`γ` term at `t = 0` for EGARCH).
//! - [`VarianceInit::Fixed`]: a given pre-sample value `b` used the same way (arch's
//!   `backcast=` argument).
//! - [`VarianceInit::FGarch`] (R fGarch's `"mci"`): `h₀ = ω + (α + γ/2 + β)·mean((r − μ)²)`
//!   with the *current* `μ`, re-evaluated at every likelihood evaluation. GARCH and GJR only.
//!
//! # Parameter scaling
//! Fits run on the returns divided by their standard deviation `s` (so that `ω`, `μ` are of
//! order one whatever the units) and map back: `μ = s·μ'`, `ω = s²·ω'` (GARCH/GJR) or
//! `ω = ω' + (1 − β)·ln s²` (EGARCH); the log-likelihood and standard errors reported are those
//! of the original data. This changes nothing in the optimum, only the conditioning.

mod kernel;

use tachyon_stats::linalg::{inverse_spd, Matrix};
use tachyon_stats::rng::Rng;
use tachyon_stats::special::norm_cdf;

use crate::error::{check_finite, check_param, check_same_len, ModelError, Result};
use crate::optim::{self, OptimOptions, OptimStatus, Problem};
use kernel::{Full, Normal, Start, ALPHA, BETA, GAMMA, MU, NFULL, NU, OMEGA};

/// `√(2/π)`, the mean of `|z|` for a standard normal `z` (used by EGARCH).
pub const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;

/// Fewest observations a fit accepts.
pub const MIN_OBS: usize = 30;

/// Most values a forecast or simulation produces (guards memory against a mistyped size).
pub const MAX_OUTPUT: usize = 100_000_000;

/// Which variance equation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GarchKind {
    /// GARCH(1,1).
    Garch,
    /// GJR-GARCH(1,1) (threshold GARCH with a squared-residual asymmetry term).
    Gjr,
    /// Nelson's EGARCH(1,1), in Python `arch`'s parameterisation.
    Egarch,
}

/// Distribution of the standardised errors `z_t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorDist {
    /// Standard normal.
    Normal,
    /// Student-t with `ν > 2` degrees of freedom, scaled to unit variance (as in `arch`'s
    /// `StudentsT` and fGarch's `"std"`).
    StudentT,
}

/// The mean equation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeanModel {
    /// `r_t = μ + e_t` with `μ` estimated.
    Constant,
    /// `r_t = e_t`.
    Zero,
}

/// How the variance recursion starts (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VarianceInit {
    /// `arch`'s exponentially weighted backcast (the default).
    Backcast,
    /// A given pre-sample variance (> 0), in the units of the returns squared.
    Fixed(f64),
    /// fGarch's `"mci"` start (GARCH and GJR only).
    FGarch,
}

/// A model: variance equation, error distribution, mean, initialisation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GarchSpec {
    /// Variance equation.
    pub kind: GarchKind,
    /// Error distribution.
    pub dist: ErrorDist,
    /// Mean equation.
    pub mean: MeanModel,
    /// Recursion start.
    pub init: VarianceInit,
}

impl Default for GarchSpec {
    fn default() -> Self {
        Self::new(GarchKind::Garch, ErrorDist::Normal)
    }
}

impl GarchSpec {
    /// A model with a constant mean and the backcast start.
    #[must_use]
    pub fn new(kind: GarchKind, dist: ErrorDist) -> Self {
        Self {
            kind,
            dist,
            mean: MeanModel::Constant,
            init: VarianceInit::Backcast,
        }
    }

    /// Full-layout indices of the estimated parameters, in reporting order.
    pub(crate) fn layout(&self) -> Vec<usize> {
        let mut l = Vec::with_capacity(NFULL);
        if self.mean == MeanModel::Constant {
            l.push(MU);
        }
        l.push(OMEGA);
        l.push(ALPHA);
        if self.kind != GarchKind::Garch {
            l.push(GAMMA);
        }
        l.push(BETA);
        if self.dist == ErrorDist::StudentT {
            l.push(NU);
        }
        l
    }

    /// Names of the estimated parameters in reporting order (`mu`, `omega`, `alpha`, `gamma`,
    /// `beta`, `nu`, as present).
    #[must_use]
    pub fn param_names(&self) -> Vec<&'static str> {
        const NAMES: [&str; NFULL] = ["mu", "omega", "alpha", "gamma", "beta", "nu"];
        self.layout().into_iter().map(|i| NAMES[i]).collect()
    }

    /// Number of estimated parameters.
    #[must_use]
    pub fn n_params(&self) -> usize {
        self.layout().len()
    }

    /// Checks the combination is defined.
    ///
    /// # Errors
    /// [`ModelError::InvalidSpec`] for the fGarch start with EGARCH;
    /// [`ModelError::InvalidParameter`] for a fixed start that is not a positive number.
    pub fn validate(&self) -> Result<()> {
        match self.init {
            VarianceInit::FGarch if self.kind == GarchKind::Egarch => {
                Err(ModelError::InvalidSpec {
                    reason: "the fGarch variance start is defined for GARCH and GJR only",
                })
            }
            VarianceInit::Fixed(v) => check_param(v, v > 0.0, "initial variance", "must be > 0"),
            _ => Ok(()),
        }
    }
}

/// Parameters of a model. Parameters a model does not have are ignored (`gamma` for GARCH,
/// `mu` for a zero mean, `nu` for Normal errors).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GarchParams {
    /// Mean `μ`.
    pub mu: f64,
    /// Constant `ω` (EGARCH: of the log-variance equation).
    pub omega: f64,
    /// ARCH coefficient `α`.
    pub alpha: f64,
    /// Asymmetry `γ` (GJR: extra weight of negative shocks; EGARCH: sign term).
    pub gamma: f64,
    /// GARCH coefficient `β`.
    pub beta: f64,
    /// Student-t degrees of freedom `ν` (`None` for Normal errors).
    pub nu: Option<f64>,
}

impl GarchParams {
    pub(crate) fn to_full(self, spec: &GarchSpec) -> Full {
        let mut p = [0.0; NFULL];
        p[MU] = if spec.mean == MeanModel::Constant {
            self.mu
        } else {
            0.0
        };
        p[OMEGA] = self.omega;
        p[ALPHA] = self.alpha;
        p[GAMMA] = if spec.kind == GarchKind::Garch {
            0.0
        } else {
            self.gamma
        };
        p[BETA] = self.beta;
        p[NU] = match spec.dist {
            ErrorDist::Normal => f64::INFINITY,
            ErrorDist::StudentT => self.nu.unwrap_or(f64::NAN),
        };
        p
    }

    pub(crate) fn from_full(p: &Full, spec: &GarchSpec) -> Self {
        Self {
            mu: p[MU],
            omega: p[OMEGA],
            alpha: p[ALPHA],
            gamma: if spec.kind == GarchKind::Garch {
                0.0
            } else {
                p[GAMMA]
            },
            beta: p[BETA],
            nu: match spec.dist {
                ErrorDist::Normal => None,
                ErrorDist::StudentT => Some(p[NU]),
            },
        }
    }

    /// Persistence: `α + β` (GARCH), `α + γ/2 + β` (GJR, symmetric errors), `β` (EGARCH).
    #[must_use]
    pub fn persistence(&self, kind: GarchKind) -> f64 {
        match kind {
            GarchKind::Garch => self.alpha + self.beta,
            GarchKind::Gjr => self.alpha + 0.5 * self.gamma + self.beta,
            GarchKind::Egarch => self.beta,
        }
    }

    /// Unconditional variance `E h`: `ω/(1 − φ)` for GARCH/GJR with persistence `φ < 1`; for
    /// EGARCH with Normal errors the exact `exp(ω/(1−β))·Π_{j≥0} E exp(β^j(α(|z|−√(2/π)) + γz))`
    /// (the limit of the analytic forecast). `None` where it is infinite or undefined
    /// (`φ ≥ 1`, EGARCH with Student-t errors).
    #[must_use]
    pub fn unconditional_variance(&self, spec: &GarchSpec) -> Option<f64> {
        match spec.kind {
            GarchKind::Garch | GarchKind::Gjr => {
                let phi = self.persistence(spec.kind);
                if phi < 1.0 && self.omega > 0.0 {
                    Some(self.omega / (1.0 - phi))
                } else {
                    None
                }
            }
            GarchKind::Egarch => {
                if spec.dist == ErrorDist::StudentT || self.beta.is_nan() || self.beta.abs() >= 1.0
                {
                    return None;
                }
                let mut log_m = 0.0;
                let mut bj = 1.0_f64;
                for _ in 0..100_000 {
                    if bj.abs() < 1e-17 {
                        break;
                    }
                    log_m += ln_mgf_egarch(bj * self.alpha, bj * self.gamma);
                    bj *= self.beta;
                }
                let v = (self.omega / (1.0 - self.beta) + log_m).exp();
                if v.is_finite() {
                    Some(v)
                } else {
                    None
                }
            }
        }
    }

    /// Checks the parameters define a valid (positive) variance recursion for `spec`:
    /// all finite; GARCH/GJR `ω > 0`, `α ≥ 0`, `β ≥ 0`, GJR `α + γ ≥ 0`; EGARCH `|β| < 1`;
    /// Student-t `ν > 2`.
    ///
    /// # Errors
    /// [`ModelError::InvalidParameter`] naming the first offending parameter.
    pub fn validate(&self, spec: &GarchSpec) -> Result<()> {
        if spec.mean == MeanModel::Constant {
            check_param(self.mu, true, "mu", "must be finite")?;
        }
        match spec.kind {
            GarchKind::Garch | GarchKind::Gjr => {
                check_param(self.omega, self.omega > 0.0, "omega", "must be > 0")?;
                check_param(self.alpha, self.alpha >= 0.0, "alpha", "must be >= 0")?;
                check_param(self.beta, self.beta >= 0.0, "beta", "must be >= 0")?;
                if spec.kind == GarchKind::Gjr {
                    check_param(
                        self.gamma,
                        self.alpha + self.gamma >= 0.0,
                        "gamma",
                        "must satisfy alpha + gamma >= 0",
                    )?;
                }
            }
            GarchKind::Egarch => {
                check_param(self.omega, true, "omega", "must be finite")?;
                check_param(self.alpha, true, "alpha", "must be finite")?;
                check_param(self.gamma, true, "gamma", "must be finite")?;
                check_param(
                    self.beta,
                    self.beta.abs() < 1.0,
                    "beta",
                    "must satisfy |beta| < 1",
                )?;
            }
        }
        if spec.dist == ErrorDist::StudentT {
            let nu = self.nu.unwrap_or(f64::NAN);
            check_param(nu, nu > 2.0, "nu", "must be > 2")?;
        }
        Ok(())
    }
}

/// Dispatches a kernel evaluation on the error distribution.
fn eval_dist<S: kernel::Sink>(
    spec: &GarchSpec,
    p: &Full,
    r: &[f64],
    start: Start,
    sink: &mut S,
) -> kernel::Eval {
    match spec.dist {
        ErrorDist::Normal => kernel::eval(spec.kind, p, r, start, Normal::default(), sink),
        ErrorDist::StudentT => {
            let d = kernel::StudentT::new(p[NU]);
            if d.valid() {
                kernel::eval(spec.kind, p, r, start, d, sink)
            } else {
                kernel::INVALID
            }
        }
    }
}

/// `arch`'s backcast: `Σ w_i e_i²` over the first `min(75, n)` residuals, `w_i ∝ 0.94^i`.
#[must_use]
pub fn ewma_backcast(resid: &[f64]) -> f64 {
    let tau = resid.len().min(75);
    let (mut num, mut den, mut w) = (0.0, 0.0, 1.0);
    for e in &resid[..tau] {
        num += w * e * e;
        den += w;
        w *= 0.94;
    }
    num / den
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Checks that `returns` can be fitted with `spec` (finite, long enough, not constant, valid
/// spec) without fitting: the checks [`fit`] starts with.
///
/// # Errors
/// As [`fit`].
pub fn validate_input(returns: &[f64], spec: &GarchSpec) -> Result<()> {
    check_returns(returns, spec).map(|_| ())
}

/// Validates returns for a model and returns their mean and population standard deviation.
fn check_returns(r: &[f64], spec: &GarchSpec) -> Result<(f64, f64)> {
    spec.validate()?;
    check_finite(r, "returns")?;
    let needed = MIN_OBS.max(5 * spec.n_params());
    crate::error::check_len(r.len(), needed, "returns")?;
    let m = mean(r);
    let var = r.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / r.len() as f64;
    let sd = var.sqrt();
    // Constant up to rounding: a series whose spread is below 1e-12 of its level (the mean of
    // a constant series is rarely exact in floating point, so `sd` is a few ulps, not 0).
    if !sd.is_finite() || sd == 0.0 || sd <= 1e-12 * m.abs() {
        return Err(ModelError::Constant { what: "returns" });
    }
    Ok((m, sd))
}

/// The pre-sample start for data `r` (in whatever scale `r` is).
fn start_for(spec: &GarchSpec, r: &[f64], m: f64, scale2: f64) -> Start {
    match spec.init {
        VarianceInit::Backcast => {
            let resid: Vec<f64> = r
                .iter()
                .take(75)
                .map(|x| {
                    if spec.mean == MeanModel::Constant {
                        x - m
                    } else {
                        *x
                    }
                })
                .collect();
            Start::Backcast(ewma_backcast(&resid))
        }
        VarianceInit::Fixed(v) => Start::Backcast(v / scale2),
        VarianceInit::FGarch => Start::FGarch,
    }
}

/// The log-likelihood of `returns` under `spec` at `params`, with the conditional variances.
#[derive(Debug, Clone, PartialEq)]
pub struct Likelihood {
    /// Total log-likelihood.
    pub loglik: f64,
    /// Gradient of the log-likelihood with respect to the estimated parameters
    /// ([`GarchSpec::param_names`] order).
    pub gradient: Vec<f64>,
    /// Conditional variance `h_t` of every observation.
    pub variances: Vec<f64>,
    /// Variance of the next (out-of-sample) observation.
    pub next_variance: f64,
}

/// Evaluates the log-likelihood at given parameters (no fitting).
///
/// # Errors
/// Invalid input ([`ModelError::NotFinite`], [`ModelError::TooShort`], …), invalid
/// parameters, or [`ModelError::InvalidParameter`] naming `params` when the variance path is
/// not positive and finite.
pub fn loglik(returns: &[f64], spec: &GarchSpec, params: &GarchParams) -> Result<Likelihood> {
    let (m, _) = check_returns(returns, spec)?;
    params.validate(spec)?;
    let start = start_for(spec, returns, m, 1.0);
    let p = params.to_full(spec);
    let mut sink = kernel::Collect::<false>::default();
    let e = eval_dist(spec, &p, returns, start, &mut sink);
    if !e.loglik.is_finite() {
        return Err(ModelError::InvalidParameter {
            name: "params",
            reason: "give a non-positive or non-finite variance path",
            value: f64::NAN,
        });
    }
    Ok(Likelihood {
        loglik: e.loglik,
        gradient: spec.layout().iter().map(|&i| e.grad[i]).collect(),
        variances: sink.variances,
        next_variance: e.h_next,
    })
}

/// Options of [`fit`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// Optimiser budgets and tolerances (on the mean negative log-likelihood of the scaled
    /// data).
    pub optim: OptimOptions,
    /// Compute standard errors (a numerical Hessian from analytic gradients; default true).
    pub std_errors: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            optim: OptimOptions::default(),
            std_errors: true,
        }
    }
}

/// How a fit ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitStatus {
    /// The optimiser converged.
    Converged,
    /// The iteration budget ran out; the estimates are the best point found.
    MaxIterations,
    /// The evaluation budget ran out; the estimates are the best point found.
    MaxEvaluations,
    /// The line search could not make progress away from a stationary point; the estimates
    /// are the best point found.
    LineSearchFailed,
    /// No starting point gave a finite likelihood; nothing was estimated.
    NoFiniteStart,
}

impl FitStatus {
    /// Stable string: `converged`, `max_iterations`, `max_evaluations`, `line_search_failed`,
    /// `no_finite_start`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Converged => "converged",
            Self::MaxIterations => "max_iterations",
            Self::MaxEvaluations => "max_evaluations",
            Self::LineSearchFailed => "line_search_failed",
            Self::NoFiniteStart => "no_finite_start",
        }
    }

    pub(crate) fn from_optim(s: OptimStatus) -> Self {
        match s {
            OptimStatus::Converged => Self::Converged,
            OptimStatus::MaxIterations => Self::MaxIterations,
            OptimStatus::MaxEvaluations => Self::MaxEvaluations,
            OptimStatus::LineSearchFailed => Self::LineSearchFailed,
            OptimStatus::NonFiniteStart | OptimStatus::InfeasibleStart => Self::NoFiniteStart,
        }
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct GarchFit {
    /// The model.
    pub spec: GarchSpec,
    /// Estimates.
    pub params: GarchParams,
    /// Parameter names in reporting order.
    pub names: Vec<&'static str>,
    /// Estimates in reporting order.
    pub estimates: Vec<f64>,
    /// Standard errors from the inverse Hessian (`None` when not requested or the Hessian is
    /// not positive definite, e.g. at a bound).
    pub std_errors: Option<Vec<f64>>,
    /// Robust (sandwich, QMLE) standard errors `H⁻¹ J H⁻¹` with `J` the outer product of the
    /// per-observation scores.
    pub robust_std_errors: Option<Vec<f64>>,
    /// Log-likelihood at the estimates.
    pub loglik: f64,
    /// `−2·loglik + 2k`.
    pub aic: f64,
    /// `−2·loglik + k·ln n`.
    pub bic: f64,
    /// Observations.
    pub nobs: usize,
    /// How the fit ended.
    pub status: FitStatus,
    /// Optimiser iterations (all starts).
    pub iterations: usize,
    /// Likelihood evaluations (starting grid, optimiser and Hessian).
    pub evaluations: usize,
    /// Names of the parameters that ended on a bound or on the stationarity constraint
    /// (standard errors are unreliable there).
    pub at_bounds: Vec<&'static str>,
    /// Pre-sample variance used (`None` for the fGarch start, which depends on the estimates).
    pub backcast: Option<f64>,
    /// Conditional variances `h_t` in the sample.
    pub variances: Vec<f64>,
    /// Variance of the next observation (the one-step forecast).
    pub next_variance: f64,
}

impl GarchFit {
    /// An online filter positioned after the last observation of the sample.
    #[must_use]
    pub fn filter(&self) -> GarchFilter {
        GarchFilter::new_unchecked(self.spec, self.params, self.next_variance)
    }

    /// Standardised residuals `(r_t − μ)/√h_t` (needs the returns the model was fitted on).
    ///
    /// # Errors
    /// [`ModelError::LengthMismatch`] if `returns` is not the fitted series' length.
    pub fn std_residuals(&self, returns: &[f64]) -> Result<Vec<f64>> {
        check_same_len(self.nobs, returns.len(), "returns")?;
        let mu = if self.spec.mean == MeanModel::Constant {
            self.params.mu
        } else {
            0.0
        };
        Ok(returns
            .iter()
            .zip(&self.variances)
            .map(|(r, h)| (r - mu) / h.sqrt())
            .collect())
    }
}

/// The negative mean log-likelihood of the scaled data, over the estimated parameters.
struct Nll<'a> {
    spec: &'a GarchSpec,
    layout: &'a [usize],
    base: Full,
    r: &'a [f64],
    start: Start,
    evals: usize,
}

impl Nll<'_> {
    fn full(&self, x: &[f64]) -> Full {
        let mut p = self.base;
        for (k, &i) in self.layout.iter().enumerate() {
            p[i] = x[k];
        }
        p
    }
}

impl optim::Objective for Nll<'_> {
    fn eval(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        self.evals += 1;
        let p = self.full(x);
        let e = eval_dist(self.spec, &p, self.r, self.start, &mut ());
        if !e.loglik.is_finite() {
            return f64::INFINITY;
        }
        let n = self.r.len() as f64;
        for (k, &i) in self.layout.iter().enumerate() {
            g[k] = -e.grad[i] / n;
        }
        -e.loglik / n
    }
}

/// Box bounds and linear constraints in the scaled space (`v` = mean squared residual there).
fn problem_for(spec: &GarchSpec, layout: &[usize], v: f64) -> Problem {
    let k = layout.len();
    let (mut lo, mut hi) = (vec![f64::NEG_INFINITY; k], vec![f64::INFINITY; k]);
    let pos = |i: usize| layout.iter().position(|&j| j == i);
    for (slot, &i) in layout.iter().enumerate() {
        let (l, h) = match (spec.kind, i) {
            (_, MU) => (f64::NEG_INFINITY, f64::INFINITY),
            (GarchKind::Egarch, OMEGA) => (v.ln() - 1e4_f64.ln(), v.ln() + 1e4_f64.ln()),
            (_, OMEGA) => (1e-8 * v, 10.0 * v),
            (GarchKind::Egarch, ALPHA | GAMMA) => (-10.0, 10.0),
            (_, ALPHA | BETA) => (0.0, 1.0),
            (_, GAMMA) => (-1.0, 2.0),
            (_, NU) => (2.05, 500.0),
            _ => (f64::NEG_INFINITY, f64::INFINITY),
        };
        lo[slot] = l;
        hi[slot] = h;
    }
    let mut prob = Problem::new(lo, hi);
    if spec.kind != GarchKind::Egarch {
        // Stationarity: α + γ/2 + β ≤ 1.
        let mut a = vec![0.0; k];
        a[pos(ALPHA).unwrap_or(0)] = 1.0;
        a[pos(BETA).unwrap_or(0)] = 1.0;
        if let Some(g) = pos(GAMMA) {
            a[g] = 0.5;
            // Positivity: α + γ ≥ 0  ⇔  −α − γ ≤ 0.
            let mut b = vec![0.0; k];
            b[pos(ALPHA).unwrap_or(0)] = -1.0;
            b[g] = -1.0;
            prob = prob.with_linear(b, 0.0);
        }
        prob = prob.with_linear(a, 1.0);
    }
    prob
}

/// Starting points (scaled space) in the estimated-parameter order.
fn start_grid(spec: &GarchSpec, layout: &[usize], mu0: f64, v: f64) -> Vec<Vec<f64>> {
    let mut fulls: Vec<Full> = Vec::new();
    let mut p = [mu0, 0.0, 0.0, 0.0, 0.0, 8.0];
    match spec.kind {
        GarchKind::Garch => {
            for &alpha in &[0.03, 0.08, 0.15] {
                for &persist in &[0.9, 0.97, 0.995] {
                    p[OMEGA] = v * (1.0 - persist);
                    p[ALPHA] = alpha;
                    p[BETA] = persist - alpha;
                    fulls.push(p);
                }
            }
        }
        GarchKind::Gjr => {
            for &(alpha, gamma) in &[(0.02, 0.06), (0.05, 0.1), (0.08, 0.04)] {
                for &persist in &[0.9, 0.97, 0.995] {
                    p[OMEGA] = v * (1.0 - persist);
                    p[ALPHA] = alpha;
                    p[GAMMA] = gamma;
                    p[BETA] = persist - alpha - 0.5 * gamma;
                    fulls.push(p);
                }
            }
        }
        GarchKind::Egarch => {
            for &(alpha, gamma) in &[(0.1, -0.05), (0.2, -0.1), (0.1, 0.0)] {
                for &beta in &[0.9, 0.97, 0.995] {
                    p[OMEGA] = v.ln() * (1.0 - beta);
                    p[ALPHA] = alpha;
                    p[GAMMA] = gamma;
                    p[BETA] = beta;
                    fulls.push(p);
                }
            }
        }
    }
    fulls
        .into_iter()
        .map(|f| layout.iter().map(|&i| f[i]).collect())
        .collect()
}

/// Fits a model by maximum likelihood.
///
/// Every starting point of a small grid is scored; the optimiser runs from the best, and from
/// the next best ones if it does not converge (the best result is kept). Standard errors come
/// from a central-difference Hessian of the analytic gradient.
///
/// # Errors
/// Input the model cannot use: [`ModelError::NotFinite`], [`ModelError::TooShort`] (fewer than
/// [`MIN_OBS`] or 5 per parameter), [`ModelError::Constant`], an invalid spec. A fit that runs
/// but does not converge is not an error: see [`GarchFit::status`].
pub fn fit(returns: &[f64], spec: &GarchSpec, opts: &FitOptions) -> Result<GarchFit> {
    let (m, sd) = check_returns(returns, spec)?;
    let n = returns.len();
    let rs: Vec<f64> = returns.iter().map(|x| x / sd).collect();
    let ms = m / sd;
    let start = start_for(spec, &rs, ms, sd * sd);
    let layout = spec.layout();
    let v = match spec.mean {
        MeanModel::Constant => rs.iter().map(|x| (x - ms) * (x - ms)).sum::<f64>() / n as f64,
        MeanModel::Zero => rs.iter().map(|x| x * x).sum::<f64>() / n as f64,
    };
    let problem = problem_for(spec, &layout, v);
    let mut base = [0.0; NFULL];
    base[NU] = f64::INFINITY;
    let mut nll = Nll {
        spec,
        layout: &layout,
        base,
        r: &rs,
        start,
        evals: 0,
    };
    // Score the starting grid.
    let mut scratch = vec![0.0; layout.len()];
    let mu0 = if spec.mean == MeanModel::Constant {
        ms
    } else {
        0.0
    };
    let mut starts: Vec<(f64, Vec<f64>)> = start_grid(spec, &layout, mu0, v)
        .into_iter()
        .filter(|x| problem.is_feasible(x, 0.0))
        .map(|x| (optim::Objective::eval(&mut nll, &x, &mut scratch), x))
        .filter(|(f, _)| f.is_finite())
        .collect();
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<optim::OptimResult> = None;
    let mut iterations = 0;
    for (_, x0) in starts.iter().take(3) {
        let r = optim::minimize(&mut nll, x0, &problem, &opts.optim);
        iterations += r.iterations;
        let better = match &best {
            None => true,
            Some(b) => {
                (r.status.is_converged() && !b.status.is_converged())
                    || (r.status.is_converged() == b.status.is_converged() && r.f < b.f)
            }
        };
        let done = r.status.is_converged();
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
            return Ok(failed_fit(spec, n, nll.evals, m));
        }
    };
    let xs = best.x.clone();
    let at_bounds = at_bounds(spec, &problem, &xs);
    let status = FitStatus::from_optim(best.status);
    // Back to the original scale.
    let full_s = nll.full(&xs);
    let full = unscale(spec, &full_s, sd);
    let params = GarchParams::from_full(&full, spec);
    let start_o = match start {
        Start::Backcast(b) => Start::Backcast(b * sd * sd),
        Start::FGarch => Start::FGarch,
    };
    let mut sink = kernel::Collect::<false>::default();
    let e = eval_dist(spec, &full, returns, start_o, &mut sink);
    let (std_errors, robust_std_errors) = if opts.std_errors {
        std_errors(&mut nll, &xs, spec, &layout, &full_s, sd)
    } else {
        (None, None)
    };
    let k = layout.len() as f64;
    Ok(GarchFit {
        spec: *spec,
        params,
        names: spec.param_names(),
        estimates: layout.iter().map(|&i| full[i]).collect(),
        std_errors,
        robust_std_errors,
        loglik: e.loglik,
        aic: -2.0 * e.loglik + 2.0 * k,
        bic: -2.0 * e.loglik + k * (n as f64).ln(),
        nobs: n,
        status,
        iterations,
        evaluations: nll.evals,
        at_bounds,
        backcast: match start_o {
            Start::Backcast(b) => Some(b),
            Start::FGarch => None,
        },
        variances: sink.variances,
        next_variance: e.h_next,
    })
}

/// The result of a fit that found no starting point with a finite likelihood.
fn failed_fit(spec: &GarchSpec, n: usize, evals: usize, m: f64) -> GarchFit {
    let params = GarchParams {
        mu: m,
        omega: f64::NAN,
        alpha: f64::NAN,
        gamma: f64::NAN,
        beta: f64::NAN,
        nu: None,
    };
    GarchFit {
        spec: *spec,
        params,
        names: spec.param_names(),
        estimates: vec![f64::NAN; spec.n_params()],
        std_errors: None,
        robust_std_errors: None,
        loglik: f64::NAN,
        aic: f64::NAN,
        bic: f64::NAN,
        nobs: n,
        status: FitStatus::NoFiniteStart,
        iterations: 0,
        evaluations: evals,
        at_bounds: Vec::new(),
        backcast: None,
        variances: Vec::new(),
        next_variance: f64::NAN,
    }
}

/// Scaled-space full parameters → original scale (`sd` = scale of the returns).
fn unscale(spec: &GarchSpec, p: &Full, sd: f64) -> Full {
    let mut q = *p;
    q[MU] = p[MU] * sd;
    q[OMEGA] = match spec.kind {
        GarchKind::Garch | GarchKind::Gjr => p[OMEGA] * sd * sd,
        GarchKind::Egarch => p[OMEGA] + (1.0 - p[BETA]) * (sd * sd).ln(),
    };
    q
}

/// Names of parameters on a bound or in an active linear constraint.
fn at_bounds(spec: &GarchSpec, prob: &Problem, x: &[f64]) -> Vec<&'static str> {
    let names = spec.param_names();
    let mut out = Vec::new();
    for (k, name) in names.iter().enumerate() {
        let tol = 1e-9 * (1.0 + x[k].abs());
        if x[k] <= prob.lower[k] + tol || x[k] >= prob.upper[k] - tol {
            out.push(*name);
        }
    }
    for c in &prob.linear {
        let s: f64 = c.a.iter().zip(x).map(|(a, v)| a * v).sum();
        if s >= c.b - 1e-9 {
            for (k, name) in names.iter().enumerate() {
                if c.a[k] != 0.0 && !out.contains(name) {
                    out.push(*name);
                }
            }
        }
    }
    out
}

/// Classic and robust standard errors (original scale). `None`s when the Hessian is not
/// positive definite.
///
/// The Hessian of the negative log-likelihood is a central difference of the analytic
/// gradient in the scaled space (step `10⁻⁵·max(|θ|, 10⁻²)`, one-sided where a step leaves the
/// likelihood's domain); the robust form is `H⁻¹ (Σ s_t s_tᵀ) H⁻¹`. Both are mapped to the
/// original scale with the Jacobian of the unscaling.
fn std_errors(
    nll: &mut Nll<'_>,
    xs: &[f64],
    spec: &GarchSpec,
    layout: &[usize],
    full_s: &Full,
    sd: f64,
) -> (Option<Vec<f64>>, Option<Vec<f64>>) {
    let k = layout.len();
    let nf = nll.r.len() as f64;
    let mut g0 = vec![0.0; k];
    let f0 = optim::Objective::eval(nll, xs, &mut g0);
    if !f0.is_finite() {
        return (None, None);
    }
    let mut h = Matrix::zeros(k, k);
    let (mut gp, mut gm) = (vec![0.0; k], vec![0.0; k]);
    for j in 0..k {
        let step = 1e-5 * xs[j].abs().max(1e-2);
        let mut x = xs.to_vec();
        x[j] = xs[j] + step;
        let fp = optim::Objective::eval(nll, &x, &mut gp);
        x[j] = xs[j] - step;
        let fm = optim::Objective::eval(nll, &x, &mut gm);
        let width = match (fp.is_finite(), fm.is_finite()) {
            (true, true) => 2.0 * step,
            (true, false) => {
                gm.copy_from_slice(&g0);
                step
            }
            (false, true) => {
                gp.copy_from_slice(&g0);
                step
            }
            (false, false) => return (None, None),
        };
        // nll is the mean negative log-likelihood: scale to the total.
        for i in 0..k {
            h[(i, j)] = nf * (gp[i] - gm[i]) / width;
        }
    }
    for i in 0..k {
        for j in 0..i {
            let v = 0.5 * (h[(i, j)] + h[(j, i)]);
            h[(i, j)] = v;
            h[(j, i)] = v;
        }
    }
    let cov = match inverse_spd(&h) {
        Ok(c) => c,
        Err(_) => return (None, None),
    };
    // Per-observation scores at the estimate (scaled space, total log-likelihood).
    let mut sink = kernel::Collect::<true>::default();
    let e = eval_dist(spec, full_s, nll.r, nll.start, &mut sink);
    if !e.loglik.is_finite() {
        return (None, None);
    }
    let mut opg = Matrix::zeros(k, k);
    for s in &sink.scores {
        for (a, &ia) in layout.iter().enumerate() {
            for (b, &ib) in layout.iter().enumerate() {
                opg[(a, b)] += s[ia] * s[ib];
            }
        }
    }
    let sandwich = cov.matmul(&opg).and_then(|m| m.matmul(&cov)).ok();
    // Jacobian of the map to the original scale.
    let mut jac = Matrix::identity(k);
    for (a, &ia) in layout.iter().enumerate() {
        match ia {
            MU => jac[(a, a)] = sd,
            OMEGA => match spec.kind {
                GarchKind::Garch | GarchKind::Gjr => jac[(a, a)] = sd * sd,
                GarchKind::Egarch => {
                    if let Some(b) = layout.iter().position(|&i| i == BETA) {
                        jac[(a, b)] = -(sd * sd).ln();
                    }
                }
            },
            _ => {}
        }
    }
    let to_se = |c: &Matrix| -> Option<Vec<f64>> {
        let m = jac
            .matmul(c)
            .and_then(|m| m.matmul(&jac.transpose()))
            .ok()?;
        let d = m.diag();
        if d.iter().all(|v| *v >= 0.0 && v.is_finite()) {
            Some(d.iter().map(|v| v.sqrt()).collect())
        } else {
            None
        }
    };
    (to_se(&cov), sandwich.as_ref().and_then(to_se))
}

/// An online GARCH-family variance filter: one observation in, the next period's variance out.
///
/// After `update(r_t)`, [`GarchFilter::variance`] is `h_{t+1}`, the variance of the next
/// return. Non-finite inputs are skipped and counted, never propagated.
#[derive(Debug, Clone, PartialEq)]
pub struct GarchFilter {
    spec: GarchSpec,
    params: GarchParams,
    p: Full,
    h: f64,
    lnh: f64,
    /// `1/√h` (EGARCH standardises with it).
    isd: f64,
    updates: u64,
    skipped: u64,
}

/// Counters of a [`GarchFilter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FilterStats {
    /// Observations applied.
    pub updates: u64,
    /// Observations skipped (non-finite, or a variance that would overflow).
    pub skipped: u64,
}

impl GarchFilter {
    /// A filter whose next-period variance is `h_next`.
    ///
    /// # Errors
    /// Invalid parameters ([`GarchParams::validate`]) or a non-positive `h_next`.
    pub fn new(spec: &GarchSpec, params: &GarchParams, h_next: f64) -> Result<Self> {
        params.validate(spec)?;
        check_param(h_next, h_next > 0.0, "variance", "must be > 0")?;
        Ok(Self::new_unchecked(*spec, *params, h_next))
    }

    fn new_unchecked(spec: GarchSpec, params: GarchParams, h_next: f64) -> Self {
        Self {
            p: params.to_full(&spec),
            spec,
            params,
            h: h_next,
            lnh: h_next.ln(),
            isd: 1.0 / h_next.sqrt(),
            updates: 0,
            skipped: 0,
        }
    }

    /// Applies one return; returns the variance of the next one.
    #[inline]
    pub fn update(&mut self, r: f64) -> f64 {
        let p = &self.p;
        let e = r - p[MU];
        let (h, lnh, isd) = match self.spec.kind {
            GarchKind::Garch => (
                p[OMEGA] + p[ALPHA] * e * e + p[BETA] * self.h,
                f64::NAN,
                f64::NAN,
            ),
            GarchKind::Gjr => {
                let a = if e < 0.0 {
                    p[ALPHA] + p[GAMMA]
                } else {
                    p[ALPHA]
                };
                (p[OMEGA] + a * e * e + p[BETA] * self.h, f64::NAN, f64::NAN)
            }
            GarchKind::Egarch => {
                let z = e * self.isd;
                let lnh = p[OMEGA]
                    + p[ALPHA] * (z.abs() - SQRT_2_OVER_PI)
                    + p[GAMMA] * z
                    + p[BETA] * self.lnh;
                // One exponential: √h, then h and 1/√h from it.
                let sd = (0.5 * lnh).exp();
                (sd * sd, lnh, 1.0 / sd)
            }
        };
        // Also rejects NaN/±∞ inputs (they make h non-finite).
        if h > 0.0 && h < f64::INFINITY {
            self.h = h;
            self.lnh = lnh;
            self.isd = isd;
            self.updates += 1;
        } else {
            self.skipped += 1;
        }
        self.h
    }

    /// Variance of the next observation.
    #[must_use]
    pub fn variance(&self) -> f64 {
        self.h
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> FilterStats {
        FilterStats {
            updates: self.updates,
            skipped: self.skipped,
        }
    }

    /// The model.
    #[must_use]
    pub fn spec(&self) -> &GarchSpec {
        &self.spec
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> &GarchParams {
        &self.params
    }

    /// Variance forecasts `E[h_{t+1}], …, E[h_{t+horizon}]` from the current state.
    ///
    /// GARCH/GJR: `E h_{t+k} = ω + φ·E h_{t+k−1}` with `φ` the persistence (`P(z < 0) = ½` for
    /// both error laws). EGARCH with Normal errors: the exact expectation
    /// `exp(ω(1−β^{k−1})/(1−β))·h^{β^{k−1}}·Π_{j<k−1} E exp(β^j(α(|z|−√(2/π)) + γz))`.
    ///
    /// # Errors
    /// [`ModelError::InvalidSpec`] for EGARCH with Student-t errors beyond one step (the
    /// expectation is infinite: `E exp(a|z|)` diverges for t errors; simulate instead).
    pub fn forecast(&self, horizon: usize) -> Result<Vec<f64>> {
        forecast_from(&self.spec, &self.params, self.h, horizon)
    }

    /// Sets the next-period variance (e.g. to restart from a stored state).
    ///
    /// # Errors
    /// [`ModelError::InvalidParameter`] for a non-positive or non-finite value.
    pub fn set_variance(&mut self, h_next: f64) -> Result<()> {
        check_param(h_next, h_next > 0.0, "variance", "must be > 0")?;
        self.h = h_next;
        self.lnh = h_next.ln();
        self.isd = 1.0 / h_next.sqrt();
        Ok(())
    }
}

/// A simulated path of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Returns `r_t = μ + √h_t z_t`.
    pub returns: Vec<f64>,
    /// Conditional variances `h_t`.
    pub variances: Vec<f64>,
}

/// Simulates `n` returns after discarding `burn`, with errors drawn from the model's law
/// (Normal, or unit-variance Student-t `t_ν·√((ν−2)/ν)`) by the portable seeded generator
/// `tachyon_stats::rng::Rng`: the same seed gives the same path on every platform.
///
/// The recursion starts at the unconditional variance (EGARCH: at `exp(ω/(1−β))`, its
/// log-variance mean).
///
/// # Errors
/// Invalid parameters; [`ModelError::InvalidParameter`] when the model has no stationary
/// starting variance (GARCH/GJR persistence ≥ 1).
pub fn simulate(
    spec: &GarchSpec,
    params: &GarchParams,
    n: usize,
    burn: usize,
    seed: u64,
) -> Result<Simulation> {
    params.validate(spec)?;
    check_param(
        n.saturating_add(burn) as f64,
        n.saturating_add(burn) <= MAX_OUTPUT,
        "n + burn",
        "must be at most 1e8",
    )?;
    let h0 = match spec.kind {
        GarchKind::Egarch => (params.omega / (1.0 - params.beta)).exp(),
        _ => params
            .unconditional_variance(spec)
            .ok_or(ModelError::InvalidParameter {
                name: "persistence",
                reason: "must be < 1 to simulate from the stationary variance",
                value: params.persistence(spec.kind),
            })?,
    };
    check_param(
        h0,
        h0 > 0.0,
        "initial variance",
        "must be a positive finite number",
    )?;
    let mut filter = GarchFilter::new_unchecked(*spec, *params, h0);
    let mut rng = Rng::new(seed);
    let mu = if spec.mean == MeanModel::Constant {
        params.mu
    } else {
        0.0
    };
    let t_scale = params.nu.map(|nu| ((nu - 2.0) / nu).sqrt());
    let mut out = Simulation {
        returns: Vec::with_capacity(n),
        variances: Vec::with_capacity(n),
    };
    for i in 0..n + burn {
        let h = filter.variance();
        let z = match (spec.dist, params.nu, t_scale) {
            (ErrorDist::StudentT, Some(nu), Some(s)) => rng.student_t(nu) * s,
            _ => rng.normal(),
        };
        let r = mu + h.sqrt() * z;
        filter.update(r);
        if i >= burn {
            out.returns.push(r);
            out.variances.push(h);
        }
    }
    Ok(out)
}

/// Analytic variance forecasts from next-period variance `h1`.
fn forecast_from(
    spec: &GarchSpec,
    params: &GarchParams,
    h1: f64,
    horizon: usize,
) -> Result<Vec<f64>> {
    check_param(
        horizon as f64,
        horizon <= MAX_OUTPUT,
        "horizon",
        "must be at most 1e8",
    )?;
    let mut out = Vec::with_capacity(horizon);
    if horizon == 0 {
        return Ok(out);
    }
    out.push(h1);
    match spec.kind {
        GarchKind::Garch | GarchKind::Gjr => {
            let phi = params.persistence(spec.kind);
            let mut h = h1;
            for _ in 1..horizon {
                h = params.omega + phi * h;
                out.push(h);
            }
        }
        GarchKind::Egarch => {
            if horizon > 1 && spec.dist == ErrorDist::StudentT {
                return Err(ModelError::InvalidSpec {
                    reason: "EGARCH with Student-t errors has no finite multi-step variance \
                             expectation; use simulation",
                });
            }
            let (w, a, g, b) = (params.omega, params.alpha, params.gamma, params.beta);
            // ln E h_{t+k} = ω Σ_{j<k−1} β^j + β^{k−1} ln h1 + Σ_{j<k−1} ln M(β^j)
            let mut log_m_sum = 0.0;
            let mut bj = 1.0; // β^j
            let mut geo = 0.0; // Σ_{j<k−1} β^j
            for _ in 1..horizon {
                log_m_sum += ln_mgf_egarch(bj * a, bj * g);
                geo += bj;
                bj *= b;
                out.push((w * geo + bj * h1.ln() + log_m_sum).exp());
            }
        }
    }
    Ok(out)
}

/// `ln E exp(a(|z| − √(2/π)) + g z)` for standard normal `z`:
/// `E exp(a|z| + gz) = e^{(a+g)²/2} Φ(a+g) + e^{(a−g)²/2} Φ(a−g)`.
fn ln_mgf_egarch(a: f64, g: f64) -> f64 {
    let (u, v) = (a + g, a - g);
    let t1 = 0.5 * u * u + norm_cdf(u).ln();
    let t2 = 0.5 * v * v + norm_cdf(v).ln();
    let m = t1.max(t2);
    m + ((t1 - m).exp() + (t2 - m).exp()).ln() - a * SQRT_2_OVER_PI
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Vec<f64> {
        kernel::tests::sample(n)
    }

    #[test]
    fn fit_recovers_a_reasonable_model_and_filter_continues_the_path() {
        let r = sample(2000);
        let spec = GarchSpec::default();
        let f = fit(&r, &spec, &FitOptions::default()).unwrap();
        assert_eq!(f.status, FitStatus::Converged, "{f:?}");
        assert_eq!(f.names, vec!["mu", "omega", "alpha", "beta"]);
        // The optimum is a stationary point of the original-scale likelihood.
        let l = loglik(&r, &spec, &f.params).unwrap();
        assert!((l.loglik - f.loglik).abs() < 1e-9 * f.loglik.abs());
        for g in &l.gradient {
            assert!(g.abs() < 1e-3, "gradient {:?}", l.gradient);
        }
        // Filtering the sample reproduces the in-sample variances.
        let mut filt = GarchFilter::new(&spec, &f.params, f.variances[0]).unwrap();
        for (x, h) in r.iter().zip(&f.variances) {
            assert!((filt.variance() - h).abs() < 1e-12 * h);
            filt.update(*x);
        }
        assert!((filt.variance() - f.next_variance).abs() < 1e-12 * f.next_variance);
        assert_eq!(filt.stats().updates, 2000);
    }

    /// Simulate with known parameters, fit, and check the truth lies within 4 standard errors.
    fn recovers(spec: GarchSpec, truth: GarchParams, seed: u64) {
        let sim = simulate(&spec, &truth, 6000, 500, seed).unwrap();
        let f = fit(&sim.returns, &spec, &FitOptions::default()).unwrap();
        assert_eq!(f.status, FitStatus::Converged, "{spec:?}: {:?}", f.status);
        let se = f.std_errors.clone().expect("standard errors");
        let t = truth.to_full(&spec);
        for (k, &i) in spec.layout().iter().enumerate() {
            let z = (f.estimates[k] - t[i]) / se[k];
            assert!(
                z.abs() < 4.0,
                "{spec:?} {}: est {} truth {} se {}",
                f.names[k],
                f.estimates[k],
                t[i],
                se[k]
            );
        }
    }

    #[test]
    fn fits_recover_simulated_parameters() {
        let p = GarchParams {
            mu: 0.05,
            omega: 0.02,
            alpha: 0.08,
            gamma: 0.0,
            beta: 0.9,
            nu: None,
        };
        recovers(GarchSpec::new(GarchKind::Garch, ErrorDist::Normal), p, 1);
        recovers(
            GarchSpec::new(GarchKind::Garch, ErrorDist::StudentT),
            GarchParams { nu: Some(6.0), ..p },
            2,
        );
        recovers(
            GarchSpec::new(GarchKind::Gjr, ErrorDist::StudentT),
            GarchParams {
                alpha: 0.03,
                gamma: 0.1,
                beta: 0.88,
                nu: Some(7.0),
                ..p
            },
            3,
        );
        recovers(
            GarchSpec::new(GarchKind::Egarch, ErrorDist::Normal),
            GarchParams {
                omega: 0.01,
                alpha: 0.15,
                gamma: -0.1,
                beta: 0.96,
                ..p
            },
            4,
        );
    }

    #[test]
    fn simulation_is_deterministic_and_matches_the_filter() {
        let spec = GarchSpec::new(GarchKind::Gjr, ErrorDist::StudentT);
        let p = GarchParams {
            mu: 0.0,
            omega: 0.05,
            alpha: 0.05,
            gamma: 0.1,
            beta: 0.85,
            nu: Some(5.0),
        };
        let a = simulate(&spec, &p, 500, 100, 42).unwrap();
        let b = simulate(&spec, &p, 500, 100, 42).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, simulate(&spec, &p, 500, 100, 43).unwrap());
        // the variance path is the filter's
        let mut f = GarchFilter::new(&spec, &p, a.variances[0]).unwrap();
        for (r, h) in a.returns.iter().zip(&a.variances) {
            assert!((f.variance() - h).abs() <= 1e-12 * h);
            f.update(*r);
        }
        assert_eq!(
            simulate(&spec, &p, usize::MAX, 1, 1).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
        let f = GarchFilter::new(&spec, &p, 1.0).unwrap();
        assert_eq!(
            f.forecast(MAX_OUTPUT + 1).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
        let ig = GarchParams { beta: 0.9, ..p };
        assert_eq!(
            simulate(&spec, &ig, 10, 0, 1).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
    }

    #[test]
    fn egarch_forecast_converges_to_the_unconditional_variance() {
        let spec = GarchSpec::new(GarchKind::Egarch, ErrorDist::Normal);
        let p = GarchParams {
            mu: 0.0,
            omega: 0.01,
            alpha: 0.15,
            gamma: -0.1,
            beta: 0.9,
            nu: None,
        };
        let f = GarchFilter::new(&spec, &p, 0.3).unwrap();
        let fc = f.forecast(2000).unwrap();
        let u = p.unconditional_variance(&spec).unwrap();
        assert!((fc[1999] - u).abs() < 1e-9 * u, "{} vs {u}", fc[1999]);
        // and a Monte Carlo mean of h_{t+5} agrees with the analytic forecast
        let mut rng = Rng::new(9);
        let m = 200_000;
        let mut acc = 0.0;
        for _ in 0..m {
            let mut g = f.clone();
            for _ in 0..4 {
                let h = g.variance();
                g.update(h.sqrt() * rng.normal());
            }
            acc += g.variance();
        }
        let mc = acc / m as f64;
        assert!(
            (mc / fc[4] - 1.0).abs() < 0.01,
            "MC {mc} vs analytic {}",
            fc[4]
        );
    }

    #[test]
    fn an_exhausted_budget_is_a_status_not_an_error() {
        let r = sample(1000);
        let opts = FitOptions {
            optim: OptimOptions {
                max_iter: 2,
                ..OptimOptions::default()
            },
            std_errors: true,
        };
        let f = fit(&r, &GarchSpec::default(), &opts).unwrap();
        assert_eq!(f.status, FitStatus::MaxIterations);
        assert_eq!(f.status.code(), "max_iterations");
        assert!(f.estimates.iter().all(|v| v.is_finite()));
        assert!(f.loglik.is_finite());
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let spec = GarchSpec::default();
        let o = FitOptions::default();
        assert_eq!(
            fit(&[1.0; 10], &spec, &o).unwrap_err().code(),
            "ERR_TOO_SHORT"
        );
        assert_eq!(
            fit(&[0.5; 100], &spec, &o).unwrap_err().code(),
            "ERR_CONSTANT_SERIES"
        );
        let mut r = sample(100);
        r[7] = f64::NAN;
        assert_eq!(
            fit(&r, &spec, &o).unwrap_err(),
            ModelError::NotFinite {
                what: "returns",
                index: 7
            }
        );
        let bad = GarchSpec {
            kind: GarchKind::Egarch,
            init: VarianceInit::FGarch,
            ..spec
        };
        assert_eq!(
            fit(&sample(100), &bad, &o).unwrap_err().code(),
            "ERR_INVALID_SPEC"
        );
    }

    #[test]
    fn filter_skips_non_finite_input() {
        let spec = GarchSpec::default();
        let p = GarchParams {
            mu: 0.0,
            omega: 0.1,
            alpha: 0.1,
            gamma: 0.0,
            beta: 0.8,
            nu: None,
        };
        let mut f = GarchFilter::new(&spec, &p, 1.0).unwrap();
        assert_eq!(f.update(f64::NAN), 1.0);
        assert_eq!(f.update(f64::INFINITY), 1.0);
        assert!((f.update(1.0) - (0.1 + 0.1 + 0.8)).abs() < 1e-15);
        assert_eq!(
            f.stats(),
            FilterStats {
                updates: 1,
                skipped: 2
            }
        );
    }
}
