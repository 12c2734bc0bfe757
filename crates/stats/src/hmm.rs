//! Gaussian hidden Markov models for regime detection: scaled forward–backward, Baum–Welch
//! with seeded random restarts, Viterbi decoding and an online forward filter.
//!
//! # Model
//! `K` hidden states with initial distribution `π`, transition matrix `A` (`a_ij = P(s_t = j |
//! s_{t−1} = i)`) and, in state `j`, observations `x_t ∈ ℝᵈ` with independent Gaussian
//! components (diagonal covariance): mean `μ_j`, variances `σ²_j`. Univariate is `d = 1`.
//! Observations are passed row-major: `x[t·d + f]`.
//!
//! # Algorithms
//! - Forward–backward with per-step scaling (Rabiner 1989). Emission densities are formed in
//!   log space and shifted by their per-step maximum before exponentiation, so an outlier that
//!   underflows every state's density does not break the recursion.
//! - Baum–Welch (EM): the M-step is the maximum-likelihood update (as hmmlearn's `GaussianHMM`
//!   with `covars_prior = 0`, flat Dirichlet priors). Iteration stops when the log-likelihood
//!   gains less than `tol` (hmmlearn's rule) or after `max_iter` updates; the result says which.
//!   Variances are floored at `min_variance` and a state that loses all weight keeps its
//!   previous emission parameters; both are reported.
//! - [`fit_gaussian_hmm`]: several restarts from seeded random starting points (means drawn from
//!   the data, common variance, sticky transitions); the best log-likelihood wins and states are
//!   ordered by the variance of the first feature (state 0 is the calmest regime).
//! - Viterbi in log space; [`HmmFilter`] updates `P(s_t | x_1..t)` one observation at a time.
//!
//! Checked against hmmlearn 0.3 (`tests/fixtures/hmm.json`): log-likelihoods, posteriors, one
//! EM step, 200 EM steps and the Viterbi path from identical starting parameters on S&P 500 and
//! NASDAQ returns; plus recovery of known parameters from simulated data.

use crate::error::{check_finite, Result, StatsError};
use crate::rng::Rng;

const LN_2PI: f64 = 1.837_877_066_409_345_5;

/// A Gaussian HMM with diagonal covariances.
#[derive(Debug, Clone, PartialEq)]
pub struct GaussianHmm {
    k: usize,
    d: usize,
    start: Vec<f64>,
    trans: Vec<f64>,
    means: Vec<f64>,
    vars: Vec<f64>,
    /// Cached `−½ Σ_f ln(2π σ²_jf)` per state.
    lnorm: Vec<f64>,
    /// Cached `1/σ²` (k×d).
    inv_var: Vec<f64>,
}

fn check_prob_vector(p: &[f64], name: &'static str) -> Result<()> {
    check_finite(p, name)?;
    if let Some(&v) = p.iter().find(|v| **v < 0.0) {
        return Err(StatsError::InvalidParameter {
            name,
            reason: "must be a probability (>= 0)",
            value: v,
        });
    }
    let s: f64 = p.iter().sum();
    if (s - 1.0).abs() > 1e-8 {
        return Err(StatsError::InvalidParameter {
            name,
            reason: "rows must sum to 1",
            value: s,
        });
    }
    Ok(())
}

impl GaussianHmm {
    /// A model with `k` states over `d` features: `start` (k), `trans` (k×k row-major, rows sum
    /// to 1), `means` and `variances` (k×d row-major).
    ///
    /// # Errors
    /// [`StatsError::InvalidParameter`] for `k = 0`, `d = 0`, probabilities that are negative
    /// or do not sum to 1 (within 1e-8), or variances ≤ 0; [`StatsError::LengthMismatch`] for
    /// wrong lengths; [`StatsError::NotFinite`].
    pub fn new(
        k: usize,
        d: usize,
        start: Vec<f64>,
        trans: Vec<f64>,
        means: Vec<f64>,
        variances: Vec<f64>,
    ) -> Result<Self> {
        if k == 0 || d == 0 {
            return Err(StatsError::InvalidParameter {
                name: if k == 0 { "states" } else { "features" },
                reason: "must be at least 1",
                value: 0.0,
            });
        }
        let lens = [
            ("start", start.len(), k),
            ("transitions", trans.len(), k * k),
            ("means", means.len(), k * d),
            ("variances", variances.len(), k * d),
        ];
        for (what, got, expected) in lens {
            if got != expected {
                return Err(StatsError::LengthMismatch {
                    what,
                    expected,
                    got,
                });
            }
        }
        check_prob_vector(&start, "start")?;
        for row in trans.chunks(k) {
            check_prob_vector(row, "transitions")?;
        }
        check_finite(&means, "means")?;
        check_finite(&variances, "variances")?;
        if let Some(&v) = variances.iter().find(|v| **v <= 0.0) {
            return Err(StatsError::InvalidParameter {
                name: "variances",
                reason: "must be > 0",
                value: v,
            });
        }
        Ok(Self {
            k,
            d,
            start,
            trans,
            means,
            vars: variances,
            lnorm: Vec::new(),
            inv_var: Vec::new(),
        }
        .refreshed())
    }

    /// Recomputes the cached emission constants after the variances changed.
    fn refreshed(mut self) -> Self {
        self.inv_var = self.vars.iter().map(|v| 1.0 / v).collect();
        self.lnorm = self
            .vars
            .chunks(self.d)
            .map(|vs| -0.5 * vs.iter().map(|v| LN_2PI + v.ln()).sum::<f64>())
            .collect();
        self
    }

    /// Number of states.
    #[must_use]
    pub fn n_states(&self) -> usize {
        self.k
    }

    /// Number of features per observation.
    #[must_use]
    pub fn n_features(&self) -> usize {
        self.d
    }

    /// Initial state distribution (k).
    #[must_use]
    pub fn start(&self) -> &[f64] {
        &self.start
    }

    /// Transition matrix (k×k row-major).
    #[must_use]
    pub fn transitions(&self) -> &[f64] {
        &self.trans
    }

    /// State means (k×d row-major).
    #[must_use]
    pub fn means(&self) -> &[f64] {
        &self.means
    }

    /// State variances (k×d row-major).
    #[must_use]
    pub fn variances(&self) -> &[f64] {
        &self.vars
    }

    /// Number of free parameters (for AIC/BIC): `(k−1) + k(k−1) + 2kd`.
    #[must_use]
    pub fn n_parameters(&self) -> usize {
        (self.k - 1) + self.k * (self.k - 1) + 2 * self.k * self.d
    }

    fn check_obs(&self, x: &[f64]) -> Result<usize> {
        check_finite(x, "observations")?;
        if x.len() % self.d != 0 {
            return Err(StatsError::LengthMismatch {
                what: "observations (a multiple of the feature count)",
                expected: (x.len() / self.d + 1) * self.d,
                got: x.len(),
            });
        }
        let n = x.len() / self.d;
        if n == 0 {
            return Err(StatsError::TooShort {
                what: "HMM observations",
                needed: 1,
                got: 0,
            });
        }
        Ok(n)
    }

    /// Log emission density of one observation in state `j`.
    #[inline]
    fn log_emission(&self, obs: &[f64], j: usize) -> f64 {
        let r = j * self.d..(j + 1) * self.d;
        let mut q = 0.0;
        for ((x, m), iv) in obs.iter().zip(&self.means[r.clone()]).zip(&self.inv_var[r]) {
            let z = x - m;
            q += z * z * iv;
        }
        self.lnorm[j] - 0.5 * q
    }

    /// Emission densities scaled by their per-step maximum: returns `(b, shift)` with
    /// `b[t·k + j] = exp(ln b_j(x_t) − shift_t)`.
    fn emissions(&self, x: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
        let k = self.k;
        let mut b = vec![0.0; n * k];
        let mut shift = vec![0.0; n];
        for t in 0..n {
            let obs = &x[t * self.d..(t + 1) * self.d];
            let row = &mut b[t * k..(t + 1) * k];
            let mut m = f64::NEG_INFINITY;
            for (j, r) in row.iter_mut().enumerate() {
                *r = self.log_emission(obs, j);
                m = m.max(*r);
            }
            for r in row.iter_mut() {
                *r = (*r - m).exp();
            }
            shift[t] = m;
        }
        (b, shift)
    }

    /// Scaled forward pass: `α̂` (n×k, each row sums to 1), scales `c_t`, and the
    /// log-likelihood.
    fn forward(&self, b: &[f64], shift: &[f64], n: usize) -> (Vec<f64>, Vec<f64>, f64) {
        let k = self.k;
        let mut alpha = vec![0.0; n * k];
        let mut c = vec![0.0; n];
        let mut ll = 0.0;
        for t in 0..n {
            let (prev, cur) = alpha.split_at_mut(t * k);
            let cur = &mut cur[..k];
            if t == 0 {
                for j in 0..k {
                    cur[j] = self.start[j] * b[j];
                }
            } else {
                let prev = &prev[(t - 1) * k..];
                for (j, cj) in cur.iter_mut().enumerate() {
                    let mut s = 0.0;
                    for (i, p) in prev.iter().enumerate() {
                        s += p * self.trans[i * k + j];
                    }
                    *cj = s * b[t * k + j];
                }
            }
            let s: f64 = cur.iter().sum();
            c[t] = s;
            ll += s.ln() + shift[t];
            if s > 0.0 {
                for v in cur.iter_mut() {
                    *v /= s;
                }
            }
        }
        (alpha, c, ll)
    }

    /// Log-likelihood `ln p(x₁..xₙ)`.
    ///
    /// # Errors
    /// [`StatsError::NotFinite`], [`StatsError::TooShort`] (no observation),
    /// [`StatsError::LengthMismatch`] (not a multiple of the feature count).
    pub fn log_likelihood(&self, x: &[f64]) -> Result<f64> {
        let n = self.check_obs(x)?;
        let (b, shift) = self.emissions(x, n);
        Ok(self.forward(&b, &shift, n).2)
    }

    /// Smoothed state probabilities `P(s_t = j | x₁..xₙ)` (n×k row-major) and the
    /// log-likelihood.
    ///
    /// # Errors
    /// As [`log_likelihood`](Self::log_likelihood).
    pub fn posteriors(&self, x: &[f64]) -> Result<(Vec<f64>, f64)> {
        let n = self.check_obs(x)?;
        let e = self.e_step(x, n);
        Ok((e.gamma, e.ll))
    }

    fn e_step(&self, x: &[f64], n: usize) -> EStep {
        let k = self.k;
        let (b, shift) = self.emissions(x, n);
        let (alpha, c, ll) = self.forward(&b, &shift, n);
        // Backward with the same scales: β̂_t(i) = Σ_j a_ij b_{t+1}(j) β̂_{t+1}(j) / c_{t+1}.
        let mut beta = vec![1.0; n * k];
        let mut xi_sum = vec![0.0; k * k];
        let mut tmp = vec![0.0; k];
        for t in (0..n.saturating_sub(1)).rev() {
            let ct = c[t + 1];
            for j in 0..k {
                tmp[j] = b[(t + 1) * k + j] * beta[(t + 1) * k + j] / ct;
            }
            for i in 0..k {
                let mut s = 0.0;
                for j in 0..k {
                    let w = self.trans[i * k + j] * tmp[j];
                    s += w;
                    xi_sum[i * k + j] += alpha[t * k + i] * w;
                }
                beta[t * k + i] = s;
            }
        }
        let mut gamma = vec![0.0; n * k];
        for t in 0..n {
            let mut s = 0.0;
            for j in 0..k {
                let g = alpha[t * k + j] * beta[t * k + j];
                gamma[t * k + j] = g;
                s += g;
            }
            if s > 0.0 {
                for g in &mut gamma[t * k..(t + 1) * k] {
                    *g /= s;
                }
            }
        }
        EStep { gamma, xi_sum, ll }
    }

    /// The most likely state path (Viterbi) and its joint log-probability `ln p(x, s*)`.
    ///
    /// # Errors
    /// As [`log_likelihood`](Self::log_likelihood).
    pub fn viterbi(&self, x: &[f64]) -> Result<(Vec<usize>, f64)> {
        let n = self.check_obs(x)?;
        let k = self.k;
        let ln_a: Vec<f64> = self.trans.iter().map(|a| a.ln()).collect();
        let mut delta: Vec<f64> = (0..k)
            .map(|j| self.start[j].ln() + self.log_emission(&x[..self.d], j))
            .collect();
        let mut back = vec![0_usize; n * k];
        let mut next = vec![0.0; k];
        for t in 1..n {
            let obs = &x[t * self.d..(t + 1) * self.d];
            for j in 0..k {
                let mut best = f64::NEG_INFINITY;
                let mut arg = 0;
                for i in 0..k {
                    let v = delta[i] + ln_a[i * k + j];
                    if v > best {
                        best = v;
                        arg = i;
                    }
                }
                next[j] = best + self.log_emission(obs, j);
                back[t * k + j] = arg;
            }
            std::mem::swap(&mut delta, &mut next);
        }
        let mut state = 0;
        let mut best = f64::NEG_INFINITY;
        for (j, v) in delta.iter().enumerate() {
            if *v > best {
                best = *v;
                state = j;
            }
        }
        let mut path = vec![0; n];
        path[n - 1] = state;
        for t in (1..n).rev() {
            state = back[t * k + state];
            path[t - 1] = state;
        }
        Ok((path, best))
    }

    /// One Baum–Welch update: the re-estimated model and the log-likelihood of `self`.
    ///
    /// # Errors
    /// As [`log_likelihood`](Self::log_likelihood).
    pub fn em_step(&self, x: &[f64], min_variance: f64) -> Result<(GaussianHmm, f64, EmNotes)> {
        let n = self.check_obs(x)?;
        let e = self.e_step(x, n);
        let (m, notes) = self.m_step(x, n, &e, min_variance);
        Ok((m, e.ll, notes))
    }

    fn m_step(&self, x: &[f64], n: usize, e: &EStep, min_variance: f64) -> (GaussianHmm, EmNotes) {
        let (k, d) = (self.k, self.d);
        let mut notes = EmNotes::default();
        let mut out = self.clone();
        out.start.copy_from_slice(&e.gamma[..k]);
        normalize(&mut out.start);
        for i in 0..k {
            let row = &e.xi_sum[i * k..(i + 1) * k];
            let s: f64 = row.iter().sum();
            if s > 0.0 {
                for (a, v) in out.trans[i * k..(i + 1) * k].iter_mut().zip(row) {
                    *a = v / s;
                }
            }
        }
        for j in 0..k {
            let w: f64 = (0..n).map(|t| e.gamma[t * k + j]).sum();
            if w.is_nan() || w <= 1e-300 {
                notes.empty_states += 1;
                continue;
            }
            for f in 0..d {
                let mut s = 0.0;
                for t in 0..n {
                    s += e.gamma[t * k + j] * x[t * d + f];
                }
                let mu = s / w;
                let mut v = 0.0;
                for t in 0..n {
                    let z = x[t * d + f] - mu;
                    v += e.gamma[t * k + j] * z * z;
                }
                let mut v = v / w;
                if v < min_variance {
                    v = min_variance;
                    notes.floored_variances += 1;
                }
                out.means[j * d + f] = mu;
                out.vars[j * d + f] = v;
            }
        }
        (out.refreshed(), notes)
    }

    /// Runs Baum–Welch from this model: at most `max_iter` updates, stopping when an update
    /// gains less than `tol` in log-likelihood (pass `f64::NEG_INFINITY` to always run
    /// `max_iter`). The returned log-likelihood is that of the returned model.
    ///
    /// # Errors
    /// As [`log_likelihood`](Self::log_likelihood), plus [`StatsError::InvalidParameter`] for
    /// a negative or NaN `min_variance`.
    pub fn baum_welch(
        &self,
        x: &[f64],
        max_iter: usize,
        tol: f64,
        min_variance: f64,
    ) -> Result<HmmFit> {
        let n = self.check_obs(x)?;
        if min_variance.is_nan() || min_variance < 0.0 {
            return Err(StatsError::InvalidParameter {
                name: "minVariance",
                reason: "must be >= 0",
                value: min_variance,
            });
        }
        let mut model = self.clone();
        let mut prev = f64::NEG_INFINITY;
        let mut notes = EmNotes::default();
        let mut iterations = 0;
        let mut converged = false;
        let mut e = model.e_step(x, n);
        while iterations < max_iter {
            if iterations > 0 && e.ll - prev < tol {
                converged = true;
                break;
            }
            let (m, nt) = model.m_step(x, n, &e, min_variance);
            notes.empty_states += nt.empty_states;
            notes.floored_variances += nt.floored_variances;
            model = m;
            prev = e.ll;
            iterations += 1;
            e = model.e_step(x, n);
        }
        if !converged && iterations == max_iter && max_iter > 0 {
            // The last update may itself satisfy the rule.
            converged = e.ll - prev < tol;
        }
        Ok(HmmFit {
            log_likelihood: e.ll,
            model,
            iterations,
            converged,
            notes,
            nobs: n,
            restarts: Vec::new(),
        })
    }

    /// A new online filter starting from the initial distribution.
    #[must_use]
    pub fn filter(&self) -> HmmFilter {
        HmmFilter::new(self.clone())
    }

    /// The same model with states permuted so `order[new] = old`.
    #[must_use]
    pub fn permuted(&self, order: &[usize]) -> GaussianHmm {
        let (k, d) = (self.k, self.d);
        let mut out = self.clone();
        for (new, &old) in order.iter().enumerate() {
            out.start[new] = self.start[old];
            for (new2, &old2) in order.iter().enumerate() {
                out.trans[new * k + new2] = self.trans[old * k + old2];
            }
            out.means[new * d..(new + 1) * d].copy_from_slice(&self.means[old * d..(old + 1) * d]);
            out.vars[new * d..(new + 1) * d].copy_from_slice(&self.vars[old * d..(old + 1) * d]);
        }
        out.refreshed()
    }
}

fn normalize(v: &mut [f64]) {
    let s: f64 = v.iter().sum();
    if s > 0.0 {
        for x in v {
            *x /= s;
        }
    }
}

struct EStep {
    gamma: Vec<f64>,
    xi_sum: Vec<f64>,
    ll: f64,
}

/// What the M-steps had to patch (counts over all iterations).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmNotes {
    /// Variances raised to the floor.
    pub floored_variances: usize,
    /// State updates skipped because the state had no posterior weight.
    pub empty_states: usize,
}

/// Result of Baum–Welch.
#[derive(Debug, Clone, PartialEq)]
pub struct HmmFit {
    /// The fitted model.
    pub model: GaussianHmm,
    /// Log-likelihood of `model` on the data.
    pub log_likelihood: f64,
    /// EM updates performed (in the winning restart).
    pub iterations: usize,
    /// `true` if the tolerance rule stopped EM; `false` if `max_iter` did.
    pub converged: bool,
    /// Floors and skipped states during the fit.
    pub notes: EmNotes,
    /// Observations.
    pub nobs: usize,
    /// Final log-likelihood of every restart (empty for a single run from given parameters).
    pub restarts: Vec<f64>,
}

impl HmmFit {
    /// `−2 ln L + 2p`.
    #[must_use]
    pub fn aic(&self) -> f64 {
        -2.0 * self.log_likelihood + 2.0 * self.model.n_parameters() as f64
    }

    /// `−2 ln L + p ln n`.
    #[must_use]
    pub fn bic(&self) -> f64 {
        -2.0 * self.log_likelihood + self.model.n_parameters() as f64 * (self.nobs as f64).ln()
    }
}

/// Options of [`fit_gaussian_hmm`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HmmFitOptions {
    /// Number of hidden states `K ≥ 1`.
    pub states: usize,
    /// Maximum EM updates per restart; default 500.
    pub max_iter: usize,
    /// Stop when an update gains less than this in log-likelihood; default 1e-6.
    pub tol: f64,
    /// Random restarts; default 5.
    pub restarts: usize,
    /// Seed of the restart generator; default 0.
    pub seed: u64,
    /// Variance floor as a fraction of each feature's sample variance; default 1e-6.
    pub min_variance_ratio: f64,
}

impl Default for HmmFitOptions {
    fn default() -> Self {
        Self {
            states: 2,
            max_iter: 500,
            tol: 1e-6,
            restarts: 5,
            seed: 0,
            min_variance_ratio: 1e-6,
        }
    }
}

/// Fits a `K`-state diagonal Gaussian HMM to `x` (n×d row-major) by Baum–Welch from
/// `restarts` seeded random starting points, keeping the best. States are returned ordered by
/// the variance of the first feature, ascending.
///
/// # Errors
/// [`StatsError::InvalidParameter`] for `states = 0`, `features = 0`, `restarts = 0` or a
/// bad tolerance; [`StatsError::TooShort`] unless there are more observations than
/// `2 × states`; [`StatsError::Constant`] if a feature is constant; those of
/// [`GaussianHmm::log_likelihood`].
pub fn fit_gaussian_hmm(x: &[f64], features: usize, opts: &HmmFitOptions) -> Result<HmmFit> {
    let k = opts.states;
    let d = features;
    if k == 0 || d == 0 || opts.restarts == 0 {
        return Err(StatsError::InvalidParameter {
            name: if k == 0 {
                "states"
            } else if d == 0 {
                "features"
            } else {
                "restarts"
            },
            reason: "must be at least 1",
            value: 0.0,
        });
    }
    if opts.tol.is_nan() || opts.min_variance_ratio.is_nan() || opts.min_variance_ratio < 0.0 {
        return Err(StatsError::InvalidParameter {
            name: "tol/minVarianceRatio",
            reason: "must be numbers (ratio >= 0)",
            value: if opts.tol.is_nan() {
                opts.tol
            } else {
                opts.min_variance_ratio
            },
        });
    }
    check_finite(x, "observations")?;
    if x.len() % d != 0 {
        return Err(StatsError::LengthMismatch {
            what: "observations (a multiple of the feature count)",
            expected: (x.len() / d + 1) * d,
            got: x.len(),
        });
    }
    let n = x.len() / d;
    if n <= 2 * k {
        return Err(StatsError::TooShort {
            what: "HMM fit",
            needed: 2 * k + 1,
            got: n,
        });
    }
    // Per-feature mean and variance.
    let mut mean = vec![0.0; d];
    let mut var = vec![0.0; d];
    for f in 0..d {
        let m = (0..n).map(|t| x[t * d + f]).sum::<f64>() / n as f64;
        let v = (0..n).map(|t| (x[t * d + f] - m).powi(2)).sum::<f64>() / n as f64;
        if v.is_nan() || v <= f64::EPSILON * f64::EPSILON * m * m || v == 0.0 {
            return Err(StatsError::Constant {
                what: "observation feature",
            });
        }
        mean[f] = m;
        var[f] = v;
    }
    let min_var = opts.min_variance_ratio * var.iter().fold(f64::INFINITY, |a, b| a.min(*b));
    let mut rng = Rng::new(opts.seed);
    let mut best: Option<HmmFit> = None;
    let mut lls = Vec::with_capacity(opts.restarts);
    for _ in 0..opts.restarts {
        let init = random_start(x, n, k, d, &var, &mut rng);
        let fit = init.baum_welch(x, opts.max_iter, opts.tol, min_var)?;
        lls.push(fit.log_likelihood);
        let better = match &best {
            None => true,
            Some(b) => fit.log_likelihood > b.log_likelihood,
        };
        if fit.log_likelihood.is_finite() && better {
            best = Some(fit);
        }
    }
    let mut fit = best.ok_or(StatsError::NoConvergence {
        what: "HMM fit (every restart gave a non-finite likelihood)",
        iterations: opts.restarts,
    })?;
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| fit.model.vars[a * d].total_cmp(&fit.model.vars[b * d]));
    fit.model = fit.model.permuted(&order);
    fit.restarts = lls;
    Ok(fit)
}

/// A random starting model: means at `k` distinct data points (sorted by the first feature),
/// every variance the sample variance, `π` uniform and sticky transitions (`0.9` on the
/// diagonal, the rest spread evenly, jittered).
fn random_start(
    x: &[f64],
    n: usize,
    k: usize,
    d: usize,
    var: &[f64],
    rng: &mut Rng,
) -> GaussianHmm {
    // k distinct observation indices (n > 2k, so this ends quickly).
    let mut picks: Vec<usize> = Vec::with_capacity(k);
    while picks.len() < k {
        let t = rng.below(n as u64) as usize;
        if !picks.contains(&t) {
            picks.push(t);
        }
    }
    picks.sort_by(|&a, &b| x[a * d].total_cmp(&x[b * d]));
    let mut means = Vec::with_capacity(k * d);
    let mut vars = Vec::with_capacity(k * d);
    for &t in &picks {
        means.extend_from_slice(&x[t * d..(t + 1) * d]);
        vars.extend_from_slice(var);
    }
    let mut trans = vec![0.0; k * k];
    for i in 0..k {
        let row = &mut trans[i * k..(i + 1) * k];
        for (j, a) in row.iter_mut().enumerate() {
            *a = if i == j {
                0.9
            } else {
                0.1 / (k - 1).max(1) as f64
            } * rng.uniform(0.8, 1.2);
        }
        if k == 1 {
            row[0] = 1.0;
        }
        normalize(row);
    }
    GaussianHmm {
        k,
        d,
        start: vec![1.0 / k as f64; k],
        trans,
        means,
        vars,
        lnorm: Vec::new(),
        inv_var: Vec::new(),
    }
    .refreshed()
}

/// The online forward filter: `P(s_t | x₁..x_t)` updated one observation at a time.
#[derive(Debug, Clone)]
pub struct HmmFilter {
    model: GaussianHmm,
    probs: Vec<f64>,
    scratch: Vec<f64>,
    pred: Vec<f64>,
    steps: u64,
    rejected: u64,
    log_likelihood: f64,
}

impl HmmFilter {
    /// A filter for `model`, before any observation.
    #[must_use]
    pub fn new(model: GaussianHmm) -> Self {
        let probs = model.start.clone();
        let k = model.k;
        Self {
            model,
            probs,
            scratch: vec![0.0; k],
            pred: vec![0.0; k],
            steps: 0,
            rejected: 0,
            log_likelihood: 0.0,
        }
    }

    /// Feeds one observation (`d` values); returns the filtered state probabilities.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] for an observation of the wrong length and
    /// [`StatsError::NotFinite`] for NaN/∞. A rejected observation leaves the state untouched
    /// and increments [`rejected`](Self::rejected).
    pub fn update(&mut self, obs: &[f64]) -> Result<&[f64]> {
        let k = self.model.k;
        if obs.len() != self.model.d {
            self.rejected += 1;
            return Err(StatsError::LengthMismatch {
                what: "observation",
                expected: self.model.d,
                got: obs.len(),
            });
        }
        if let Err(e) = check_finite(obs, "observation") {
            self.rejected += 1;
            return Err(e);
        }
        // Predict (skipped for the first observation: the prior is π), then correct in a
        // max-shifted log space. Nothing is committed until the update is known to be valid.
        let mut m = f64::NEG_INFINITY;
        for j in 0..k {
            let le = self.model.log_emission(obs, j);
            self.scratch[j] = le;
            m = m.max(le);
        }
        if self.steps == 0 {
            self.pred.copy_from_slice(&self.probs);
        } else {
            for j in 0..k {
                let mut s = 0.0;
                for i in 0..k {
                    s += self.probs[i] * self.model.trans[i * k + j];
                }
                self.pred[j] = s;
            }
        }
        let mut total = 0.0;
        for j in 0..k {
            let v = self.pred[j] * (self.scratch[j] - m).exp();
            self.pred[j] = v;
            total += v;
        }
        if total.is_nan() || total <= 0.0 {
            self.rejected += 1;
            return Err(StatsError::NoConvergence {
                what: "HMM filter (observation impossible under every state)",
                iterations: 0,
            });
        }
        for (p, v) in self.probs.iter_mut().zip(&self.pred) {
            *p = v / total;
        }
        self.log_likelihood += total.ln() + m;
        self.steps += 1;
        Ok(&self.probs)
    }

    /// Current `P(s_t | x₁..x_t)` (the prior `π` before the first update).
    #[must_use]
    pub fn probabilities(&self) -> &[f64] {
        &self.probs
    }

    /// The most probable current state.
    #[must_use]
    pub fn regime(&self) -> usize {
        let mut best = 0;
        for (j, p) in self.probs.iter().enumerate() {
            if *p > self.probs[best] {
                best = j;
            }
        }
        best
    }

    /// `P(s_{t+1} = j | x₁..x_t)`: the one-step-ahead state forecast.
    #[must_use]
    pub fn predict_next(&self) -> Vec<f64> {
        let k = self.model.k;
        if self.steps == 0 {
            return self.probs.clone();
        }
        (0..k)
            .map(|j| {
                (0..k)
                    .map(|i| self.probs[i] * self.model.trans[i * k + j])
                    .sum()
            })
            .collect()
    }

    /// Observations accepted.
    #[must_use]
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Observations rejected (wrong length, NaN/∞, impossible).
    #[must_use]
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    /// `ln p(x₁..x_t)` of the accepted observations.
    #[must_use]
    pub fn log_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    /// Back to the initial distribution (counters included).
    pub fn reset(&mut self) {
        self.probs = self.model.start.clone();
        self.steps = 0;
        self.rejected = 0;
        self.log_likelihood = 0.0;
    }

    /// The model being filtered.
    #[must_use]
    pub fn model(&self) -> &GaussianHmm {
        &self.model
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_state() -> GaussianHmm {
        GaussianHmm::new(
            2,
            1,
            vec![0.6, 0.4],
            vec![0.95, 0.05, 0.1, 0.9],
            vec![0.05, -0.1],
            vec![0.5, 4.0],
        )
        .unwrap()
    }

    fn simulate(m: &GaussianHmm, n: usize, rng: &mut Rng) -> (Vec<f64>, Vec<usize>) {
        let k = m.k;
        let mut s = if rng.next_f64() < m.start[0] { 0 } else { 1 };
        let mut xs = Vec::with_capacity(n);
        let mut ss = Vec::with_capacity(n);
        for _ in 0..n {
            ss.push(s);
            xs.push(m.means[s] + m.vars[s].sqrt() * rng.normal());
            let u = rng.next_f64();
            let mut acc = 0.0;
            let mut next = k - 1;
            for j in 0..k {
                acc += m.trans[s * k + j];
                if u < acc {
                    next = j;
                    break;
                }
            }
            s = next;
        }
        (xs, ss)
    }

    #[test]
    fn brute_force_likelihood_of_a_tiny_sequence() {
        // Sum over all 2³ paths by hand.
        let m = two_state();
        let x = [0.3, -2.0, 1.1];
        let dens = |j: usize, v: f64| {
            let var = m.vars[j];
            (-(v - m.means[j]).powi(2) / (2.0 * var)).exp()
                / (2.0 * std::f64::consts::PI * var).sqrt()
        };
        let mut total = 0.0;
        for s0 in 0..2 {
            for s1 in 0..2 {
                for s2 in 0..2 {
                    total += m.start[s0]
                        * dens(s0, x[0])
                        * m.trans[s0 * 2 + s1]
                        * dens(s1, x[1])
                        * m.trans[s1 * 2 + s2]
                        * dens(s2, x[2]);
                }
            }
        }
        let ll = m.log_likelihood(&x).unwrap();
        assert!((ll - total.ln()).abs() < 1e-13, "{ll} vs {}", total.ln());
        // The filter's running likelihood equals the batch one.
        let mut f = m.filter();
        for v in x {
            f.update(&[v]).unwrap();
        }
        assert!((f.log_likelihood() - ll).abs() < 1e-13);
    }

    #[test]
    fn recovers_known_parameters_from_simulated_data() {
        let truth = two_state();
        let mut rng = Rng::new(42);
        let (x, states) = simulate(&truth, 20_000, &mut rng);
        let fit = fit_gaussian_hmm(
            &x,
            1,
            &HmmFitOptions {
                states: 2,
                restarts: 4,
                seed: 1,
                ..HmmFitOptions::default()
            },
        )
        .unwrap();
        assert!(fit.converged);
        let m = &fit.model;
        // State 0 is the low-variance one in both.
        assert!((m.vars[0] / 0.5 - 1.0).abs() < 0.05, "{:?}", m.vars);
        assert!((m.vars[1] / 4.0 - 1.0).abs() < 0.08, "{:?}", m.vars);
        assert!((m.means[0] - 0.05).abs() < 0.03 && (m.means[1] + 0.1).abs() < 0.1);
        assert!((m.trans[0] - 0.95).abs() < 0.01 && (m.trans[3] - 0.9).abs() < 0.02);
        // Viterbi agrees with the true path most of the time.
        let (path, _) = m.viterbi(&x).unwrap();
        let hit = path.iter().zip(&states).filter(|(a, b)| a == b).count();
        assert!(hit as f64 / x.len() as f64 > 0.9, "{hit}");
        // The fitted model is at least as likely as the truth (it is the MLE).
        assert!(fit.log_likelihood >= truth.log_likelihood(&x).unwrap());
    }

    #[test]
    fn filter_rejects_bad_observations_without_changing_state() {
        let mut f = two_state().filter();
        f.update(&[0.1]).unwrap();
        let before = f.probabilities().to_vec();
        assert_eq!(f.update(&[f64::NAN]).unwrap_err().code(), "ERR_NOT_FINITE");
        assert_eq!(
            f.update(&[1.0, 2.0]).unwrap_err().code(),
            "ERR_LENGTH_MISMATCH"
        );
        assert_eq!(f.probabilities(), &before[..]);
        assert_eq!((f.steps(), f.rejected()), (1, 2));
        // A huge outlier underflows every density but the shifted update survives.
        let p = f.update(&[1e6]).unwrap();
        assert!((p[0] + p[1] - 1.0).abs() < 1e-15 && p[1] > 0.999);
    }

    #[test]
    fn bad_input() {
        assert_eq!(
            GaussianHmm::new(
                2,
                1,
                vec![0.5, 0.6],
                vec![1.0, 0.0, 0.0, 1.0],
                vec![0.0; 2],
                vec![1.0; 2]
            )
            .unwrap_err()
            .code(),
            "ERR_INVALID_PARAMETER"
        );
        let o = HmmFitOptions::default();
        assert_eq!(
            fit_gaussian_hmm(&[1.0; 100], 1, &o).unwrap_err().code(),
            "ERR_CONSTANT_SERIES"
        );
        assert_eq!(
            fit_gaussian_hmm(&[1.0, 2.0, 3.0], 1, &o)
                .unwrap_err()
                .code(),
            "ERR_TOO_SHORT"
        );
        assert_eq!(
            fit_gaussian_hmm(&[1.0, 2.0, 3.0], 2, &o)
                .unwrap_err()
                .code(),
            "ERR_LENGTH_MISMATCH"
        );
    }
}
