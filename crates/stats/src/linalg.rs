//! Small dense linear algebra: a row-major [`Matrix`], Cholesky factorisation and SPD solves,
//! Householder least squares with what OLS inference needs, and the Jacobi symmetric
//! eigen-decomposition.
//!
//! Sized for the kernels that use it — OLS regressions with a few dozen regressors (ADF,
//! Kyle's lambda), correlation matrices up to about 50×50 (DCC), Cholesky factors for
//! correlated normals in Monte Carlo — not for large problems: everything is `O(n³)` and
//! single-threaded, in plain loops that the compiler vectorises.
//!
//! Checked against numpy/scipy (LAPACK) in `tests/fixtures/linalg.json`
//! (`scripts/refs/stats/linalg.py`) and against statsmodels OLS for the regression outputs.

use std::ops::{Index, IndexMut};

use crate::error::{check_finite, Result, StatsError};

/// A dense row-major matrix of `f64`.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl Matrix {
    /// A `rows × cols` matrix of zeros.
    #[must_use]
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    /// The `n × n` identity.
    #[must_use]
    pub fn identity(n: usize) -> Self {
        let mut m = Self::zeros(n, n);
        for i in 0..n {
            m.data[i * n + i] = 1.0;
        }
        m
    }

    /// Wraps row-major `data`.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] if `data.len() != rows * cols`.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<f64>) -> Result<Self> {
        if data.len() != rows * cols {
            return Err(StatsError::LengthMismatch {
                what: "matrix data",
                expected: rows * cols,
                got: data.len(),
            });
        }
        Ok(Self { rows, cols, data })
    }

    /// Builds from equal-length rows.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] if the rows differ in length.
    pub fn from_rows(rows: &[&[f64]]) -> Result<Self> {
        let cols = rows.first().map_or(0, |r| r.len());
        let mut data = Vec::with_capacity(rows.len() * cols);
        for r in rows {
            if r.len() != cols {
                return Err(StatsError::LengthMismatch {
                    what: "matrix row",
                    expected: cols,
                    got: r.len(),
                });
            }
            data.extend_from_slice(r);
        }
        Ok(Self {
            rows: rows.len(),
            cols,
            data,
        })
    }

    /// Builds `rows × cols` from `f(i, j)`.
    #[must_use]
    pub fn from_fn(rows: usize, cols: usize, mut f: impl FnMut(usize, usize) -> f64) -> Self {
        let mut data = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            for j in 0..cols {
                data.push(f(i, j));
            }
        }
        Self { rows, cols, data }
    }

    /// Number of rows.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    #[must_use]
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// `true` for a square matrix.
    #[must_use]
    pub fn is_square(&self) -> bool {
        self.rows == self.cols
    }

    /// The row-major elements.
    #[must_use]
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    /// The row-major elements, mutable.
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.data
    }

    /// The row-major elements, by value.
    #[must_use]
    pub fn into_vec(self) -> Vec<f64> {
        self.data
    }

    /// Row `i`.
    ///
    /// # Panics
    /// If `i >= rows` (like slice indexing).
    #[must_use]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Column `j`, copied.
    #[must_use]
    pub fn col(&self, j: usize) -> Vec<f64> {
        (0..self.rows)
            .map(|i| self.data[i * self.cols + j])
            .collect()
    }

    /// The diagonal, copied.
    #[must_use]
    pub fn diag(&self) -> Vec<f64> {
        (0..self.rows.min(self.cols))
            .map(|i| self.data[i * self.cols + i])
            .collect()
    }

    /// The transpose.
    #[must_use]
    pub fn transpose(&self) -> Self {
        Self::from_fn(self.cols, self.rows, |i, j| self[(j, i)])
    }

    /// `self · other`.
    ///
    /// # Errors
    /// [`StatsError::Shape`] if the inner dimensions differ.
    pub fn matmul(&self, other: &Self) -> Result<Self> {
        if self.cols != other.rows {
            return Err(StatsError::Shape {
                what: "matmul",
                expected: (self.cols, other.cols),
                got: (other.rows, other.cols),
            });
        }
        let mut out = Self::zeros(self.rows, other.cols);
        for i in 0..self.rows {
            let out_row = &mut out.data[i * other.cols..(i + 1) * other.cols];
            for k in 0..self.cols {
                let a = self.data[i * self.cols + k];
                if a == 0.0 {
                    continue;
                }
                let b_row = &other.data[k * other.cols..(k + 1) * other.cols];
                for (o, b) in out_row.iter_mut().zip(b_row) {
                    *o += a * b;
                }
            }
        }
        Ok(out)
    }

    /// `self · v`.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] if `v.len() != cols`.
    pub fn matvec(&self, v: &[f64]) -> Result<Vec<f64>> {
        if v.len() != self.cols {
            return Err(StatsError::LengthMismatch {
                what: "matvec vector",
                expected: self.cols,
                got: v.len(),
            });
        }
        Ok((0..self.rows).map(|i| dot(self.row(i), v)).collect())
    }

    /// `Xᵀ X` (the Gram matrix of the columns).
    #[must_use]
    pub fn gram(&self) -> Self {
        let p = self.cols;
        let mut g = Self::zeros(p, p);
        for i in 0..self.rows {
            let r = self.row(i);
            for (a, ra) in r.iter().enumerate() {
                for (g_ab, rb) in g.data[a * p + a..(a + 1) * p].iter_mut().zip(&r[a..]) {
                    *g_ab += ra * rb;
                }
            }
        }
        for a in 0..p {
            for b in 0..a {
                g.data[a * p + b] = g.data[b * p + a];
            }
        }
        g
    }

    /// Largest `|a_ij − a_ji|`, or `∞` for a non-square matrix.
    #[must_use]
    pub fn asymmetry(&self) -> f64 {
        if !self.is_square() {
            return f64::INFINITY;
        }
        let n = self.rows;
        let mut m = 0.0_f64;
        for i in 0..n {
            for j in 0..i {
                m = m.max((self.data[i * n + j] - self.data[j * n + i]).abs());
            }
        }
        m
    }

    /// Cholesky factor; see [`cholesky`].
    ///
    /// # Errors
    /// As [`cholesky`].
    pub fn cholesky(&self) -> Result<Self> {
        cholesky(self)
    }

    fn check_square(&self, what: &'static str) -> Result<()> {
        if self.is_square() {
            Ok(())
        } else {
            Err(StatsError::Shape {
                what,
                expected: (self.rows, self.rows),
                got: (self.rows, self.cols),
            })
        }
    }
}

impl Index<(usize, usize)> for Matrix {
    type Output = f64;
    #[inline]
    fn index(&self, (i, j): (usize, usize)) -> &f64 {
        debug_assert!(i < self.rows && j < self.cols);
        &self.data[i * self.cols + j]
    }
}

impl IndexMut<(usize, usize)> for Matrix {
    #[inline]
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut f64 {
        debug_assert!(i < self.rows && j < self.cols);
        &mut self.data[i * self.cols + j]
    }
}

#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

// ---------------------------------------------------------------------------------------------
// Cholesky
// ---------------------------------------------------------------------------------------------

/// Cholesky factor `L` (lower triangular, `A = L Lᵀ`) of a symmetric positive definite `A`.
/// Only the lower triangle of `a` is read.
///
/// # Errors
/// [`StatsError::Shape`] for a non-square matrix, [`StatsError::NotFinite`] for NaN/∞
/// elements, [`StatsError::NotPositiveDefinite`] when a pivot is not positive.
pub fn cholesky(a: &Matrix) -> Result<Matrix> {
    let mut l = Matrix::zeros(a.rows, a.cols);
    cholesky_into(a, &mut l)?;
    Ok(l)
}

/// [`cholesky`] into a caller-owned `l` (same shape as `a`), for loops that refactor every
/// step without allocating. On error `l` holds a partial factor.
///
/// # Errors
/// As [`cholesky`], plus [`StatsError::Shape`] if `l` has another shape.
pub fn cholesky_into(a: &Matrix, l: &mut Matrix) -> Result<()> {
    a.check_square("cholesky")?;
    if l.rows != a.rows || l.cols != a.cols {
        return Err(StatsError::Shape {
            what: "cholesky output",
            expected: (a.rows, a.cols),
            got: (l.rows, l.cols),
        });
    }
    check_finite(&a.data, "matrix")?;
    let n = a.rows;
    for j in 0..n {
        // Off-diagonal entries of row j, then its pivot.
        for k in 0..j {
            let s = dot(&l.data[j * n..j * n + k], &l.data[k * n..k * n + k]);
            l.data[j * n + k] = (a.data[j * n + k] - s) / l.data[k * n + k];
        }
        let s = dot(&l.data[j * n..j * n + j], &l.data[j * n..j * n + j]);
        let d = a.data[j * n + j] - s;
        if d.is_nan() || d <= 0.0 || d.is_infinite() {
            return Err(StatsError::NotPositiveDefinite { pivot: j });
        }
        l.data[j * n + j] = d.sqrt();
        for k in j + 1..n {
            l.data[j * n + k] = 0.0;
        }
    }
    Ok(())
}

/// Solves `L Lᵀ x = b` given the Cholesky factor `l` from [`cholesky`].
///
/// # Errors
/// [`StatsError::Shape`] / [`StatsError::LengthMismatch`] for mismatched sizes.
pub fn cholesky_solve(l: &Matrix, b: &[f64]) -> Result<Vec<f64>> {
    l.check_square("cholesky_solve")?;
    if b.len() != l.rows {
        return Err(StatsError::LengthMismatch {
            what: "right-hand side",
            expected: l.rows,
            got: b.len(),
        });
    }
    let mut x = b.to_vec();
    cholesky_solve_in_place(l, &mut x);
    Ok(x)
}

/// Solves `L Lᵀ x = b` in place (`x` holds `b` on entry). Sizes must match (debug-checked).
pub fn cholesky_solve_in_place(l: &Matrix, x: &mut [f64]) {
    let n = l.rows;
    debug_assert!(l.cols == n && x.len() == n);
    // Forward: L y = b
    for i in 0..n {
        let s = dot(&l.data[i * n..i * n + i], &x[..i]);
        x[i] = (x[i] - s) / l.data[i * n + i];
    }
    // Backward: Lᵀ x = y
    for i in (0..n).rev() {
        let mut s = x[i];
        for (k, xk) in x.iter().enumerate().skip(i + 1) {
            s -= l.data[k * n + i] * xk;
        }
        x[i] = s / l.data[i * n + i];
    }
}

/// `out = L z` for a lower-triangular `l` — turns independent standard normals `z` into
/// normals with covariance `L Lᵀ`. Sizes must match (debug-checked).
pub fn lower_mul(l: &Matrix, z: &[f64], out: &mut [f64]) {
    let n = l.rows;
    debug_assert!(l.cols == n && z.len() == n && out.len() == n);
    for i in 0..n {
        out[i] = dot(&l.data[i * n..=i * n + i], &z[..=i]);
    }
}

/// Solves `A x = b` for a symmetric positive definite `A`.
///
/// # Errors
/// As [`cholesky`] and [`cholesky_solve`].
pub fn solve_spd(a: &Matrix, b: &[f64]) -> Result<Vec<f64>> {
    check_finite(b, "right-hand side")?;
    cholesky_solve(&cholesky(a)?, b)
}

/// `A⁻¹` for a symmetric positive definite `A` (exactly symmetric on output).
///
/// # Errors
/// As [`cholesky`].
pub fn inverse_spd(a: &Matrix) -> Result<Matrix> {
    let l = cholesky(a)?;
    Ok(inverse_from_cholesky(&l))
}

/// `(L Lᵀ)⁻¹` from a Cholesky factor.
#[must_use]
pub fn inverse_from_cholesky(l: &Matrix) -> Matrix {
    let n = l.rows;
    // L⁻¹ (lower triangular) by forward substitution, then A⁻¹ = L⁻ᵀ L⁻¹.
    let mut li = Matrix::zeros(n, n);
    for j in 0..n {
        li.data[j * n + j] = 1.0 / l.data[j * n + j];
        for i in j + 1..n {
            let mut s = 0.0;
            for k in j..i {
                s += l.data[i * n + k] * li.data[k * n + j];
            }
            li.data[i * n + j] = -s / l.data[i * n + i];
        }
    }
    let mut inv = Matrix::zeros(n, n);
    for i in 0..n {
        for j in 0..=i {
            let mut s = 0.0;
            for k in i..n {
                s += li.data[k * n + i] * li.data[k * n + j];
            }
            inv.data[i * n + j] = s;
            inv.data[j * n + i] = s;
        }
    }
    inv
}

/// `ln det A` for a symmetric positive definite `A` (`2 Σ ln L_ii`, no overflow).
///
/// # Errors
/// As [`cholesky`].
pub fn log_det_spd(a: &Matrix) -> Result<f64> {
    Ok(log_det_from_cholesky(&cholesky(a)?))
}

/// `ln det(L Lᵀ)` from a Cholesky factor.
#[must_use]
pub fn log_det_from_cholesky(l: &Matrix) -> f64 {
    2.0 * l.diag().iter().map(|d| d.ln()).sum::<f64>()
}

// ---------------------------------------------------------------------------------------------
// Least squares
// ---------------------------------------------------------------------------------------------

/// Ordinary least squares `y ≈ X β` and what OLS inference needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Lstsq {
    /// Coefficients `β̂`, one per column of `X`.
    pub coef: Vec<f64>,
    /// Residuals `y − X β̂`.
    pub residuals: Vec<f64>,
    /// Residual sum of squares.
    pub rss: f64,
    /// Residual degrees of freedom `n − p`.
    pub df_resid: usize,
    /// Residual variance `rss / (n − p)`.
    pub sigma2: f64,
    /// `(XᵀX)⁻¹`.
    pub xtx_inv: Matrix,
    /// Classical standard errors `√(σ² · diag (XᵀX)⁻¹)`.
    pub std_errors: Vec<f64>,
}

impl Lstsq {
    /// Number of observations.
    #[must_use]
    pub fn nobs(&self) -> usize {
        self.residuals.len()
    }

    /// `β̂ᵢ / se(β̂ᵢ)`.
    #[must_use]
    pub fn t_values(&self) -> Vec<f64> {
        self.coef
            .iter()
            .zip(&self.std_errors)
            .map(|(b, s)| b / s)
            .collect()
    }

    /// Gaussian log-likelihood at the OLS fit, `−n/2 · (ln(2π · rss/n) + 1)` (the
    /// statsmodels `OLS.llf` convention).
    #[must_use]
    pub fn llf(&self) -> f64 {
        let n = self.nobs() as f64;
        -0.5 * n * ((2.0 * std::f64::consts::PI * self.rss / n).ln() + 1.0)
    }
}

/// A Householder QR of `X` applied to `y`: `X` column-major with the reflectors below the
/// diagonal and `R` above it, `R`'s diagonal, and `Qᵀy`.
struct Householder {
    a: Vec<f64>,
    rdiag: Vec<f64>,
    qty: Vec<f64>,
}

/// Householder QR with a rank check per column (sizes and finiteness checked by the caller).
fn householder(x: &Matrix, y: &[f64]) -> Result<Householder> {
    let (n, p) = (x.rows, x.cols);
    // Column-major copy: Householder reflections work down columns.
    let mut a: Vec<f64> = (0..p)
        .flat_map(|j| (0..n).map(move |i| (i, j)))
        .map(|(i, j)| x.data[i * p + j])
        .collect();
    let col_norms: Vec<f64> = (0..p)
        .map(|j| {
            a[j * n..(j + 1) * n]
                .iter()
                .map(|v| v * v)
                .sum::<f64>()
                .sqrt()
        })
        .collect();
    let mut qty = y.to_vec();
    let mut rdiag = vec![0.0; p];
    for k in 0..p {
        let (done, rest) = a.split_at_mut((k + 1) * n);
        let col = &mut done[k * n..];
        let norm = col[k..].iter().map(|v| v * v).sum::<f64>().sqrt();
        // Rank check relative to the original column norm (catches exact and near collinearity).
        if norm <= 1e-12 * col_norms[k].max(f64::MIN_POSITIVE) || norm == 0.0 {
            return Err(StatsError::Singular { rank: k, cols: p });
        }
        let alpha = if col[k] > 0.0 { -norm } else { norm };
        // v = x − α e₁, stored in col[k..]; H = I − 2 v vᵀ / vᵀv.
        col[k] -= alpha;
        let vtv: f64 = col[k..].iter().map(|v| v * v).sum();
        rdiag[k] = alpha;
        for j in k + 1..p {
            let cj = &mut rest[(j - k - 1) * n..(j - k) * n];
            let s: f64 = col[k..].iter().zip(&cj[k..]).map(|(v, c)| v * c).sum();
            let f = 2.0 * s / vtv;
            for (c, v) in cj[k..].iter_mut().zip(&col[k..]) {
                *c -= f * v;
            }
        }
        let s: f64 = col[k..].iter().zip(&qty[k..]).map(|(v, c)| v * c).sum();
        let f = 2.0 * s / vtv;
        for (c, v) in qty[k..].iter_mut().zip(&col[k..]) {
            *c -= f * v;
        }
    }
    Ok(Householder { a, rdiag, qty })
}

/// The nested regressions `y ~ X[:, ..j]` for `j = 1..=p` from one QR (what lag selection by
/// AIC/BIC or by the t-ratio of the last regressor needs).
#[derive(Debug, Clone, PartialEq)]
pub struct NestedOls {
    /// `rss[j − 1]`: residual sum of squares of the model with the first `j` columns.
    pub rss: Vec<f64>,
    /// `last_t[j − 1]`: t-ratio of column `j − 1` in the model with the first `j` columns.
    pub last_t: Vec<f64>,
    /// Observations.
    pub nobs: usize,
}

impl NestedOls {
    /// Gaussian log-likelihood of the model with the first `j` columns (statsmodels `llf`).
    #[must_use]
    pub fn llf(&self, j: usize) -> f64 {
        let n = self.nobs as f64;
        -0.5 * n * ((2.0 * std::f64::consts::PI * self.rss[j - 1] / n).ln() + 1.0)
    }
}

/// All nested least-squares fits `y ~ X[:, ..j]`, `j = 1..=p`, from a single Householder QR:
/// with `Qᵀy = z`, the model on the first `j` columns has `RSS_j = Σ_{i≥j} zᵢ²` and its last
/// coefficient's t-ratio is `z_{j−1} sign(R_{j−1,j−1}) / √(RSS_j / (n − j))`. One `O(np²)`
/// factorisation instead of `p` of them.
///
/// # Errors
/// As [`lstsq`].
pub fn nested_ols(x: &Matrix, y: &[f64]) -> Result<NestedOls> {
    let (n, p) = (x.rows, x.cols);
    if y.len() != n {
        return Err(StatsError::LengthMismatch {
            what: "nested_ols y",
            expected: n,
            got: y.len(),
        });
    }
    if p == 0 || n <= p {
        return Err(StatsError::TooShort {
            what: "least squares",
            needed: p.max(1) + 1,
            got: n,
        });
    }
    check_finite(&x.data, "design matrix")?;
    check_finite(y, "y")?;
    let h = householder(x, y)?;
    // Tail sums of z² from the bottom: RSS_j = Σ_{i ≥ j} zᵢ².
    let mut tail = vec![0.0; p + 1];
    tail[p] = h.qty[p..].iter().map(|v| v * v).sum();
    for i in (0..p).rev() {
        tail[i] = tail[i + 1] + h.qty[i] * h.qty[i];
    }
    let rss: Vec<f64> = (1..=p).map(|j| tail[j]).collect();
    let last_t = (1..=p)
        .map(|j| {
            let sigma = (tail[j] / (n - j) as f64).sqrt();
            h.qty[j - 1] * h.rdiag[j - 1].signum() / sigma
        })
        .collect();
    Ok(NestedOls {
        rss,
        last_t,
        nobs: n,
    })
}

/// Least squares by Householder QR: `min ‖y − X β‖²` for `X` with `n > p` rows and full
/// column rank.
///
/// # Errors
/// [`StatsError::LengthMismatch`] if `y.len() != X.rows()`, [`StatsError::TooShort`] unless
/// `n > p ≥ 1`, [`StatsError::NotFinite`] for NaN/∞ input, [`StatsError::Singular`] if a
/// column is (numerically) a combination of the others.
pub fn lstsq(x: &Matrix, y: &[f64]) -> Result<Lstsq> {
    let (n, p) = (x.rows, x.cols);
    if y.len() != n {
        return Err(StatsError::LengthMismatch {
            what: "lstsq y",
            expected: n,
            got: y.len(),
        });
    }
    if p == 0 || n <= p {
        return Err(StatsError::TooShort {
            what: "least squares",
            needed: p.max(1) + 1,
            got: n,
        });
    }
    check_finite(&x.data, "design matrix")?;
    check_finite(y, "y")?;
    let Householder { a, rdiag, qty } = householder(x, y)?;
    // R (upper triangular, p × p): diagonal in rdiag, above-diagonal in a[j*n + i], i < j.
    let r = |i: usize, j: usize| if i == j { rdiag[i] } else { a[j * n + i] };
    let rmax = rdiag.iter().fold(0.0_f64, |m, d| m.max(d.abs()));
    if let Some(k) = rdiag
        .iter()
        .position(|d| d.abs() <= (n.max(p) as f64) * f64::EPSILON * rmax)
    {
        return Err(StatsError::Singular { rank: k, cols: p });
    }
    // Back substitution R β = (Qᵀy)[..p].
    let mut coef = vec![0.0; p];
    for i in (0..p).rev() {
        let mut s = qty[i];
        for (j, cj) in coef.iter().enumerate().skip(i + 1) {
            s -= r(i, j) * cj;
        }
        coef[i] = s / r(i, i);
    }
    // R⁻¹ (upper triangular), then (XᵀX)⁻¹ = R⁻¹ R⁻ᵀ.
    let mut rinv = Matrix::zeros(p, p);
    for j in 0..p {
        rinv.data[j * p + j] = 1.0 / r(j, j);
        for i in (0..j).rev() {
            let mut s = 0.0;
            for k in i + 1..=j {
                s += r(i, k) * rinv.data[k * p + j];
            }
            rinv.data[i * p + j] = -s / r(i, i);
        }
    }
    let mut xtx_inv = Matrix::zeros(p, p);
    for i in 0..p {
        for j in 0..=i {
            let mut s = 0.0;
            for k in i.max(j)..p {
                s += rinv.data[i * p + k] * rinv.data[j * p + k];
            }
            xtx_inv.data[i * p + j] = s;
            xtx_inv.data[j * p + i] = s;
        }
    }
    // Residuals from the original data (more accurate than the tail of Qᵀy).
    let residuals: Vec<f64> = (0..n).map(|i| y[i] - dot(x.row(i), &coef)).collect();
    let rss: f64 = residuals.iter().map(|e| e * e).sum();
    let df_resid = n - p;
    let sigma2 = rss / df_resid as f64;
    let std_errors = (0..p)
        .map(|i| (sigma2 * xtx_inv.data[i * p + i]).sqrt())
        .collect();
    Ok(Lstsq {
        coef,
        residuals,
        rss,
        df_resid,
        sigma2,
        xtx_inv,
        std_errors,
    })
}

// ---------------------------------------------------------------------------------------------
// Symmetric eigen-decomposition
// ---------------------------------------------------------------------------------------------

/// Eigen-decomposition `A = V diag(λ) Vᵀ` of a symmetric matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct SymEigen {
    /// Eigenvalues in ascending order (as `numpy.linalg.eigh`).
    pub values: Vec<f64>,
    /// Orthonormal eigenvectors as the columns of an `n × n` matrix, in the order of
    /// `values`. Each column's sign is fixed so its largest-magnitude entry is positive.
    pub vectors: Matrix,
    /// Jacobi sweeps used.
    pub sweeps: usize,
}

/// Symmetric eigen-decomposition by the cyclic Jacobi method (accurate to a few ulps of
/// `‖A‖` in the eigenvalues; fine up to about 100×100).
///
/// # Errors
/// [`StatsError::Shape`] for a non-square matrix, [`StatsError::NotFinite`] for NaN/∞,
/// [`StatsError::InvalidParameter`] if `A` is not symmetric (to 1e-10 relative),
/// [`StatsError::NoConvergence`] after 100 sweeps (not seen in practice: Jacobi converges
/// quadratically).
pub fn sym_eigen(a: &Matrix) -> Result<SymEigen> {
    a.check_square("sym_eigen")?;
    check_finite(&a.data, "matrix")?;
    let n = a.rows;
    let scale = a.data.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let asym = a.asymmetry();
    if asym > 1e-10 * scale {
        return Err(StatsError::InvalidParameter {
            name: "matrix",
            reason: "must be symmetric",
            value: asym,
        });
    }
    let mut m = a.clone();
    // Symmetrise exactly (the check above allows tiny asymmetry).
    for i in 0..n {
        for j in 0..i {
            let v = 0.5 * (m.data[i * n + j] + m.data[j * n + i]);
            m.data[i * n + j] = v;
            m.data[j * n + i] = v;
        }
    }
    let mut v = Matrix::identity(n);
    let mut sweeps = 0;
    let norm2: f64 = m.data.iter().map(|x| x * x).sum();
    loop {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m.data[i * n + j] * m.data[i * n + j])
            .sum();
        if off <= (f64::EPSILON * f64::EPSILON) * norm2 || off == 0.0 {
            break;
        }
        if sweeps == 100 {
            return Err(StatsError::NoConvergence {
                what: "Jacobi eigen-decomposition",
                iterations: sweeps,
            });
        }
        sweeps += 1;
        for p in 0..n {
            for q in p + 1..n {
                let apq = m.data[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let app = m.data[p * n + p];
                let aqq = m.data[q * n + q];
                // Rotation that zeroes a_pq: t = tan θ, the smaller root for stability.
                let theta = (aqq - app) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta.is_infinite() { 0.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let akp = m.data[k * n + p];
                    let akq = m.data[k * n + q];
                    m.data[k * n + p] = c * akp - s * akq;
                    m.data[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let apk = m.data[p * n + k];
                    let aqk = m.data[q * n + k];
                    m.data[p * n + k] = c * apk - s * aqk;
                    m.data[q * n + k] = s * apk + c * aqk;
                }
                m.data[p * n + q] = 0.0;
                m.data[q * n + p] = 0.0;
                for k in 0..n {
                    let vkp = v.data[k * n + p];
                    let vkq = v.data[k * n + q];
                    v.data[k * n + p] = c * vkp - s * vkq;
                    v.data[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| m.data[i * n + i].total_cmp(&m.data[j * n + j]));
    let values = order.iter().map(|&i| m.data[i * n + i]).collect();
    let mut vectors = Matrix::zeros(n, n);
    for (new, &old) in order.iter().enumerate() {
        let mut big = 0.0_f64;
        for k in 0..n {
            let x = v.data[k * n + old];
            if x.abs() > big.abs() {
                big = x;
            }
        }
        let sign = if big < 0.0 { -1.0 } else { 1.0 };
        for k in 0..n {
            vectors.data[k * n + new] = sign * v.data[k * n + old];
        }
    }
    Ok(SymEigen {
        values,
        vectors,
        sweeps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spd3() -> Matrix {
        Matrix::from_rows(&[
            &[4.0, 12.0, -16.0],
            &[12.0, 37.0, -43.0],
            &[-16.0, -43.0, 98.0],
        ])
        .unwrap()
    }

    #[test]
    fn cholesky_of_the_textbook_matrix() {
        // The classic example with an integer factor: L = [[2,0,0],[6,1,0],[-8,5,3]].
        let l = cholesky(&spd3()).unwrap();
        assert_eq!(
            l.as_slice(),
            &[2.0, 0.0, 0.0, 6.0, 1.0, 0.0, -8.0, 5.0, 3.0]
        );
        assert!((log_det_spd(&spd3()).unwrap() - 36f64.ln()).abs() < 1e-14);
        let x = solve_spd(&spd3(), &[1.0, 2.0, 3.0]).unwrap();
        let back = spd3().matvec(&x).unwrap();
        for (b, want) in back.iter().zip([1.0, 2.0, 3.0]) {
            assert!((b - want).abs() < 1e-12);
        }
        let inv = inverse_spd(&spd3()).unwrap();
        let id = spd3().matmul(&inv).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((id[(i, j)] - want).abs() < 1e-11);
            }
        }
    }

    #[test]
    fn cholesky_rejects_indefinite_and_non_finite() {
        let m = Matrix::from_rows(&[&[1.0, 2.0], &[2.0, 1.0]]).unwrap();
        assert_eq!(
            cholesky(&m).unwrap_err(),
            StatsError::NotPositiveDefinite { pivot: 1 }
        );
        let m = Matrix::from_rows(&[&[1.0, f64::NAN], &[f64::NAN, 1.0]]).unwrap();
        assert_eq!(cholesky(&m).unwrap_err().code(), "ERR_NOT_FINITE");
        let m = Matrix::zeros(2, 3);
        assert_eq!(cholesky(&m).unwrap_err().code(), "ERR_SHAPE");
    }

    #[test]
    fn lstsq_recovers_an_exact_line_and_flags_collinearity() {
        let x = Matrix::from_fn(6, 2, |i, j| if j == 0 { 1.0 } else { i as f64 });
        let y: Vec<f64> = (0..6).map(|i| 3.0 - 0.5 * i as f64).collect();
        let fit = lstsq(&x, &y).unwrap();
        assert!((fit.coef[0] - 3.0).abs() < 1e-14 && (fit.coef[1] + 0.5).abs() < 1e-14);
        assert!(fit.rss < 1e-25);
        let x = Matrix::from_fn(6, 3, |i, j| match j {
            0 => 1.0,
            1 => i as f64,
            _ => 2.0 * i as f64 + 1.0,
        });
        assert_eq!(lstsq(&x, &y).unwrap_err().code(), "ERR_SINGULAR");
        assert_eq!(
            lstsq(&x, &y[..5]).unwrap_err().code(),
            "ERR_LENGTH_MISMATCH"
        );
    }

    #[test]
    fn nested_ols_equals_separate_fits() {
        let mut r = crate::rng::Rng::new(4);
        let x = Matrix::from_fn(200, 6, |_, j| if j == 0 { 1.0 } else { r.normal() });
        let y: Vec<f64> = (0..200)
            .map(|i| x[(i, 1)] - 0.5 * x[(i, 3)] + r.normal())
            .collect();
        let nested = nested_ols(&x, &y).unwrap();
        for j in 1..=6 {
            let sub = Matrix::from_fn(200, j, |i, c| x[(i, c)]);
            let fit = lstsq(&sub, &y).unwrap();
            assert!(
                (nested.rss[j - 1] / fit.rss - 1.0).abs() < 1e-12,
                "rss j={j}"
            );
            let t = fit.t_values()[j - 1];
            assert!((nested.last_t[j - 1] / t - 1.0).abs() < 1e-10, "t j={j}");
            assert!((nested.llf(j) / fit.llf() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn jacobi_reconstructs_the_matrix() {
        let a = spd3();
        let e = sym_eigen(&a).unwrap();
        assert!(e.values.windows(2).all(|w| w[0] <= w[1]));
        let d = Matrix::from_fn(3, 3, |i, j| if i == j { e.values[i] } else { 0.0 });
        let back = e
            .vectors
            .matmul(&d)
            .unwrap()
            .matmul(&e.vectors.transpose())
            .unwrap();
        for (x, y) in back.as_slice().iter().zip(a.as_slice()) {
            assert!((x - y).abs() < 1e-12 * 100.0);
        }
        let vtv = e.vectors.transpose().matmul(&e.vectors).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((vtv[(i, j)] - want).abs() < 1e-14);
            }
        }
        let asym = Matrix::from_rows(&[&[1.0, 2.0], &[0.0, 1.0]]).unwrap();
        assert_eq!(
            sym_eigen(&asym).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
    }
}
