//! A small seeded PRNG whose streams are bit-identical on every platform, including WASM.
//!
//! [`Rng`] is xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
//! generators", ACM TOMS 2021) with its state filled by splitmix64 from a `u64` seed — the
//! same seeding as `rand_xoshiro::Xoshiro256StarStar::seed_from_u64`, which the tests use as
//! an independent reference for the raw stream and for [`Rng::jump`].
//!
//! # Identical streams everywhere
//! The raw `u64` stream is integer arithmetic. The continuous draws use only `+ − × ÷`, `sqrt`
//! (all correctly rounded by IEEE 754 on every target) and this module's own [`det_ln`] and
//! [`det_exp`], never the platform's `ln`/`exp`/`powf` (whose last bit differs between glibc,
//! musl and the WASM runtime). Rust never fuses `a * b + c` into an FMA on its own, so the
//! same seed gives the same `f64`s, bit for bit, on x86-64, aarch64 and wasm32.
//!
//! # Algorithms
//! - uniform `[0, 1)`: the top 53 bits × 2⁻⁵³; `(0, 1)`: the top 52 bits + ½, × 2⁻⁵².
//! - normal: Marsaglia's polar method (two normals per accepted pair; the second is cached).
//! - exponential: inversion, `−ln U / rate`.
//! - gamma: Marsaglia & Tsang (2000), with `U^{1/k}` boosting for shape `k < 1`.
//! - Student t: `Z / √(χ²_ν / ν)`, the chi-square drawn as a gamma.
//! - Poisson: multiplication of uniforms (Knuth) for `λ < 10`, Hörmann's PTRS transformed
//!   rejection (1993) above.
//! - independent streams: [`Rng::jump`] (2¹²⁸ steps) / [`Rng::long_jump`] (2¹⁹²) and
//!   [`Rng::split`].

/// ln 2 split so that `k · LN2_HI` is exact for `|k| < 2¹¹`.
#[allow(clippy::unreadable_literal)]
const LN2_HI: f64 = 0.6931471803691238;
#[allow(clippy::unreadable_literal)]
const LN2_LO: f64 = 1.9082149292705877e-10;
const INV_LN2: f64 = std::f64::consts::LOG2_E;

/// Natural logarithm from `+ − × ÷` only, so its result is the same on every platform.
/// Accurate to about 1 ulp. NaN for negative or NaN input, `−∞` at 0.
#[must_use]
pub fn det_ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    let mut bits = x.to_bits();
    let mut k: i64 = 0;
    if bits >> 52 == 0 {
        // Subnormal: scale into the normal range.
        bits = (x * 18_014_398_509_481_984.0).to_bits(); // 2^54
        k -= 54;
    }
    k += ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000); // [1, 2)
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        k += 1;
    }
    // ln(1 + f) = 2 atanh(s) = f − s(f − R), s = f / (2 + f), R = Σ 2 s^{2j} / (2j + 1).
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let mut r = 0.0;
    let mut j = 12.0;
    while j >= 1.0 {
        r = z * (2.0 / (2.0 * j + 1.0) + r);
        j -= 1.0;
    }
    let kf = k as f64;
    kf * LN2_HI + ((f - s * (f - r)) + kf * LN2_LO)
}

/// `e^x` from `+ − × ÷` only (see [`det_ln`]). Accurate to about 1 ulp; overflows to `+∞`
/// above 709.78 and underflows to 0 below −745.1.
#[must_use]
pub fn det_exp(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x > 709.782_712_893_384 {
        return f64::INFINITY;
    }
    if x < -745.133_219_101_941_1 {
        return 0.0;
    }
    let k = (x * INV_LN2).round();
    let r = (x - k * LN2_HI) - k * LN2_LO; // |r| ≤ ln2 / 2
                                           // e^r − 1 by Taylor to degree 14 (|r|^15 / 15! < 1e-19).
    let mut p = 0.0;
    let mut n = 14.0;
    while n >= 1.0 {
        p = r / n * (1.0 + p);
        n -= 1.0;
    }
    let y = 1.0 + p;
    scale_pow2(y, k as i32)
}

/// `y · 2^k` by exponent arithmetic (exact unless the result is subnormal).
fn scale_pow2(mut y: f64, mut k: i32) -> f64 {
    let two = |e: i32| f64::from_bits(((e + 1023) as u64) << 52);
    if k > 1023 {
        y *= two(1023);
        k -= 1023;
    } else if k < -1022 {
        y *= two(-1022 + 53);
        k += 1022 - 53;
    }
    y * two(k)
}

/// `ln k!` with deterministic arithmetic (exact table below 10, Stirling above).
fn det_ln_factorial(k: f64) -> f64 {
    const TABLE: [f64; 10] = [
        1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362_880.0,
    ];
    if k < 10.0 {
        return det_ln(TABLE[k as usize]);
    }
    let n = k + 1.0;
    (n - 0.5) * det_ln(n) - n + 0.918_938_533_204_672_7 + crate::special::stirling_corr(n)
}

/// splitmix64 (Steele, Lea & Flood 2014): seeds xoshiro from a single `u64`.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting at `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Next output.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// xoshiro256** with a cached spare normal. Cheap to clone; not cryptographic.
#[derive(Debug, Clone, PartialEq)]
pub struct Rng {
    s: [u64; 4],
    spare_normal: Option<f64>,
}

impl Rng {
    /// A generator whose state is four successive splitmix64 outputs from `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        let mut sm = SplitMix64::new(seed);
        let s = [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()];
        Self {
            s,
            spare_normal: None,
        }
    }

    /// A generator from a raw state. An all-zero state (a fixed point of xoshiro) is replaced
    /// by the state of `Rng::new(0)`.
    #[must_use]
    pub fn from_state(s: [u64; 4]) -> Self {
        if s == [0; 4] {
            return Self::new(0);
        }
        Self {
            s,
            spare_normal: None,
        }
    }

    /// The raw state (e.g. to checkpoint a simulation; the cached normal is not included).
    #[must_use]
    pub fn state(&self) -> [u64; 4] {
        self.s
    }

    /// The `index`-th of a family of non-overlapping streams for `seed`: `Rng::new(seed)`
    /// jumped `index` times (each jump is 2¹²⁸ draws).
    #[must_use]
    pub fn stream(seed: u64, index: u64) -> Self {
        let mut r = Self::new(seed);
        for _ in 0..index {
            r.jump();
        }
        r
    }

    /// Next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform on `[0, 1)` with 53 random bits.
    #[inline]
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform on the open interval `(0, 1)` (never 0 or 1), for logarithms.
    #[inline]
    pub fn open01(&mut self) -> f64 {
        ((self.next_u64() >> 12) as f64 + 0.5) * (1.0 / 4_503_599_627_370_496.0)
    }

    /// Uniform on `[lo, hi)`.
    #[inline]
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }

    /// Uniform integer in `[0, n)` without modulo bias (Lemire's method); 0 for `n = 0`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            let lo = m as u64;
            if lo >= n || lo >= n.wrapping_neg() % n {
                return (m >> 64) as u64;
            }
        }
    }

    /// Standard normal draw (polar method; see the module docs).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.next_f64() - 1.0;
            let v = 2.0 * self.next_f64() - 1.0;
            let s = u * u + v * v;
            if s < 1.0 && s > 0.0 {
                let f = (-2.0 * det_ln(s) / s).sqrt();
                self.spare_normal = Some(v * f);
                return u * f;
            }
        }
    }

    /// Fills `out` with standard normals.
    pub fn fill_normal(&mut self, out: &mut [f64]) {
        for x in out {
            *x = self.normal();
        }
    }

    /// Exponential draw with the given `rate` (mean `1 / rate`); `rate` must be positive and
    /// finite, otherwise the result is NaN.
    pub fn exponential(&mut self, rate: f64) -> f64 {
        if !(rate > 0.0 && rate.is_finite()) {
            return f64::NAN;
        }
        -det_ln(self.open01()) / rate
    }

    /// Gamma draw with `shape > 0` and `scale > 0` (mean `shape · scale`); NaN for invalid
    /// parameters. Marsaglia & Tsang (2000), "A simple method for generating gamma variables".
    pub fn gamma(&mut self, shape: f64, scale: f64) -> f64 {
        if !(shape > 0.0 && shape.is_finite() && scale > 0.0 && scale.is_finite()) {
            return f64::NAN;
        }
        if shape < 1.0 {
            // X·U^{1/k} with X ~ Gamma(k + 1) has the Gamma(k) law.
            let x = self.gamma(shape + 1.0, 1.0);
            let u = self.open01();
            return scale * x * det_exp(det_ln(u) / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.open01();
            let x2 = x * x;
            if u < 1.0 - 0.0331 * x2 * x2 {
                return scale * d * v;
            }
            if det_ln(u) < 0.5 * x2 + d * (1.0 - v + det_ln(v)) {
                return scale * d * v;
            }
        }
    }

    /// Chi-square draw with `k > 0` degrees of freedom; NaN for invalid `k`.
    pub fn chi_square(&mut self, k: f64) -> f64 {
        self.gamma(0.5 * k, 2.0)
    }

    /// Standard Student-t draw with `nu > 0` degrees of freedom (variance `ν/(ν−2)` for
    /// `ν > 2`); NaN for invalid `nu`.
    pub fn student_t(&mut self, nu: f64) -> f64 {
        if nu.is_nan() || nu <= 0.0 {
            return f64::NAN;
        }
        let z = self.normal();
        if nu.is_infinite() {
            return z;
        }
        z / (self.chi_square(nu) / nu).sqrt()
    }

    /// Poisson draw with mean `lambda ≥ 0`. `lambda` must be finite and at most 1e15 (above
    /// that use a normal approximation); NaN, negative or larger values give `u64::MAX` so a
    /// caller that forgot to validate sees an absurd count rather than a plausible one.
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if !(0.0..=1e15).contains(&lambda) {
            return u64::MAX;
        }
        if lambda == 0.0 {
            return 0;
        }
        if lambda < 10.0 {
            let limit = det_exp(-lambda);
            let mut k = 0;
            let mut p = self.next_f64();
            while p > limit {
                k += 1;
                p *= self.next_f64();
            }
            return k;
        }
        // PTRS: W. Hörmann, "The transformed rejection method for generating Poisson random
        // variables", Insurance: Mathematics and Economics 12 (1993) 39–45.
        let slam = lambda.sqrt();
        let loglam = det_ln(lambda);
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.024_83 * b;
        let inv_alpha = 1.123_9 + 1.132_8 / (b - 3.4);
        let vr = 0.927_7 - 3.622_4 / (b - 2.0);
        loop {
            let u = self.next_f64() - 0.5;
            let v = self.next_f64();
            let us = 0.5 - u.abs();
            let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
            if us >= 0.07 && v <= vr {
                return k as u64;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            if det_ln(v) + det_ln(inv_alpha) - det_ln(a / (us * us) + b)
                <= -lambda + k * loglam - det_ln_factorial(k)
            {
                return k as u64;
            }
        }
    }

    fn apply_jump(&mut self, poly: &[u64; 4]) {
        let mut t = [0u64; 4];
        for &word in poly {
            for b in 0..64 {
                if word & (1u64 << b) != 0 {
                    for (ti, si) in t.iter_mut().zip(&self.s) {
                        *ti ^= si;
                    }
                }
                self.next_u64();
            }
        }
        self.s = t;
        self.spare_normal = None;
    }

    /// Advances the stream by 2¹²⁸ draws: up to 2¹²⁸ non-overlapping sub-streams.
    pub fn jump(&mut self) {
        self.apply_jump(&[
            0x180e_c6d3_3cfd_0aba,
            0xd5a6_1266_f0c9_392c,
            0xa958_2618_e03f_c9aa,
            0x39ab_dc45_29b1_661c,
        ]);
    }

    /// Advances the stream by 2¹⁹² draws (for a second level of sub-streams).
    pub fn long_jump(&mut self) {
        self.apply_jump(&[
            0x76e1_5d3e_fefd_cbbf,
            0xc500_4e44_1c52_2fb3,
            0x7771_0069_854e_e241,
            0x3910_9bb0_2acb_e635,
        ]);
    }

    /// Returns a generator on the current stream and moves `self` 2¹²⁸ draws ahead, so the two
    /// never overlap. Calling it repeatedly hands out consecutive independent streams.
    #[must_use]
    pub fn split(&mut self) -> Self {
        let child = Self {
            s: self.s,
            spare_normal: None,
        };
        self.jump();
        child
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn det_ln_and_exp_match_the_platform_to_an_ulp_or_two() {
        let mut r = Rng::new(7);
        let mut worst_ln = 0.0_f64;
        let mut worst_exp = 0.0_f64;
        for i in 0..200_000 {
            let x = match i % 4 {
                0 => r.open01(),
                1 => r.open01() * 1e300,
                2 => det_exp(r.uniform(-700.0, 700.0)),
                _ => 1.0 + (r.next_f64() - 0.5) * 1e-6,
            };
            let e = (det_ln(x) - x.ln()).abs() / x.ln().abs().max(f64::MIN_POSITIVE);
            worst_ln = worst_ln.max(e);
            let y = r.uniform(-708.0, 709.0);
            let e = (det_exp(y) - y.exp()).abs() / y.exp();
            worst_exp = worst_exp.max(e);
            // Subnormal results: within two units of the last place (double rounding).
            let y = r.uniform(-745.0, -708.5);
            assert!((det_exp(y) - y.exp()).abs() <= 1e-323, "exp({y})");
        }
        assert!(worst_ln < 4.5e-16, "ln: {worst_ln:e}");
        assert!(worst_exp < 4.5e-16, "exp: {worst_exp:e}");
        assert_eq!(det_ln(1.0), 0.0);
        assert_eq!(det_exp(0.0), 1.0);
        assert!(det_ln(-1.0).is_nan());
        assert_eq!(det_ln(5e-324), (5e-324_f64).ln());
    }

    #[test]
    fn open01_never_hits_the_ends_and_below_is_in_range() {
        let mut r = Rng::new(1);
        for _ in 0..100_000 {
            let u = r.open01();
            assert!(u > 0.0 && u < 1.0);
            assert!(r.below(7) < 7);
        }
        assert_eq!(r.below(0), 0);
        assert_eq!(Rng::from_state([0; 4]), Rng::new(0));
    }

    #[test]
    fn invalid_parameters_give_nan_not_a_panic() {
        let mut r = Rng::new(3);
        assert!(r.exponential(0.0).is_nan());
        assert!(r.gamma(-1.0, 1.0).is_nan());
        assert!(r.student_t(f64::NAN).is_nan());
        assert_eq!(r.poisson(-1.0), u64::MAX);
        assert_eq!(r.poisson(0.0), 0);
    }
}
