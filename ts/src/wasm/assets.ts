/**
 * The files a browser needs to `import` Tachyon's kernels (`ts/dist/browser.js`) over the
 * WebAssembly build, for a server to serve from memory (the dashboard's `Asset` shape). Paths
 * keep the repository's relative layout under `prefix` — `<prefix>ts/dist/…` and
 * `<prefix>crates/wasm/pkg/…` — so the modules' relative imports resolve unchanged.
 *
 * @example
 * ```ts
 * import { browserAssets } from './wasm/assets.js';
 * for (const a of browserAssets({ prefix: '/lib/' })) routes.set(a.path, a);
 * // in the page: const t = await import('/lib/ts/dist/browser.js'); new t.Ema({ period: 20 })
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TachyonError } from '../errors.js';

/** One file to serve. */
export interface BrowserAsset {
  /** URL path. */
  path: string;
  /** Content type. */
  type: string;
  body: Uint8Array;
}

export interface BrowserAssetsOptions {
  /** URL prefix, ending in `/` (default `/lib/`). */
  prefix?: string;
  /** Compiled TypeScript (default: `ts/dist` of this package). */
  dist?: string;
  /** The wasm-bindgen output (default: `crates/wasm/pkg` of this package). */
  pkg?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
// ts/<src|dist>/wasm → the package root.
const packageRoot = resolve(here, '..', '..', '..');

/** Relative module specifiers a compiled ES module imports (static and literal dynamic). */
function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

/**
 * Every file of the browser entry's import graph, plus the WebAssembly glue and binary.
 *
 * @throws {TachyonError} `ERR_WASM_LOAD` if the compiled entry or the WebAssembly build is missing.
 */
export function browserAssets(options: BrowserAssetsOptions = {}): BrowserAsset[] {
  const prefix = options.prefix ?? '/lib/';
  const dist = resolve(options.dist ?? join(packageRoot, 'ts', 'dist'));
  const pkg = resolve(options.pkg ?? join(packageRoot, 'crates', 'wasm', 'pkg'));
  const entry = join(dist, 'browser.js');
  const glue = join(pkg, 'tachyon_wasm.js');
  const wasm = join(pkg, 'tachyon_wasm_bg.wasm');
  for (const [f, how] of [
    [entry, '`npm run build:ts`'],
    [glue, '`npm run build:wasm`'],
    [wasm, '`npm run build:wasm`'],
  ] as const)
    if (!existsSync(f)) throw new TachyonError('ERR_WASM_LOAD', `${f} is missing: run ${how}`);

  const url = (file: string, base: string, at: string) => `${prefix}${at}/${relative(base, file).split(sep).join('/')}`;
  const assets: BrowserAsset[] = [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const body = readFileSync(file);
    assets.push({ path: url(file, dist, 'ts/dist'), type: 'text/javascript; charset=utf-8', body: new Uint8Array(body) });
    for (const spec of importsOf(body.toString('utf8'))) {
      const target = resolve(dirname(file), spec);
      // The addon loader's import of native/index.js is never taken in a browser.
      if (target.startsWith(dist + sep)) visit(target);
    }
  };
  visit(entry);
  assets.push({ path: url(glue, pkg, 'crates/wasm/pkg'), type: 'text/javascript; charset=utf-8', body: new Uint8Array(readFileSync(glue)) });
  assets.push({ path: url(wasm, pkg, 'crates/wasm/pkg'), type: 'application/wasm', body: new Uint8Array(readFileSync(wasm)) });
  return assets;
}
