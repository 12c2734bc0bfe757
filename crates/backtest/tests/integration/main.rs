//! Integration tests of tachyon-backtest.
mod session;
