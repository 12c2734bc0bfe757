//! A probe for `wasm_determinism.mjs`: hashes the bits of every random draw and Monte Carlo
//! path value `tachyon_stats` produces for a seed, so the same function compiled natively and
//! to wasm32 can be compared. Built by the script with Debian's rustc 1.63.

use tachyon_stats::mc::{simulate, Gbm, Heston, Merton, OrnsteinUhlenbeck, PathSpec, Process};
use tachyon_stats::rng::Rng;

fn mix(h: u64, x: f64) -> u64 {
    (h ^ x.to_bits()).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(17)
}

/// Hash of `n` draws of every distribution and of a few paths of every process.
#[no_mangle]
pub extern "C" fn tachyon_stats_probe(seed: u64, n: u32) -> u64 {
    let mut r = Rng::new(seed);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for _ in 0..n {
        h = mix(h, r.normal());
        h = mix(h, r.exponential(1.5));
        h = mix(h, r.gamma(0.7, 2.0));
        h = mix(h, r.gamma(3.3, 0.5));
        h = mix(h, r.student_t(4.5));
        h = mix(h, r.poisson(3.0) as f64);
        h = mix(h, r.poisson(250.0) as f64);
    }
    let spec = PathSpec { paths: 8, steps: 64, seed };
    let procs = [
        Process::Gbm(Gbm { s0: 100.0, mu: 0.05, sigma: 0.3 }),
        Process::Merton(Merton { s0: 100.0, mu: 0.05, sigma: 0.2, lambda: 5.0, jump_mean: -0.03, jump_std: 0.05 }),
        Process::Heston(Heston { s0: 100.0, mu: 0.02, v0: 0.04, kappa: 2.0, theta: 0.05, xi: 0.9, rho: -0.7 }),
        Process::Ou(OrnsteinUhlenbeck { x0: 1.0, kappa: 3.0, theta: 0.0, sigma: 0.5 }),
    ];
    for p in &procs {
        if let Ok(v) = simulate(p, 1.0 / 252.0, &spec) {
            for x in v {
                h = mix(h, x);
            }
        }
    }
    h
}
