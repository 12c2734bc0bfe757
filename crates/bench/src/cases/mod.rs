//! Bench cases, one module per area. Each module exposes `run(&mut Runner)` (percentile cases,
//! each group with an anchor) and `kernels()` (callgrind loops for the gate).
//! Register a new area in [`run_all`] and [`kernels`].

use crate::{Kernel, Runner};

pub mod core;
pub mod engine;
pub mod indicators;
pub mod models;
pub mod oms;
pub mod stats;

/// Runs every area's percentile cases.
pub fn run_all(r: &mut Runner) {
    core::run(r);
    indicators::run(r);
    engine::run(r);
    models::run(r);
    stats::run(r);
    oms::run(r);
}

/// Every callgrind kernel.
#[must_use]
pub fn kernels() -> Vec<Kernel> {
    let mut v = Vec::new();
    v.extend(core::kernels());
    v.extend(indicators::kernels());
    v.extend(engine::kernels());
    v.extend(models::kernels());
    v.extend(stats::kernels());
    v.extend(oms::kernels());
    v
}
