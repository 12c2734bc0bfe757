// The dashboard's client-side analytics in Chromium: the page loads the WebAssembly kernels the
// server serves under /lib/ (under its strict Content-Security-Policy), computes an EMA, the
// historical VaR/CVaR and a GARCH(1,1) fit (on a Web Worker) from the equity curve it holds, and
// gets the numbers the native addon gets from the same curve in Node.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoSession, Ema, Garch11, backend, startServer, varHistorical, type TachyonServer } from '../src/index.js';
import { haveChromium, launchChromium } from './helpers/chromium.js';

const OUT = join(process.cwd(), 'test-results');
// CI installs Chromium (.ci/run); elsewhere a missing browser skips instead of failing.
const run = haveChromium || process.env.CI ? describe : describe.skip;

interface Analytics {
  equity: number[];
  returns: number[];
  ema: number;
  risk: { var: number; cvar: number } | null;
  garch: { variance: number; estimates: number[]; status: string } | null;
}

run('dashboard analytics on the WebAssembly kernels (Chromium)', () => {
  let server: TachyonServer;
  let demo: DemoSession;
  let stepper: NodeJS.Timeout;
  let context: BrowserContext;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    demo = new DemoSession({ seed: 11 });
    stepper = setInterval(() => demo.step(), 10);
    server = await startServer(
      { port: 0, log: 'silent', dashboardIntervalMs: 50, defaultMetrics: false, jobs: false },
      { control: demo.control, state: demo },
    );
    ({ context, dispose } = await launchChromium());
  }, 120_000);

  afterAll(async () => {
    await dispose?.();
    clearInterval(stepper);
    await server?.close();
  });

  it('computes EMA, VaR/CVaR and a GARCH fit in the page, equal to the addon', async () => {
    expect(backend).toBe('native'); // the Node side is the reference
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(server.url);
    await expect.poll(() => page.textContent('#an-status'), { timeout: 30_000 }).toMatch(/^computed here by the WebAssembly build \d+\.\d+\.\d+/);
    // ~20 ticks a second: wait for 120 returns and a GARCH fit.
    const analytics = async () => (await page.evaluate(() => (globalThis as unknown as { tachyonAnalytics?: unknown }).tachyonAnalytics ?? null)) as Analytics | null;
    await expect
      .poll(async () => {
        const a = await analytics();
        return a !== null && a.returns.length >= 120 && a.garch !== null;
      }, { timeout: 60_000, interval: 500 })
      .toBe(true);
    const a = (await analytics())!;

    // The same computations with the addon, on the inputs the page used.
    const eq = Float64Array.from(a.equity);
    const ema = new Ema({ period: 20 }).batch(eq);
    expect(Object.is(a.ema, ema[ema.length - 1])).toBe(true);
    const r = Float64Array.from(a.returns);
    for (let i = 0; i < r.length; i++) expect(Object.is(r[i], eq[i + 1]! / eq[i]! - 1)).toBe(true);
    expect(a.risk).toEqual(varHistorical(r, 0.99));
    const g = Garch11.fit(r);
    expect(a.garch!.status).toBe(g.fitResult!.status);
    // The fit's log-likelihood uses ln: glibc natively, Rust's libm in WebAssembly. Their rare
    // last-bit differences can nudge the optimiser's path on some inputs (a CI host showed 1e-8
    // relative in omega on live dashboard returns), so the builds agree to 1e-6, not to the bit.
    const near = (what: string, x: number, y: number) =>
      expect(Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), Number.MIN_VALUE), `${what}: page ${x}, addon ${y}`).toBeLessThan(1e-6);
    expect(a.garch!.estimates.length).toBe(g.fitResult!.estimates.length);
    a.garch!.estimates.forEach((x, i) => near(`estimate ${i}`, x, g.fitResult!.estimates[i]!));
    near('variance', a.garch!.variance, g.variance);

    // The panel shows them.
    expect(Number((await page.textContent('#an-n'))!.replace(/,/g, ''))).toBeGreaterThanOrEqual(a.returns.length);
    expect(await page.textContent('#an-garch')).toMatch(/^\d+\.\d{4} %$/);
    expect(await page.textContent('#an-var')).toMatch(/^[\d,]+\.\d\d \(\d+\.\d{4} %\)$/);
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'dashboard-analytics.png'), fullPage: true });
    // No CSP violation, no failed load.
    expect(errors).toEqual([]);
    await page.close();
  });
});
