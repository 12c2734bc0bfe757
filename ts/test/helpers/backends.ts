// Both kernel modules side by side in one process, independent of TACHYON_BACKEND: the napi
// addon and the WebAssembly build, through the loader (ts/src/native.ts `loadBackend`), exactly
// as the TypeScript areas see them.
import { loadBackend } from '../../src/native.js';

export type Module = Record<string, (...args: unknown[]) => unknown>;

/** The WebAssembly build shaped as the napi module. */
export async function loadWasmGlue(): Promise<Module> {
  return (await loadBackend('wasm')) as unknown as Module;
}

/** The napi addon. */
export async function loadNativeAddon(): Promise<Module> {
  return (await loadBackend('native')) as unknown as Module;
}
