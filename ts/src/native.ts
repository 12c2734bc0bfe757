/**
 * Loads the Rust kernels once: the N-API addon (`native/`), or the WebAssembly build of the
 * kernel crates (`crates/wasm/pkg`, wasm-bindgen) when the addon cannot load, when
 * `TACHYON_BACKEND=wasm` asks for it, or in a browser. Everything else imports `native` from
 * here, so the choice lives in one place and the areas' code paths are the same on both.
 *
 * The WebAssembly facade exports the napi functions of the kernel areas (indicators, signals,
 * risk math; statistics and models as they land) under the same names, with the same
 * arguments, defaults, results and error codes. Anything else (event stream, decision and risk
 * engines, fixed point, …) is native-only: under WebAssembly, calling it throws a
 * {@link TachyonError} with code `ERR_BACKEND_UNSUPPORTED` (importing the package still works).
 *
 * `TACHYON_BACKEND`: `auto` (default: native, else WebAssembly), `native` (no fallback: a load
 * failure throws `ERR_NATIVE_LOAD`) or `wasm`.
 *
 * @example
 * ```ts
 * import { backend, backendInfo } from 'tachyon';
 * backend;        // 'native' or 'wasm'
 * backendInfo;    // { backend: 'wasm', requested: 'auto', nativeError: 'Cannot find module …', … }
 * ```
 */
import type * as Native from '../../native/index.js';
import { TachyonError } from './errors.js';
import { WasmWorker } from './wasm/worker.js';

export type NativeModule = typeof Native;

/** The implementation behind the public API. */
export type Backend = 'native' | 'wasm';

/** What was loaded and why. */
export interface BackendInfo {
  /** The active backend. */
  readonly backend: Backend;
  /** What `TACHYON_BACKEND` asked for (`'auto'` when unset; always `'wasm'` in a browser). */
  readonly requested: 'auto' | Backend;
  /** Why the native addon was not used, when the backend fell back to WebAssembly. */
  readonly nativeError?: string;
  /** Version of the WebAssembly build, when it is active. */
  readonly wasmVersion?: string;
}

/** The wasm-bindgen glue (`--target web`) of crates/wasm. */
interface WasmGlue {
  default: (input?: unknown) => Promise<unknown>;
  initSync: (module: Uint8Array | ArrayBuffer) => unknown;
  lastPanic: () => string | undefined;
  wasmVersion: () => string;
  [name: string]: unknown;
}

// Relative to this module, in ts/src and in ts/dist alike (both sit at ts/<x>/).
const WASM_GLUE = '../../crates/wasm/pkg/tachyon_wasm.js';
const WASM_BINARY = '../../crates/wasm/pkg/tachyon_wasm_bg.wasm';
const NATIVE_ADDON = '../../native/index.js';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

function requestedBackend(): 'auto' | Backend {
  if (!isNode) return 'wasm';
  const v = (process.env.TACHYON_BACKEND ?? '').trim().toLowerCase();
  if (v === '' || v === 'auto') return 'auto';
  if (v === 'native' || v === 'wasm') return v;
  throw new TachyonError('ERR_INVALID_CONFIG', `TACHYON_BACKEND must be auto, native or wasm, got ${JSON.stringify(process.env.TACHYON_BACKEND)}`);
}

async function loadNative(): Promise<NativeModule> {
  return (await import(/* @vite-ignore */ NATIVE_ADDON)) as NativeModule;
}

let gluePromise: Promise<WasmGlue> | undefined;

/** The initialised glue, once per process: a second `initSync` would replace the instance under live handles. */
function loadGlue(): Promise<WasmGlue> {
  return (gluePromise ??= initGlue());
}

async function initGlue(): Promise<WasmGlue> {
  let glue: WasmGlue;
  try {
    glue = (await import(/* @vite-ignore */ WASM_GLUE)) as WasmGlue;
    if (isNode) {
      const { readFileSync } = await import('node:fs');
      glue.initSync(readFileSync(new URL(WASM_BINARY, import.meta.url)));
    } else {
      await glue.default(new URL(WASM_BINARY, import.meta.url));
    }
  } catch (cause) {
    throw new TachyonError(
      'ERR_WASM_LOAD',
      'the Tachyon WebAssembly build could not be loaded; build it with `npm run build:wasm` ' +
        '(see ENVIRONMENT.md, "WebAssembly") and check that crates/wasm/pkg exists',
      { cause },
    );
  }
  return glue;
}

/** Exports of the glue that are not kernel functions. */
const GLUE_INTERNALS = new Set(['default', 'initSync', 'start', 'lastPanic']);

let worker: WasmWorker | undefined;
/** The thread of the `*Async` functions (started on first use). */
function wasmWorker(): WasmWorker {
  return (worker ??= new WasmWorker({ glue: new URL(WASM_GLUE, import.meta.url).href, wasm: new URL(WASM_BINARY, import.meta.url).href }));
}

/**
 * `xAsync` as napi's `AsyncTask`: the facade's `__validateXAsync` runs the checks the addon
 * makes before it queues the work (so bad input throws the same coded error, synchronously),
 * then `x` runs on the worker and the promise settles with its result or coded error.
 */
function offThread(glue: WasmGlue, name: string, validate: (...a: unknown[]) => unknown): (...a: unknown[]) => Promise<unknown> {
  const sync = name.slice(0, -'Async'.length);
  return function (...args: unknown[]) {
    try {
      validate(...args);
    } catch (e) {
      throw trapError(glue, name, e);
    }
    return wasmWorker().call(sync, args);
  };
}

/** Property names that must not resolve to a stub (promise resolution, printing, testing). */
const NOT_STUBBED = new Set(['then', 'catch', 'finally', 'toJSON', 'constructor', 'inspect', 'asymmetricMatch', 'nodeType', 'toString', 'valueOf']);

function unsupported(name: string, why: string): never {
  throw new TachyonError(
    'ERR_BACKEND_UNSUPPORTED',
    `${name} needs the native addon; the WebAssembly backend provides the kernels only ` +
      `(indicators, signals, risk math, statistics, models)${why}`,
  );
}

/**
 * A stand-in for a native-only export: any call or `new` throws `ERR_BACKEND_UNSUPPORTED`;
 * reading a member (`Price.fromString`) gives another stand-in, so module-level aliases
 * (`export const Price = native.Price`) do not break the import.
 */
function stub(name: string, why: string): unknown {
  const target = function unsupportedExport(): void {};
  return new Proxy(target, {
    apply: () => unsupported(name, why),
    construct: () => unsupported(name, why),
    get: (t, p, r) =>
      typeof p === 'symbol' || p === 'prototype' || p === 'name' || p === 'length' || NOT_STUBBED.has(p)
        ? Reflect.get(t, p, r)
        : stub(`${name}.${p}`, why),
  });
}

/** Turns a WebAssembly trap (a Rust panic: `panic = "abort"`) into a coded error. */
function trapError(glue: WasmGlue, name: string, e: unknown): unknown {
  // `WebAssembly.RuntimeError` (the TS lib here has no WebAssembly declarations).
  if (!(e instanceof Error && e.name === 'RuntimeError')) return e;
  const panic = glue.lastPanic();
  return new TachyonError(
    'ERR_WASM_PANIC',
    `${name} trapped in WebAssembly (${panic ?? e.message}); this is a bug: please report it. ` +
      'The WebAssembly instance may be inconsistent now: reload the module (restart the process).',
    { cause: e },
  );
}

/**
 * The WebAssembly module shaped as the napi module: each kernel export under its napi name
 * (wrapped so a trap becomes `ERR_WASM_PANIC`), and a stand-in for every other name.
 */
function wasmModule(glue: WasmGlue, why: string): NativeModule {
  const stubs = new Map<string, unknown>();
  const fallback = new Proxy(Object.create(null) as object, {
    get: (_t, p) => {
      if (typeof p === 'symbol' || NOT_STUBBED.has(p)) return undefined;
      let s = stubs.get(p);
      if (s === undefined) stubs.set(p, (s = stub(p, why)));
      return s;
    },
  });
  const mod = Object.create(fallback) as Record<string, unknown>;
  for (const [name, value] of Object.entries(glue)) {
    if (GLUE_INTERNALS.has(name) || name.startsWith('__validate')) continue;
    if (typeof value !== 'function' || /^[A-Z]/.test(name)) {
      mod[name] = value; // handle classes (IndicatorHandle, …) and constants
      continue;
    }
    const f = value as (...a: unknown[]) => unknown;
    const validate = glue[`__validate${name[0]!.toUpperCase()}${name.slice(1)}`];
    if (name.endsWith('Async') && typeof validate === 'function') {
      mod[name] = offThread(glue, name, validate as (...a: unknown[]) => unknown);
      continue;
    }
    mod[name] = function (this: unknown) {
      try {
        // eslint-disable-next-line prefer-rest-params
        return f.apply(undefined, arguments as unknown as unknown[]);
      } catch (e) {
        throw trapError(glue, name, e);
      }
    };
  }
  return mod as unknown as NativeModule;
}

function message(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${m}${cause}`;
}

async function load(): Promise<{ module: NativeModule; info: BackendInfo; why: string }> {
  const requested = requestedBackend();
  if (requested !== 'wasm') {
    try {
      return { module: await loadNative(), info: { backend: 'native', requested }, why: '' };
    } catch (cause) {
      if (requested === 'native') {
        throw new TachyonError(
          'ERR_NATIVE_LOAD',
          'the Tachyon native addon could not be loaded; build it with `npm run build:native` ' +
            '(needs the Rust toolchain: cargo) and check that native/*.node exists',
          { cause },
        );
      }
      const nativeError = message(cause);
      const glue = await loadGlue();
      const why = ` (the addon did not load: ${nativeError})`;
      return { module: wasmModule(glue, why), info: { backend: 'wasm', requested, nativeError, wasmVersion: glue.wasmVersion() }, why };
    }
  }
  const glue = await loadGlue();
  const why = isNode ? ' (TACHYON_BACKEND=wasm)' : ' (in a browser)';
  return { module: wasmModule(glue, why), info: { backend: 'wasm', requested, wasmVersion: glue.wasmVersion() }, why };
}

const loaded = await load();
let wasmBackend: NativeModule | undefined = loaded.info.backend === 'wasm' ? loaded.module : undefined;

/** The loaded kernels: the napi addon, or the WebAssembly build shaped like it. */
export const native: NativeModule = loaded.module;

/** The active backend: `'native'` (N-API addon) or `'wasm'` (WebAssembly build). */
export const backend: Backend = loaded.info.backend;

/** What was loaded and why (e.g. the addon's load error when falling back to WebAssembly). */
export const backendInfo: BackendInfo = Object.freeze(loaded.info);

/**
 * Loads one backend regardless of the active one, e.g. to compare them side by side (the
 * benches and parity tests do). `'wasm'` shares the active WebAssembly instance if there is
 * one; `'native'` throws the addon's own load error.
 */
export async function loadBackend(which: Backend): Promise<NativeModule> {
  if (which === 'native') return backend === 'native' ? native : loadNative();
  return (wasmBackend ??= wasmModule(await loadGlue(), ' (loaded with loadBackend)'));
}

/**
 * A module-level value that only the native addon can produce (e.g. a list of codes), for
 * native-only areas: computed at once on the native backend; under WebAssembly a stand-in
 * whose every use throws `ERR_BACKEND_UNSUPPORTED`, so importing the package still works.
 */
export function nativeOnly<T extends object>(name: string, make: () => T): T {
  if (backend === 'native') return make();
  return new Proxy(Object.create(null) as T, {
    get: (_t, p) => (typeof p === 'symbol' || NOT_STUBBED.has(p) ? undefined : unsupported(`${name}.${p}`, loaded.why)),
    has: () => unsupported(name, loaded.why),
    ownKeys: () => unsupported(name, loaded.why),
  });
}
