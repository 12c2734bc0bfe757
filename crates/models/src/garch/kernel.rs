//! Log-likelihood kernels of the GARCH family with analytic gradients.
//!
//! One pass over the data computes the conditional variances, the log-likelihood and its
//! gradient with respect to every parameter, by carrying the derivatives of the variance
//! recursion along (`∂h_t/∂θ = ∂(…)/∂θ + β ∂h_{t−1}/∂θ`). Parameters are held in a fixed
//! layout ([`MU`], [`OMEGA`], [`ALPHA`], [`GAMMA`], [`BETA`], [`NU`]); parameters a model does
//! not have are simply not read back by the caller.
//!
//! `Σ ln h_t` is accumulated as a running product (renormalised far from overflow), so the
//! GARCH/GJR loop needs one division and no logarithm per observation.

use tachyon_stats::special::{digamma, ln_gamma};

use super::{GarchKind, SQRT_2_OVER_PI};

/// Index of the mean `μ` in a full parameter array.
pub(crate) const MU: usize = 0;
/// Index of `ω`.
pub(crate) const OMEGA: usize = 1;
/// Index of `α`.
pub(crate) const ALPHA: usize = 2;
/// Index of `γ` (GJR asymmetry or EGARCH sign term).
pub(crate) const GAMMA: usize = 3;
/// Index of `β`.
pub(crate) const BETA: usize = 4;
/// Index of the Student-t degrees of freedom `ν`.
pub(crate) const NU: usize = 5;
/// Size of a full parameter array.
pub(crate) const NFULL: usize = 6;

/// A full parameter array.
pub(crate) type Full = [f64; NFULL];

/// How the recursion is started (already transformed to the data's scale).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Start {
    /// Pre-sample `e²` and `h` are this value (for EGARCH: pre-sample `ln h` is its log).
    Backcast(f64),
    /// fGarch's "mci": `h₀ = ω + (α + γ/2 + β)·mean((r − μ)²)` with the current `μ`.
    FGarch,
}

/// Renormalises a running product into an accumulated logarithm when it leaves a safe range.
#[inline(always)]
fn renorm(prod: &mut f64, logacc: &mut f64) {
    if !(*prod < 1e250 && *prod > 1e-250) {
        *logacc += prod.ln();
        *prod = 1.0;
    }
}

/// Per-observation error density: accumulates its log terms and returns the derivatives the
/// kernels need.
pub(crate) trait Density: Copy {
    /// Observation with squared standardised residual `z2 = e²/h`. Returns `(w, k)` with
    /// `∂l/∂ln h = w` and `∂l/∂e = −k·e/h`.
    fn obs(&mut self, z2: f64) -> (f64, f64);
    /// `∂l_t/∂ν` for one observation (only called when per-observation scores are wanted).
    fn obs_dnu(&self, z2: f64) -> f64;
    /// `(Σ_t l_t + ½ Σ_t ln h_t, ∂/∂ν of the total)` after `n` observations.
    fn finish(&self, n: usize) -> (f64, f64);
}

/// Standard normal errors.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Normal {
    sq: f64,
}

impl Density for Normal {
    #[inline(always)]
    fn obs(&mut self, z2: f64) -> (f64, f64) {
        self.sq += z2;
        (0.5 * (z2 - 1.0), 1.0)
    }
    fn obs_dnu(&self, _z2: f64) -> f64 {
        0.0
    }
    fn finish(&self, n: usize) -> (f64, f64) {
        (
            -0.5 * (n as f64 * (2.0 * std::f64::consts::PI).ln() + self.sq),
            0.0,
        )
    }
}

/// Unit-variance Student-t errors with `ν > 2` degrees of freedom:
/// `l = K(ν) − ½ ln h − (ν+1)/2 · ln(1 + e²/(h(ν−2)))`,
/// `K(ν) = lnΓ((ν+1)/2) − lnΓ(ν/2) − ½ ln(π(ν−2))`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StudentT {
    nu: f64,
    s2: f64,
    np1: f64,
    /// Running product of `1 + u` and its accumulated log (as for `Σ ln h`).
    prod: f64,
    logacc: f64,
    /// `Σ u/(1 + u)`.
    acc: f64,
}

impl StudentT {
    pub(crate) fn new(nu: f64) -> Self {
        Self {
            nu,
            s2: nu - 2.0,
            np1: nu + 1.0,
            prod: 1.0,
            logacc: 0.0,
            acc: 0.0,
        }
    }

    fn dk(&self) -> f64 {
        0.5 * digamma(0.5 * self.np1) - 0.5 * digamma(0.5 * self.nu) - 0.5 / self.s2
    }

    /// `true` when `ν` is in the domain.
    pub(crate) fn valid(&self) -> bool {
        self.s2 > 0.0 && self.nu.is_finite()
    }
}

impl Density for StudentT {
    #[inline(always)]
    fn obs(&mut self, z2: f64) -> (f64, f64) {
        let u = z2 / self.s2;
        let opu = 1.0 + u;
        self.prod *= opu;
        renorm(&mut self.prod, &mut self.logacc);
        let ratio = u / opu;
        self.acc += ratio;
        (0.5 * (self.np1 * ratio - 1.0), self.np1 / (self.s2 * opu))
    }
    fn obs_dnu(&self, z2: f64) -> f64 {
        let u = z2 / self.s2;
        self.dk() - 0.5 * u.ln_1p() + 0.5 * self.np1 * u / (self.s2 * (1.0 + u))
    }
    fn finish(&self, n: usize) -> (f64, f64) {
        let nf = n as f64;
        let k = ln_gamma(0.5 * self.np1)
            - ln_gamma(0.5 * self.nu)
            - 0.5 * (std::f64::consts::PI * self.s2).ln();
        let sum_ln = self.logacc + self.prod.ln();
        (
            nf * k - 0.5 * self.np1 * sum_ln,
            nf * self.dk() - 0.5 * sum_ln + 0.5 * self.np1 / self.s2 * self.acc,
        )
    }
}

/// Kernel output.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Eval {
    /// Log-likelihood (−∞ where the variance path is invalid).
    pub loglik: f64,
    /// `∂ loglik / ∂θ` in the full layout.
    pub grad: Full,
    /// Variance for the period after the sample (`h_{n}`), the one-step forecast.
    pub h_next: f64,
}

/// Observer of per-observation quantities (variances, scores). `()` observes nothing and
/// compiles away.
pub(crate) trait Sink {
    /// Whether per-observation scores are wanted (then [`Sink::score`] is called).
    const SCORES: bool;
    /// Conditional variance of observation `t`.
    fn variance(&mut self, t: usize, h: f64);
    /// Gradient of `l_t`.
    fn score(&mut self, t: usize, s: &Full);
}

impl Sink for () {
    const SCORES: bool = false;
    #[inline(always)]
    fn variance(&mut self, _: usize, _: f64) {}
    #[inline(always)]
    fn score(&mut self, _: usize, _: &Full) {}
}

/// Collects variances (and scores if `SCORES`).
#[derive(Debug, Default)]
pub(crate) struct Collect<const S: bool> {
    pub variances: Vec<f64>,
    pub scores: Vec<Full>,
}

impl<const S: bool> Sink for Collect<S> {
    const SCORES: bool = S;
    fn variance(&mut self, _: usize, h: f64) {
        self.variances.push(h);
    }
    fn score(&mut self, _: usize, s: &Full) {
        self.scores.push(*s);
    }
}

pub(crate) const INVALID: Eval = Eval {
    loglik: f64::NEG_INFINITY,
    grad: [0.0; NFULL],
    h_next: f64::NAN,
};

/// Log-likelihood and gradient of a model of `kind` at `p` on returns `r`.
pub(crate) fn eval<D: Density, S: Sink>(
    kind: GarchKind,
    p: &Full,
    r: &[f64],
    start: Start,
    dens: D,
    sink: &mut S,
) -> Eval {
    match kind {
        GarchKind::Garch | GarchKind::Gjr => {
            eval_garch(kind == GarchKind::Gjr, p, r, start, dens, sink)
        }
        GarchKind::Egarch => eval_egarch(p, r, start, dens, sink),
    }
}

/// GARCH(1,1) (`gjr = false`, γ ignored) and GJR-GARCH(1,1):
/// `h_t = ω + (α + γ·1[e_{t−1} < 0]) e²_{t−1} + β h_{t−1}`.
#[inline(always)]
fn eval_garch<D: Density, S: Sink>(
    gjr: bool,
    p: &Full,
    r: &[f64],
    start: Start,
    mut dens: D,
    sink: &mut S,
) -> Eval {
    let n = r.len();
    let (mu, omega, alpha, beta) = (p[MU], p[OMEGA], p[ALPHA], p[BETA]);
    let gamma = if gjr { p[GAMMA] } else { 0.0 };
    let persist = alpha + 0.5 * gamma + beta;
    // Pre-sample: h₀ and ∂h₀/∂θ.
    let (mut h, mut dh_mu, m) = match start {
        Start::Backcast(bc) => (omega + persist * bc, 0.0, bc),
        Start::FGarch => {
            let (mut s1, mut s2) = (0.0, 0.0);
            for &x in r {
                let e = x - mu;
                s1 += e;
                s2 += e * e;
            }
            let (me, m) = (s1 / n as f64, s2 / n as f64);
            (omega + persist * m, -2.0 * persist * me, m)
        }
    };
    let (mut dh_om, mut dh_al, mut dh_ga, mut dh_be) = (1.0, m, 0.5 * m, m);
    let (mut g_mu, mut g_om, mut g_al, mut g_ga, mut g_be) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut prod, mut logacc) = (1.0_f64, 0.0_f64);
    for (t, &x) in r.iter().enumerate() {
        if !(h > 0.0 && h < f64::INFINITY) {
            return INVALID;
        }
        sink.variance(t, h);
        let e = x - mu;
        let e2 = e * e;
        let inv = 1.0 / h;
        let z2 = e2 * inv;
        prod *= h;
        renorm(&mut prod, &mut logacc);
        let (w, k) = dens.obs(z2);
        let c = w * inv; // ∂l/∂h
        let gm = k * e * inv; // ∂l/∂μ through e
        if S::SCORES {
            let s = [
                gm + c * dh_mu,
                c * dh_om,
                c * dh_al,
                c * dh_ga,
                c * dh_be,
                dens.obs_dnu(z2),
            ];
            sink.score(t, &s);
        }
        g_mu += gm + c * dh_mu;
        g_om += c * dh_om;
        g_al += c * dh_al;
        g_ga += c * dh_ga;
        g_be += c * dh_be;
        // Next variance and its derivatives (using the current h).
        let neg = gjr && e < 0.0;
        let a_eff = if neg { alpha + gamma } else { alpha };
        dh_mu = -2.0 * a_eff * e + beta * dh_mu;
        dh_om = 1.0 + beta * dh_om;
        dh_al = e2 + beta * dh_al;
        dh_ga = if neg { e2 } else { 0.0 } + beta * dh_ga;
        dh_be = h + beta * dh_be;
        h = omega + a_eff * e2 + beta * h;
    }
    let (ll_d, dnu) = dens.finish(n);
    let sum_ln_h = logacc + prod.ln();
    let loglik = ll_d - 0.5 * sum_ln_h;
    if !loglik.is_finite() {
        return INVALID;
    }
    Eval {
        loglik,
        grad: [g_mu, g_om, g_al, g_ga, g_be, dnu],
        h_next: h,
    }
}

/// EGARCH(1,1) as in Python `arch`:
/// `ln h_t = ω + α(|z_{t−1}| − √(2/π)) + γ z_{t−1} + β ln h_{t−1}`, `z = e/√h`;
/// at `t = 0` only `ω + β·ln(backcast)`.
#[inline(always)]
fn eval_egarch<D: Density, S: Sink>(
    p: &Full,
    r: &[f64],
    start: Start,
    mut dens: D,
    sink: &mut S,
) -> Eval {
    let n = r.len();
    let (mu, omega, alpha, gamma, beta) = (p[MU], p[OMEGA], p[ALPHA], p[GAMMA], p[BETA]);
    let lbc = match start {
        Start::Backcast(bc) => bc.ln(),
        Start::FGarch => return INVALID, // rejected by the caller; unreachable in practice
    };
    let mut g = omega + beta * lbc;
    // ∂g/∂θ: μ, ω, α, γ, β
    let (mut d_mu, mut d_om, mut d_al, mut d_ga, mut d_be) = (0.0, 1.0, 0.0, 0.0, lbc);
    let (mut g_mu, mut g_om, mut g_al, mut g_ga, mut g_be) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut sum_g = 0.0;
    for (t, &x) in r.iter().enumerate() {
        if !(g < 700.0 && g > -700.0) {
            return INVALID;
        }
        let h = g.exp();
        sink.variance(t, h);
        let isd = (-0.5 * g).exp();
        let e = x - mu;
        let z = e * isd;
        let z2 = z * z;
        sum_g += g;
        let (w, k) = dens.obs(z2);
        let gm = k * z * isd; // k·e/h
        if S::SCORES {
            let s = [
                gm + w * d_mu,
                w * d_om,
                w * d_al,
                w * d_ga,
                w * d_be,
                dens.obs_dnu(z2),
            ];
            sink.score(t, &s);
        }
        g_mu += gm + w * d_mu;
        g_om += w * d_om;
        g_al += w * d_al;
        g_ga += w * d_ga;
        g_be += w * d_be;
        let az = z.abs();
        let sgn = if z > 0.0 {
            1.0
        } else if z < 0.0 {
            -1.0
        } else {
            0.0
        };
        let coef = alpha * sgn + gamma; // ∂(α|z| + γz)/∂z
        let carry = beta - 0.5 * coef * z; // ∂g_{t+1}/∂g_t
        d_mu = carry * d_mu - coef * isd;
        d_om = 1.0 + carry * d_om;
        d_al = (az - SQRT_2_OVER_PI) + carry * d_al;
        d_ga = z + carry * d_ga;
        d_be = g + carry * d_be;
        g = omega + alpha * (az - SQRT_2_OVER_PI) + gamma * z + beta * g;
    }
    let (ll_d, dnu) = dens.finish(n);
    let loglik = ll_d - 0.5 * sum_g;
    if !loglik.is_finite() || g.is_nan() || g >= 700.0 {
        return INVALID;
    }
    Eval {
        loglik,
        grad: [g_mu, g_om, g_al, g_ga, g_be, dnu],
        h_next: g.exp(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Deterministic pseudo-returns with volatility clustering (no RNG needed).
    pub(crate) fn sample(n: usize) -> Vec<f64> {
        let mut s = 0x9e37_79b9_7f4a_7c15_u64;
        let mut h = 1.0;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            let z = (u - 0.5) * 12f64.sqrt();
            let e = z * f64::sqrt(h);
            out.push(0.05 + e);
            h = 0.05 + 0.1 * e * e + 0.85 * h;
        }
        out
    }

    fn ev(kind: GarchKind, p: &Full, r: &[f64], start: Start) -> Eval {
        if p[NU].is_finite() {
            eval(kind, p, r, start, StudentT::new(p[NU]), &mut ())
        } else {
            eval(kind, p, r, start, Normal::default(), &mut ())
        }
    }

    fn check_gradient(kind: GarchKind, p: Full, start: Start) {
        let r = sample(400);
        let base = ev(kind, &p, &r, start);
        assert!(base.loglik.is_finite());
        let last = if p[NU].is_finite() { 6 } else { 5 };
        for i in 0..last {
            if kind == GarchKind::Garch && i == GAMMA {
                continue;
            }
            let step = 1e-6 * p[i].abs().max(1e-2);
            let mut up = p;
            up[i] += step;
            let mut dn = p;
            dn[i] -= step;
            let fu = ev(kind, &up, &r, start).loglik;
            let fd = ev(kind, &dn, &r, start).loglik;
            let num = (fu - fd) / (2.0 * step);
            let an = base.grad[i];
            assert!(
                (num - an).abs() <= 1e-5 * an.abs().max(1.0),
                "{kind:?} {start:?} param {i}: numeric {num} analytic {an}"
            );
        }
    }

    #[test]
    fn analytic_gradients_match_finite_differences() {
        let p = [0.04, 0.06, 0.08, 0.07, 0.84, f64::INFINITY];
        for start in [Start::Backcast(1.3), Start::FGarch] {
            check_gradient(GarchKind::Garch, p, start);
            check_gradient(GarchKind::Gjr, p, start);
        }
        let pe = [0.04, 0.02, 0.15, -0.08, 0.93, f64::INFINITY];
        check_gradient(GarchKind::Egarch, pe, Start::Backcast(1.3));
        // Student-t, every kind, ν included
        let pt = [0.04, 0.06, 0.08, 0.07, 0.84, 6.5];
        check_gradient(GarchKind::Garch, pt, Start::Backcast(1.3));
        check_gradient(GarchKind::Gjr, pt, Start::FGarch);
        let pet = [0.04, 0.02, 0.15, -0.08, 0.93, 6.5];
        check_gradient(GarchKind::Egarch, pet, Start::Backcast(1.3));
    }

    #[test]
    fn scores_sum_to_gradient() {
        let r = sample(300);
        let p = [0.04, 0.06, 0.08, 0.07, 0.84, 7.0];
        for kind in [GarchKind::Garch, GarchKind::Gjr, GarchKind::Egarch] {
            let mut c = Collect::<true>::default();
            let e = eval(
                kind,
                &p,
                &r,
                Start::Backcast(1.1),
                StudentT::new(7.0),
                &mut c,
            );
            assert_eq!(c.variances.len(), 300);
            for i in 0..6 {
                let s: f64 = c.scores.iter().map(|s| s[i]).sum();
                assert!((s - e.grad[i]).abs() <= 1e-9 * e.grad[i].abs().max(1.0));
            }
        }
    }

    #[test]
    fn invalid_parameters_give_minus_infinity() {
        let r = sample(50);
        let p = [0.0, -1.0, 0.1, 0.0, 0.8, f64::INFINITY];
        let e = eval(
            GarchKind::Garch,
            &p,
            &r,
            Start::Backcast(1.0),
            Normal::default(),
            &mut (),
        );
        assert_eq!(e.loglik, f64::NEG_INFINITY);
    }
}
