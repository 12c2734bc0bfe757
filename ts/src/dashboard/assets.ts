/**
 * The dashboard's files: a static page (`static/index.html`, `app.js`, `style.css`) and uPlot
 * from node_modules, read once at server start and served from memory by the decision server.
 * No build step and no CDN: the page is plain ES2020 and works offline.
 *
 * Plus, under `/lib/`, the WebAssembly build of the kernels and the modules that load it
 * (`browserAssets()`): the page imports `/lib/ts/dist/browser.js` for its client-side
 * analytics. Without a WebAssembly build those files are absent and the panel says so.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { browserAssets } from '../wasm/assets.js';

export interface Asset {
  /** URL path. */
  path: string;
  type: string;
  body: Uint8Array;
}

/** Directory of the static files (the same from ts/src and from ts/dist: both sit at ts/<x>/dashboard). */
export function staticDir(): string {
  return fileURLToPath(new URL('../../src/dashboard/static/', import.meta.url));
}

let kernels: Asset[] | undefined;
/** The WebAssembly kernels for the page, once per process (none if there is no build). */
function kernelAssets(): Asset[] {
  if (kernels === undefined) {
    try {
      kernels = browserAssets({ prefix: '/lib/' });
    } catch {
      kernels = [];
    }
  }
  return kernels;
}

/** Every file the page needs, by URL path. */
export function dashboardAssets(): Asset[] {
  const require = createRequire(import.meta.url);
  const dir = staticDir();
  const file = (p: string) => new Uint8Array(readFileSync(p));
  return [
    { path: '/', type: 'text/html; charset=utf-8', body: file(`${dir}index.html`) },
    { path: '/index.html', type: 'text/html; charset=utf-8', body: file(`${dir}index.html`) },
    { path: '/app.js', type: 'text/javascript; charset=utf-8', body: file(`${dir}app.js`) },
    { path: '/style.css', type: 'text/css; charset=utf-8', body: file(`${dir}style.css`) },
    { path: '/vendor/uPlot.iife.min.js', type: 'text/javascript; charset=utf-8', body: file(require.resolve('uplot/dist/uPlot.iife.min.js')) },
    { path: '/vendor/uPlot.min.css', type: 'text/css; charset=utf-8', body: file(require.resolve('uplot/dist/uPlot.min.css')) },
    ...kernelAssets(),
  ];
}
