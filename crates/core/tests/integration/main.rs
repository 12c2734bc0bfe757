//! tachyon-core integration tests (one binary, per CONTRIBUTING.md).

mod alloc;
mod fixed_vs_decimal;
