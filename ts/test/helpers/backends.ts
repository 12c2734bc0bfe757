// Both kernel modules side by side in one process, independent of TACHYON_BACKEND: the napi
// addon and the WebAssembly build (crates/wasm/pkg, initialised from its bytes).
import { readFileSync } from 'node:fs';
import type { NativeModule } from '../../src/native.js';

export type Module = Record<string, (...args: unknown[]) => unknown>;

const pkg = new URL('../../../crates/wasm/pkg/', import.meta.url);

/** The wasm-bindgen glue, initialised. */
export async function loadWasmGlue(): Promise<Module & { initSync: (b: Uint8Array) => unknown }> {
  const glue = (await import(/* @vite-ignore */ new URL('tachyon_wasm.js', pkg).href)) as Module & { initSync: (b: Uint8Array) => unknown };
  glue.initSync(readFileSync(new URL('tachyon_wasm_bg.wasm', pkg)));
  return glue;
}

/** The napi addon. */
export async function loadNativeAddon(): Promise<NativeModule> {
  return (await import('../../../native/index.js')) as NativeModule;
}
