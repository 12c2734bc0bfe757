// The HTML report renders in a real browser: Debian's chromium, headless, offline (the chart
// library is inlined), draws the equity and drawdown charts and the trades table.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, readReport, runBacktest, writeReport } from '../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn('report browser test skipped: /usr/bin/chromium is not installed (apt-get install chromium)');

describe('backtest report', () => {
  it('writes JSON with every point and an HTML page that names the run', async () => {
    const config = loadConfig({ env: null, object: { seed: 5, data: { synthetic: { bars: 30_000 } }, strategy: { params: { fast: 8, slow: 34, qty: '0.05', longShort: true } } } });
    const r = await runBacktest({ config });
    const dir = mkdtempSync(join(tmpdir(), 'tachyon-report-'));
    const files = writeReport(r, dir, 'run');
    const d = readReport(files.json);
    expect(d.curve.ms).toHaveLength(r.curve.ms.length);
    expect(d.metrics.sharpe).toBeCloseTo(r.metrics.sharpe, 12);
    expect(d.trades.length).toBe(r.trades.length);
    expect(() => readReport(join(dir, 'nope.json'))).toThrow(/cannot read report/);
  });

  it.skipIf(!haveBrowser)('renders equity and drawdown charts offline in Chromium', async () => {
    const { chromium } = await import('playwright-core');
    const config = loadConfig({ env: null, object: { seed: 5, data: { synthetic: { bars: 20_000 } } } });
    const r = await runBacktest({ config });
    const dir = mkdtempSync(join(tmpdir(), 'tachyon-report-'));
    const { html } = writeReport(r, dir, 'run');
    const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chr-')), {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (q) => {
        if (!q.url().startsWith('file:')) requests.push(q.url());
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(html).href);
      await page.waitForFunction('window.__tachyonChartsReady === true', undefined, { timeout: 20_000 });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]); // nothing fetched from the network
      const canvases = await page.locator('#equity canvas, #drawdown canvas').count();
      expect(canvases).toBeGreaterThanOrEqual(2);
      const rows = await page.locator('table tbody tr').count();
      expect(rows).toBe(Math.min(1000, r.trades.length));
      expect(await page.locator('.card').count()).toBe(16);
    } finally {
      await browser.close();
    }
  });
});
