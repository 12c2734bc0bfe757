//! Integration tests of tachyon-stats against committed reference fixtures
//! (`tests/fixtures/`, produced by `scripts/refs/stats/`). They never need R or Python.

mod adf;
mod common;
mod diagnostics;
mod evt;
mod hmm;
mod linalg;
mod mc;
mod multitest;
mod rng;
mod special;
