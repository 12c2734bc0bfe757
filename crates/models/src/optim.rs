//! A small constrained quasi-Newton minimiser for maximum-likelihood fits.
//!
//! [`minimize`] minimises a smooth function with an analytic gradient subject to box bounds
//! `lower ≤ x ≤ upper` and a few general linear inequalities `a·x ≤ b` (the stationarity
//! constraint of a GARCH model, `α + γ/2 + β ≤ 1`, is one). It is an active-set projected BFGS:
//!
//! - **Direction.** `d = −H g` on the free coordinates, where `H` is the BFGS approximation of
//!   the inverse Hessian. A coordinate on a bound whose gradient pushes outward is fixed for the
//!   iteration; an active linear constraint that `d` would cross is added to the working set and
//!   `d` is projected onto its null space in the `H` metric (`d = −(H − HAᵀ(AHAᵀ)⁻¹AH) g`,
//!   computed by a sequential biorthogonal projection, so any number of linear constraints can
//!   be active at once).
//! - **Step.** A line search for the strong Wolfe conditions (`c1 = 1e-4`, `c2 = 0.9`,
//!   bracketing + safeguarded quadratic interpolation, Nocedal & Wright alg. 3.5/3.6), capped
//!   at the largest feasible step; a step that hits a bound lands on it exactly. Points where the
//!   objective is undefined (non-finite value, e.g. a negative variance) count as "too far" and
//!   shrink the step, so the objective may return `f64::INFINITY` outside its domain.
//! - **Update.** BFGS on the inverse Hessian, skipped when the curvature `sᵀy` is not positive;
//!   the first update is preceded by the Shanno–Phua scaling `H₀ = (sᵀy / yᵀy) I`.
//! - **Restarts.** A failed line search resets `H` to a scaled identity and retries (up to
//!   [`OptimOptions::max_restarts`] times); a failure from a fresh `H` ends the run, reported
//!   as [`OptimStatus::Converged`] with `small_step` if no further decrease is possible within
//!   rounding and the projected gradient is small, as [`OptimStatus::LineSearchFailed`] otherwise.
//! - **Convergence.** The projected gradient (free coordinates, with the normals of the active
//!   linear constraints projected out) has infinity norm ≤ [`OptimOptions::gtol`], or the
//!   relative decrease of `f` over an iteration is below [`OptimOptions::ftol`].
//!
//! Dimensions are small (≤ ~10 parameters): everything is dense and allocation happens once.

/// A function to minimise with its gradient.
pub trait Objective {
    /// Writes `∇f(x)` into `grad` and returns `f(x)`. Return a non-finite value (and anything in
    /// `grad`) where `f` is undefined.
    fn eval(&mut self, x: &[f64], grad: &mut [f64]) -> f64;
}

impl<F: FnMut(&[f64], &mut [f64]) -> f64> Objective for F {
    fn eval(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self(x, grad)
    }
}

/// A linear inequality `a·x ≤ b`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearConstraint {
    /// Coefficients, one per parameter.
    pub a: Vec<f64>,
    /// Right-hand side.
    pub b: f64,
}

/// The feasible set: box bounds plus linear inequalities.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Lower bounds (`f64::NEG_INFINITY` for none).
    pub lower: Vec<f64>,
    /// Upper bounds (`f64::INFINITY` for none).
    pub upper: Vec<f64>,
    /// Linear inequalities `a·x ≤ b`.
    pub linear: Vec<LinearConstraint>,
}

impl Problem {
    /// A box-constrained problem.
    #[must_use]
    pub fn new(lower: Vec<f64>, upper: Vec<f64>) -> Self {
        Self {
            lower,
            upper,
            linear: Vec::new(),
        }
    }

    /// Adds `a·x ≤ b`.
    #[must_use]
    pub fn with_linear(mut self, a: Vec<f64>, b: f64) -> Self {
        self.linear.push(LinearConstraint { a, b });
        self
    }

    /// Number of parameters.
    #[must_use]
    pub fn dim(&self) -> usize {
        self.lower.len()
    }

    /// `true` if `x` satisfies every constraint within `tol`.
    #[must_use]
    pub fn is_feasible(&self, x: &[f64], tol: f64) -> bool {
        x.iter()
            .zip(self.lower.iter().zip(&self.upper))
            .all(|(&v, (&l, &u))| v >= l - tol && v <= u + tol)
            && self.linear.iter().all(|c| dot(&c.a, x) <= c.b + tol)
    }

    fn clamp(&self, x: &mut [f64]) {
        for (v, (&l, &u)) in x.iter_mut().zip(self.lower.iter().zip(&self.upper)) {
            *v = v.max(l).min(u);
        }
    }
}

/// Stopping rules and budgets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptimOptions {
    /// Most iterations (default 500).
    pub max_iter: usize,
    /// Most objective evaluations, line searches included (default 5,000).
    pub max_eval: usize,
    /// Converged when the projected gradient's infinity norm is at most this (default 1e-9).
    pub gtol: f64,
    /// Converged when an iteration lowers `f` by less than `ftol × max(|f|, 1)` (default 1e-15).
    pub ftol: f64,
    /// Resets of the Hessian approximation after failed line searches (default 4).
    pub max_restarts: usize,
}

impl Default for OptimOptions {
    fn default() -> Self {
        Self {
            max_iter: 500,
            max_eval: 5_000,
            gtol: 1e-9,
            ftol: 1e-15,
            max_restarts: 4,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptimStatus {
    /// A convergence criterion was met.
    Converged,
    /// The iteration budget ran out.
    MaxIterations,
    /// The evaluation budget ran out.
    MaxEvaluations,
    /// No step along the search direction lowered `f`, even after resetting the Hessian, and
    /// the projected gradient is not small: the result is the best point found.
    LineSearchFailed,
    /// The objective is not finite at the starting point.
    NonFiniteStart,
    /// The starting point violates a linear constraint (bounds are clamped, not reported).
    InfeasibleStart,
}

impl OptimStatus {
    /// `true` for [`OptimStatus::Converged`].
    #[must_use]
    pub fn is_converged(self) -> bool {
        self == Self::Converged
    }
}

/// Outcome of [`minimize`].
#[derive(Debug, Clone, PartialEq)]
pub struct OptimResult {
    /// Best point found.
    pub x: Vec<f64>,
    /// `f(x)`.
    pub f: f64,
    /// `∇f(x)`.
    pub grad: Vec<f64>,
    /// Infinity norm of the projected gradient at `x`.
    pub projected_grad: f64,
    /// Iterations taken.
    pub iterations: usize,
    /// Objective evaluations.
    pub evaluations: usize,
    /// Hessian resets after failed line searches.
    pub restarts: usize,
    /// How the run ended.
    pub status: OptimStatus,
    /// `true` when the run ended because no further decrease was possible within rounding
    /// (as opposed to the gradient test).
    pub small_step: bool,
}

#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn inf_norm(a: &[f64]) -> f64 {
    a.iter().fold(0.0_f64, |m, v| m.max(v.abs()))
}

/// Wolfe constants.
const C1: f64 = 1e-4;
const C2: f64 = 0.9;
/// Trial steps per line search (bracketing + zoom).
const MAX_LS: usize = 40;

/// Work space and state of one run.
struct Run<'a, O: Objective + ?Sized> {
    obj: &'a mut O,
    problem: &'a Problem,
    n: usize,
    evals: usize,
    max_eval: usize,
    /// Inverse Hessian approximation, row-major n×n.
    h: Vec<f64>,
    /// `true` until the first BFGS update after a (re)start (then `H₀` is rescaled).
    fresh: bool,
    free: Vec<bool>,
    /// Working set of linear constraints (indices) for the current direction.
    work: Vec<usize>,
    // scratch
    hv: Vec<f64>,
    basis: Vec<(usize, Vec<f64>)>,
}

impl<'a, O: Objective + ?Sized> Run<'a, O> {
    fn eval(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        self.evals += 1;
        let f = self.obj.eval(x, g);
        if f.is_finite() && g.iter().all(|v| v.is_finite()) {
            f
        } else {
            f64::INFINITY
        }
    }

    fn reset_h(&mut self, scale: f64) {
        let n = self.n;
        self.h.iter_mut().for_each(|v| *v = 0.0);
        for i in 0..n {
            self.h[i * n + i] = scale;
        }
        self.fresh = true;
    }

    /// `out = H v` restricted to free coordinates (zero elsewhere).
    fn h_free(&self, v: &[f64], out: &mut [f64]) {
        let n = self.n;
        for (i, o) in out.iter_mut().enumerate().take(n) {
            *o = if self.free[i] {
                (0..n)
                    .filter(|&j| self.free[j])
                    .map(|j| self.h[i * n + j] * v[j])
                    .sum()
            } else {
                0.0
            };
        }
    }

    /// Constraint normal restricted to free coordinates.
    fn a_free(&self, k: usize) -> Vec<f64> {
        self.problem.linear[k]
            .a
            .iter()
            .zip(&self.free)
            .map(|(&a, &f)| if f { a } else { 0.0 })
            .collect()
    }

    /// Projects `d` (already `−H g` on free coordinates) onto `{a_k·d = 0, k ∈ work}` in the
    /// `H` metric: `d ← d + Σ c_j w_j` with `w_j ∈ span{H a_k}` built so that `a_k·w_j = 0` for
    /// `k` before `j` (a triangular system solved forward). Dependent constraints are dropped.
    fn project(&mut self, d: &mut [f64]) {
        self.basis.clear();
        let mut kept = Vec::with_capacity(self.work.len());
        let work = std::mem::take(&mut self.work);
        for &k in &work {
            let a = self.a_free(k);
            let mut w = vec![0.0; self.n];
            self.h_free(&a, &mut w);
            let scale = dot(&a, &w).abs();
            // w ← w − Σ_j (a_j·w / a_j·w_j) w_j over earlier j, in order (triangular).
            for (j, wj) in &self.basis {
                let aj = self.a_free(*j);
                let c = dot(&aj, &w) / dot(&aj, wj);
                for (wi, wji) in w.iter_mut().zip(wj) {
                    *wi -= c * wji;
                }
            }
            let m = dot(&a, &w);
            if m.abs() <= 1e-12 * scale.max(f64::MIN_POSITIVE) || scale == 0.0 {
                continue; // implied by earlier constraints (or no free coordinate in it)
            }
            self.basis.push((k, w));
            kept.push(k);
        }
        self.work = kept;
        // Forward substitution: constraint j is satisfied after adding c_j w_j, and later w's
        // do not disturb earlier constraints (a_i·w_j = 0 for i < j).
        for idx in 0..self.basis.len() {
            let (k, ref w) = self.basis[idx];
            let a = self.a_free(k);
            let c = -dot(&a, d) / dot(&a, w);
            for (di, wi) in d.iter_mut().zip(w) {
                *di += c * wi;
            }
        }
    }

    /// Search direction at `(x, g)`: fixes bound coordinates, builds the working set, projects.
    fn direction(&mut self, x: &[f64], g: &[f64], d: &mut [f64]) {
        let n = self.n;
        let p = self.problem;
        for i in 0..n {
            let at_lo = x[i] <= p.lower[i];
            let at_hi = x[i] >= p.upper[i];
            self.free[i] = !((at_lo && g[i] > 0.0) || (at_hi && g[i] < 0.0) || (at_lo && at_hi));
        }
        self.work.clear();
        for _round in 0..(n + p.linear.len() + 1) {
            let neg_g: Vec<f64> = g.iter().map(|v| -v).collect();
            let mut hv = std::mem::take(&mut self.hv);
            self.h_free(&neg_g, &mut hv);
            d.copy_from_slice(&hv);
            self.hv = hv;
            self.project(d);
            let mut changed = false;
            // Free coordinates on a bound that d would leave: fix them.
            for i in 0..n {
                if self.free[i]
                    && ((x[i] <= p.lower[i] && d[i] < 0.0) || (x[i] >= p.upper[i] && d[i] > 0.0))
                {
                    self.free[i] = false;
                    changed = true;
                }
            }
            // Active linear constraints that d would cross: add them.
            for (k, c) in p.linear.iter().enumerate() {
                let slack = c.b - dot(&c.a, x);
                let tol = 1e-12 * (1.0 + c.b.abs());
                if slack <= tol && !self.work.contains(&k) && dot(&c.a, d) > 1e-14 * inf_norm(d) {
                    self.work.push(k);
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// Infinity norm of the gradient projected onto the feasible directions at `x`: fixed
    /// coordinates dropped, normals of the working-set constraints projected out (Euclidean).
    fn projected_grad(&self, g: &[f64]) -> f64 {
        let mut pg: Vec<f64> = g
            .iter()
            .zip(&self.free)
            .map(|(&v, &f)| if f { v } else { 0.0 })
            .collect();
        let mut ortho: Vec<Vec<f64>> = Vec::new();
        for &k in &self.work {
            let mut a = self.a_free(k);
            for q in &ortho {
                let c = dot(q, &a);
                for (ai, qi) in a.iter_mut().zip(q) {
                    *ai -= c * qi;
                }
            }
            let norm = dot(&a, &a).sqrt();
            if norm > 1e-12 {
                a.iter_mut().for_each(|v| *v /= norm);
                ortho.push(a);
            }
        }
        for q in &ortho {
            let c = dot(q, &pg);
            for (pi, qi) in pg.iter_mut().zip(q) {
                *pi -= c * qi;
            }
        }
        inf_norm(&pg)
    }

    /// Largest step along `d` that stays feasible (∞ if unbounded).
    fn max_step(&self, x: &[f64], d: &[f64]) -> f64 {
        let p = self.problem;
        let mut amax = f64::INFINITY;
        for i in 0..self.n {
            if d[i] < 0.0 && p.lower[i].is_finite() {
                amax = amax.min((p.lower[i] - x[i]) / d[i]);
            } else if d[i] > 0.0 && p.upper[i].is_finite() {
                amax = amax.min((p.upper[i] - x[i]) / d[i]);
            }
        }
        for (k, c) in p.linear.iter().enumerate() {
            if self.work.contains(&k) {
                continue;
            }
            let ad = dot(&c.a, d);
            if ad > 0.0 {
                amax = amax.min(((c.b - dot(&c.a, x)) / ad).max(0.0));
            }
        }
        amax.max(0.0)
    }

    /// `x + α d`, clamped to the box; at `α = α_max` the blocking coordinates land exactly on
    /// their bound.
    fn point(&self, x: &[f64], d: &[f64], alpha: f64, amax: f64, out: &mut [f64]) {
        for i in 0..self.n {
            out[i] = x[i] + alpha * d[i];
        }
        if alpha >= amax {
            let p = self.problem;
            for i in 0..self.n {
                if d[i] < 0.0 && (p.lower[i] - x[i]) / d[i] <= amax * (1.0 + 1e-12) {
                    out[i] = p.lower[i];
                } else if d[i] > 0.0 && (p.upper[i] - x[i]) / d[i] <= amax * (1.0 + 1e-12) {
                    out[i] = p.upper[i];
                }
            }
        }
        self.problem.clamp(out);
    }

    /// Strong-Wolfe line search. On success `xn`, `gn` hold the new point and gradient and the
    /// new value is returned.
    #[allow(clippy::too_many_lines)] // one algorithm (bracket + zoom); splitting hides its flow
    fn line_search(
        &mut self,
        x: &[f64],
        f0: f64,
        g0: &[f64],
        d: &[f64],
        amax: f64,
        xn: &mut [f64],
        gn: &mut [f64],
    ) -> Option<f64> {
        let dphi0 = dot(g0, d);
        if dphi0.is_nan() || dphi0 >= 0.0 {
            return None;
        }
        let n = self.n;
        let mut g_lo = g0.to_vec();
        let (mut a_lo, mut f_lo, mut dphi_lo) = (0.0, f0, dphi0);
        let mut a = amax.min(1.0);
        if a <= 0.0 {
            return None;
        }
        let mut xt = vec![0.0; n];
        let mut gt = vec![0.0; n];
        let mut hi: Option<(f64, f64)> = None; // (a_hi, f_hi) once bracketed
        for _ in 0..MAX_LS {
            if self.evals >= self.max_eval {
                break;
            }
            self.point(x, d, a, amax, &mut xt);
            let fa = self.eval(&xt, &mut gt);
            let dphia = dot(&gt, d);
            let armijo = fa.is_finite() && fa <= f0 + C1 * a * dphi0;
            if !armijo || fa >= f_lo && a_lo > 0.0 {
                hi = Some((a, fa));
            } else if dphia.abs() <= -C2 * dphi0 {
                xn.copy_from_slice(&xt);
                gn.copy_from_slice(&gt);
                return Some(fa);
            } else {
                // Sufficient decrease but curvature not yet satisfied.
                match hi {
                    Some((a_hi, _)) if dphia * (a_hi - a) >= 0.0 => {
                        hi = Some((a_lo, f_lo));
                    }
                    None if dphia >= 0.0 => {
                        hi = Some((a_lo, f_lo));
                    }
                    _ => {}
                }
                a_lo = a;
                f_lo = fa;
                dphi_lo = dphia;
                g_lo.copy_from_slice(&gt);
                if hi.is_none() && a >= amax {
                    // Still descending at the boundary: take the boundary step.
                    xn.copy_from_slice(&xt);
                    gn.copy_from_slice(&gt);
                    return Some(fa);
                }
            }
            // Next trial.
            a = match hi {
                None => (a * 4.0).min(amax),
                Some((a_hi, f_hi)) => {
                    let width = a_hi - a_lo;
                    if width.abs() <= 1e-16 * a_lo.abs().max(1e-300) || width.abs() < 1e-300 {
                        break;
                    }
                    let t = if f_hi.is_finite() {
                        // Quadratic through (a_lo, f_lo, φ'_lo) and (a_hi, f_hi).
                        let denom = 2.0 * (f_hi - f_lo - dphi_lo * width);
                        if denom > 0.0 {
                            -dphi_lo * width * width / denom / width
                        } else {
                            0.5
                        }
                    } else {
                        0.25
                    };
                    a_lo + t.clamp(0.1, 0.9) * width
                }
            };
        }
        if a_lo > 0.0 && f_lo < f0 {
            // Armijo holds at a_lo: accept it (curvature not met; the BFGS update may skip).
            self.point(x, d, a_lo, amax, xn);
            gn.copy_from_slice(&g_lo);
            return Some(f_lo);
        }
        None
    }

    fn bfgs_update(&mut self, s: &[f64], y: &[f64]) {
        let n = self.n;
        let sy = dot(s, y);
        let yy = dot(y, y);
        if !sy.is_finite() || sy <= 1e-12 * dot(s, s).sqrt() * yy.sqrt() {
            return;
        }
        if self.fresh {
            let scale = sy / yy;
            for i in 0..n {
                for j in 0..n {
                    self.h[i * n + j] = if i == j { scale } else { 0.0 };
                }
            }
            self.fresh = false;
        }
        // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, expanded:
        // H + ρ²(yᵀHy) s sᵀ + ρ s sᵀ − ρ (Hy sᵀ + s (Hy)ᵀ).
        let rho = 1.0 / sy;
        let mut hy = vec![0.0; n];
        for (i, v) in hy.iter_mut().enumerate() {
            *v = (0..n).map(|j| self.h[i * n + j] * y[j]).sum();
        }
        let yhy = dot(y, &hy);
        let k = rho * rho * yhy + rho;
        for i in 0..n {
            for j in 0..n {
                self.h[i * n + j] += k * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
            }
        }
    }
}

/// Minimises `obj` over `problem` from `x0`.
///
/// `x0` is clamped to the box; it must satisfy the linear constraints (else the result has
/// [`OptimStatus::InfeasibleStart`]). The objective must be finite at `x0`.
#[allow(clippy::too_many_lines)] // the main loop of one algorithm
pub fn minimize<O: Objective + ?Sized>(
    obj: &mut O,
    x0: &[f64],
    problem: &Problem,
    opts: &OptimOptions,
) -> OptimResult {
    let n = x0.len();
    assert_eq!(problem.dim(), n, "problem dimension must match x0");
    let mut run = Run {
        obj,
        problem,
        n,
        evals: 0,
        max_eval: opts.max_eval.max(1),
        h: vec![0.0; n * n],
        fresh: true,
        free: vec![true; n],
        work: Vec::new(),
        hv: vec![0.0; n],
        basis: Vec::new(),
    };
    let mut x = x0.to_vec();
    problem.clamp(&mut x);
    let mut g = vec![0.0; n];
    let result = |x: Vec<f64>, f: f64, g: Vec<f64>, pg, it, ev, rs, status, small| OptimResult {
        x,
        f,
        grad: g,
        projected_grad: pg,
        iterations: it,
        evaluations: ev,
        restarts: rs,
        status,
        small_step: small,
    };
    if problem
        .linear
        .iter()
        .any(|c| dot(&c.a, &x) > c.b + 1e-12 * (1.0 + c.b.abs()))
    {
        return result(
            x,
            f64::NAN,
            g,
            f64::NAN,
            0,
            0,
            0,
            OptimStatus::InfeasibleStart,
            false,
        );
    }
    let mut f = run.eval(&x, &mut g);
    if !f.is_finite() {
        let ev = run.evals;
        return result(
            x,
            f,
            g,
            f64::NAN,
            0,
            ev,
            0,
            OptimStatus::NonFiniteStart,
            false,
        );
    }
    let g0 = inf_norm(&g);
    run.reset_h(if g0 > 0.0 { (0.1 / g0).min(1.0) } else { 1.0 });
    let mut d = vec![0.0; n];
    let mut xn = vec![0.0; n];
    let mut gn = vec![0.0; n];
    let mut s = vec![0.0; n];
    let mut y = vec![0.0; n];
    let mut restarts = 0;
    let mut iter = 0;
    let status;
    let mut small = false;
    let mut pg;
    loop {
        run.direction(&x, &g, &mut d);
        pg = run.projected_grad(&g);
        if pg <= opts.gtol {
            status = OptimStatus::Converged;
            break;
        }
        if iter >= opts.max_iter {
            status = OptimStatus::MaxIterations;
            break;
        }
        if run.evals >= run.max_eval {
            status = OptimStatus::MaxEvaluations;
            break;
        }
        iter += 1;
        let amax = run.max_step(&x, &d);
        let fnew = if dot(&g, &d) < 0.0 && amax > 0.0 {
            run.line_search(&x, f, &g, &d, amax, &mut xn, &mut gn)
        } else {
            None
        };
        let fnew = match fnew {
            Some(v) => v,
            None => {
                if run.evals >= run.max_eval {
                    status = OptimStatus::MaxEvaluations;
                    break;
                }
                if !run.fresh && restarts < opts.max_restarts {
                    restarts += 1;
                    let gi = inf_norm(&g);
                    run.reset_h(if gi > 0.0 { (0.1 / gi).min(1.0) } else { 1.0 });
                    continue;
                }
                // No decrease possible even along the (scaled) projected steepest descent.
                if pg <= opts.gtol.max(1e-6) {
                    status = OptimStatus::Converged;
                    small = true;
                } else {
                    status = OptimStatus::LineSearchFailed;
                }
                break;
            }
        };
        for i in 0..n {
            s[i] = xn[i] - x[i];
            y[i] = gn[i] - g[i];
        }
        run.bfgs_update(&s, &y);
        let decrease = f - fnew;
        x.copy_from_slice(&xn);
        g.copy_from_slice(&gn);
        f = fnew;
        if decrease <= opts.ftol * f.abs().max(1.0) {
            run.direction(&x, &g, &mut d);
            pg = run.projected_grad(&g);
            status = OptimStatus::Converged;
            small = pg > opts.gtol;
            break;
        }
    }
    let ev = run.evals;
    result(x, f, g, pg, iter, ev, restarts, status, small)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64], g: &mut [f64]) -> f64 {
        let (a, b) = (x[0], x[1]);
        g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
        g[1] = 200.0 * (b - a * a);
        (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
    }

    #[test]
    fn unconstrained_rosenbrock() {
        let p = Problem::new(vec![f64::NEG_INFINITY; 2], vec![f64::INFINITY; 2]);
        let mut f = rosenbrock;
        let r = minimize(&mut f, &[-1.2, 1.0], &p, &OptimOptions::default());
        assert!(r.status.is_converged(), "{r:?}");
        assert!(
            (r.x[0] - 1.0).abs() < 1e-8 && (r.x[1] - 1.0).abs() < 1e-8,
            "{r:?}"
        );
    }

    #[test]
    fn box_bound_becomes_active() {
        // Rosenbrock with x ≤ 0.5: optimum on the bound at (0.5, 0.25).
        let p = Problem::new(vec![f64::NEG_INFINITY; 2], vec![0.5, f64::INFINITY]);
        let mut f = rosenbrock;
        let r = minimize(&mut f, &[-1.2, 1.0], &p, &OptimOptions::default());
        assert!(r.status.is_converged(), "{r:?}");
        assert_eq!(r.x[0], 0.5);
        assert!((r.x[1] - 0.25).abs() < 1e-9, "{r:?}");
    }

    #[test]
    fn linear_constraint_active() {
        // min (x-2)² + (y-2)² + (z-1)²  s.t. x + y ≤ 1, z ≤ 0.5 → (0.5, 0.5, 0.5)
        let p = Problem::new(
            vec![f64::NEG_INFINITY; 3],
            vec![f64::INFINITY, f64::INFINITY, 0.5],
        )
        .with_linear(vec![1.0, 1.0, 0.0], 1.0);
        let mut f = |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * (x[0] - 2.0);
            g[1] = 2.0 * (x[1] - 2.0);
            g[2] = 2.0 * (x[2] - 1.0);
            (x[0] - 2.0).powi(2) + (x[1] - 2.0).powi(2) + (x[2] - 1.0).powi(2)
        };
        let r = minimize(&mut f, &[0.0, 0.0, 0.0], &p, &OptimOptions::default());
        assert!(r.status.is_converged(), "{r:?}");
        for (v, want) in r.x.iter().zip([0.5, 0.5, 0.5]) {
            assert!((v - want).abs() < 1e-9, "{r:?}");
        }
    }

    #[test]
    fn two_linear_constraints_active_with_coupled_quadratic() {
        // min ½xᵀQx − cᵀx, Q coupled, s.t. x0 + x1 ≤ 1, x1 + x2 ≤ 1, x ≥ 0.
        // KKT solution computed by hand: the unconstrained optimum (3,3,3)-ish violates both;
        // with both active and Q = I the answer is the projection of c onto the face.
        let p = Problem::new(vec![0.0; 3], vec![f64::INFINITY; 3])
            .with_linear(vec![1.0, 1.0, 0.0], 1.0)
            .with_linear(vec![0.0, 1.0, 1.0], 1.0);
        let c = [3.0, 3.0, 3.0];
        let mut f = |x: &[f64], g: &mut [f64]| {
            for i in 0..3 {
                g[i] = x[i] - c[i];
            }
            (0..3).map(|i| 0.5 * x[i] * x[i] - c[i] * x[i]).sum()
        };
        let r = minimize(&mut f, &[0.1, 0.1, 0.1], &p, &OptimOptions::default());
        assert!(r.status.is_converged(), "{r:?}");
        // On the face x0 = 1 − x1, x2 = 1 − x1: minimise ½(3x1²… ) → x1 = 1/3·(2 - 3 + … );
        // directly: f(x1) = ½[(1−x1)² + x1² + (1−x1)²] − 3[(1−x1) + x1 + (1−x1)]
        // f'(x1) = −2(1−x1) + x1 + 3 = 3x1 + 1 > 0 for x1 ≥ 0 → x1 = 0 (bound), x0 = x2 = 1.
        for (v, want) in r.x.iter().zip([1.0, 0.0, 1.0]) {
            assert!((v - want).abs() < 1e-9, "{r:?}");
        }
    }

    #[test]
    fn undefined_region_shrinks_step() {
        // f = x − ln x on x > 0 (undefined at x ≤ 0), minimum at 1; start far so the first
        // trial step overshoots into the undefined region.
        let p = Problem::new(vec![f64::NEG_INFINITY], vec![f64::INFINITY]);
        let mut f = |x: &[f64], g: &mut [f64]| {
            if x[0] <= 0.0 {
                return f64::INFINITY;
            }
            g[0] = 1.0 - 1.0 / x[0];
            x[0] - x[0].ln()
        };
        let r = minimize(&mut f, &[0.01], &p, &OptimOptions::default());
        assert!(r.status.is_converged(), "{r:?}");
        assert!((r.x[0] - 1.0).abs() < 1e-8, "{r:?}");
    }

    #[test]
    fn bad_starts_are_reported() {
        let p = Problem::new(vec![0.0], vec![1.0]).with_linear(vec![1.0], 0.5);
        let mut f = |x: &[f64], g: &mut [f64]| {
            g[0] = 1.0;
            x[0]
        };
        let r = minimize(&mut f, &[0.9], &p, &OptimOptions::default());
        assert_eq!(r.status, OptimStatus::InfeasibleStart);
        let mut nan = |_: &[f64], _: &mut [f64]| f64::NAN;
        let r = minimize(&mut nan, &[0.2], &p, &OptimOptions::default());
        assert_eq!(r.status, OptimStatus::NonFiniteStart);
        // Linear objective: optimum at the constraint x = 0… minimising x → lower bound 0.
        let r = minimize(&mut f, &[0.4], &p, &OptimOptions::default());
        assert!(r.status.is_converged(), "{r:?}");
        assert_eq!(r.x[0], 0.0);
    }

    #[test]
    fn budget_exhaustion_is_a_status() {
        let p = Problem::new(vec![f64::NEG_INFINITY; 2], vec![f64::INFINITY; 2]);
        let mut f = rosenbrock;
        let opts = OptimOptions {
            max_iter: 3,
            ..OptimOptions::default()
        };
        let r = minimize(&mut f, &[-1.2, 1.0], &p, &opts);
        assert_eq!(r.status, OptimStatus::MaxIterations);
        assert_eq!(r.iterations, 3);
    }
}
