/**
 * The files a browser needs to `import` Tachyon's kernels (`ts/dist/browser.js`) over the
 * WebAssembly build, for a server to serve from memory (the dashboard's `Asset` shape). Paths
 * keep the repository's relative layout under `prefix` — `<prefix>ts/dist/…` and
 * `<prefix>crates/wasm/pkg/…` — so the modules' relative imports resolve unchanged.
 *
 * Running from the compiled package (`ts/dist`), the modules are read from `ts/dist`. Running
 * from the sources (tsx, vitest), they are transpiled from `ts/src` at call time with the
 * TypeScript compiler, so a page served in development never runs a stale build.
 *
 * @example
 * ```ts
 * import { browserAssets } from './wasm/assets.js';
 * for (const a of browserAssets({ prefix: '/lib/' })) routes.set(a.path, a);
 * // in the page: const t = await import('/lib/ts/dist/browser.js'); new t.Ema({ period: 20 })
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
  /**
   * Where the modules come from: `'dist'` (compiled JavaScript, `dist`), or `'src'` (the
   * TypeScript sources, transpiled now). Default: how this module itself is running.
   */
  from?: 'dist' | 'src';
  /** Compiled TypeScript for `from: 'dist'` (default: `ts/dist` of this package). */
  dist?: string;
  /** The wasm-bindgen output (default: `crates/wasm/pkg` of this package). */
  pkg?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
// ts/<src|dist>/wasm → the package root.
const packageRoot = resolve(here, '..', '..', '..');
const runningFrom: 'dist' | 'src' = import.meta.url.endsWith('.ts') ? 'src' : 'dist';

/** Relative module specifiers a module imports (static and literal dynamic imports). */
function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*(?:\/\*[^*]*\*\/\s*)?|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

/** TypeScript → JavaScript for one module (types erased, imports kept). */
function transpiler(): (source: string, file: string) => string {
  const ts = createRequire(import.meta.url)('typescript') as {
    transpileModule(s: string, o: { compilerOptions: Record<string, unknown>; fileName: string }): { outputText: string };
    ModuleKind: { ESNext: number };
    ScriptTarget: { ES2022: number };
  };
  return (source, file) =>
    ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false },
    }).outputText;
}

/**
 * Every module of the browser entry's import graph, the browser worker's module, and the
 * WebAssembly glue and binary.
 *
 * @throws {TachyonError} `ERR_WASM_LOAD` if the entry or the WebAssembly build is missing.
 */
export function browserAssets(options: BrowserAssetsOptions = {}): BrowserAsset[] {
  const prefix = options.prefix ?? '/lib/';
  const from = options.from ?? runningFrom;
  const base = from === 'src' ? join(packageRoot, 'ts', 'src') : resolve(options.dist ?? join(packageRoot, 'ts', 'dist'));
  const ext = from === 'src' ? '.ts' : '.js';
  const pkg = resolve(options.pkg ?? join(packageRoot, 'crates', 'wasm', 'pkg'));
  const glue = join(pkg, 'tachyon_wasm.js');
  const wasm = join(pkg, 'tachyon_wasm_bg.wasm');
  const entry = join(base, `browser${ext}`);
  for (const [f, how] of [
    [entry, from === 'src' ? 'the sources' : '`npm run build:ts`'],
    [glue, '`npm run build:wasm`'],
    [wasm, '`npm run build:wasm`'],
  ] as const)
    if (!existsSync(f)) throw new TachyonError('ERR_WASM_LOAD', `${f} is missing: run ${how}`);

  const toJs = from === 'src' ? transpiler() : (s: string) => s;
  // Modules are served as .js under ts/dist whichever tree they come from.
  const url = (file: string) => `${prefix}ts/dist/${relative(base, file).split(sep).join('/').replace(/\.ts$/, '.js')}`;
  const assets: BrowserAsset[] = [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const js = toJs(readFileSync(file, 'utf8'), file);
    assets.push({ path: url(file), type: 'text/javascript; charset=utf-8', body: new TextEncoder().encode(js) });
    for (const spec of importsOf(js)) {
      const target = resolve(dirname(file), spec).replace(/\.js$/, ext);
      // The addon loader's import of native/index.js is never taken in a browser.
      if (target.startsWith(base + sep) && existsSync(target)) visit(target);
    }
  };
  visit(entry);
  // Started by `new Worker(new URL('./worker-entry.js', import.meta.url))`, not imported.
  visit(join(base, 'wasm', `worker-entry${ext}`));
  const pkgUrl = (file: string) => `${prefix}crates/wasm/pkg/${relative(pkg, file).split(sep).join('/')}`;
  assets.push({ path: pkgUrl(glue), type: 'text/javascript; charset=utf-8', body: new Uint8Array(readFileSync(glue)) });
  assets.push({ path: pkgUrl(wasm), type: 'application/wasm', body: new Uint8Array(readFileSync(wasm)) });
  return assets;
}
