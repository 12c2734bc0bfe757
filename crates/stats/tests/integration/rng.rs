//! `rng`: the raw stream against an independent implementation (`rand_xoshiro`), and the
//! distributions by their statistical properties (moments, Kolmogorov–Smirnov and chi-square
//! goodness of fit against the exact CDFs in `special`) — never by hard-coded outputs.

use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256StarStar;
use tachyon_stats::rng::Rng;
use tachyon_stats::special::{chi2_sf, gamma_p, ln_gamma, norm_cdf, t_cdf};

#[test]
fn raw_stream_and_jumps_match_rand_xoshiro() {
    for seed in [0_u64, 1, 42, 0xdead_beef, u64::MAX] {
        let mut ours = Rng::new(seed);
        let mut theirs = Xoshiro256StarStar::seed_from_u64(seed);
        for _ in 0..1000 {
            assert_eq!(ours.next_u64(), theirs.next_u64(), "seed {seed}");
        }
        ours.jump();
        theirs.jump();
        for _ in 0..100 {
            assert_eq!(
                ours.next_u64(),
                theirs.next_u64(),
                "after jump, seed {seed}"
            );
        }
        ours.long_jump();
        theirs.long_jump();
        for _ in 0..100 {
            assert_eq!(
                ours.next_u64(),
                theirs.next_u64(),
                "after long jump, seed {seed}"
            );
        }
    }
}

/// Kolmogorov–Smirnov statistic `√n · D` of `xs` against `cdf`.
fn ks(mut xs: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    let mut d = 0.0_f64;
    for (i, x) in xs.iter().enumerate() {
        let f = cdf(*x);
        d = d.max((i as f64 + 1.0) / n - f).max(f - i as f64 / n);
    }
    d * n.sqrt()
}

/// Asymptotic 0.1% critical value of `√n · D` (`√(ln(2/α)/2)`).
const KS_CRIT: f64 = 1.949;

fn moments(xs: &[f64]) -> (f64, f64, f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let c = |k: i32| xs.iter().map(|x| (x - m).powi(k)).sum::<f64>() / n;
    let v = c(2);
    (m, v, c(3) / v.powf(1.5), c(4) / (v * v))
}

#[test]
fn uniforms_pass_ks() {
    for seed in [3, 4] {
        let mut r = Rng::new(seed);
        let xs: Vec<f64> = (0..200_000).map(|_| r.next_f64()).collect();
        assert!(xs.iter().all(|u| (0.0..1.0).contains(u)));
        let k = ks(xs, |x| x.clamp(0.0, 1.0));
        assert!(k < KS_CRIT, "uniform KS {k}");
    }
}

#[test]
fn normals_have_the_right_moments_and_pass_ks() {
    let mut r = Rng::new(11);
    let xs: Vec<f64> = (0..400_000).map(|_| r.normal()).collect();
    let (m, v, s, k) = moments(&xs);
    // Standard errors at n = 4e5: mean 1.6e-3, var 2.2e-3, skew 3.9e-3, kurt 7.7e-3.
    assert!(m.abs() < 6e-3 && (v - 1.0).abs() < 9e-3, "mean {m} var {v}");
    assert!(
        s.abs() < 2e-2 && (k - 3.0).abs() < 4e-2,
        "skew {s} kurt {k}"
    );
    let d = ks(xs, norm_cdf);
    assert!(d < KS_CRIT, "normal KS {d}");
}

#[test]
fn exponential_gamma_and_t_pass_ks() {
    let mut r = Rng::new(12);
    let xs: Vec<f64> = (0..100_000).map(|_| r.exponential(2.5)).collect();
    let d = ks(xs, |x| 1.0 - (-2.5 * x).exp());
    assert!(d < KS_CRIT, "exponential KS {d}");
    for (shape, scale) in [(0.3, 1.0), (1.0, 2.0), (2.5, 0.5), (40.0, 3.0)] {
        let xs: Vec<f64> = (0..100_000).map(|_| r.gamma(shape, scale)).collect();
        let (m, _, _, _) = moments(&xs);
        assert!(
            (m / (shape * scale) - 1.0).abs() < 0.02,
            "gamma({shape}) mean {m}"
        );
        let d = ks(xs, |x| gamma_p(shape, x / scale));
        assert!(d < KS_CRIT, "gamma({shape}, {scale}) KS {d}");
    }
    for nu in [1.0, 3.0, 8.5, 100.0] {
        let xs: Vec<f64> = (0..100_000).map(|_| r.student_t(nu)).collect();
        let d = ks(xs, |x| t_cdf(x, nu));
        assert!(d < KS_CRIT, "t({nu}) KS {d}");
    }
}

#[test]
fn poisson_passes_chi_square_goodness_of_fit() {
    let mut r = Rng::new(13);
    let n = 200_000;
    // Small λ uses multiplication, λ ≥ 10 uses PTRS.
    for lambda in [0.7, 4.0, 9.99, 10.0, 33.3, 1000.0] {
        let draws: Vec<u64> = (0..n).map(|_| r.poisson(lambda)).collect();
        // Cells with expected count ≥ 20, tails pooled.
        let pmf = |k: u64| {
            let k = k as f64;
            (k * lambda.ln() - lambda - ln_gamma(k + 1.0)).exp()
        };
        let lo = (lambda - 6.0 * lambda.sqrt()).max(0.0).floor() as u64;
        let hi = (lambda + 6.0 * lambda.sqrt()).ceil() as u64 + 3;
        let mut cells: Vec<(u64, u64, f64)> = Vec::new(); // (from, to, expected)
        let mut from = 0;
        let mut acc = 0.0;
        for k in 0..=hi {
            acc += pmf(k) * n as f64;
            if acc >= 20.0 && k >= lo {
                cells.push((from, k, acc));
                from = k + 1;
                acc = 0.0;
            }
        }
        // Everything above: the rest of the probability.
        let used: f64 = cells.iter().map(|c| c.2).sum();
        cells.push((from, u64::MAX, n as f64 - used));
        let mut chi2 = 0.0;
        for &(a, b, e) in &cells {
            let o = draws.iter().filter(|&&k| k >= a && k <= b).count() as f64;
            chi2 += (o - e) * (o - e) / e;
        }
        let df = (cells.len() - 1) as f64;
        let p = chi2_sf(chi2, df);
        assert!(
            p > 1e-4,
            "poisson({lambda}): chi2 {chi2} on {df} df, p = {p}"
        );
        let mean = draws.iter().sum::<u64>() as f64 / n as f64;
        assert!(
            (mean - lambda).abs() < 5.0 * (lambda / n as f64).sqrt(),
            "poisson mean"
        );
    }
}

#[test]
fn split_streams_are_uncorrelated_and_reproducible() {
    let mut root = Rng::new(99);
    let mut a = root.split();
    let mut b = root.split();
    let n = 100_000;
    let xa: Vec<f64> = (0..n).map(|_| a.normal()).collect();
    let xb: Vec<f64> = (0..n).map(|_| b.normal()).collect();
    let corr = xa.iter().zip(&xb).map(|(x, y)| x * y).sum::<f64>() / n as f64;
    assert!(corr.abs() < 4.0 / (n as f64).sqrt(), "corr {corr}");
    // Same seed, same stream.
    let mut again = Rng::new(99).split();
    assert!((0..1000).all(|i| again.normal() == xa[i]));
    assert_eq!(Rng::stream(99, 1), {
        let mut r = Rng::new(99);
        r.jump();
        r
    });
}

#[test]
fn split_stream_means_are_unbiased_across_seeds() {
    // For each of 60 seeds, 2,000 split streams × 50 normals: the z-score of the grand mean
    // must behave like N(0, 1) across seeds (chi-square on their sum of squares, and no single
    // |z| beyond 4.5).
    let mut ss = 0.0;
    let seeds = 60;
    for seed in 0..seeds {
        let mut root = Rng::new(1000 + seed);
        let mut sum = 0.0;
        for _ in 0..2_000 {
            let mut c = root.split();
            for _ in 0..50 {
                sum += c.normal();
            }
        }
        let z = sum / (100_000_f64).sqrt();
        assert!(z.abs() < 4.5, "seed {seed}: z {z}");
        ss += z * z;
    }
    let p = chi2_sf(ss, seeds as f64);
    assert!(
        p > 1e-4 && p < 1.0 - 1e-4,
        "sum of z² {ss} on {seeds} df, p = {p}"
    );
}

#[test]
fn normal_tail_beyond_the_ziggurat_base_has_the_exact_law() {
    // The ziggurat's base strip hands draws beyond r = 3.6541… to a separate sampler: check
    // how often they occur and their conditional distribution P(|Z| > x | |Z| > r).
    use tachyon_stats::special::norm_sf;
    let r0 = 3.654_152_885_361_009;
    let mut r = Rng::new(21);
    let n = 4_000_000;
    let mut tail: Vec<f64> = Vec::new();
    for _ in 0..n {
        let z = r.normal();
        if z.abs() > r0 {
            tail.push(z.abs());
        }
    }
    let p = 2.0 * norm_sf(r0);
    let expected = p * n as f64;
    let z = (tail.len() as f64 - expected) / (expected * (1.0 - p)).sqrt();
    assert!(
        z.abs() < 4.5,
        "{} tail draws, expected {expected:.0} (z = {z:.2})",
        tail.len()
    );
    let q0 = norm_sf(r0);
    let d = ks(tail, |x| 1.0 - norm_sf(x) / q0);
    assert!(d < KS_CRIT, "tail KS {d}");
}
