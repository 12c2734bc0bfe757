//! Criterion benches of the risk kernels (filled in below).
fn main() {}
