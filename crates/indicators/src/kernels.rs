//! Blocked batch kernels: the bulk of [`Guarded::batch`](crate::Guarded::batch) for EMA, RSI,
//! ATR, ADX/DMI and Bollinger, plus the validation scan batches start with.
//!
//! ## Why blocked
//! A streaming EMA is one dependent multiply and add per value: the loop waits on that chain
//! (~5 cycles a value) whatever the language. Over a whole series the chain can be split:
//! `y_t = a·y_{t−1} + s·x_t` is linear, so
//! - a chunk is cut into `SEGS` (4) contiguous segments, each scanned from a zero state in
//!   lockstep with the others (independent chains, so the core overlaps them);
//! - inside a segment the scan advances four values per step: with `u_t = x_t + a·x_{t−1}`,
//!   `z_t = u_t + a²·u_{t−2}` (the last four inputs, weighted) and `Y_t = z_t + a⁴·Y_{t−4}`,
//!   the four lanes of one vector run four interleaved chains;
//! - a second pass makes each segment exact: `y = s·Y + a^(k+1)·c`, where `c` is the true value
//!   just before the segment (carried from segment to segment with `a^len`).
//!
//! That is ~5 vector multiplies per 4 values instead of a 5-cycle chain per value: on the
//! reference host (AMD Zen 5, two multiply pipes) the EMA scan runs at ~0.25 ns a value against
//! ~2 ns for the sequential loop, and is bound by multiply throughput, not latency.
//! RSI, ATR and ADX compute their per-bar terms (gains/losses, true range, ±DM) in a vector
//! pass, smooth them with the same scan (Wilder's averages and sums are such recurrences) and
//! form their ratios in another vector pass; ADX smooths DX with a fourth scan. Bollinger runs
//! the streaming kernel's anchored shifted sums in a sequential pass and the bands (square
//! root, division) in a vector pass.
//!
//! ## Paths
//! Every step is plain arithmetic over fixed `[f64; 4]` lane arrays that the compiler
//! vectorises. The same code is compiled twice: once for the baseline target (SSE2 on x86_64,
//! scalar on wasm32) and once inside `#[target_feature(enable = "avx2")]`, chosen at run time
//! ([`Path`]; Rust 1.63 has no stable AVX-512 target feature). No fused multiply-add is used,
//! and both compilations perform the same operations in the same order, so **every path
//! gives bit-identical results** (tested).
//!
//! ## Accuracy against the streaming form
//! The blocked scans round differently from the sequential recurrence: a few units in the last
//! place per value (the recurrence is contractive, `0 ≤ a < 1`, so rounding does not
//! accumulate) — ≤ 1.3e-13 relative on the reference and synthetic data, tested at 1e-12
//! against stepping (`tests/integration/batch.rs`), far inside the 1e-9 conformance tolerance
//! to TA-Lib/TTR, which also runs through the batch form. Bollinger is exact: batch and
//! streaming give the same bits. Powers `a^k` stay within one segment, whose length is chosen
//! so that `a^len ≥ 1e-290`: no subnormal arithmetic for any smoothing factor.
//!
//! ## Validation
//! `all_valid` checks a batch's columns before the kernel runs (sums in 16 lanes for
//! finiteness, lane minima of `high − low`, `close − low`, … for the range rules). The EMA
//! needs no separate pass: a non-finite value makes its state non-finite (see `Ema`'s
//! `run_checked`). A batch that fails either check is applied row by row with the usual
//! per-bar checks and counters.
//!
//! Ratios (RSI, ±DI, DX, %B) use the same expressions, in the same order, as the streaming
//! kernels.

/// Values per vector (lanes).
const W: usize = 4;
/// Independent segments per chunk.
const SEGS: usize = 4;
/// Longest segment.
const SEG_CAP: usize = 4096;
/// Rows per block of the multi-pass kernels (RSI, ATR, ADX): their scratch columns (heap,
/// sized to the batch up to this) stay in L2.
const BLOCK: usize = 8192;

type V = [f64; W];

/// The instruction set a batch kernel runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Path {
    /// The compiler's baseline for the target (SSE2 on x86_64; scalar on wasm32).
    Portable,
    /// The same code compiled with AVX2 (x86/x86_64, detected at run time).
    Avx2,
}

impl Path {
    /// The fastest path this CPU supports.
    #[must_use]
    pub fn best() -> Self {
        if avx2() {
            Self::Avx2
        } else {
            Self::Portable
        }
    }

    /// Every path this CPU supports (always includes [`Path::Portable`]).
    #[must_use]
    pub fn available() -> Vec<Self> {
        let mut v = vec![Self::Portable];
        if avx2() {
            v.push(Self::Avx2);
        }
        v
    }

    /// `"portable"` or `"avx2"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Portable => "portable",
            Self::Avx2 => "avx2",
        }
    }
}

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
#[inline]
fn avx2() -> bool {
    is_x86_feature_detected!("avx2")
}

#[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
#[inline]
fn avx2() -> bool {
    false
}

/// Defines `$name(path, args…)`, which runs `$imp(args…)` compiled for `path` (an
/// unavailable path runs the portable build).
macro_rules! dispatch {
    ($(#[$m:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? => $imp:ident) => {
        $(#[$m])*
        $vis fn $name(path: Path, $($arg: $ty),*) $(-> $ret)? {
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn with_avx2($($arg: $ty),*) $(-> $ret)? {
                    $imp($($arg),*)
                }
                if path == Path::Avx2 && avx2() {
                    // SAFETY: the CPU supports AVX2 (detected at run time just above), the only
                    // requirement of a `target_feature` function.
                    return unsafe { with_avx2($($arg),*) };
                }
            }
            let _ = path;
            $imp($($arg),*)
        }
    };
}

/// `x[i..i + 4]` as a vector.
///
/// # Safety
/// `i + 4 ≤ x.len()`.
#[inline(always)]
unsafe fn ld(x: &[f64], i: usize) -> V {
    debug_assert!(i + W <= x.len());
    // SAFETY: the four values are inside `x` (caller's contract).
    unsafe {
        [
            *x.get_unchecked(i),
            *x.get_unchecked(i + 1),
            *x.get_unchecked(i + 2),
            *x.get_unchecked(i + 3),
        ]
    }
}

/// Stores `v` at `y[i..i + 4]`.
///
/// # Safety
/// `i + 4 ≤ y.len()`.
#[inline(always)]
unsafe fn st(y: &mut [f64], i: usize, v: V) {
    debug_assert!(i + W <= y.len());
    // SAFETY: the four values are inside `y` (caller's contract).
    unsafe {
        *y.get_unchecked_mut(i) = v[0];
        *y.get_unchecked_mut(i + 1) = v[1];
        *y.get_unchecked_mut(i + 2) = v[2];
        *y.get_unchecked_mut(i + 3) = v[3];
    }
}

/// Constants of the recurrence `y_t = a·y_{t−1} + s·x_t`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lin {
    a: f64,
    s: f64,
    a2: f64,
    a4: f64,
    a8: f64,
    /// `a¹ … a⁴`.
    p: V,
    /// `a⁵ … a⁸`.
    q: V,
    /// Segment length of a full chunk: a multiple of 8, ≤ [`SEG_CAP`], short enough that
    /// `a^seg ≥ 1e-290` (no subnormal arithmetic in the powers).
    seg: usize,
    /// `a^seg`.
    a_seg: f64,
}

impl Lin {
    /// `y_t = a·y_{t−1} + s·x_t` with `0 ≤ a < 1`.
    pub(crate) fn new(a: f64, s: f64) -> Self {
        let a2 = a * a;
        let a4 = a2 * a2;
        // a^k ≥ e^−667 ≈ 1e−290 for k ≤ −667/ln a; a = 0 has exactly-zero powers.
        let seg = if a > 0.0 && -667.0 / a.ln() < SEG_CAP as f64 {
            ((-667.0 / a.ln()) as usize & !7).max(16)
        } else {
            SEG_CAP
        };
        Self {
            a,
            s,
            a2,
            a4,
            a8: a4 * a4,
            p: [a, a2, a2 * a, a4],
            q: [a4 * a, a4 * a2, a4 * a2 * a, a4 * a4],
            seg,
            a_seg: a.powi(seg as i32),
        }
    }

    /// One sequential step (used for short tails).
    #[inline(always)]
    fn step(&self, y: f64, x: f64) -> f64 {
        self.a * y + self.s * x
    }
}

/// Sequential scan; returns the last `y` (or `c` for empty input).
#[inline(always)]
fn scan_seq(k: &Lin, c: f64, x: &[f64], y: &mut [f64]) -> f64 {
    let mut v = c;
    for (o, &xi) in y.iter_mut().zip(x) {
        v = k.step(v, xi);
        *o = v;
    }
    v
}

/// One step of a segment's local scan: four values, from the previous `u` and `Y` vectors
/// (`a`, `a²`, `a⁴` in `c`).
#[inline(always)]
fn local_step(c: [f64; 3], xv: V, xm: V, up: &mut V, prev: &mut V) -> V {
    let [a, a2, a4] = c;
    let u = [
        xv[0] + a * xm[0],
        xv[1] + a * xm[1],
        xv[2] + a * xm[2],
        xv[3] + a * xm[3],
    ];
    let us = [up[2], up[3], u[0], u[1]];
    *up = u;
    let yv = [
        (u[0] + a2 * us[0]) + a4 * prev[0],
        (u[1] + a2 * us[1]) + a4 * prev[1],
        (u[2] + a2 * us[2]) + a4 * prev[2],
        (u[3] + a2 * us[3]) + a4 * prev[3],
    ];
    *prev = yv;
    yv
}

/// Scans one chunk (`x.len() ≤ SEGS·k.seg`, `y.len() == x.len()`): `y_t = a·y_{t−1} + s·x_t`
/// with `y_{−1} = c`. Returns the last `y` (or `c`).
#[inline(always)]
fn scan_chunk(k: &Lin, c: f64, x: &[f64], y: &mut [f64]) -> f64 {
    let n = x.len();
    // Segment length: a multiple of 8 (the fixup handles two vectors per step).
    let seg = ((n / SEGS) & !7).min(k.seg);
    if seg < 16 {
        return scan_seq(k, c, x, y);
    }
    let a_seg = if seg == k.seg {
        k.a_seg
    } else {
        k.a.powi(seg as i32)
    };
    // Every index below stays under `SEGS·seg ≤ n`: segment `g` covers `g·seg .. (g+1)·seg`,
    // vectors start at multiples of 4 below `seg`, and `seg` is a multiple of 8.
    assert!(SEGS * seg <= n && y.len() == n);
    // Pass 1: every segment's local scan from a zero state, unscaled, in lockstep.
    let kc = [k.a, k.a2, k.a4];
    let mut prev = [[0.0; W]; SEGS];
    let mut up = [[0.0; W]; SEGS];
    for g in 0..SEGS {
        let b = g * seg;
        // SAFETY: b + 4 ≤ (g+1)·seg ≤ n (see above).
        let xv = unsafe { ld(x, b) };
        // Nothing before the segment's start.
        let xm = [0.0, xv[0], xv[1], xv[2]];
        let yv = local_step(kc, xv, xm, &mut up[g], &mut prev[g]);
        // SAFETY: as the load.
        unsafe { st(y, b, yv) };
    }
    let mut i = W;
    while i < seg {
        for g in 0..SEGS {
            let b = g * seg + i;
            // SAFETY: 4 ≤ i ≤ seg − 4, so b − 1 ≥ 0 and b + 4 ≤ (g+1)·seg ≤ n.
            let (xv, xm) = unsafe { (ld(x, b), ld(x, b - 1)) };
            let yv = local_step(kc, xv, xm, &mut up[g], &mut prev[g]);
            // SAFETY: as the loads.
            unsafe { st(y, b, yv) };
        }
        i += W;
    }
    // The true value before each segment.
    let mut cs = [0.0; SEGS];
    let mut cc = c;
    for (g, cg) in cs.iter_mut().enumerate() {
        *cg = cc;
        cc = k.s * y[(g + 1) * seg - 1] + a_seg * cc;
    }
    // Pass 2: y = s·Y + a^(j+1)·c_g at offset j of segment g.
    let (mut p, mut q) = (k.p, k.q);
    let mut i = 0;
    while i < seg {
        for (g, &cg) in cs.iter().enumerate() {
            let b = g * seg + i;
            // SAFETY: i ≤ seg − 8, so b + 8 ≤ (g+1)·seg ≤ n.
            let (y0, y1) = unsafe { (ld(y, b), ld(y, b + W)) };
            let mut r0 = [0.0; W];
            let mut r1 = [0.0; W];
            for j in 0..W {
                r0[j] = k.s * y0[j] + p[j] * cg;
                r1[j] = k.s * y1[j] + q[j] * cg;
            }
            // SAFETY: as the loads.
            unsafe {
                st(y, b, r0);
                st(y, b + W, r1);
            }
        }
        for j in 0..W {
            p[j] *= k.a8;
            q[j] *= k.a8;
        }
        i += 2 * W;
    }
    let done = SEGS * seg;
    let last = y[done - 1];
    scan_seq(k, last, &x[done..], &mut y[done..])
}

/// Scans a whole series (chunk by chunk); returns the last `y` (or `c`).
#[inline(always)]
fn scan_impl(k: &Lin, c: f64, x: &[f64], y: &mut [f64]) -> f64 {
    let mut c = c;
    let chunk = SEGS * k.seg;
    for (xc, yc) in x.chunks(chunk).zip(y.chunks_mut(chunk)) {
        c = scan_chunk(k, c, xc, yc);
    }
    c
}

dispatch! {
    /// `y_t = a·y_{t−1} + s·x_t` over `x` (into `y`, same length), `y_{−1} = c`; returns the
    /// last `y`. The EMA's bulk.
    pub(crate) fn scan(k: &Lin, c: f64, x: &[f64], y: &mut [f64]) -> f64 => scan_impl
}

// ---------------------------------------------------------------------------------------------
// Validation

/// Sum of `x` in 16 independent lanes: finite exactly when every element is finite, except
/// that finite values summing past `f64::MAX` also give a non-finite sum (which only sends the
/// batch to the row-by-row path).
#[inline(always)]
fn lane_sum(x: &[f64]) -> f64 {
    let mut acc = [0.0; 16];
    let mut it = x.chunks_exact(16);
    for c in &mut it {
        for j in 0..16 {
            acc[j] += c[j];
        }
    }
    let mut s = 0.0;
    for v in it.remainder() {
        s += *v;
    }
    for a in acc {
        s += a;
    }
    s
}

/// Smallest `hi − lo` over the rows (NaN-free inputs), in 8 lanes; `+∞` when empty.
#[inline(always)]
fn min_gap(hi: &[f64], lo: &[f64]) -> f64 {
    let n = hi.len().min(lo.len());
    let (hi, lo) = (&hi[..n], &lo[..n]);
    let mut m = [f64::INFINITY; 8];
    let mut h = hi.chunks_exact(8);
    let mut l = lo.chunks_exact(8);
    for (hc, lc) in (&mut h).zip(&mut l) {
        for j in 0..8 {
            let d = hc[j] - lc[j];
            m[j] = if d < m[j] { d } else { m[j] };
        }
    }
    let mut r = f64::INFINITY;
    for (a, b) in h.remainder().iter().zip(l.remainder()) {
        let d = a - b;
        r = if d < r { d } else { r };
    }
    for v in m {
        r = if v < r { v } else { r };
    }
    r
}

/// Smallest element (NaN-free input), in 8 lanes; `+∞` when empty.
#[inline(always)]
fn min_val(x: &[f64]) -> f64 {
    let mut m = [f64::INFINITY; 8];
    let mut it = x.chunks_exact(8);
    for c in &mut it {
        for j in 0..8 {
            m[j] = if c[j] < m[j] { c[j] } else { m[j] };
        }
    }
    let mut r = f64::INFINITY;
    for &v in it.remainder().iter().chain(m.iter()) {
        r = if v < r { v } else { r };
    }
    r
}

/// Columns of one batch for validation; empty slices are columns the indicator does not read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Check<'a> {
    pub open: &'a [f64],
    pub high: &'a [f64],
    pub low: &'a [f64],
    pub close: &'a [f64],
    pub volume: &'a [f64],
    /// High and low are read (range rules apply).
    pub hl: bool,
}

#[inline(always)]
fn valid_impl(c: &Check<'_>) -> bool {
    // Rule 2: finite (rule 1, "missing", is a special case of it).
    for col in [c.open, c.high, c.low, c.close, c.volume] {
        if !lane_sum(col).is_finite() {
            return false;
        }
    }
    // Rule 5: volume ≥ 0.
    if min_val(c.volume) < 0.0 {
        return false;
    }
    // Rules 3 and 4: low ≤ close ≤ high, low ≤ open ≤ high, high ≥ low. With every value
    // finite, `a − b ≥ 0` exactly when `a ≥ b`.
    if c.hl {
        if min_gap(c.high, c.low) < 0.0 {
            return false;
        }
        for x in [c.open, c.close] {
            if !x.is_empty() && (min_gap(c.high, x) < 0.0 || min_gap(x, c.low) < 0.0) {
                return false;
            }
        }
    }
    true
}

dispatch! {
    /// `true` if every row passes [`validate`](crate::validate) for the columns given (a `false`
    /// may also mean values so large that their sum overflows: such batches take the checked
    /// row-by-row path, which is always correct).
    pub(crate) fn all_valid(c: &Check<'_>) -> bool => valid_impl
}

// ---------------------------------------------------------------------------------------------
// RSI

/// RSI state carried between chunks (and back into [`crate::Rsi`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RsiCarry {
    pub prev: f64,
    pub gain: f64,
    pub loss: f64,
}

#[inline(always)]
fn rsi_impl(k: &Lin, st0: RsiCarry, x: &[f64], out: &mut [f64]) -> RsiCarry {
    let mut s = st0;
    let cap = x.len().min(BLOCK);
    let (mut gb, mut lb) = (vec![0.0; cap], vec![0.0; cap]);
    for (xc, oc) in x.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
        let m = xc.len();
        let (g, l) = (&mut gb[..m], &mut lb[..m]);
        // Gains and losses, exactly as `Rsi::next`.
        let split = |d: f64| if d > 0.0 { (d, 0.0) } else { (0.0, -d) };
        let (g0, l0) = split(xc[0] - s.prev);
        g[0] = g0;
        l[0] = l0;
        for t in 1..m {
            let (gt, lt) = split(xc[t] - xc[t - 1]);
            g[t] = gt;
            l[t] = lt;
        }
        s.prev = xc[m - 1];
        s.gain = scan_impl(k, s.gain, g, oc);
        // `g` is free now: it receives the smoothed losses.
        s.loss = scan_impl(k, s.loss, l, g);
        for (o, &lo) in oc.iter_mut().zip(g.iter()) {
            let gain = *o;
            let sum = gain + lo;
            *o = if sum == 0.0 { 50.0 } else { 100.0 * gain / sum };
        }
    }
    s
}

dispatch! {
    /// Steady-state RSI over `x` (every value after the seeding): Wilder averages as
    /// recurrences `avg ← a·avg + s·x`, then `100·gain/(gain + loss)` (50 when both are 0).
    pub(crate) fn rsi(k: &Lin, st0: RsiCarry, x: &[f64], out: &mut [f64]) -> RsiCarry => rsi_impl
}

// ---------------------------------------------------------------------------------------------
// ATR

#[inline(always)]
fn atr_impl(
    k: &Lin,
    prev_close: f64,
    atr: f64,
    h: &[f64],
    l: &[f64],
    c: &[f64],
    out: &mut [f64],
) -> (f64, f64) {
    let mut pc = prev_close;
    let mut v = atr;
    let mut tb = vec![0.0; out.len().min(BLOCK)];
    let mut i0 = 0;
    for oc in out.chunks_mut(BLOCK) {
        let m = oc.len();
        let (hc, lc, cc) = (&h[i0..i0 + m], &l[i0..i0 + m], &c[i0..i0 + m]);
        let tr = &mut tb[..m];
        tr[0] = true_range(hc[0], lc[0], pc);
        for t in 1..m {
            tr[t] = true_range(hc[t], lc[t], cc[t - 1]);
        }
        pc = cc[m - 1];
        v = scan_impl(k, v, tr, oc);
        i0 += m;
    }
    (pc, v)
}

/// `max(h, pc) − min(l, pc)` for finite inputs (as `Atr::true_range`).
#[inline(always)]
fn true_range(h: f64, l: f64, pc: f64) -> f64 {
    let hi = if h > pc { h } else { pc };
    let lo = if l < pc { l } else { pc };
    hi - lo
}

dispatch! {
    /// Steady-state ATR over validated HLC columns: true ranges, then `atr ← a·atr + s·TR`.
    /// Returns the last close and the last ATR.
    pub(crate) fn atr(
        k: &Lin,
        prev_close: f64,
        atr: f64,
        h: &[f64],
        l: &[f64],
        c: &[f64],
        out: &mut [f64],
    ) -> (f64, f64) => atr_impl
}

// ---------------------------------------------------------------------------------------------
// ADX

/// ADX state carried between chunks (and back into [`crate::Adx`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AdxCarry {
    pub prev_high: f64,
    pub prev_low: f64,
    pub prev_close: f64,
    /// Wilder sums of +DM, −DM, TR.
    pub pdm: f64,
    pub mdm: f64,
    pub tr: f64,
    /// DX values seen (the ADX seeds on the first `n`).
    pub dx_count: usize,
    /// Running DX sum while seeding, then the ADX.
    pub adx: f64,
}

/// Output columns of an ADX batch (`rows` each).
pub(crate) struct AdxCols<'a> {
    pub adx: &'a mut [f64],
    pub pdi: &'a mut [f64],
    pub mdi: &'a mut [f64],
    pub dx: &'a mut [f64],
}

#[inline(always)]
fn adx_impl(
    sum: &Lin,
    avg: &Lin,
    n: usize,
    st0: AdxCarry,
    h: &[f64],
    l: &[f64],
    c: &[f64],
    out: AdxCols<'_>,
) -> AdxCarry {
    let mut s = st0;
    let nf = n as f64;
    let rows = h.len();
    let cap = rows.min(BLOCK);
    let (mut pb, mut mb, mut tb) = (vec![0.0; cap], vec![0.0; cap], vec![0.0; cap]);
    let mut i0 = 0;
    while i0 < rows {
        let m = (rows - i0).min(BLOCK);
        let r = i0..i0 + m;
        let (hc, lc, cc) = (&h[r.clone()], &l[r.clone()], &c[r.clone()]);
        let (oa, op, om, od) = (
            &mut out.adx[r.clone()],
            &mut out.pdi[r.clone()],
            &mut out.mdi[r.clone()],
            &mut out.dx[r],
        );
        let (pd, md, tr) = (&mut pb[..m], &mut mb[..m], &mut tb[..m]);
        // Directional movement and true range, exactly as `Adx::step`.
        let dm = |h: f64, l: f64, ph: f64, pl: f64| {
            let up = h - ph;
            let down = pl - l;
            let p = if up > down && up > 0.0 { up } else { 0.0 };
            let q = if down > up && down > 0.0 { down } else { 0.0 };
            (p, q)
        };
        let (p0, q0) = dm(hc[0], lc[0], s.prev_high, s.prev_low);
        pd[0] = p0;
        md[0] = q0;
        tr[0] = true_range(hc[0], lc[0], s.prev_close);
        for t in 1..m {
            let (p, q) = dm(hc[t], lc[t], hc[t - 1], lc[t - 1]);
            pd[t] = p;
            md[t] = q;
            tr[t] = true_range(hc[t], lc[t], cc[t - 1]);
        }
        s.prev_high = hc[m - 1];
        s.prev_low = lc[m - 1];
        s.prev_close = cc[m - 1];
        // Wilder sums: +DM into the +DI column, −DM into the −DI column, TR into `pd`.
        s.pdm = scan_impl(sum, s.pdm, pd, op);
        s.mdm = scan_impl(sum, s.mdm, md, om);
        s.tr = scan_impl(sum, s.tr, tr, pd);
        for t in 0..m {
            let st = pd[t];
            let (pdi, mdi) = if st > 0.0 {
                (100.0 * op[t] / st, 100.0 * om[t] / st)
            } else {
                (0.0, 0.0)
            };
            let sdi = pdi + mdi;
            op[t] = pdi;
            om[t] = mdi;
            od[t] = if sdi > 0.0 {
                100.0 * (pdi - mdi).abs() / sdi
            } else {
                0.0
            };
        }
        // ADX: mean of the first n DX, then Wilder's average of DX.
        let mut t = 0;
        while t < m && s.dx_count < n {
            s.dx_count += 1;
            if s.dx_count < n {
                s.adx += od[t];
                oa[t] = f64::NAN;
            } else {
                s.adx = (s.adx + od[t]) / nf;
                oa[t] = s.adx;
            }
            t += 1;
        }
        if t < m {
            s.dx_count += m - t;
            s.adx = scan_impl(avg, s.adx, &od[t..], &mut oa[t..]);
        }
        i0 += m;
    }
    s
}

dispatch! {
    /// Steady-state ADX/DMI over validated HLC columns (every bar after the first `n−1`
    /// directional movements): Wilder sums as recurrences `S ← (1 − 1/n)·S + x`, ±DI and DX as
    /// in [`crate::Adx`], ADX seeded with the mean of the first `n` DX, then
    /// `adx ← a·adx + s·dx`.
    #[allow(clippy::too_many_arguments)] // one kernel entry: the dispatch macro forwards them
    pub(crate) fn adx(
        sum: &Lin,
        avg: &Lin,
        n: usize,
        st0: AdxCarry,
        h: &[f64],
        l: &[f64],
        c: &[f64],
        out: AdxCols<'_>,
    ) -> AdxCarry => adx_impl
}

// ---------------------------------------------------------------------------------------------
// Bollinger

/// A Bollinger window's anchor `K` and shifted sums `S₁ = Σ(x − K)`, `S₂ = Σ(x − K)²` (see
/// [`crate::Bollinger`]), shared by the streaming and the batch form so both run the same
/// arithmetic.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct BandSums {
    pub anchor: f64,
    pub s1: f64,
    pub s2: f64,
    /// Slides since the anchor was set (re-anchor at `n`).
    pub since: usize,
}

impl BandSums {
    /// Anchored on `k`, summed over `older` then `newer` (the window, oldest first).
    #[inline(always)]
    pub(crate) fn anchored(k: f64, older: &[f64], newer: &[f64]) -> Self {
        let (mut s1, mut s2) = (0.0, 0.0);
        for &v in older.iter().chain(newer) {
            let d = v - k;
            s1 += d;
            s2 += d * d;
        }
        Self {
            anchor: k,
            s1,
            s2,
            since: 0,
        }
    }

    /// `x` enters the window, `old` leaves it.
    #[inline(always)]
    pub(crate) fn slide(&mut self, x: f64, old: f64) {
        let (a, b) = (x - self.anchor, old - self.anchor);
        self.s1 += a - b;
        self.s2 += a * a - b * b;
    }

    /// lower, middle, upper, %B for the newest value `x` (`inv_n = 1/n`).
    #[inline(always)]
    pub(crate) fn bands(&self, inv_n: f64, kdev: f64, x: f64) -> [f64; 4] {
        bands(self.anchor, self.s1, self.s2, inv_n, kdev, x)
    }
}

/// lower, middle, upper, %B from the anchor and the shifted sums (`inv_n = 1/n`: one
/// division per bar, for %B, instead of four).
#[inline(always)]
fn bands(anchor: f64, s1: f64, s2: f64, inv_n: f64, kdev: f64, x: f64) -> [f64; 4] {
    let mean = anchor + s1 * inv_n;
    let m2 = s2 - s1 * s1 * inv_n;
    let m2 = if m2 < 0.0 { 0.0 } else { m2 };
    let sd = (m2 * inv_n).sqrt();
    let lower = mean - kdev * sd;
    let upper = mean + kdev * sd;
    let pb = if upper > lower {
        (x - lower) / (upper - lower)
    } else {
        0.5
    };
    [lower, mean, upper, pb]
}

/// Output columns of a Bollinger batch.
pub(crate) struct BandCols<'a> {
    pub lower: &'a mut [f64],
    pub middle: &'a mut [f64],
    pub upper: &'a mut [f64],
    pub percent_b: &'a mut [f64],
}

/// Bollinger rows `n..` of `x` (the first `n` were stepped, leaving `st`), written to those
/// rows of `out`: a sequential pass over the sums exactly as [`crate::Bollinger::next`]
/// (anchor, slide), parking `K`, `S₁`, `S₂` in the output columns, then the bands in a
/// vectorised pass. Returns the sums after the last row.
#[inline(always)]
fn bollinger_impl(n: usize, kdev: f64, st: BandSums, x: &[f64], out: BandCols<'_>) -> BandSums {
    let rows = x.len();
    let mut s = st;
    if rows <= n {
        return s;
    }
    for t in n..rows {
        s.since += 1;
        if s.since == n {
            s = BandSums::anchored(x[t], &x[t + 1 - n..=t], &[]);
        } else {
            s.slide(x[t], x[t - n]);
        }
        out.lower[t] = s.anchor;
        out.middle[t] = s.s1;
        out.upper[t] = s.s2;
    }
    let inv_n = 1.0 / n as f64;
    let r = n..rows;
    let (lo, mid, up, pb) = (
        &mut out.lower[r.clone()],
        &mut out.middle[r.clone()],
        &mut out.upper[r.clone()],
        &mut out.percent_b[r.clone()],
    );
    for (t, &xt) in x[r].iter().enumerate() {
        let [l, m, u, p] = bands(lo[t], mid[t], up[t], inv_n, kdev, xt);
        lo[t] = l;
        mid[t] = m;
        up[t] = u;
        pb[t] = p;
    }
    s
}

dispatch! {
    /// See [`bollinger_impl`].
    pub(crate) fn bollinger(n: usize, kdev: f64, st: BandSums, x: &[f64], out: BandCols<'_>) -> BandSums => bollinger_impl
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| 50.0 + ((i * 37) % 101) as f64 * 0.1 + (i as f64 * 0.01).sin())
            .collect()
    }

    #[test]
    fn scan_matches_sequential_on_every_length_and_path() {
        let x = series(2 * SEGS * SEG_CAP + 77);
        for &(a, s) in &[
            (1.0 - 2.0 / 21.0, 2.0 / 21.0),
            (13.0 / 14.0, 1.0 / 14.0),
            (1.0 / 3.0, 2.0 / 3.0),
            (0.0, 1.0),
            (0.999, 1.0),
        ] {
            let k = Lin::new(a, s);
            let chunk = SEGS * k.seg;
            for len in [
                0,
                1,
                7,
                15,
                63,
                64,
                65,
                127,
                128,
                129,
                500,
                chunk - 1,
                chunk,
                chunk + 1,
                x.len(),
            ] {
                let mut want = vec![0.0; len];
                let wl = scan_seq(&k, 42.0, &x[..len], &mut want);
                let mut first: Option<Vec<f64>> = None;
                for p in Path::available() {
                    let mut got = vec![0.0; len];
                    let gl = scan(p, &k, 42.0, &x[..len], &mut got);
                    assert_eq!(gl.to_bits(), got.last().copied().unwrap_or(42.0).to_bits());
                    for (t, (g, w)) in got.iter().zip(&want).enumerate() {
                        assert!(
                            (g - w).abs() <= 1e-13 * w.abs(),
                            "a={a} len={len} t={t} {p:?}: {g} vs {w}"
                        );
                    }
                    assert!((gl - wl).abs() <= 1e-13 * wl.abs());
                    match &first {
                        None => first = Some(got),
                        Some(f) => assert!(
                            f.iter().zip(&got).all(|(u, v)| u.to_bits() == v.to_bits()),
                            "paths differ (a={a}, len={len})"
                        ),
                    }
                }
            }
        }
    }

    #[test]
    fn non_finite_values_fail_validation_anywhere() {
        let x = series(300);
        let base = Check {
            open: &[],
            high: &[],
            low: &[],
            close: &x,
            volume: &[],
            hl: false,
        };
        for p in Path::available() {
            assert!(all_valid(p, &base));
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                for i in [0, 1, 15, 16, 17, 150, 299] {
                    let mut y = x.clone();
                    y[i] = bad;
                    let c = Check { close: &y, ..base };
                    assert!(!all_valid(p, &c), "{p:?}: {bad} at {i} passed");
                }
            }
        }
    }

    #[test]
    fn range_rules_are_checked_on_every_row() {
        let c = series(100);
        let h: Vec<f64> = c.iter().map(|v| v + 1.0).collect();
        let l: Vec<f64> = c.iter().map(|v| v - 1.0).collect();
        for p in Path::available() {
            let ok = Check {
                open: &[],
                high: &h,
                low: &l,
                close: &c,
                volume: &[],
                hl: true,
            };
            assert!(all_valid(p, &ok));
            for i in [0, 8, 50, 99] {
                let mut c2 = c.clone();
                c2[i] = h[i] + 1e-9;
                assert!(
                    !all_valid(p, &Check { close: &c2, ..ok }),
                    "close above high at {i}"
                );
                let mut l2 = l.clone();
                l2[i] = h[i] + 0.5;
                assert!(
                    !all_valid(p, &Check { low: &l2, ..ok }),
                    "low above high at {i}"
                );
                let mut v = vec![1.0; 100];
                v[i] = -1.0;
                assert!(
                    !all_valid(p, &Check { volume: &v, ..ok }),
                    "negative volume at {i}"
                );
            }
        }
    }
}
