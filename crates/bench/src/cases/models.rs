//! Models: the GARCH online update and fit, the DCC online update, VPIN per bar — each beside
//! a naive version doing the same job. (The GARCH fit's outside anchor, R fGarch, is timed by
//! `scripts/refs/models/time_fgarch.R`; see bench/BENCHMARKS.md.)

use tachyon_models::dcc::DccFilter;
use tachyon_models::garch::{
    self, ErrorDist, FitOptions, GarchFilter, GarchKind, GarchParams, GarchSpec, VarianceInit,
};
use tachyon_models::optim::{self, OptimOptions, Problem};
use tachyon_models::vpin::{SigmaMode, Vpin, VpinOptions};
use tachyon_stats::linalg::Matrix;
use tachyon_stats::rng::Rng;
use tachyon_stats::special::norm_cdf;

use crate::{bb, Kernel, Runner};

/// The S&P 500 percent returns of the models fixtures (arch.data.sp500).
fn sp500() -> Vec<f64> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../models/tests/fixtures/sp500_returns.csv"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1)?.parse().ok())
        .collect()
}

fn last2000() -> Vec<f64> {
    let r = sp500();
    r[r.len() - 2000..].to_vec()
}

fn garch_params() -> GarchParams {
    GarchParams {
        mu: 0.07,
        omega: 0.04,
        alpha: 0.178,
        gamma: 0.0,
        beta: 0.777,
        nu: None,
    }
}

fn fgarch_spec() -> GarchSpec {
    GarchSpec {
        init: VarianceInit::FGarch,
        ..GarchSpec::new(GarchKind::Garch, ErrorDist::Normal)
    }
}

/// Naive online variance: keep a window of returns and re-run the recursion over it on every
/// update (what code without a stateful filter does).
struct Refilter {
    p: GarchParams,
    window: Vec<f64>,
    h0: f64,
}

impl Refilter {
    fn update(&mut self, r: f64) -> f64 {
        self.window.remove(0);
        self.window.push(r);
        let mut h = self.h0;
        for x in &self.window {
            let e = x - self.p.mu;
            h = self.p.omega + self.p.alpha * e * e + self.p.beta * h;
        }
        h
    }
}

/// Naive fit: the same likelihood and optimiser, but central-difference gradients of the
/// likelihood value on the original scale (no analytic gradient, no rescaling).
fn naive_fit(r: &[f64]) -> f64 {
    let spec = fgarch_spec();
    let params = |x: &[f64]| GarchParams {
        mu: x[0],
        omega: x[1],
        alpha: x[2],
        gamma: 0.0,
        beta: x[3],
        nu: None,
    };
    let n = r.len() as f64;
    let value = |x: &[f64]| {
        garch::loglik(r, &spec, &params(x))
            .map(|l| -l.loglik / n)
            .unwrap_or(f64::INFINITY)
    };
    let mut obj = |x: &[f64], g: &mut [f64]| {
        let f = value(x);
        for i in 0..4 {
            let h = 1e-6 * x[i].abs().max(1e-4);
            let mut xp = x.to_vec();
            xp[i] += h;
            let mut xm = x.to_vec();
            xm[i] -= h;
            g[i] = (value(&xp) - value(&xm)) / (2.0 * h);
        }
        f
    };
    let var = r.iter().map(|x| x * x).sum::<f64>() / n;
    let prob = Problem::new(
        vec![f64::NEG_INFINITY, 1e-6 * var, 0.0, 0.0],
        vec![f64::INFINITY, 10.0 * var, 1.0, 1.0],
    )
    .with_linear(vec![0.0, 0.0, 1.0, 1.0], 1.0);
    let x0 = [r.iter().sum::<f64>() / n, 0.1 * var, 0.1, 0.8];
    optim::minimize(&mut obj, &x0, &prob, &OptimOptions::default()).f
}

fn dcc10() -> (DccFilter, Vec<Vec<f64>>) {
    let n = 10;
    let spec = GarchSpec::default();
    let uni = (0..n)
        .map(|_| GarchFilter::new(&spec, &garch_params(), 1.0).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let mut qbar = vec![0.3; n * n];
    for i in 0..n {
        qbar[i * n + i] = 1.0;
    }
    let f = DccFilter::new(uni, 0.04, 0.93, &qbar, &qbar).unwrap_or_else(|e| panic!("{e}"));
    let mut rng = Rng::new(1);
    let rows = (0..1024)
        .map(|_| (0..n).map(|_| rng.normal()).collect())
        .collect();
    (f, rows)
}

/// Naive DCC step with allocating matrix operations: `Q ← ω Q̄ + a zzᵀ + b Q`, then
/// `R = D^{-½} Q D^{-½}` by two matrix products.
fn naive_dcc(q: &mut Matrix, qbar: &Matrix, z: &[f64], a: f64, b: f64) -> Matrix {
    let n = z.len();
    let zz = Matrix::from_fn(n, n, |i, j| z[i] * z[j]);
    let next = Matrix::from_fn(n, n, |i, j| {
        (1.0 - a - b) * qbar[(i, j)] + a * zz[(i, j)] + b * q[(i, j)]
    });
    *q = next;
    let d = Matrix::from_fn(
        n,
        n,
        |i, j| if i == j { 1.0 / q[(i, i)].sqrt() } else { 0.0 },
    );
    d.matmul(q)
        .and_then(|m| m.matmul(&d))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Bars whose prices move on a 0.01 tick grid (as traded prices do) or continuously.
fn bars(n: usize, tick_grid: bool) -> Vec<(f64, f64)> {
    let mut rng = Rng::new(3);
    let mut ticks = 10_000.0_f64;
    let mut p = 100.0;
    (0..n)
        .map(|_| {
            if tick_grid {
                ticks += (5.0 * rng.normal()).round();
                p = ticks * 0.01;
            } else {
                p += 0.05 * rng.normal();
            }
            (p, 50.0 + 100.0 * rng.next_f64())
        })
        .collect()
}

fn vpin_opts() -> VpinOptions {
    let mut o = VpinOptions::new(2_000.0);
    o.sigma = SigmaMode::Fixed(0.05);
    o
}

/// Naive VPIN: every bar's (volume, buy fraction) kept; on each completed bucket the window is
/// re-summed over the last `n` buckets.
struct NaiveVpin {
    vb: f64,
    n: usize,
    prev: f64,
    fill: f64,
    buy: f64,
    imbalances: Vec<f64>,
    value: f64,
}

impl NaiveVpin {
    fn update(&mut self, price: f64, volume: f64) {
        let frac = norm_cdf((price - self.prev) / 0.05);
        self.prev = price;
        let mut rest = volume;
        while rest > 0.0 {
            let take = rest.min(self.vb - self.fill);
            self.fill += take;
            self.buy += take * frac;
            rest -= take;
            if self.fill >= self.vb {
                self.imbalances.push((self.vb - 2.0 * self.buy).abs());
                self.fill = 0.0;
                self.buy = 0.0;
                if self.imbalances.len() >= self.n {
                    let s: f64 = self.imbalances[self.imbalances.len() - self.n..]
                        .iter()
                        .sum();
                    self.value = s / (self.n as f64 * self.vb);
                }
            }
        }
    }
}

/// Percentile cases.
pub fn run(r: &mut Runner) {
    let data = sp500();

    // --- GARCH online update
    let g = "models: garch online one-observation variance update";
    let mut f = GarchFilter::new(&GarchSpec::default(), &garch_params(), 1.0)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut i = 0usize;
    r.latency(g, "tachyon GarchFilter::update (GARCH(1,1))", false, || {
        i = (i + 1) % data.len();
        bb(f.update(bb(data[i])));
    });
    let espec = GarchSpec::new(GarchKind::Egarch, ErrorDist::Normal);
    let ep = GarchParams {
        omega: 0.0,
        alpha: 0.13,
        gamma: -0.15,
        beta: 0.97,
        ..garch_params()
    };
    let mut fe = GarchFilter::new(&espec, &ep, 1.0).unwrap_or_else(|e| panic!("{e}"));
    r.latency(g, "tachyon GarchFilter::update (EGARCH)", false, || {
        i = (i + 1) % data.len();
        bb(fe.update(bb(data[i])));
    });
    let mut naive = Refilter {
        p: garch_params(),
        window: data[..250].to_vec(),
        h0: 1.0,
    };
    r.latency(g, "naive: re-filter the last 250 returns", true, || {
        i = (i + 1) % data.len();
        bb(naive.update(bb(data[i])));
    });

    // --- GARCH fit
    let g = "models: garch GARCH(1,1) fit, 2000 S&P 500 returns (fGarch start, with std errors)";
    let r2000 = last2000();
    let spec = fgarch_spec();
    r.throughput(
        g,
        "tachyon garch::fit (analytic gradients)",
        false,
        1,
        || {
            bb(garch::fit(bb(&r2000), &spec, &FitOptions::default())
                .map(|f| f.loglik)
                .ok());
        },
    );
    r.throughput(
        g,
        "naive: numerical gradients, same optimiser",
        true,
        1,
        || {
            bb(naive_fit(bb(&r2000)));
        },
    );

    // --- DCC online update
    let g = "models: dcc online update, 10 assets";
    let (mut f, rows) = dcc10();
    let mut k = 0usize;
    r.latency(g, "tachyon DccFilter::update (returns)", false, || {
        k = (k + 1) & 1023;
        bb(f.update(bb(&rows[k])).ok());
    });
    let (mut f2, _) = dcc10();
    r.latency(g, "tachyon DccFilter::update_standardized", false, || {
        k = (k + 1) & 1023;
        bb(f2.update_standardized(bb(&rows[k])).ok());
    });
    let n = 10;
    let qbar = Matrix::from_fn(n, n, |i, j| if i == j { 1.0 } else { 0.3 });
    let mut q = qbar.clone();
    r.latency(
        g,
        "naive: allocating matrix ops (Q, then D^-1/2 Q D^-1/2)",
        true,
        || {
            k = (k + 1) & 1023;
            bb(naive_dcc(&mut q, &qbar, bb(&rows[k]), 0.04, 0.93));
        },
    );

    // --- VPIN per bar
    let g = "models: vpin per-bar update (bucket 2000, window 50)";
    let b = bars(1 << 16, true);
    let mut v = Vpin::new(vpin_opts()).unwrap_or_else(|e| panic!("{e}"));
    let mut j = 0usize;
    r.latency(g, "tachyon Vpin::update (tick-grid prices)", false, || {
        j = (j + 1) & 0xffff;
        let (p, q) = b[j];
        bb(v.update(bb(p), bb(q)));
    });
    let bc = bars(1 << 16, false);
    let mut vc = Vpin::new(vpin_opts()).unwrap_or_else(|e| panic!("{e}"));
    r.latency(g, "tachyon Vpin::update (continuous prices)", false, || {
        j = (j + 1) & 0xffff;
        let (p, q) = bc[j];
        bb(vc.update(bb(p), bb(q)));
    });
    let mut nv = NaiveVpin {
        vb: 2_000.0,
        n: 50,
        prev: 100.0,
        fill: 0.0,
        buy: 0.0,
        imbalances: Vec::new(),
        value: 0.0,
    };
    r.latency(g, "naive: re-sum the window on each bucket", true, || {
        j = (j + 1) & 0xffff;
        let (p, q) = b[j];
        nv.update(bb(p), bb(q));
        bb(nv.value);
    });
}

/// Callgrind kernels.
#[must_use]
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            id: "models/garch_update",
            make: || {
                let data = sp500();
                let mut f = GarchFilter::new(&GarchSpec::default(), &garch_params(), 1.0)
                    .unwrap_or_else(|e| panic!("{e}"));
                Box::new(move |n| {
                    for i in 0..n as usize {
                        bb(f.update(bb(data[i % data.len()])));
                    }
                })
            },
        },
        Kernel {
            // One observation of the likelihood + analytic gradient pass (the fit's inner
            // loop; a whole fit is gated on wall clock, being too slow for callgrind × 4000).
            id: "models/garch_loglik_per_obs",
            make: || {
                let base = sp500();
                let r: Vec<f64> = base.iter().cycle().take(16_384).copied().collect();
                let spec = fgarch_spec();
                let p = garch_params();
                Box::new(move |n| {
                    bb(garch::loglik(bb(&r[..n as usize]), &spec, &p).ok());
                })
            },
        },
        Kernel {
            id: "models/dcc_update_10",
            make: || {
                let (mut f, rows) = dcc10();
                Box::new(move |n| {
                    for i in 0..n as usize {
                        bb(f.update(bb(&rows[i & 1023])).ok());
                    }
                })
            },
        },
        Kernel {
            id: "models/vpin_update",
            make: || {
                let b = bars(1 << 16, true);
                let mut v = Vpin::new(vpin_opts()).unwrap_or_else(|e| panic!("{e}"));
                Box::new(move |n| {
                    for i in 0..n as usize {
                        let (p, q) = b[i & 0xffff];
                        bb(v.update(bb(p), bb(q)));
                    }
                })
            },
        },
    ]
}
