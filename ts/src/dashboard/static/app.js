// @ts-check
// Tachyon dashboard: a read-only view of a running session, fed by the server's JSON feed at
// /ws/dashboard. Controls appear only after the user supplies the control-API token (kept in
// sessionStorage of this tab; sent only as a bearer header to this server).
/* global uPlot */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const fmt0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money = (/** @type {number|null|undefined} */ v) => (v == null || !Number.isFinite(v) ? '—' : fmt.format(v));
const signed = (/** @type {HTMLElement} */ el, /** @type {number} */ v) => {
  el.textContent = money(v);
  el.classList.toggle('pos', v > 0);
  el.classList.toggle('neg', v < 0);
};
const ns = (/** @type {number|undefined} */ v) =>
  v == null ? '—' : v < 1e3 ? `${v.toFixed(0)} ns` : v < 1e6 ? `${(v / 1e3).toFixed(1)} µs` : `${(v / 1e6).toFixed(2)} ms`;

/** Equity history (ms timestamps, values) and the drawdown derived from it. */
const hist = { t: /** @type {number[]} */ ([]), eq: /** @type {number[]} */ ([]), dd: /** @type {number[]} */ ([]), peak: -Infinity, maxDd: 0 };
const MAX_POINTS = 3600;
let ticks = 0;

function pushPoint(/** @type {number} */ t, /** @type {number} */ v) {
  hist.peak = Math.max(hist.peak, v);
  const dd = hist.peak > 0 ? (v - hist.peak) / hist.peak : 0;
  hist.maxDd = Math.min(hist.maxDd, dd);
  hist.t.push(t / 1000);
  hist.eq.push(v);
  hist.dd.push(dd * 100);
  if (hist.t.length > MAX_POINTS) {
    hist.t.shift();
    hist.eq.shift();
    hist.dd.shift();
  }
}

/** @type {any} */ let eqChart = null;
/** @type {any} */ let ddChart = null;
function makeCharts() {
  if (typeof uPlot === 'undefined') return;
  const width = (/** @type {string} */ id) => Math.max(300, $(id).clientWidth || 600);
  const axes = [{ stroke: '#8a94a3', grid: { stroke: '#232b36' } }, { stroke: '#8a94a3', grid: { stroke: '#232b36' }, size: 70 }];
  eqChart = new uPlot(
    { width: width('equity-chart'), height: 220, series: [{}, { label: 'equity', stroke: '#58a6ff', width: 1.5 }], axes, legend: { show: false } },
    [hist.t, hist.eq],
    $('equity-chart'),
  );
  ddChart = new uPlot(
    { width: width('drawdown-chart'), height: 220, series: [{}, { label: 'drawdown %', stroke: '#f85149', fill: 'rgba(248,81,73,0.15)', width: 1 }], axes, legend: { show: false } },
    [hist.t, hist.dd],
    $('drawdown-chart'),
  );
  window.addEventListener('resize', () => {
    eqChart?.setSize({ width: width('equity-chart'), height: 220 });
    ddChart?.setSize({ width: width('drawdown-chart'), height: 220 });
  });
}

function renderCharts() {
  eqChart?.setData([hist.t, hist.eq]);
  ddChart?.setData([hist.t, hist.dd]);
  const last = hist.dd[hist.dd.length - 1];
  $('drawdown').textContent = last == null ? '—' : `${last.toFixed(2)} %`;
  $('max-drawdown').textContent = `${(hist.maxDd * 100).toFixed(2)} %`;
}

function setMode(/** @type {string|null} */ mode) {
  const el = $('mode');
  el.dataset.mode = mode ?? 'unknown';
  el.textContent = `mode: ${mode ?? '—'}`;
}

function cell(/** @type {HTMLTableRowElement} */ tr, /** @type {string} */ text, cls = '') {
  const td = tr.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

/** @param {any} s runtime snapshot */
function renderSnapshot(s) {
  if (!s) return;
  if (s.session) $('session').textContent = `${s.session.kind}${s.session.name ? ` · ${s.session.name}` : ''}`;
  $('equity').textContent = money(s.equity);
  const total = s.pnl.realized + s.pnl.unrealized - (s.pnl.fees ?? 0);
  signed($('pnl-total'), total);
  signed($('pnl-realized'), s.pnl.realized);
  signed($('pnl-unrealized'), s.pnl.unrealized);

  const pb = /** @type {HTMLTableElement} */ ($('positions')).tBodies[0];
  pb.replaceChildren();
  const open = (s.positions ?? []).filter((/** @type {any} */ p) => Number(p.qty) !== 0);
  for (const p of open) {
    const tr = pb.insertRow();
    cell(tr, p.symbol);
    cell(tr, p.qty, Number(p.qty) > 0 ? 'pos' : 'neg');
    cell(tr, p.avgPrice);
    cell(tr, p.mark);
    cell(tr, money(p.unrealizedPnl), p.unrealizedPnl >= 0 ? 'pos' : 'neg');
    cell(tr, money(p.realizedPnl), p.realizedPnl >= 0 ? 'pos' : 'neg');
  }
  $('positions-empty').hidden = open.length > 0;

  const rb = /** @type {HTMLTableElement} */ ($('risk-metrics')).tBodies[0];
  rb.replaceChildren();
  for (const m of s.risk?.metrics ?? []) {
    const tr = rb.insertRow();
    const th = document.createElement('th');
    th.textContent = m.name;
    tr.appendChild(th);
    cell(tr, `${Number.isInteger(m.value) ? fmt0.format(m.value) : fmt.format(m.value)}${m.unit ? ` ${m.unit}` : ''}`);
  }
  const lim = $('limits');
  lim.replaceChildren();
  for (const l of s.risk?.limits ?? []) {
    const frac = l.limit > 0 ? Math.abs(l.used) / l.limit : 0;
    const div = document.createElement('div');
    div.className = 'limit';
    div.dataset.limit = l.name;
    const label = document.createElement('div');
    label.className = 'label';
    const a = document.createElement('span');
    a.textContent = l.name;
    const b = document.createElement('span');
    b.textContent = `${fmt.format(l.used)} / ${fmt.format(l.limit)}${l.unit ? ` ${l.unit}` : ''} (${(frac * 100).toFixed(0)} %)`;
    label.append(a, b);
    const bar = document.createElement('div');
    bar.className = `bar${frac >= 1 ? ' over' : frac >= 0.8 ? ' hot' : ''}`;
    const fill = document.createElement('span');
    fill.style.width = `${Math.min(100, frac * 100)}%`;
    bar.appendChild(fill);
    div.append(label, bar);
    lim.appendChild(div);
  }

  const vb = /** @type {HTMLTableElement} */ ($('venues')).tBodies[0];
  vb.replaceChildren();
  for (const v of s.venues ?? []) {
    const tr = vb.insertRow();
    cell(tr, v.name);
    cell(tr, v.status, `status-${v.status}`);
    cell(tr, v.latencyMs == null ? '—' : `${v.latencyMs.toFixed(1)} ms`);
    cell(tr, v.errors == null ? '—' : String(v.errors));
    cell(tr, v.staleMs == null ? '—' : `${fmt0.format(v.staleMs)} ms`);
  }
  $('venues-empty').hidden = (s.venues ?? []).length > 0;
}

/** @param {any} st server status */
function renderStatus(st, /** @type {number|undefined} */ rate) {
  if (!st) return;
  if (st.mode !== undefined) setMode(st.mode);
  $('latency-p50').textContent = ns(st.latencyNs?.p50);
  $('latency-p99').textContent = ns(st.latencyNs?.p99);
  $('latency-p999').textContent = ns(st.latencyNs?.p999);
  $('decisions-total').textContent = fmt0.format(st.decisions.instruments);
  $('clients').textContent = String(st.connections.decision);
  if (rate !== undefined) $('decisions-rate').textContent = `${fmt0.format(rate)}/s`;
}

/** @type {any[]} */ const transitions = [];
function renderTransitions() {
  const tb = /** @type {HTMLTableElement} */ ($('transitions')).tBodies[0];
  tb.replaceChildren();
  for (const t of transitions.slice(-12).reverse()) {
    const tr = tb.insertRow();
    cell(tr, String(t.seq));
    cell(tr, new Date(Number(BigInt(t.tsNs) / 1000000n)).toLocaleTimeString());
    cell(tr, `${t.from} → ${t.to}`);
    cell(tr, t.source);
    cell(tr, t.reason);
  }
}

// ---- client-side analytics: the Rust kernels compiled to WebAssembly (/lib/, the same code as
// the server's addon), run in this browser on the equity curve the page already holds. GARCH fits
// run on a Web Worker. `window.tachyonAnalytics` keeps the last inputs and results (for tests).

/** @type {any} */ let kernels = null;
let analyticsBusy = false;
let analyticsAt = 0;
const ANALYTICS_EVERY_MS = 1000;

import('/lib/ts/dist/browser.js').then(
  (t) => {
    kernels = t;
    $('an-status').textContent = `computed here by the WebAssembly build ${t.backendInfo.wasmVersion} of the Rust kernels`;
    void runAnalytics();
  },
  (e) => {
    $('an-status').textContent = `unavailable: the WebAssembly kernels did not load (${e instanceof Error ? e.message : e})`;
  },
);

function scheduleAnalytics() {
  if (Date.now() - analyticsAt >= ANALYTICS_EVERY_MS) void runAnalytics();
}

async function runAnalytics() {
  if (!kernels || analyticsBusy || hist.eq.length < 3) return;
  analyticsBusy = true;
  analyticsAt = Date.now();
  try {
    const equity = Float64Array.from(hist.eq);
    const rets = [];
    for (let i = 1; i < equity.length; i++) {
      const r = equity[i] / equity[i - 1] - 1;
      if (equity[i - 1] > 0 && Number.isFinite(r)) rets.push(r);
    }
    const returns = Float64Array.from(rets);
    const last = equity[equity.length - 1];
    const emaSeries = new kernels.Ema({ period: 20 }).batch(equity);
    const ema = emaSeries[emaSeries.length - 1];
    /** @type {any} */ let risk = null;
    if (returns.length >= 30) risk = kernels.varHistorical(returns, 0.99);
    /** @type {any} */ let garch = null;
    let garchNote = returns.length >= 100 ? '' : `needs 100 returns (${returns.length})`;
    if (returns.length >= 100) {
      try {
        const m = await kernels.Garch11.fitAsync(returns);
        garch = { variance: m.variance, estimates: Array.from(m.fitResult.estimates), status: m.fitResult.status };
      } catch (e) {
        garchNote = /** @type {any} */ (e).code ?? String(e);
      }
    }
    $('an-n').textContent = fmt0.format(returns.length);
    $('an-ema').textContent = Number.isFinite(ema) ? money(ema) : '—';
    $('an-var').textContent = risk ? `${money(risk.var * last)} (${(risk.var * 100).toFixed(4)} %)` : '—';
    $('an-cvar').textContent = risk ? `${money(risk.cvar * last)} (${(risk.cvar * 100).toFixed(4)} %)` : '—';
    $('an-garch').textContent = garch ? `${(Math.sqrt(garch.variance) * 100).toFixed(4)} %` : garchNote ? `— (${garchNote})` : '—';
    /** @type {any} */ (window).tachyonAnalytics = { equity: Array.from(equity), returns: Array.from(returns), ema, risk, garch };
  } catch (e) {
    $('an-status').textContent = `analytics failed: ${/** @type {any} */ (e).code ?? ''} ${e instanceof Error ? e.message : e}`;
  } finally {
    analyticsBusy = false;
  }
}

// ---- the live feed

let backoff = 250;
function connect() {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/dashboard`;
  const token = sessionStorage.getItem('tachyon.token');
  const protocols = ['tachyon.dashboard', ...(token ? [`bearer.${token}`] : [])];
  const ws = new WebSocket(url, protocols);
  const conn = $('conn');
  ws.onopen = () => {
    backoff = 250;
    conn.dataset.state = 'live';
    conn.textContent = 'live';
  };
  ws.onclose = () => {
    conn.dataset.state = 'lost';
    conn.textContent = 'disconnected: retrying';
    setTimeout(connect, backoff);
    backoff = Math.min(5000, backoff * 2);
  };
  ws.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    if (m.type === 'init') {
      hist.t.length = hist.eq.length = hist.dd.length = 0;
      hist.peak = -Infinity;
      hist.maxDd = 0;
      m.history.t.forEach((/** @type {number} */ t, /** @type {number} */ i) => pushPoint(t, m.history.equity[i]));
      transitions.splice(0, transitions.length, ...m.transitions);
      renderTransitions();
      setMode(m.mode);
      renderStatus(m.status);
      renderSnapshot(m.snapshot);
      renderCharts();
      scheduleAnalytics();
      $('token-form').hidden = false;
      if (!m.controlApi) $('token-msg').textContent = 'the control API is disabled on this server (no token configured)';
    } else if (m.type === 'tick') {
      ticks++;
      if (m.equity != null) pushPoint(m.t, m.equity);
      renderSnapshot(m.snapshot);
      renderStatus(m.status, m.decisionsPerSec);
      renderCharts();
      scheduleAnalytics();
      $('ticks').textContent = String(ticks);
      $('updated').textContent = new Date().toLocaleTimeString();
    } else if (m.type === 'transitions') {
      transitions.push(...m.transitions);
      renderTransitions();
      setMode(m.mode);
    }
  };
}

// ---- operator controls (only with the token)

async function unlock(/** @type {string} */ token) {
  const r = await fetch('/api/auth', { headers: { Authorization: `Bearer ${token}` } });
  if (r.ok) {
    sessionStorage.setItem('tachyon.token', token);
    $('controls').hidden = false;
    $('token-form').hidden = true;
  } else {
    $('token-msg').textContent = r.status === 429 ? 'too many attempts; wait a moment' : 'token refused';
  }
}

$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('token'));
  const token = input.value.trim();
  input.value = '';
  if (token) void unlock(token);
});

for (const b of document.querySelectorAll('#controls button[data-action]')) {
  b.addEventListener('click', async () => {
    const action = /** @type {HTMLElement} */ (b).dataset.action;
    const token = sessionStorage.getItem('tachyon.token');
    if (!token) return;
    if ((action === 'kill' || action === 'flatten') && !confirm(`${action}: are you sure?`)) return;
    const reason = /** @type {HTMLInputElement} */ ($('reason')).value || `${action} from the dashboard`;
    const r = await fetch(`/api/control/${action}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason }),
    });
    const body = await r.json().catch(() => ({}));
    $('control-msg').textContent = r.ok ? `${action}: ok (mode ${body.mode})` : `${action}: ${body.message ?? r.status}`;
    if (r.status === 401) {
      sessionStorage.removeItem('tachyon.token');
      $('controls').hidden = true;
      $('token-form').hidden = false;
    }
  });
}

makeCharts();
if (sessionStorage.getItem('tachyon.token')) void unlock(/** @type {string} */ (sessionStorage.getItem('tachyon.token')));
connect();
