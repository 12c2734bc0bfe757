/**
 * Loads the native addon once. Everything else imports the addon through this module, so the
 * choice of implementation (native now; native-or-WASM later) lives in one place.
 */
import type * as Native from '../../native/index.js';
import { TachyonError } from './errors.js';

export type NativeModule = typeof Native;

async function load(): Promise<NativeModule> {
  try {
    return (await import('../../native/index.js')) as NativeModule;
  } catch (cause) {
    throw new TachyonError(
      'ERR_NATIVE_LOAD',
      'the Tachyon native addon could not be loaded; build it with `npm run build:native` ' +
        '(needs the Rust toolchain: cargo) and check that native/*.node exists',
      { cause },
    );
  }
}

/** The loaded addon. */
export const native: NativeModule = await load();
