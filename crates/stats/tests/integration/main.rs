//! Integration tests of tachyon-stats against committed reference fixtures
//! (`tests/fixtures/`, produced by `scripts/refs/stats/`). They never need R or Python.

mod common;
mod linalg;
mod rng;
mod special;
