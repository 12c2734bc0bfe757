#!/bin/sh
# RUSTC_WRAPPER for `cargo install wasm-bindgen-cli --version =0.2.83` (scripts/build-wasm.mjs).
#
# Since Rust 1.82 rustc refuses to compile any crate named `wasm_bindgen` whose cargo version is
# below 0.2.88 (rustc_metadata `report_future_incompatible_deps`, "older versions of the
# `wasm-bindgen` crate are incompatible"): wasm32's C ABI changed, which breaks the *runtime*
# crate compiled for wasm32. The CLI's binary target is also named `wasm-bindgen` (crate
# `wasm_bindgen`), so the check stops the host build of the CLI, which that ABI does not touch.
# rustc skips the check when the crate is not built by cargo (no CARGO_PKG_VERSION_{MAJOR,
# MINOR,PATCH}); for that one crate we unset those three variables. Nothing else changes: the
# CLI's sources and locked dependencies are exactly those published as 0.2.83. (Our wasm32
# runtime crate is compiled by Debian's rustc 1.63, whose ABI matches wasm-bindgen 0.2.83.)
rustc="$1"
shift
for a in "$@"; do
  if [ "$prev" = "--crate-name" ] && [ "$a" = "wasm_bindgen" ]; then
    unset CARGO_PKG_VERSION_MAJOR CARGO_PKG_VERSION_MINOR CARGO_PKG_VERSION_PATCH
  fi
  prev="$a"
done
exec "$rustc" "$@"
