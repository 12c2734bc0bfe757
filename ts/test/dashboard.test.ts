// The dashboard end to end in Debian's Chromium (playwright-core): the page loads, shows live
// numbers that change while a session runs and decisions flow, hides the controls until the
// token is supplied, and a screenshot is saved (test-results/dashboard.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DemoSession, encodeDecisionRequest, startServer, type TachyonServer } from '../src/index.js';
import { haveChromium, launchChromium } from './helpers/chromium.js';
import { linearEngine, TestClient, wsUrl } from './helpers/server.js';

const TOKEN = 'dashboard-test-token-0123456789';
const OUT = join(process.cwd(), 'test-results');
// CI installs Chromium (.ci/run); elsewhere a missing browser skips instead of failing.
const run = haveChromium || process.env.CI ? describe : describe.skip;

run('dashboard in Chromium', () => {
  let server: TachyonServer;
  let demo: DemoSession;
  let context: BrowserContext;
  let dispose: () => Promise<void>;
  let stepper: NodeJS.Timeout;
  let client: TestClient;
  let stopLoad = false;
  let load: Promise<void>;
  const errors: string[] = [];

  beforeAll(async () => {
    demo = new DemoSession({ seed: 7 });
    stepper = setInterval(() => demo.step(), 50);
    server = await startServer(
      { port: 0, log: 'silent', token: TOKEN, dashboardIntervalMs: 200, defaultMetrics: false, jobs: false },
      { decider: linearEngine([1, -1, 0.5]), control: demo.control, state: demo },
    );
    // A client sending decisions while the page is open: latency and rate become real numbers.
    client = new TestClient(wsUrl(server.url));
    await client.opened();
    load = (async () => {
      for (let id = 1n; !stopLoad; id++) {
        await client.request(encodeDecisionRequest({ requestId: id, instruments: [1, 2, 3, 4], nFeatures: 3, features: new Float64Array(12).fill(Number(id % 7n) - 3) }), id);
        if (id % 20n === 0n) await new Promise((r) => setTimeout(r, 5));
      }
    })();
    ({ context, dispose } = await launchChromium());
  });

  afterAll(async () => {
    stopLoad = true;
    await load;
    client.close();
    await dispose?.();
    clearInterval(stepper);
    await server?.close();
  });

  async function openPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(server.url);
    return page;
  }

  it('loads, shows live numbers that change, and saves a screenshot', async () => {
    const page = await openPage();
    await expect.poll(() => page.textContent('#conn'), { timeout: 15_000 }).toBe('live');
    await expect.poll(async () => Number(await page.textContent('#ticks')), { timeout: 15_000 }).toBeGreaterThan(2);

    const read = async () => ({
      ticks: Number(await page.textContent('#ticks')),
      equity: await page.textContent('#equity'),
      pnl: await page.textContent('#pnl-total'),
      decisions: await page.textContent('#decisions-total'),
      p99: await page.textContent('#latency-p99'),
      mode: await page.textContent('#mode'),
      positions: await page.locator('#positions tbody tr').count(),
      venues: await page.locator('#venues tbody tr').count(),
      limits: await page.locator('#limits .limit').count(),
      chartPoints: await page.locator('#equity-chart canvas').count(),
    });
    const a = await read();
    await expect.poll(async () => (await read()).equity, { timeout: 15_000 }).not.toBe(a.equity);
    const b = await read();
    expect(b.ticks).toBeGreaterThan(a.ticks);
    expect(b.decisions).not.toBe(a.decisions);
    expect(Number(b.decisions!.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(b.p99).toMatch(/^\d+(\.\d+)? (ns|µs|ms)$/);
    expect(b.mode).toBe('mode: normal');
    expect(b.venues).toBe(1);
    expect(b.limits).toBe(3);
    expect(b.chartPoints).toBeGreaterThan(0);
    // The equity shown is the session's (to the cent, within a tick of movement).
    const shown = Number(b.equity!.replace(/,/g, ''));
    expect(Math.abs(shown - demo.snapshot().equity) / shown).toBeLessThan(0.01);

    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows control buttons only with the token, and they work', async () => {
    const page = await openPage();
    page.on('dialog', (d) => void d.accept());
    await expect.poll(() => page.textContent('#conn'), { timeout: 15_000 }).toBe('live');
    expect(await page.locator('#controls').isVisible()).toBe(false);
    await page.click('#operator summary');
    await page.fill('#token', 'not-the-token-at-all');
    await page.click('#token-form button');
    await expect.poll(() => page.textContent('#token-msg')).toBe('token refused');
    expect(await page.locator('#controls').isVisible()).toBe(false);

    await page.fill('#token', TOKEN);
    await page.click('#token-form button');
    await expect.poll(() => page.locator('#controls').isVisible()).toBe(true);
    await page.fill('#reason', 'browser test pause');
    await page.click('#controls button[data-action="pause"]');
    await expect.poll(() => page.textContent('#mode'), { timeout: 10_000 }).toBe('mode: pause');
    expect(demo.control.mode()).toBe('pause');
    await expect.poll(() => page.textContent('#transitions tbody tr:first-child')).toContain('browser test pause');
    await page.click('#controls button[data-action="resume"]');
    await expect.poll(() => page.textContent('#mode'), { timeout: 10_000 }).toBe('mode: normal');
    // The token never reaches the audit log.
    expect(JSON.stringify(server.auditLog(), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(TOKEN);
    await page.screenshot({ path: join(OUT, 'dashboard-controls.png'), fullPage: true });
    // The refused token shows up as the browser's own note about the 401 answer; nothing else.
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    expect(errors.filter((e) => /status of 401/.test(e))).toHaveLength(1);
    await page.close();
  });
});
