//! Integration tests of tachyon-backtest: fixtures from independent implementations
//! (empyrical, scikit-learn, the AFML purged k-fold), execution conventions, determinism.
mod common;
mod l2;
mod metrics_ref;
mod session;
mod splits_ref;
