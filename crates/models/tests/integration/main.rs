//! Integration tests of `tachyon-models` against committed reference fixtures (see
//! `tests/fixtures/*.json` for the generating scripts, package versions and data sources).

mod common;
mod dcc_ref;
mod garch_ref;
mod micro_ref;
mod microprice_ref;
mod realized_ref;
mod vpin_ref;
