//! The dot-product kernels: scalar, AVX2 and AVX-512F, all evaluating the canonical operation
//! order documented in the [parent module](super).

use super::{finish, Decision, Params, RowSum, NO_FEATURE};

/// Which implementation of the row kernel runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KernelPath {
    /// Portable scalar code (the reference the others must match bit for bit).
    Scalar,
    /// 256-bit AVX2 (x86-64).
    Avx2,
    /// 512-bit AVX-512F (x86-64).
    Avx512,
}

impl KernelPath {
    /// Every path, slowest first.
    pub const ALL: [Self; 3] = [Self::Scalar, Self::Avx2, Self::Avx512];

    /// The fastest path this CPU supports (detected at run time).
    #[must_use]
    pub fn detect() -> Self {
        if Self::Avx512.is_supported() {
            Self::Avx512
        } else if Self::Avx2.is_supported() {
            Self::Avx2
        } else {
            Self::Scalar
        }
    }

    /// `true` if this CPU can run the path.
    #[must_use]
    pub fn is_supported(self) -> bool {
        match self {
            Self::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Self::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Self::Avx512 => std::arch::is_x86_feature_detected!("avx512f"),
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// Lower-case name: `"scalar"`, `"avx2"`, `"avx512"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Scalar => "scalar",
            Self::Avx2 => "avx2",
            Self::Avx512 => "avx512",
        }
    }

    /// Parses [`KernelPath::name`].
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// One row on `path`. The caller checked `row.len() == p.n_features` and that `path` is
/// supported (both are invariants of `DecisionEngine`).
#[inline]
pub(super) fn row_sum(path: KernelPath, p: &Params, row: &[f64]) -> RowSum {
    debug_assert_eq!(row.len(), p.n_features);
    match path {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `DecisionEngine` only holds a path that `is_supported()` on this CPU.
        KernelPath::Avx512 => unsafe { x86::row_avx512(p, row) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above, AVX2 was detected.
        KernelPath::Avx2 => unsafe { x86::row_avx2(p, row) },
        _ => row_scalar(p, row),
    }
}

/// Every row of `features` (a whole number of rows) on `path`, handing each decision to `sink`.
#[inline]
pub(super) fn for_each_row(
    path: KernelPath,
    p: &Params,
    features: &[f64],
    sink: impl FnMut(usize, Decision),
) {
    match path {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `DecisionEngine` only holds a path that `is_supported()` on this CPU.
        KernelPath::Avx512 => unsafe { x86::batch_avx512(p, features, sink) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above, AVX2 was detected.
        KernelPath::Avx2 => unsafe { x86::batch_avx2(p, features, sink) },
        _ => batch_scalar(p, features, sink),
    }
}

fn batch_scalar(p: &Params, features: &[f64], mut sink: impl FnMut(usize, Decision)) {
    for (i, row) in features.chunks_exact(p.n_features).enumerate() {
        sink(i, finish(p, row_scalar(p, row)));
    }
}

/// The reference: eight accumulators, unfused multiply then add, x86 min/max operand order.
#[inline]
pub(super) fn row_scalar(p: &Params, row: &[f64]) -> RowSum {
    let n = p.n_features;
    let mut acc = [0.0f64; 8];
    let mut bad = false;
    let mut flags = 0u8;
    let mut first = NO_FEATURE;
    for b in 0..p.w.len() / 8 {
        let mut lo_mask = 0u8;
        let mut hi_mask = 0u8;
        for (j, a) in acc.iter_mut().enumerate() {
            let f = b * 8 + j;
            let x = if f < n { row[f] } else { 0.0 };
            #[allow(clippy::eq_op)] // finiteness test identical to the SIMD kernels
            let finite = x - x == 0.0;
            bad |= !finite;
            let (lo, hi) = (p.lo[f], p.hi[f]);
            lo_mask |= u8::from(x < lo) << j;
            hi_mask |= u8::from(x > hi) << j;
            let c = if x > lo { x } else { lo };
            let c = if c < hi { c } else { hi };
            *a += p.w[f] * c;
        }
        note_clamps(b, lo_mask, hi_mask, &mut flags, &mut first);
    }
    let s = ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
    RowSum {
        sum: s,
        bad,
        flags,
        first,
    }
}

/// Folds one block's clamp lane masks into the row's flags and first clamped feature.
#[inline(always)]
fn note_clamps(block: usize, lo_mask: u8, hi_mask: u8, flags: &mut u8, first: &mut u16) {
    use super::ClampFlags;
    *flags |= (u8::from(lo_mask != 0) * ClampFlags::FEATURE_LOW)
        | (u8::from(hi_mask != 0) * ClampFlags::FEATURE_HIGH);
    let any = lo_mask | hi_mask;
    if *first == NO_FEATURE && any != 0 {
        // block * 8 + 7 < MAX_FEATURES + 8 fits u16.
        *first = (block * 8) as u16 + any.trailing_zeros() as u16;
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::{finish, note_clamps, Decision, Params, RowSum, NO_FEATURE};

    /// AVX2: the 8 accumulators are two 256-bit registers.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub(super) unsafe fn row_avx2(p: &Params, row: &[f64]) -> RowSum {
        let n = p.n_features;
        let full = n / 8;
        let tail = n % 8;
        let zero = _mm256_setzero_pd();
        let mut acc_lo = zero;
        let mut acc_hi = zero;
        let mut bad = zero;
        let mut flags = 0u8;
        let mut first = NO_FEATURE;
        let x_ptr = row.as_ptr();
        let (w, lo, hi) = (p.w.as_ptr(), p.lo.as_ptr(), p.hi.as_ptr());
        let mut step = |b: usize, x0: __m256d, x1: __m256d| {
            let o = b * 8;
            // SAFETY: `o + 8 <= p.w.len()` (= lo.len() = hi.len()), the padded length.
            let (w0, w1, l0, l1, h0, h1) = unsafe {
                (
                    _mm256_loadu_pd(w.add(o)),
                    _mm256_loadu_pd(w.add(o + 4)),
                    _mm256_loadu_pd(lo.add(o)),
                    _mm256_loadu_pd(lo.add(o + 4)),
                    _mm256_loadu_pd(hi.add(o)),
                    _mm256_loadu_pd(hi.add(o + 4)),
                )
            };
            bad = _mm256_or_pd(
                bad,
                _mm256_cmp_pd::<_CMP_NEQ_UQ>(_mm256_sub_pd(x0, x0), zero),
            );
            bad = _mm256_or_pd(
                bad,
                _mm256_cmp_pd::<_CMP_NEQ_UQ>(_mm256_sub_pd(x1, x1), zero),
            );
            let lm = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(x0, l0))
                | (_mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(x1, l1)) << 4);
            let hm = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GT_OQ>(x0, h0))
                | (_mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GT_OQ>(x1, h1)) << 4);
            let c0 = _mm256_min_pd(_mm256_max_pd(x0, l0), h0);
            let c1 = _mm256_min_pd(_mm256_max_pd(x1, l1), h1);
            acc_lo = _mm256_add_pd(acc_lo, _mm256_mul_pd(w0, c0));
            acc_hi = _mm256_add_pd(acc_hi, _mm256_mul_pd(w1, c1));
            note_clamps(b, lm as u8, hm as u8, &mut flags, &mut first);
        };
        for b in 0..full {
            // SAFETY: `b * 8 + 8 <= full * 8 <= n = row.len()`.
            let (x0, x1) = unsafe {
                (
                    _mm256_loadu_pd(x_ptr.add(b * 8)),
                    _mm256_loadu_pd(x_ptr.add(b * 8 + 4)),
                )
            };
            step(b, x0, x1);
        }
        if tail != 0 {
            let o = full * 8;
            let m0 = tail_mask256(tail);
            let m1 = tail_mask256(tail.saturating_sub(4));
            // SAFETY: masked loads touch only lanes below `tail`, i.e. indices `< n`.
            let (x0, x1) = unsafe {
                (
                    _mm256_maskload_pd(x_ptr.add(o), m0),
                    _mm256_maskload_pd(x_ptr.add(o + 4), m1),
                )
            };
            step(full, x0, x1);
        }
        let s4 = _mm256_add_pd(acc_lo, acc_hi);
        let s2 = _mm_add_pd(_mm256_castpd256_pd128(s4), _mm256_extractf128_pd::<1>(s4));
        let s = _mm_cvtsd_f64(_mm_add_sd(s2, _mm_unpackhi_pd(s2, s2)));
        RowSum {
            sum: s,
            bad: _mm256_movemask_pd(bad) != 0,
            flags,
            first,
        }
    }

    /// Lanes `0..k` set (k ≤ 4) as a maskload mask.
    #[inline(always)]
    fn tail_mask256(k: usize) -> __m256i {
        const M: [i64; 8] = [-1, -1, -1, -1, 0, 0, 0, 0];
        let k = k.min(4);
        // SAFETY: `4 - k + 4 <= 8`, in bounds of `M`; `_mm256_loadu_si256` is unaligned.
        unsafe { _mm256_loadu_si256(M.as_ptr().add(4 - k).cast()) }
    }

    /// AVX-512F: the 8 accumulators are one 512-bit register.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) unsafe fn row_avx512(p: &Params, row: &[f64]) -> RowSum {
        let n = p.n_features;
        let full = n / 8;
        let tail = n % 8;
        let zero = _mm512_setzero_pd();
        let mut acc = zero;
        let mut bad: __mmask8 = 0;
        let mut flags = 0u8;
        let mut first = NO_FEATURE;
        let x_ptr = row.as_ptr();
        let (w, lo, hi) = (p.w.as_ptr(), p.lo.as_ptr(), p.hi.as_ptr());
        let mut step = |b: usize, x: __m512d| {
            let o = b * 8;
            // SAFETY: `o + 8 <= p.w.len()` (= lo.len() = hi.len()), the padded length.
            let (wv, l, h) = unsafe {
                (
                    _mm512_loadu_pd(w.add(o)),
                    _mm512_loadu_pd(lo.add(o)),
                    _mm512_loadu_pd(hi.add(o)),
                )
            };
            bad |= _mm512_cmp_pd_mask::<_CMP_NEQ_UQ>(_mm512_sub_pd(x, x), zero);
            let lm = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(x, l);
            let hm = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(x, h);
            let c = _mm512_min_pd(_mm512_max_pd(x, l), h);
            acc = _mm512_add_pd(acc, _mm512_mul_pd(wv, c));
            note_clamps(b, lm, hm, &mut flags, &mut first);
        };
        for b in 0..full {
            // SAFETY: `b * 8 + 8 <= n = row.len()`.
            step(b, unsafe { _mm512_loadu_pd(x_ptr.add(b * 8)) });
        }
        if tail != 0 {
            let k: __mmask8 = (1u8 << tail) - 1;
            // SAFETY: the masked load touches only lanes below `tail`, i.e. indices `< n`.
            step(full, unsafe {
                _mm512_maskz_loadu_pd(k, x_ptr.add(full * 8))
            });
        }
        let s4 = _mm256_add_pd(
            _mm512_castpd512_pd256(acc),
            _mm512_extractf64x4_pd::<1>(acc),
        );
        let s2 = _mm_add_pd(_mm256_castpd256_pd128(s4), _mm256_extractf128_pd::<1>(s4));
        let s = _mm_cvtsd_f64(_mm_add_sd(s2, _mm_unpackhi_pd(s2, s2)));
        RowSum {
            sum: s,
            bad: bad != 0,
            flags,
            first,
        }
    }

    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn batch_avx2(
        p: &Params,
        features: &[f64],
        mut sink: impl FnMut(usize, Decision),
    ) {
        for (i, row) in features.chunks_exact(p.n_features).enumerate() {
            // SAFETY: this function runs only where AVX2 was detected.
            sink(i, finish(p, unsafe { row_avx2(p, row) }));
        }
    }

    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn batch_avx512(
        p: &Params,
        features: &[f64],
        mut sink: impl FnMut(usize, Decision),
    ) {
        for (i, row) in features.chunks_exact(p.n_features).enumerate() {
            // SAFETY: this function runs only where AVX-512F was detected.
            sink(i, finish(p, unsafe { row_avx512(p, row) }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::{DecisionEngine, StrategyConfig};

    /// xorshift64* so this test needs no RNG crate.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn range(&mut self, a: f64, b: f64) -> f64 {
            a + (b - a) * self.unit()
        }
    }

    /// Every available path gives bit-identical scores and identical decisions on the same
    /// random inputs, over feature counts that exercise full blocks and every tail length,
    /// with clamps, NaN/∞ features, signed zeros and values straddling the thresholds.
    #[test]
    fn all_paths_agree_bit_for_bit() {
        let paths: Vec<KernelPath> = KernelPath::ALL
            .into_iter()
            .filter(|p| p.is_supported())
            .collect();
        eprintln!("paths under test: {paths:?}");
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut compared = 0usize;
        for n in (1..=40).chain([63, 64, 65, 129]) {
            let weights: Vec<f64> = (0..n).map(|_| rng.range(-2.0, 2.0)).collect();
            let lo: Vec<f64> = (0..n)
                .map(|i| {
                    if i % 3 == 0 {
                        f64::NEG_INFINITY
                    } else {
                        rng.range(-3.0, -0.5)
                    }
                })
                .collect();
            let hi: Vec<f64> = (0..n)
                .map(|i| {
                    if i % 4 == 1 {
                        f64::INFINITY
                    } else {
                        rng.range(0.5, 3.0)
                    }
                })
                .collect();
            let cfg = StrategyConfig {
                weights,
                bias: rng.range(-0.5, 0.5),
                feature_min: Some(lo),
                feature_max: Some(hi),
                score_cap: 4.0,
                buy_threshold: 0.75,
                sell_threshold: 1.25,
            };
            let rows = 257;
            let feats: Vec<f64> = (0..rows * n)
                .map(|_| match rng.next() % 200 {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => f64::NEG_INFINITY,
                    3 => -0.0,
                    4 => 0.0,
                    5 => rng.range(-1e6, 1e6),
                    _ => rng.range(-4.0, 4.0),
                })
                .collect();
            let mut reference: Option<Vec<Decision>> = None;
            for &path in &paths {
                let mut e = DecisionEngine::with_path(&cfg, path).unwrap();
                let mut out = vec![Decision::default(); rows];
                e.decide_batch(&feats, &mut out).unwrap();
                let single: Vec<Decision> = feats
                    .chunks_exact(n)
                    .map(|r| e.decide_one(r).unwrap())
                    .collect();
                assert_eq!(out, single, "batch vs single on {path:?}, n = {n}");
                match &reference {
                    None => reference = Some(out),
                    Some(r) => {
                        for (i, (a, b)) in r.iter().zip(&out).enumerate() {
                            assert_eq!(a.action, b.action, "{path:?} n={n} row {i}");
                            assert_eq!(a.clamp, b.clamp, "{path:?} n={n} row {i}");
                            assert_eq!(a.clamp_feature, b.clamp_feature, "{path:?} n={n} row {i}");
                            assert_eq!(a.reason, b.reason, "{path:?} n={n} row {i}");
                            assert_eq!(
                                a.score.to_bits(),
                                b.score.to_bits(),
                                "{path:?} n={n} row {i}"
                            );
                            assert_eq!(a.confidence.to_bits(), b.confidence.to_bits());
                            compared += 1;
                        }
                    }
                }
            }
        }
        if paths.len() > 1 {
            assert!(compared > 10_000);
        }
    }

    #[test]
    fn detection_picks_a_supported_path() {
        assert!(KernelPath::detect().is_supported());
        assert_eq!(KernelPath::from_name("avx2"), Some(KernelPath::Avx2));
        assert_eq!(KernelPath::from_name("sse"), None);
    }
}
