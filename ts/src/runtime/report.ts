/**
 * Backtest reports: one JSON file with everything (metrics, equity curve, round trips, fills,
 * data report, configuration) and one self-contained HTML file drawn from it — equity and
 * drawdown charts with TradingView's lightweight-charts (inlined, so the file opens offline),
 * the metrics and a trades table.
 *
 * @example
 * ```ts
 * import { runBacktest, writeReport, loadConfig } from 'tachyon';
 * const r = await runBacktest({ config: loadConfig() });
 * const { html, json } = await writeReport(r, './reports'); // open html in a browser
 * ```
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { TachyonError } from '../errors.js';
import type { BacktestResult, FillRow, TradeRow } from './backtest.js';

/** The report as stored in JSON. */
export interface ReportData {
  kind: 'tachyon-backtest-report';
  version: 1;
  createdAt: string;
  strategy: string;
  engine: 'typescript' | 'rust';
  symbols: string[];
  seed: number;
  metrics: Record<string, number | null>;
  curve: { ms: number[]; equity: number[]; exposure: number[] };
  trades: TradeRow[];
  fills: FillRow[];
  stats: BacktestResult['stats'];
  account: BacktestResult['account'];
  data: BacktestResult['data'];
  timing: BacktestResult['timing'];
  config: unknown;
}

const nul = (v: number) => (Number.isFinite(v) ? v : null);

/** The JSON form of a result (non-finite numbers become `null`). */
export function reportData(r: BacktestResult): ReportData {
  const metrics: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(r.metrics)) metrics[k] = nul(v as number);
  return {
    kind: 'tachyon-backtest-report',
    version: 1,
    createdAt: new Date().toISOString(),
    strategy: r.strategy,
    engine: r.engine,
    symbols: r.symbols,
    seed: r.seed,
    metrics,
    curve: { ms: Array.from(r.curve.ms), equity: Array.from(r.curve.equity), exposure: Array.from(r.curve.exposure) },
    trades: r.trades,
    fills: r.fills,
    stats: r.stats,
    account: { ...r.account, equityF64: nul(r.account.equityF64) ?? 0, nowMs: nul(r.account.nowMs) ?? 0 },
    data: { ...r.data, firstMs: nul(r.data.firstMs) ?? 0, lastMs: nul(r.data.lastMs) ?? 0 },
    timing: r.timing,
    config: r.config,
  };
}

/** At most `max` chart points: per bucket the last equity, and the deepest drawdown. */
export function downsample(ms: number[], equity: number[], max = 4000): { t: number[]; eq: number[]; dd: number[] } {
  const n = ms.length;
  const t: number[] = [];
  const eq: number[] = [];
  const dd: number[] = [];
  let peak = Number.NEGATIVE_INFINITY;
  const step = Math.max(1, Math.ceil(n / max));
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    peak = Math.max(peak, e);
    const d = peak > 0 ? e / peak - 1 : 0;
    worst = Math.min(worst, d);
    if ((i + 1) % step === 0 || i === n - 1) {
      const sec = Math.floor(ms[i]! / 1000);
      if (t.length > 0 && sec <= t[t.length - 1]!) {
        eq[eq.length - 1] = e;
        dd[dd.length - 1] = Math.min(dd[dd.length - 1]!, worst);
      } else {
        t.push(sec);
        eq.push(e);
        dd.push(worst);
      }
      worst = 0;
    }
  }
  return { t, eq, dd };
}

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmtNum(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return v === Number.POSITIVE_INFINITY ? '∞' : '—';
  return v.toLocaleString('en-US', { maximumFractionDigits: digits });
}

const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(2)}%`);

function duration(ms: number | null | undefined): string {
  if (!ms || !Number.isFinite(ms)) return '—';
  const d = ms / 86_400_000;
  if (d >= 2) return `${d.toFixed(1)} days`;
  const h = ms / 3_600_000;
  return h >= 2 ? `${h.toFixed(1)} hours` : `${(ms / 60_000).toFixed(0)} min`;
}

let chartJs: string | undefined;
function chartLibrary(): string {
  if (chartJs === undefined) {
    const req = createRequire(import.meta.url);
    const pkg = req.resolve('lightweight-charts/package.json');
    chartJs = readFileSync(join(pkg, '..', 'dist', 'lightweight-charts.standalone.production.js'), 'utf8');
  }
  return chartJs;
}

const TRADE_ROWS = 1000;

/** Renders the self-contained HTML page of a report. */
export function renderHtml(d: ReportData): string {
  const m = d.metrics;
  const s = downsample(d.curve.ms, d.curve.equity);
  const chart = JSON.stringify({ t: s.t, eq: s.eq, dd: s.dd }).replace(/</g, '\\u003c');
  const cards: [string, string][] = [
    ['Total return', pct(m.totalReturn)],
    ['Annual return', pct(m.annualReturn)],
    ['Volatility (ann.)', pct(m.volatility)],
    ['Sharpe', fmtNum(m.sharpe, 2)],
    ['Sortino', fmtNum(m.sortino, 2)],
    ['Calmar', fmtNum(m.calmar, 2)],
    ['Max drawdown', pct(m.maxDrawdown)],
    ['Longest drawdown', duration(m.maxDrawdownDurationMs)],
    ['Trades', fmtNum(m.trades, 0)],
    ['Win rate', pct(m.winRate)],
    ['Profit factor', m.profitFactor === null && d.trades.some((t) => !t.open && Number(t.pnl) > 0) && !d.trades.some((t) => !t.open && Number(t.pnl) < 0) ? '∞' : fmtNum(m.profitFactor, 2)],
    ['Exposure (time)', pct(m.exposureTime)],
    ['Avg exposure', pct(m.avgExposure)],
    ['Turnover (ann.)', `${fmtNum(m.annualTurnover, 1)}×`],
    ['Fees paid', fmtNum(m.fees, 2)],
    ['End equity', fmtNum(m.endEquity, 2)],
  ];
  const first = d.data.firstMs ? new Date(d.data.firstMs).toISOString().slice(0, 16).replace('T', ' ') : '—';
  const last = d.data.lastMs ? new Date(d.data.lastMs).toISOString().slice(0, 16).replace('T', ' ') : '—';
  const rows = d.trades
    .slice(0, TRADE_ROWS)
    .map(
      (t, i) =>
        `<tr class="${Number(t.pnl) >= 0 ? 'win' : 'loss'}"><td>${i + 1}</td><td>${esc(t.symbol)}</td><td>${t.direction}</td>` +
        `<td>${new Date(t.entryTs).toISOString().slice(0, 19).replace('T', ' ')}</td><td>${new Date(t.exitTs).toISOString().slice(0, 19).replace('T', ' ')}</td>` +
        `<td class="n">${esc(t.qty)}</td><td class="n">${esc(t.entryPrice)}</td><td class="n">${esc(t.exitPrice)}</td>` +
        `<td class="n">${esc(t.pnl)}</td><td class="n">${pct(t.returnPct)}</td><td class="n">${esc(t.fees)}</td><td>${t.open ? 'open' : ''}</td></tr>`,
    )
    .join('\n');
  const bad = Object.entries(d.data.bad ?? {});
  const rejected = Object.entries(d.stats.rejected ?? {});
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tachyon backtest — ${esc(d.strategy)} on ${esc(d.symbols.join(', '))}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#0f1115;color:#e6e6e6}
header,main{max-width:1200px;margin:0 auto;padding:16px 24px}
h1{font-size:20px;margin:8px 0}h2{font-size:16px;margin:24px 0 8px}
.sub{color:#9aa4b2}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px}
.card{background:#181b22;border:1px solid #262a33;border-radius:8px;padding:10px 12px}.card b{display:block;font-size:18px}
.card span{color:#9aa4b2;font-size:12px}#equity{height:340px}#drawdown{height:180px}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{padding:4px 8px;border-bottom:1px solid #262a33;text-align:left;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums}tr.win td:nth-child(9){color:#3fb950}tr.loss td:nth-child(9){color:#f85149}
.note{color:#9aa4b2;font-size:12px}code{background:#181b22;padding:1px 4px;border-radius:4px}
</style></head><body>
<header><h1>${esc(d.strategy)} — ${esc(d.symbols.join(', '))}</h1>
<div class="sub">${esc(d.engine === 'rust' ? 'Rust loop (no JS call per event)' : 'TypeScript strategy')} · seed ${d.seed} · ${fmtNum(d.data.accepted, 0)} ${esc(d.data.format)} records from <code>${esc(d.data.file)}</code> · ${first} → ${last} UTC · ${fmtNum(d.timing.eventsPerSec, 0)} events/s · report ${esc(d.createdAt)}</div></header>
<main>
<section class="cards">${cards.map(([k, v]) => `<div class="card"><span>${esc(k)}</span><b>${esc(v)}</b></div>`).join('')}</section>
<h2>Equity</h2><div id="equity"></div>
<h2>Drawdown</h2><div id="drawdown"></div>
<p class="note">${s.t.length < d.curve.ms.length ? `Charts show ${s.t.length} of ${d.curve.ms.length} points (last equity and deepest drawdown per bucket); the JSON report has every point.` : ''}
Orders ${fmtNum(d.stats.orders, 0)}, fills ${fmtNum(d.stats.fills, 0)}${rejected.length ? `, refused: ${rejected.map(([k, v]) => `${esc(k)} ${v}`).join(', ')}` : ''}.
${bad.length ? `Bad data rows skipped: ${bad.map(([k, v]) => `${esc(k)} ${String(v)}`).join(', ')} (see the JSON report for line numbers).` : 'No bad data rows.'}</p>
<h2>Trades (${d.trades.length})</h2>
<table><thead><tr><th>#</th><th>symbol</th><th>side</th><th>entry (UTC)</th><th>exit (UTC)</th><th>qty</th><th>entry px</th><th>exit px</th><th>P&amp;L</th><th>return</th><th>fees</th><th></th></tr></thead>
<tbody>${rows}</tbody></table>
${d.trades.length > TRADE_ROWS ? `<p class="note">First ${TRADE_ROWS} of ${d.trades.length} trades; all of them are in the JSON report.</p>` : ''}
</main>
<script>${chartLibrary()}</script>
<script id="chart-data" type="application/json">${chart}</script>
<script>
(function(){
  var d = JSON.parse(document.getElementById('chart-data').textContent);
  var LC = window.LightweightCharts;
  var base = { layout: { background: { color: '#0f1115' }, textColor: '#c9d1d9' }, grid: { vertLines: { color: '#1c2029' }, horzLines: { color: '#1c2029' } },
               timeScale: { timeVisible: true, secondsVisible: false, minBarSpacing: 0.001 }, rightPriceScale: { borderColor: '#262a33' } };
  var eqEl = document.getElementById('equity'), ddEl = document.getElementById('drawdown');
  var eq = LC.createChart(eqEl, Object.assign({ width: eqEl.clientWidth, height: 340 }, base));
  var es = eq.addSeries(LC.AreaSeries, { lineColor: '#58a6ff', topColor: 'rgba(88,166,255,0.35)', bottomColor: 'rgba(88,166,255,0.02)', lineWidth: 2 });
  es.setData(d.t.map(function(t, i){ return { time: t, value: d.eq[i] }; }));
  var dd = LC.createChart(ddEl, Object.assign({ width: ddEl.clientWidth, height: 180 }, base));
  var ds = dd.addSeries(LC.AreaSeries, { lineColor: '#f85149', topColor: 'rgba(248,81,73,0.05)', bottomColor: 'rgba(248,81,73,0.45)', lineWidth: 1,
                                          priceFormat: { type: 'percent' }, invertFilledArea: true });
  ds.setData(d.t.map(function(t, i){ return { time: t, value: d.dd[i] * 100 }; }));
  eq.timeScale().fitContent(); dd.timeScale().fitContent();
  eq.timeScale().subscribeVisibleLogicalRangeChange(function(r){ if (r) dd.timeScale().setVisibleLogicalRange(r); });
  window.addEventListener('resize', function(){ eq.applyOptions({ width: eqEl.clientWidth }); dd.applyOptions({ width: ddEl.clientWidth }); });
  window.__tachyonChartsReady = true;
})();
</script>
</body></html>
`;
}

/** Writes `<name>.json` and `<name>.html` into `dir`; returns their paths. */
export function writeReport(r: BacktestResult | ReportData, dir: string, name?: string): { html: string; json: string } {
  const d = 'kind' in r ? r : reportData(r);
  const base = name ?? `backtest-${d.strategy.replace(/[^A-Za-z0-9_.-]+/g, '_')}-${d.createdAt.replace(/[:.]/g, '-')}`;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw new TachyonError('ERR_CONFIG', `cannot create the report directory ${dir}: ${(cause as Error).message}`, { cause });
  }
  const json = join(dir, `${base}.json`);
  const html = join(dir, `${base}.html`);
  writeFileSync(json, JSON.stringify(d));
  writeFileSync(html, renderHtml(d));
  return { html, json };
}

/** Reads a JSON report (for `tachyon report`). */
export function readReport(path: string): ReportData {
  let d: unknown;
  try {
    d = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new TachyonError('ERR_DATA', `cannot read report ${path}: ${(cause as Error).message}`, { cause });
  }
  if (!d || typeof d !== 'object' || (d as { kind?: unknown }).kind !== 'tachyon-backtest-report')
    throw new TachyonError('ERR_DATA', `${path} is not a Tachyon backtest report (no "kind": "tachyon-backtest-report")`);
  return d as ReportData;
}
