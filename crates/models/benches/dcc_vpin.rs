//! Criterion benches of DCC (online update for 10 assets, a 3-asset fit) and the streaming
//! microstructure estimators (VPIN per bar, Yang-Zhang per bar, 5-level OFI per snapshot).

// Benches build with the rustup toolchain only (the 1.63 check covers the library), so they
// may use `std::hint::black_box` (1.66); criterion's own is deprecated.
#![allow(clippy::incompatible_msrv)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use tachyon_models::dcc::{fit_dcc, simulate, DccFilter, DccOptions};
use tachyon_models::garch::{ErrorDist, GarchFilter, GarchKind, GarchParams, GarchSpec};
use tachyon_models::micro::OrderFlowImbalance;
use tachyon_models::realized::{RangeEstimator, RangeVol};
use tachyon_models::vpin::{SigmaMode, Vpin, VpinOptions};
use tachyon_stats::rng::Rng;

fn params() -> GarchParams {
    GarchParams {
        mu: 0.05,
        omega: 0.02,
        alpha: 0.08,
        gamma: 0.0,
        beta: 0.9,
        nu: None,
    }
}

fn dcc(c: &mut Criterion) {
    let n = 10;
    let spec = GarchSpec::new(GarchKind::Garch, ErrorDist::Normal);
    let uni: Vec<GarchFilter> = (0..n)
        .map(|_| GarchFilter::new(&spec, &params(), 1.0).unwrap())
        .collect();
    let mut qbar = vec![0.3; n * n];
    for i in 0..n {
        qbar[i * n + i] = 1.0;
    }
    let mut f = DccFilter::new(uni, 0.04, 0.93, &qbar, &qbar).unwrap();
    let mut rng = Rng::new(1);
    let rows: Vec<Vec<f64>> = (0..1024)
        .map(|_| (0..n).map(|_| rng.normal()).collect())
        .collect();
    let mut k = 0;
    c.bench_function("dcc/update_10_assets", |b| {
        b.iter(|| {
            k = (k + 1) & 1023;
            f.update(black_box(&rows[k])).unwrap()
        })
    });
    let u3 = vec![(spec, params()); 3];
    let q3 = [1.0, 0.6, 0.2, 0.6, 1.0, 0.4, 0.2, 0.4, 1.0];
    let sim = simulate(&u3, 0.04, 0.93, &q3, 2000, 200, 5).unwrap();
    c.bench_function("dcc/fit_3_assets_2000", |b| {
        b.iter(|| fit_dcc(black_box(&sim.returns), 3, &DccOptions::default()).unwrap())
    });
}

fn micro(c: &mut Criterion) {
    let mut rng = Rng::new(3);
    let mut p = 100.0;
    let bars: Vec<(f64, f64)> = (0..65536)
        .map(|_| {
            p += 0.05 * rng.normal();
            (p, 50.0 + 100.0 * rng.next_f64())
        })
        .collect();
    let mut o = VpinOptions::new(2_000.0);
    o.sigma = SigmaMode::Fixed(0.05);
    let mut v = Vpin::new(o).unwrap();
    let mut i = 0;
    c.bench_function("vpin/update_per_bar", |b| {
        b.iter(|| {
            i = (i + 1) & 0xffff;
            let (p, q) = bars[i];
            v.update(black_box(p), black_box(q))
        })
    });
    let mut yz = RangeVol::new(RangeEstimator::YangZhang, 20, 252.0).unwrap();
    c.bench_function("realized/yang_zhang_update", |b| {
        b.iter(|| {
            i = (i + 1) & 0xffff;
            let (p, _) = bars[i];
            yz.update(black_box(p), p + 0.3, p - 0.3, black_box(p + 0.1))
        })
    });
    let mut ofi = OrderFlowImbalance::new(5).unwrap();
    let bp = [100.0, 99.9, 99.8, 99.7, 99.6];
    let ap = [100.1, 100.2, 100.3, 100.4, 100.5];
    let mut out = [0.0; 5];
    c.bench_function("micro/ofi_update_5_levels", |b| {
        b.iter(|| {
            i = (i + 1) & 0xffff;
            let q = bars[i].1;
            let qs = [q, q + 1.0, q + 2.0, q + 3.0, q + 4.0];
            ofi.update(&bp, black_box(&qs), &ap, black_box(&qs), &mut out)
                .unwrap()
        })
    });
}

criterion_group!(benches, dcc, micro);
criterion_main!(benches);
