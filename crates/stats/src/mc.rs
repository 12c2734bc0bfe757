//! Seeded Monte Carlo path generators: geometric Brownian motion, Merton jump-diffusion,
//! Heston stochastic volatility and Ornstein–Uhlenbeck.
//!
//! # Schemes
//! - **GBM**: exact, `S' = S exp((μ − σ²/2)Δ + σ√Δ Z)`.
//! - **Merton (1976)**: exact in distribution, `ln S' = ln S + (μ − λk − σ²/2)Δ + σ√Δ Z +
//!   Σ_{i≤N} Yᵢ`, `N ~ Poisson(λΔ)`, `Yᵢ ~ N(μ_J, σ_J²)`, `k = e^{μ_J + σ_J²/2} − 1`, so
//!   `E[S_T] = S₀ e^{μT}`.
//! - **Heston (1993)**: Andersen's (2008) quadratic-exponential (QE) scheme for the variance
//!   (`ψ_c = 1.5`), which matches its conditional mean and variance exactly at every step, and
//!   the matching log-price step with `γ₁ = γ₂ = ½` and Andersen's martingale correction, so
//!   `E[S_{t+Δ} | S_t] = S_t e^{μΔ}` (the correction is skipped — with the uncorrected drift —
//!   in the rare parameter region where it does not exist).
//! - **Ornstein–Uhlenbeck**: exact, `X' = θ + (X − θ)e^{−κΔ} + σ √((1 − e^{−2κΔ})/(2κ)) Z`.
//!
//! # Reproducibility
//! Path `p` of a batch draws from the `p`-th [`Rng::split`] of `Rng::new(seed)`, so a path
//! does not depend on how many others are generated with it, and [`PathGenerator`] with
//! `stream = p` reproduces it step by step. Only IEEE-exact operations and the RNG module's
//! deterministic `exp`/`ln` are used: the same seed gives bit-identical paths on every
//! platform, WASM included.
//!
//! Tested by moments and closed forms (`tests/integration/mc.rs`), not fixed outputs.

use crate::error::{Result, StatsError};
use crate::rng::{det_exp, det_ln, Rng};

/// Geometric Brownian motion `dS = μ S dt + σ S dW`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gbm {
    /// Initial value `S₀ > 0`.
    pub s0: f64,
    /// Drift `μ` (per unit time).
    pub mu: f64,
    /// Volatility `σ ≥ 0`.
    pub sigma: f64,
}

/// Merton jump-diffusion: GBM plus compound Poisson jumps in the log price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Merton {
    /// Initial value `S₀ > 0`.
    pub s0: f64,
    /// Total drift `μ`: `E[S_T] = S₀ e^{μT}` (the jump compensator is built in).
    pub mu: f64,
    /// Diffusion volatility `σ ≥ 0`.
    pub sigma: f64,
    /// Jump intensity `λ ≥ 0` (jumps per unit time).
    pub lambda: f64,
    /// Mean of a log jump `μ_J`.
    pub jump_mean: f64,
    /// Standard deviation of a log jump `σ_J ≥ 0`.
    pub jump_std: f64,
}

/// Heston stochastic volatility: `dS = μ S dt + √v S dW₁`, `dv = κ(θ − v)dt + ξ√v dW₂`,
/// `d⟨W₁, W₂⟩ = ρ dt`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Heston {
    /// Initial price `S₀ > 0`.
    pub s0: f64,
    /// Drift `μ`.
    pub mu: f64,
    /// Initial variance `v₀ ≥ 0`.
    pub v0: f64,
    /// Mean-reversion speed `κ > 0`.
    pub kappa: f64,
    /// Long-run variance `θ > 0`.
    pub theta: f64,
    /// Volatility of variance `ξ > 0`.
    pub xi: f64,
    /// Correlation `ρ ∈ [−1, 1]`.
    pub rho: f64,
}

/// Ornstein–Uhlenbeck `dX = κ(θ − X)dt + σ dW`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrnsteinUhlenbeck {
    /// Initial value.
    pub x0: f64,
    /// Mean-reversion speed `κ ≥ 0` (0 is Brownian motion).
    pub kappa: f64,
    /// Long-run mean `θ`.
    pub theta: f64,
    /// Volatility `σ ≥ 0`.
    pub sigma: f64,
}

/// One of the supported processes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Process {
    /// Geometric Brownian motion.
    Gbm(Gbm),
    /// Merton jump-diffusion.
    Merton(Merton),
    /// Heston stochastic volatility (QE scheme).
    Heston(Heston),
    /// Ornstein–Uhlenbeck.
    Ou(OrnsteinUhlenbeck),
}

/// Shape of a batch: `paths` paths of `steps` steps of length `dt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathSpec {
    /// Number of paths.
    pub paths: usize,
    /// Steps per path (each path has `steps + 1` values, the first the initial value).
    pub steps: usize,
    /// Seed of the generator.
    pub seed: u64,
}

fn param(ok: bool, value: f64, name: &'static str, reason: &'static str) -> Result<()> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(StatsError::InvalidParameter {
            name,
            reason,
            value,
        })
    }
}

impl Process {
    /// Validates the parameters.
    ///
    /// # Errors
    /// [`StatsError::InvalidParameter`] naming the first bad parameter.
    pub fn validate(&self) -> Result<()> {
        match *self {
            Process::Gbm(p) => {
                param(p.s0 > 0.0, p.s0, "s0", "must be > 0")?;
                param(true, p.mu, "mu", "must be finite")?;
                param(p.sigma >= 0.0, p.sigma, "sigma", "must be >= 0")
            }
            Process::Merton(p) => {
                param(p.s0 > 0.0, p.s0, "s0", "must be > 0")?;
                param(true, p.mu, "mu", "must be finite")?;
                param(p.sigma >= 0.0, p.sigma, "sigma", "must be >= 0")?;
                param(p.lambda >= 0.0, p.lambda, "lambda", "must be >= 0")?;
                param(true, p.jump_mean, "jumpMean", "must be finite")?;
                param(p.jump_std >= 0.0, p.jump_std, "jumpStd", "must be >= 0")?;
                let k = p.jump_mean + 0.5 * p.jump_std * p.jump_std;
                param(
                    k < 700.0,
                    k,
                    "jumpMean",
                    "jump size too large (e^{μJ + σJ²/2} overflows)",
                )
            }
            Process::Heston(p) => {
                param(p.s0 > 0.0, p.s0, "s0", "must be > 0")?;
                param(true, p.mu, "mu", "must be finite")?;
                param(p.v0 >= 0.0, p.v0, "v0", "must be >= 0")?;
                param(p.kappa > 0.0, p.kappa, "kappa", "must be > 0")?;
                param(p.theta > 0.0, p.theta, "theta", "must be > 0")?;
                param(p.xi > 0.0, p.xi, "xi", "must be > 0")?;
                param(
                    (-1.0..=1.0).contains(&p.rho),
                    p.rho,
                    "rho",
                    "must be in [-1, 1]",
                )
            }
            Process::Ou(p) => {
                param(true, p.x0, "x0", "must be finite")?;
                param(p.kappa >= 0.0, p.kappa, "kappa", "must be >= 0")?;
                param(true, p.theta, "theta", "must be finite")?;
                param(p.sigma >= 0.0, p.sigma, "sigma", "must be >= 0")
            }
        }
    }

    fn initial(&self) -> (f64, f64) {
        match *self {
            Process::Gbm(p) => (p.s0, 0.0),
            Process::Merton(p) => (p.s0, 0.0),
            Process::Heston(p) => (p.s0, p.v0),
            Process::Ou(p) => (p.x0, 0.0),
        }
    }
}

/// `e^x − 1` with deterministic arithmetic (series near 0).
fn det_expm1(x: f64) -> f64 {
    if x.abs() < 0.1 {
        let mut term = x;
        let mut sum = x;
        let mut k = 1.0;
        while term.abs() > 1e-17 * sum.abs() {
            k += 1.0;
            term *= x / k;
            sum += term;
        }
        sum
    } else {
        det_exp(x) - 1.0
    }
}

/// Per-step constants of a process for a step of length `dt`.
#[derive(Debug, Clone, Copy)]
enum Stepper {
    Gbm {
        drift: f64,
        vol: f64,
    },
    Merton {
        drift: f64,
        vol: f64,
        lambda_dt: f64,
        jump_mean: f64,
        jump_std: f64,
    },
    Heston {
        mu_dt: f64,
        kappa: f64,
        theta: f64,
        xi: f64,
        e: f64,
        k0: f64,
        k1: f64,
        k2: f64,
        k3: f64,
        k4: f64,
    },
    Ou {
        theta: f64,
        decay: f64,
        vol: f64,
    },
}

impl Stepper {
    fn new(p: &Process, dt: f64) -> Self {
        match *p {
            Process::Gbm(g) => Stepper::Gbm {
                drift: (g.mu - 0.5 * g.sigma * g.sigma) * dt,
                vol: g.sigma * dt.sqrt(),
            },
            Process::Merton(m) => {
                let k = det_expm1(m.jump_mean + 0.5 * m.jump_std * m.jump_std);
                Stepper::Merton {
                    drift: (m.mu - m.lambda * k - 0.5 * m.sigma * m.sigma) * dt,
                    vol: m.sigma * dt.sqrt(),
                    lambda_dt: m.lambda * dt,
                    jump_mean: m.jump_mean,
                    jump_std: m.jump_std,
                }
            }
            Process::Heston(h) => {
                let (g1, g2) = (0.5, 0.5);
                let c = h.kappa * h.rho / h.xi - 0.5;
                let one_m_r2 = 1.0 - h.rho * h.rho;
                Stepper::Heston {
                    mu_dt: h.mu * dt,
                    kappa: h.kappa,
                    theta: h.theta,
                    xi: h.xi,
                    e: det_exp(-h.kappa * dt),
                    k0: -h.rho * h.kappa * h.theta * dt / h.xi,
                    k1: g1 * dt * c - h.rho / h.xi,
                    k2: g2 * dt * c + h.rho / h.xi,
                    k3: g1 * dt * one_m_r2,
                    k4: g2 * dt * one_m_r2,
                }
            }
            Process::Ou(o) => {
                let decay = det_exp(-o.kappa * dt);
                // Var = σ² (1 − e^{−2κΔ}) / (2κ) → σ² Δ as κ → 0.
                let var = if o.kappa * dt < 1e-12 {
                    o.sigma * o.sigma * dt
                } else {
                    o.sigma * o.sigma * -det_expm1(-2.0 * o.kappa * dt) / (2.0 * o.kappa)
                };
                Stepper::Ou {
                    theta: o.theta,
                    decay,
                    vol: var.sqrt(),
                }
            }
        }
    }

    /// Advances `(x, v)` by one step (`v` is the Heston variance, unused otherwise).
    #[inline]
    fn step(&self, x: f64, v: f64, rng: &mut Rng) -> (f64, f64) {
        match *self {
            Stepper::Gbm { drift, vol } => (x * det_exp(drift + vol * rng.normal()), v),
            Stepper::Merton {
                drift,
                vol,
                lambda_dt,
                jump_mean,
                jump_std,
            } => {
                let z = rng.normal();
                let n = if lambda_dt > 0.0 {
                    rng.poisson(lambda_dt) as f64
                } else {
                    0.0
                };
                let jump = if n > 0.0 {
                    n * jump_mean + n.sqrt() * jump_std * rng.normal()
                } else {
                    0.0
                };
                (x * det_exp(drift + vol * z + jump), v)
            }
            Stepper::Heston {
                mu_dt,
                kappa,
                theta,
                xi,
                e,
                k0,
                k1,
                k2,
                k3,
                k4,
            } => {
                // QE step for the variance (Andersen 2008, §3.2.4).
                let m = theta + (v - theta) * e;
                let s2 = v * xi * xi * e * (1.0 - e) / kappa
                    + theta * xi * xi * (1.0 - e) * (1.0 - e) / (2.0 * kappa);
                let psi = s2 / (m * m);
                let a_coef = k2 + 0.5 * k4;
                let (v_next, log_m) = if psi <= 1.5 {
                    let inv = 2.0 / psi;
                    let b2 = inv - 1.0 + inv.sqrt() * (inv - 1.0).sqrt();
                    let a = m / (1.0 + b2);
                    let z = rng.normal();
                    let b = b2.sqrt();
                    let vn = a * (b + z) * (b + z);
                    // E[exp(A v')] = exp(A b² a / (1 − 2Aa)) / √(1 − 2Aa), for A < 1/(2a).
                    let den = 1.0 - 2.0 * a_coef * a;
                    let lm = if den > 0.0 {
                        Some(a_coef * b2 * a / den - 0.5 * det_ln(den))
                    } else {
                        None
                    };
                    (vn, lm)
                } else {
                    let p = (psi - 1.0) / (psi + 1.0);
                    let beta = (1.0 - p) / m;
                    let u = rng.next_f64();
                    let vn = if u <= p {
                        0.0
                    } else {
                        det_ln((1.0 - p) / (1.0 - u)) / beta
                    };
                    // E[exp(A v')] = p + β(1 − p)/(β − A), for A < β.
                    let lm = if beta > a_coef {
                        Some(det_ln(p + beta * (1.0 - p) / (beta - a_coef)))
                    } else {
                        None
                    };
                    (vn, lm)
                };
                // Martingale-corrected K0* = −ln M − (K1 + ½K3) v (Andersen 2008, §4.2.3).
                let k0s = match log_m {
                    Some(lm) => -lm - (k1 + 0.5 * k3) * v,
                    None => k0,
                };
                let z = rng.normal();
                let var = (k3 * v + k4 * v_next).max(0.0);
                let dlog = mu_dt + k0s + k1 * v + k2 * v_next + var.sqrt() * z;
                (x * det_exp(dlog), v_next)
            }
            Stepper::Ou { theta, decay, vol } => {
                (theta + (x - theta) * decay + vol * rng.normal(), v)
            }
        }
    }
}

/// Generates `spec.paths × (spec.steps + 1)` values (row-major, path by path; column 0 is the
/// initial value) into `out`; for Heston, `variance` (same layout) receives the variance
/// paths if given.
///
/// # Errors
/// [`StatsError::InvalidParameter`] for bad process parameters or `dt` (must be finite and
/// > 0); [`StatsError::LengthMismatch`] if `out` (or `variance`) has the wrong length.
pub fn simulate_into(
    process: &Process,
    dt: f64,
    spec: &PathSpec,
    out: &mut [f64],
    mut variance: Option<&mut [f64]>,
) -> Result<()> {
    process.validate()?;
    param(dt > 0.0, dt, "dt", "must be > 0")?;
    let cols = spec.steps + 1;
    let total = spec
        .paths
        .checked_mul(cols)
        .ok_or(StatsError::InvalidParameter {
            name: "paths",
            reason: "paths × (steps + 1) overflows",
            value: spec.paths as f64,
        })?;
    if out.len() != total {
        return Err(StatsError::LengthMismatch {
            what: "path buffer (paths × (steps + 1))",
            expected: total,
            got: out.len(),
        });
    }
    if let Some(v) = variance.as_deref() {
        if v.len() != total {
            return Err(StatsError::LengthMismatch {
                what: "variance buffer (paths × (steps + 1))",
                expected: total,
                got: v.len(),
            });
        }
    }
    let stepper = Stepper::new(process, dt);
    let (x0, v0) = process.initial();
    let mut root = Rng::new(spec.seed);
    for p in 0..spec.paths {
        let mut rng = root.split();
        let row = &mut out[p * cols..(p + 1) * cols];
        let (mut x, mut v) = (x0, v0);
        row[0] = x;
        if let Some(vs) = variance.as_deref_mut() {
            vs[p * cols] = v;
        }
        for t in 1..cols {
            let (nx, nv) = stepper.step(x, v, &mut rng);
            x = nx;
            v = nv;
            row[t] = x;
            if let Some(vs) = variance.as_deref_mut() {
                vs[p * cols + t] = v;
            }
        }
    }
    Ok(())
}

/// [`simulate_into`] into a new buffer.
///
/// # Errors
/// As [`simulate_into`].
pub fn simulate(process: &Process, dt: f64, spec: &PathSpec) -> Result<Vec<f64>> {
    let total = spec
        .paths
        .checked_mul(spec.steps + 1)
        .filter(|t| *t <= 1 << 31)
        .ok_or(StatsError::InvalidParameter {
            name: "paths",
            reason: "paths × (steps + 1) must be at most 2^31 values",
            value: spec.paths as f64,
        })?;
    let mut out = vec![0.0; total];
    simulate_into(process, dt, spec, &mut out, None)?;
    Ok(out)
}

/// One path, step by step: the streaming form of [`simulate`] (e.g. a synthetic market feed).
/// `PathGenerator::new(process, dt, seed, p)` yields exactly path `p` of
/// `simulate(process, dt, &PathSpec { seed, .. })`.
#[derive(Debug, Clone)]
pub struct PathGenerator {
    stepper: Stepper,
    x: f64,
    v: f64,
    rng: Rng,
    steps: u64,
}

impl PathGenerator {
    /// A generator of path `stream` for `seed`.
    ///
    /// # Errors
    /// As [`Process::validate`], and for a bad `dt`.
    pub fn new(process: &Process, dt: f64, seed: u64, stream: u64) -> Result<Self> {
        process.validate()?;
        param(dt > 0.0, dt, "dt", "must be > 0")?;
        let (x, v) = process.initial();
        Ok(Self {
            stepper: Stepper::new(process, dt),
            x,
            v,
            rng: Rng::stream(seed, stream),
            steps: 0,
        })
    }

    /// Advances one step and returns the new value.
    pub fn next_value(&mut self) -> f64 {
        let (x, v) = self.stepper.step(self.x, self.v, &mut self.rng);
        self.x = x;
        self.v = v;
        self.steps += 1;
        x
    }

    /// Current value.
    #[must_use]
    pub fn value(&self) -> f64 {
        self.x
    }

    /// Current variance (Heston; 0 for the other processes).
    #[must_use]
    pub fn variance(&self) -> f64 {
        self.v
    }

    /// Steps taken.
    #[must_use]
    pub fn steps(&self) -> u64 {
        self.steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_reproduces_batch_paths() {
        let proc_ = Process::Heston(Heston {
            s0: 100.0,
            mu: 0.05,
            v0: 0.04,
            kappa: 1.5,
            theta: 0.04,
            xi: 0.5,
            rho: -0.7,
        });
        let spec = PathSpec {
            paths: 4,
            steps: 50,
            seed: 9,
        };
        let batch = simulate(&proc_, 1.0 / 252.0, &spec).unwrap();
        for p in 0..4 {
            let mut g = PathGenerator::new(&proc_, 1.0 / 252.0, 9, p as u64).unwrap();
            for t in 1..=50 {
                assert_eq!(g.next_value(), batch[p * 51 + t], "path {p} step {t}");
            }
        }
    }

    #[test]
    fn bad_parameters_are_typed_errors() {
        let bad = Process::Gbm(Gbm {
            s0: -1.0,
            mu: 0.0,
            sigma: 0.2,
        });
        let spec = PathSpec {
            paths: 1,
            steps: 1,
            seed: 0,
        };
        assert_eq!(
            simulate(&bad, 0.1, &spec).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
        let ok = Process::Ou(OrnsteinUhlenbeck {
            x0: 0.0,
            kappa: 1.0,
            theta: 0.0,
            sigma: 1.0,
        });
        assert_eq!(
            simulate(&ok, 0.0, &spec).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
        assert_eq!(
            simulate_into(&ok, 0.1, &spec, &mut [0.0; 3], None)
                .unwrap_err()
                .code(),
            "ERR_LENGTH_MISMATCH"
        );
        let rho = Process::Heston(Heston {
            s0: 1.0,
            mu: 0.0,
            v0: 0.1,
            kappa: 1.0,
            theta: 0.1,
            xi: 0.1,
            rho: 1.5,
        });
        assert_eq!(rho.validate().unwrap_err().code(), "ERR_INVALID_PARAMETER");
    }
}
