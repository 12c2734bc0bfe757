'use strict';
// See package.json: Tachyon builds natively; `napi build --use-napi-cross` is not supported here.
throw new Error('@napi-rs/cross-toolchain is stubbed in this repository: cross-compilation with --use-napi-cross is not supported');
