/**
 * Tachyon in a browser: the kernel areas over the WebAssembly build, with the same classes,
 * functions, results and error codes as in Node (`tachyon`). No bundler needed: serve
 * `ts/dist/browser.js`, the modules it imports and `crates/wasm/pkg/` with the repository's
 * relative layout (see `browserAssets()` in `ts/src/wasm/assets.ts`, which lists them), then
 * `import` it as an ES module. The page fetches the `.wasm` once, at import.
 *
 * @example
 * ```html
 * <script type="module">
 *   import { Ema, Rsi, Garch11, varHistorical, backend } from '/lib/ts/dist/browser.js';
 *   const closes = Float64Array.from(prices);          // data the page already holds
 *   const ema = new Ema({ period: 20 }).batch(closes);  // same numbers as the server's addon
 *   const risk = varHistorical(returns, 0.99);          // { var, cvar }
 *   const garch = await Garch11.fitAsync(returns);      // on a Web Worker, off the page's thread
 *   garch.forecast(10);                                  // variance forecasts, 1…10 steps
 *   console.log(backend);                               // 'wasm'
 * </script>
 * ```
 */
export { TachyonError, isTachyonError, type ErrorCode } from './errors.js';
export { backend, backendInfo, type Backend, type BackendInfo } from './native.js';
export * from './indicators/index.js';
export * from './signals/index.js';
export * from './models/index.js';
export * from './stats/index.js';
export {
  varHistorical,
  varHistoricalPortfolio,
  varParametric,
  varPortfolioParametric,
  varPortfolioMonteCarlo,
  varPortfolioMonteCarloAsync,
  positionFraction,
  type VarResult,
  type VarPortfolioOptions,
  type VarModelOptions,
} from './engine/var.js';
