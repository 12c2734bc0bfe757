//! Integration tests of tachyon-indicators: conformance with TA-Lib, TTR, pandas and `ta` on
//! real OHLCV data (fixtures in `tests/fixtures/`, produced by
//! `scripts/refs/indicators/generate.sh`), plus bank-level behaviour.

mod batch;
mod conformance;
mod fixtures;
