//! Statistics kernel (`tachyon-stats`): the per-tick operations, each beside an anchor — libm's
//! `erfc` for Φ, `rand_distr` on the same xoshiro256** generator for normal draws and GBM
//! steps, and naive versions of the HMM forward step and the calibrator lookup.

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256StarStar;
use tachyon_stats::hmm::GaussianHmm;
use tachyon_stats::isotonic::IsotonicCalibrator;
use tachyon_stats::mc::{Gbm, PathGenerator, Process};
use tachyon_stats::rng::Rng;
use tachyon_stats::special::norm_cdf;

use crate::{bb, Kernel, Runner};

/// 64 arguments over [−6, 6]: both tails and the middle, not perfectly predictable.
fn xs() -> Vec<f64> {
    (0..64)
        .map(|i| -6.0 + 12.0 * (f64::from(i) + 0.37) / 64.0)
        .collect()
}

/// Simulated daily returns with two volatility regimes.
fn returns(n: usize) -> Vec<f64> {
    let mut r = Rng::new(5);
    let mut state = 0;
    (0..n)
        .map(|_| {
            if r.next_f64() < 0.02 {
                state = 1 - state;
            }
            r.normal() * if state == 0 { 0.7 } else { 2.0 }
        })
        .collect()
}

fn hmm2() -> GaussianHmm {
    GaussianHmm::new(
        2,
        1,
        vec![0.5, 0.5],
        vec![0.98, 0.02, 0.02, 0.98],
        vec![0.05, -0.1],
        vec![0.5, 4.0],
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The textbook forward step in log space with a log-sum-exp per state and fresh vectors:
/// what one writes without thinking about the hot path.
fn naive_forward_step(
    log_alpha: &mut Vec<f64>,
    x: f64,
    ln_a: &[f64],
    means: &[f64],
    vars: &[f64],
) -> usize {
    let k = log_alpha.len();
    let mut next = Vec::with_capacity(k);
    for j in 0..k {
        let terms: Vec<f64> = (0..k).map(|i| log_alpha[i] + ln_a[i * k + j]).collect();
        let m = terms.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let lse = m + terms.iter().map(|t| (t - m).exp()).sum::<f64>().ln();
        let z = x - means[j];
        next.push(lse - 0.5 * ((2.0 * std::f64::consts::PI * vars[j]).ln() + z * z / vars[j]));
    }
    let m = next.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let lse = m + next.iter().map(|t| (t - m).exp()).sum::<f64>().ln();
    for v in &mut next {
        *v -= lse;
    }
    *log_alpha = next;
    (0..k)
        .max_by(|a, b| log_alpha[*a].total_cmp(&log_alpha[*b]))
        .unwrap_or(0)
}

fn calibration_data() -> (Vec<f64>, Vec<f64>) {
    let scores: Vec<f64> = (0..2000)
        .map(|k| (f64::from(k) * 0.618_034).fract())
        .collect();
    let labels: Vec<f64> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if (s + 0.3 * ((i * 7919) % 100) as f64 / 100.0) > 0.65 {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    (scores, labels)
}

/// Linear-scan interpolation over the same knots (the naive lookup).
fn naive_predict(xs: &[f64], ys: &[f64], s: f64) -> f64 {
    if s <= xs[0] {
        return ys[0];
    }
    for i in 1..xs.len() {
        if s < xs[i] {
            let w = (s - xs[i - 1]) / (xs[i] - xs[i - 1]);
            return ys[i - 1] + w * (ys[i] - ys[i - 1]);
        }
    }
    ys[ys.len() - 1]
}

/// Percentile cases.
pub fn run(r: &mut Runner) {
    let xs = xs();

    let g = "normal CDF Φ(x), x over [-6, 6]";
    let mut i = 0;
    r.latency(g, "libm erfc(-x/√2)/2", true, || {
        i = (i + 1) & 63;
        bb(0.5 * libm::erfc(-bb(xs[i]) * std::f64::consts::FRAC_1_SQRT_2));
    });
    r.latency(g, "tachyon norm_cdf (Mills-ratio Chebyshev)", false, || {
        i = (i + 1) & 63;
        bb(norm_cdf(bb(xs[i])));
    });

    let g = "standard normal draw";
    let mut x = Xoshiro256StarStar::seed_from_u64(1);
    r.latency(
        g,
        "rand_distr StandardNormal (ziggurat, xoshiro256**)",
        true,
        || {
            let z: f64 = StandardNormal.sample(&mut x);
            bb(z);
        },
    );
    let mut rng = Rng::new(1);
    r.latency(
        g,
        "tachyon Rng::normal (ziggurat, bit-portable)",
        false,
        || {
            bb(rng.normal());
        },
    );

    let g = "GBM path: one daily step";
    let (drift, vol) = ((0.05 - 0.02) / 252.0, 0.2 / 252f64.sqrt());
    let mut x = Xoshiro256StarStar::seed_from_u64(1);
    let mut s = 100.0_f64;
    r.latency(g, "rand_distr normal + f64::exp", true, || {
        let z: f64 = StandardNormal.sample(&mut x);
        s *= (drift + vol * z).exp();
        bb(s);
    });
    let gbm = Process::Gbm(Gbm {
        s0: 100.0,
        mu: 0.05,
        sigma: 0.2,
    });
    let mut pg = PathGenerator::new(&gbm, 1.0 / 252.0, 1, 0).unwrap_or_else(|e| panic!("{e}"));
    r.latency(g, "tachyon PathGenerator (GBM)", false, || {
        bb(pg.next_value());
    });

    let g = "HMM regime filter: one observation (2 states)";
    let data = returns(4096);
    let m = hmm2();
    let ln_a: Vec<f64> = m.transitions().iter().map(|a| a.ln()).collect();
    let mut log_alpha: Vec<f64> = m.start().iter().map(|p| p.ln()).collect();
    let (means, vars) = (m.means().to_vec(), m.variances().to_vec());
    let mut t = 0;
    r.latency(g, "naive log-space forward step (allocating)", true, || {
        t = (t + 1) & 4095;
        bb(naive_forward_step(
            &mut log_alpha,
            bb(data[t]),
            &ln_a,
            &means,
            &vars,
        ));
    });
    let mut f = m.filter();
    r.latency(g, "tachyon HmmFilter::update", false, || {
        t = (t + 1) & 4095;
        let _ = bb(f.update(&[bb(data[t])]).map(|p| p[0]));
    });

    let g = "isotonic calibration: predict one score (fit on 2000)";
    let (scores, labels) = calibration_data();
    let cal = IsotonicCalibrator::fit(&scores, &labels, None).unwrap_or_else(|e| panic!("{e}"));
    let (kx, ky) = (cal.knots().0.to_vec(), cal.knots().1.to_vec());
    let mut j = 0;
    r.latency(g, "linear scan over the knots", true, || {
        j = (j + 1) % 2000;
        bb(naive_predict(&kx, &ky, bb(scores[j])));
    });
    r.latency(
        g,
        "tachyon IsotonicCalibrator::predict (binary search)",
        false,
        || {
            j = (j + 1) % 2000;
            bb(cal.predict(bb(scores[j])));
        },
    );
}

/// Callgrind kernels: ours, and each anchor under `stats/anchor_*` so the two can be compared
/// deterministically when wall clock is too noisy.
#[must_use]
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            id: "stats/anchor_libm_erfc",
            make: || {
                let xs = xs();
                Box::new(move |n| {
                    for k in 0..n {
                        let x = bb(xs[(k & 63) as usize]);
                        bb(0.5 * libm::erfc(-x * std::f64::consts::FRAC_1_SQRT_2));
                    }
                })
            },
        },
        Kernel {
            id: "stats/anchor_rand_distr_normal",
            make: || {
                let mut x = Xoshiro256StarStar::seed_from_u64(1);
                Box::new(move |n| {
                    for _ in 0..n {
                        let z: f64 = StandardNormal.sample(&mut x);
                        bb(z);
                    }
                })
            },
        },
        Kernel {
            id: "stats/anchor_gbm_step_rand_distr",
            make: || {
                let mut x = Xoshiro256StarStar::seed_from_u64(1);
                let (drift, vol) = ((0.05 - 0.02) / 252.0, 0.2 / 252f64.sqrt());
                let mut s = 100.0_f64;
                Box::new(move |n| {
                    for _ in 0..n {
                        let z: f64 = StandardNormal.sample(&mut x);
                        s *= (drift + vol * z).exp();
                        bb(s);
                    }
                })
            },
        },
        Kernel {
            id: "stats/anchor_hmm_naive_step",
            make: || {
                let data = returns(4096);
                let m = hmm2();
                let ln_a: Vec<f64> = m.transitions().iter().map(|a| a.ln()).collect();
                let mut log_alpha: Vec<f64> = m.start().iter().map(|p| p.ln()).collect();
                let (means, vars) = (m.means().to_vec(), m.variances().to_vec());
                Box::new(move |n| {
                    for k in 0..n {
                        let x = bb(data[(k & 4095) as usize]);
                        bb(naive_forward_step(&mut log_alpha, x, &ln_a, &means, &vars));
                    }
                })
            },
        },
        Kernel {
            id: "stats/anchor_calibrator_linear_scan",
            make: || {
                let (scores, labels) = calibration_data();
                let cal = IsotonicCalibrator::fit(&scores, &labels, None)
                    .unwrap_or_else(|e| panic!("{e}"));
                let (kx, ky) = (cal.knots().0.to_vec(), cal.knots().1.to_vec());
                Box::new(move |n| {
                    for k in 0..n {
                        bb(naive_predict(&kx, &ky, bb(scores[(k % 2000) as usize])));
                    }
                })
            },
        },
        Kernel {
            id: "stats/norm_cdf",
            make: || {
                let xs = xs();
                Box::new(move |n| {
                    for k in 0..n {
                        bb(norm_cdf(bb(xs[(k & 63) as usize])));
                    }
                })
            },
        },
        Kernel {
            id: "stats/normal_draw",
            make: || {
                let mut r = Rng::new(1);
                Box::new(move |n| {
                    for _ in 0..n {
                        bb(r.normal());
                    }
                })
            },
        },
        Kernel {
            id: "stats/gbm_step",
            make: || {
                let gbm = Process::Gbm(Gbm {
                    s0: 100.0,
                    mu: 0.05,
                    sigma: 0.2,
                });
                let mut pg =
                    PathGenerator::new(&gbm, 1.0 / 252.0, 1, 0).unwrap_or_else(|e| panic!("{e}"));
                Box::new(move |n| {
                    for _ in 0..n {
                        bb(pg.next_value());
                    }
                })
            },
        },
        Kernel {
            id: "stats/hmm_filter_update",
            make: || {
                let data = returns(4096);
                let mut f = hmm2().filter();
                Box::new(move |n| {
                    for k in 0..n {
                        let _ = bb(f.update(&[bb(data[(k & 4095) as usize])]).map(|p| p[0]));
                    }
                })
            },
        },
        Kernel {
            id: "stats/calibrator_predict",
            make: || {
                let (scores, labels) = calibration_data();
                let cal = IsotonicCalibrator::fit(&scores, &labels, None)
                    .unwrap_or_else(|e| panic!("{e}"));
                Box::new(move |n| {
                    for k in 0..n {
                        bb(cal.predict(bb(scores[(k % 2000) as usize])));
                    }
                })
            },
        },
    ]
}
