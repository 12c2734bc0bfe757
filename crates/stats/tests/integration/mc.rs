//! Monte Carlo generators checked by moments and closed forms (no fixed outputs): each
//! estimate must lie within 4.5 standard errors of the exact value.

use tachyon_stats::mc::{
    simulate, simulate_into, Gbm, Heston, Merton, OrnsteinUhlenbeck, PathSpec, Process,
};
use tachyon_stats::special::norm_cdf;

/// Mean, variance and the standard error of the mean.
fn mean_var(xs: &[f64]) -> (f64, f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, v, (v / n).sqrt())
}

/// Standard error of a sample variance: `√((m₄ − σ⁴(n−3)/(n−1)) / n)`.
fn var_se(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let (m, v, _) = mean_var(xs);
    let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n;
    ((m4 - v * v * (n - 3.0) / (n - 1.0)) / n).sqrt()
}

#[track_caller]
fn within(est: f64, exact: f64, se: f64, what: &str) {
    let z = (est - exact) / se;
    assert!(
        z.abs() < 4.5,
        "{what}: estimate {est} vs exact {exact} (z = {z:.2}, se {se:e})"
    );
}

fn terminal(paths: &[f64], cols: usize) -> Vec<f64> {
    paths.chunks(cols).map(|r| r[cols - 1]).collect()
}

#[test]
fn gbm_log_returns_are_exactly_normal() {
    let (s0, mu, sigma, t) = (100.0, 0.08, 0.3, 1.0);
    let spec = PathSpec {
        paths: 100_000,
        steps: 50,
        seed: 1,
    };
    let x = simulate(&Process::Gbm(Gbm { s0, mu, sigma }), t / 50.0, &spec).unwrap();
    let st = terminal(&x, 51);
    let lr: Vec<f64> = st.iter().map(|s| (s / s0).ln()).collect();
    let (m, v, se) = mean_var(&lr);
    within(m, (mu - 0.5 * sigma * sigma) * t, se, "GBM mean log return");
    within(
        v,
        sigma * sigma * t,
        var_se(&lr),
        "GBM variance of log return",
    );
    let (ms, _, ses) = mean_var(&st);
    within(ms, s0 * (mu * t).exp(), ses, "GBM E[S_T]");
    // One-step log increments, standardised, pass a KS test against N(0, 1).
    let dt = t / 50.0;
    let mut z: Vec<f64> = x
        .chunks(51)
        .take(2_000)
        .flat_map(|r| r.windows(2).map(|w| (w[1] / w[0]).ln()).collect::<Vec<_>>())
        .map(|l| (l - (mu - 0.5 * sigma * sigma) * dt) / (sigma * dt.sqrt()))
        .collect();
    z.sort_by(f64::total_cmp);
    let n = z.len() as f64;
    let d = z.iter().enumerate().fold(0.0_f64, |d, (i, v)| {
        let f = norm_cdf(*v);
        d.max((i as f64 + 1.0) / n - f).max(f - i as f64 / n)
    });
    assert!(d * n.sqrt() < 1.949, "KS {}", d * n.sqrt());
}

#[test]
fn merton_matches_its_moments() {
    let p = Merton {
        s0: 100.0,
        mu: 0.05,
        sigma: 0.2,
        lambda: 3.0,
        jump_mean: -0.05,
        jump_std: 0.1,
    };
    let t = 1.0;
    let spec = PathSpec {
        paths: 40_000,
        steps: 252,
        seed: 2,
    };
    let x = simulate(&Process::Merton(p), t / 252.0, &spec).unwrap();
    let st = terminal(&x, 253);
    let (ms, _, ses) = mean_var(&st);
    within(
        ms,
        p.s0 * (p.mu * t).exp(),
        ses,
        "Merton E[S_T] (compensated)",
    );
    let lr: Vec<f64> = st.iter().map(|s| (s / p.s0).ln()).collect();
    let k = (p.jump_mean + 0.5 * p.jump_std * p.jump_std).exp() - 1.0;
    let (m, v, se) = mean_var(&lr);
    within(
        m,
        (p.mu - p.lambda * k - 0.5 * p.sigma * p.sigma + p.lambda * p.jump_mean) * t,
        se,
        "Merton mean log return",
    );
    within(
        v,
        (p.sigma * p.sigma + p.lambda * (p.jump_mean.powi(2) + p.jump_std.powi(2))) * t,
        var_se(&lr),
        "Merton variance of log return",
    );
    // Jumps fatten the daily tails: excess kurtosis of one-day returns is clearly positive.
    let daily: Vec<f64> = x
        .chunks(253)
        .take(2000)
        .flat_map(|r| r.windows(2).map(|w| (w[1] / w[0]).ln()).collect::<Vec<_>>())
        .collect();
    let (dm, dv, _) = mean_var(&daily);
    let kurt = daily.iter().map(|d| (d - dm).powi(4)).sum::<f64>() / daily.len() as f64 / (dv * dv);
    assert!(kurt > 3.5, "kurtosis {kurt}");
}

fn heston_check(h: Heston, steps: usize, seed: u64) {
    let t = 1.0;
    let spec = PathSpec {
        paths: 100_000,
        steps,
        seed,
    };
    let cols = steps + 1;
    let mut x = vec![0.0; spec.paths * cols];
    let mut v = vec![0.0; spec.paths * cols];
    simulate_into(
        &Process::Heston(h),
        t / steps as f64,
        &spec,
        &mut x,
        Some(&mut v),
    )
    .unwrap();
    let vt = terminal(&v, cols);
    let e = (-h.kappa * t).exp();
    // QE matches the conditional mean and variance of v exactly, so these are exact too.
    let ev = h.theta + (h.v0 - h.theta) * e;
    let varv = h.v0 * h.xi * h.xi * e * (1.0 - e) / h.kappa
        + h.theta * h.xi * h.xi * (1.0 - e).powi(2) / (2.0 * h.kappa);
    let (m, var, se) = mean_var(&vt);
    within(m, ev, se, "Heston E[v_T]");
    within(var, varv, var_se(&vt), "Heston Var[v_T]");
    assert!(vt.iter().all(|v| *v >= 0.0));
    // Martingale correction: E[S_T] = S0 e^{μT}.
    let st = terminal(&x, cols);
    let (ms, _, ses) = mean_var(&st);
    within(ms, h.s0 * (h.mu * t).exp(), ses, "Heston E[S_T]");
}

#[test]
fn heston_qe_matches_variance_moments_and_the_martingale_property() {
    // Moderate vol of vol: the quadratic branch (ψ ≤ 1.5) dominates.
    heston_check(
        Heston {
            s0: 100.0,
            mu: 0.03,
            v0: 0.04,
            kappa: 2.0,
            theta: 0.06,
            xi: 0.6,
            rho: -0.7,
        },
        50,
        3,
    );
    // High vol of vol with coarse steps: the exponential branch (ψ > 1.5) and zero variance.
    heston_check(
        Heston {
            s0: 100.0,
            mu: 0.0,
            v0: 0.02,
            kappa: 1.0,
            theta: 0.02,
            xi: 1.2,
            rho: -0.3,
        },
        12,
        4,
    );
}

#[test]
fn ou_is_exact_including_the_stationary_variance() {
    let p = OrnsteinUhlenbeck {
        x0: 2.0,
        kappa: 3.0,
        theta: 0.5,
        sigma: 0.4,
    };
    let t = 2.0;
    let spec = PathSpec {
        paths: 100_000,
        steps: 100,
        seed: 5,
    };
    let x = simulate(&Process::Ou(p), t / 100.0, &spec).unwrap();
    let xt = terminal(&x, 101);
    let (m, v, se) = mean_var(&xt);
    let e = (-p.kappa * t).exp();
    within(m, p.theta + (p.x0 - p.theta) * e, se, "OU mean");
    within(
        v,
        p.sigma * p.sigma * (1.0 - e * e) / (2.0 * p.kappa),
        var_se(&xt),
        "OU variance",
    );
    // Started at the mean and run long, the variance is the stationary σ²/(2κ).
    let q = OrnsteinUhlenbeck { x0: 0.5, ..p };
    let spec = PathSpec {
        paths: 50_000,
        steps: 20,
        seed: 6,
    };
    let x = simulate(&Process::Ou(q), 0.5, &spec).unwrap();
    let xt = terminal(&x, 21);
    let (_, v, _) = mean_var(&xt);
    within(
        v,
        p.sigma * p.sigma / (2.0 * p.kappa),
        var_se(&xt),
        "OU stationary variance",
    );
    // κ = 0 is Brownian motion: Var = σ² T.
    let bm = OrnsteinUhlenbeck {
        x0: 0.0,
        kappa: 0.0,
        theta: 0.0,
        sigma: 0.4,
    };
    let x = simulate(
        &Process::Ou(bm),
        0.1,
        &PathSpec {
            paths: 50_000,
            steps: 10,
            seed: 7,
        },
    )
    .unwrap();
    let xt = terminal(&x, 11);
    let (_, v, _) = mean_var(&xt);
    within(v, 0.16, var_se(&xt), "Brownian variance");
}

#[test]
fn same_seed_same_paths_other_seed_other_paths() {
    let g = Process::Gbm(Gbm {
        s0: 1.0,
        mu: 0.0,
        sigma: 0.2,
    });
    let a = simulate(
        &g,
        0.01,
        &PathSpec {
            paths: 3,
            steps: 10,
            seed: 42,
        },
    )
    .unwrap();
    let b = simulate(
        &g,
        0.01,
        &PathSpec {
            paths: 3,
            steps: 10,
            seed: 42,
        },
    )
    .unwrap();
    let c = simulate(
        &g,
        0.01,
        &PathSpec {
            paths: 3,
            steps: 10,
            seed: 43,
        },
    )
    .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    // A path does not depend on how many others were generated with it.
    let d = simulate(
        &g,
        0.01,
        &PathSpec {
            paths: 1,
            steps: 10,
            seed: 42,
        },
    )
    .unwrap();
    assert_eq!(&a[..11], &d[..]);
}
