//! Integration tests of tachyon-signals: Wyckoff and volume-price rules on constructed bar
//! sequences, and fusion/ensemble formulas against an independent Python implementation
//! (fixtures in `tests/fixtures/`, produced by `scripts/refs/signals/generate.sh`).

mod formulas;
mod vpa;
mod wyckoff;
