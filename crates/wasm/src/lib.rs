//! # tachyon-wasm
//!
//! The kernel crates (indicators, signals, risk math, models, statistics)
//! compiled to WebAssembly through wasm-bindgen. Like `native/` for N-API, this crate holds no
//! logic: each export converts its arguments, calls the same kernel function the native addon
//! calls, and converts the result. Export names, arguments, defaults, results and error codes
//! are those of the napi addon (`native/index.d.ts`), so `ts/src/native.ts` can hand either
//! module to the TypeScript areas unchanged (ARCHITECTURE.md, "The WebAssembly build").
//!
//! - [`js`]: coded errors, option-object reading, result objects (the twin of
//!   `native/src/error.rs` and napi's object conversions).
//! - [`indicators`]: `indicator*` (every indicator behind one handle) and `bank*`.
//! - [`signals`]: `wyckoff*`, `volumePrice*`, `fusion*`, `ensemble*`.
//! - [`riskmath`]: VaR/CVaR (historical, parametric, Monte Carlo) and position sizing.
//! - [`stats`]: ADF, Jarque–Bera, Ljung–Box, ACF, p-value adjustment, isotonic calibration,
//!   EVT (GPD, POT), Gaussian HMMs, Monte Carlo paths, distribution functions.
//! - [`models`]: GARCH family (fit, likelihood, online filter, forecasts, simulation), DCC,
//!   VPIN, realized/range volatility, microstructure measures, Stoikov micro-price.
//!
//! Handles are wasm-bindgen classes instead of napi `External`s; the generated glue frees them
//! through a `FinalizationRegistry` (`--weak-refs`), or at once with `free()`.
//!
//! Built by `scripts/build-wasm.mjs` with Debian's rustc 1.63 for `wasm32-unknown-unknown`
//! (ENVIRONMENT.md); `panic = "abort"` there, so a panic traps: [`last_panic`] returns its
//! message so the loader can turn the trap into a coded error.
//!
//! ## Features
//! None.

// wasm-bindgen takes `JsValue` arguments by value.
#![allow(clippy::needless_pass_by_value)]
// wasm-bindgen 0.2.83's generated `free()` drops handles whose types have no `Drop` impl.
#![allow(clippy::drop_non_drop)]

pub mod indicators;
pub mod js;
pub mod models;
pub mod riskmath;
pub mod signals;
pub mod stats;

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = RefCell::new(None);
}

/// Installs the panic hook that records the message (called once by the glue at start).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg));
    }));
}

/// The message of the last panic (a trap in JS: `RuntimeError: unreachable`), if any, and
/// clears it. After a trap the module's state is suspect; the loader reports it as
/// `ERR_WASM_PANIC`.
#[wasm_bindgen(js_name = "lastPanic")]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow_mut().take())
}

/// Version of the WebAssembly build (the crate version).
#[wasm_bindgen(js_name = "wasmVersion")]
pub fn wasm_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Bytes of linear memory the module holds now (it grows in 64 KiB pages and never shrinks):
/// a diagnostic for long-running pages and the leak test of freed handles.
#[wasm_bindgen(js_name = "wasmMemoryBytes")]
pub fn wasm_memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        (core::arch::wasm32::memory_size(0) * 65536) as f64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// Does nothing: the empty call the boundary bench compares against.
#[wasm_bindgen]
pub fn noop() {}

/// `a + b`: a trivial call with arguments and a result, for the boundary bench.
#[wasm_bindgen(js_name = "addF64")]
pub fn add_f64(a: f64, b: f64) -> f64 {
    a + b
}

/// Panics with `message`: lets the tests check that a trap becomes `ERR_WASM_PANIC` with the
/// panic's message. Not part of the API (the `__` prefix keeps it out of the parity check).
#[wasm_bindgen(js_name = "__panicForTests")]
pub fn panic_for_tests(message: String) {
    panic!("{}", message);
}
