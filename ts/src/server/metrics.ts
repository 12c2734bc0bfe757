/**
 * Server metrics: plain counters on the hot path, exported through prom-client at scrape time.
 *
 * The decision path only increments fields of {@link HotCounters} and writes its latency into a
 * `Float64Array`; a full buffer is moved into the native HDR histogram (`LatencyHistogram`,
 * Rust) with one `recordMany` call. prom-client reads everything in its `collect` hooks, so a
 * scrape costs the server a few microseconds and a request costs it none of prom-client's
 * label hashing.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { LatencyHistogram, type LatencySummary } from '../api/core.js';
import type { RuntimeSnapshot } from './types.js';

/** Bucket bounds (seconds) of the decision-latency histogram. */
export const LATENCY_BUCKETS_S = [5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 1e-1];

/** Plain counters, bumped on the hot path. */
export class HotCounters {
  decisionRequests = 0;
  decisions = 0;
  marketEventFrames = 0;
  marketEvents = 0;
  framesIn = 0;
  framesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
}

/** Buffers latencies (ns) and moves them into native HDR histograms in batches. */
export class LatencyRecorder {
  private readonly buf: Float64Array;
  private n = 0;
  /** Since start. */
  readonly total = new LatencyHistogram();
  /** The current window; rotated by {@link LatencyRecorder.rotate}. */
  private window = new LatencyHistogram();
  private last: LatencySummary | null = null;

  constructor(batch = 1024) {
    this.buf = new Float64Array(batch);
  }

  record(ns: number): void {
    this.buf[this.n++] = ns;
    if (this.n === this.buf.length) this.flush();
  }

  flush(): void {
    if (this.n === 0) return;
    const v = this.n === this.buf.length ? this.buf : this.buf.subarray(0, this.n);
    this.total.recordMany(v);
    this.window.recordMany(v);
    this.n = 0;
  }

  /** Ends the current window (its summary becomes {@link LatencyRecorder.recent}). */
  rotate(): void {
    this.flush();
    if (this.window.count > 0) {
      this.last = this.window.summary();
      this.window.reset();
    }
  }

  /** Percentiles of the last completed window (or of the current one before the first rotation). */
  recent(): LatencySummary | null {
    this.flush();
    if (this.last) return this.last;
    return this.window.count > 0 ? this.window.summary() : null;
  }

  summary(): LatencySummary | null {
    this.flush();
    return this.total.count > 0 ? this.total.summary() : null;
  }
}

/** Why connections were closed or frames refused (label values). */
export type DropReason =
  | 'malformed'
  | 'unknown_message'
  | 'bad_dimensions'
  | 'batch_too_large'
  | 'not_supported'
  | 'engine_error'
  | 'oversized'
  | 'slow_consumer'
  | 'idle_timeout'
  | 'max_connections'
  | 'refused';

/** Everything `/metrics` shows. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly hot = new HotCounters();
  readonly latency = new LatencyRecorder();
  readonly wsErrors: Counter<'reason'>;
  readonly wsClosed: Counter<'reason'>;
  readonly http: Counter<'route' | 'status'>;
  readonly control: Counter<'action' | 'outcome'>;
  readonly jobs: Counter<'kind' | 'outcome'>;
  private readonly ringDepth: Gauge<'ring'>;
  private readonly mode: Gauge<'mode'>;
  private readonly refreshSession: () => void;

  constructor(
    opts: {
      connections: () => { decision: number; dashboard: number };
      mode: () => string | null;
      snapshot: () => RuntimeSnapshot | null;
      backpressureBytes: () => number;
      poolQueue: () => number;
      defaultMetrics?: boolean;
    },
  ) {
    const registers = [this.registry];
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'tachyon_' });
    const hot = this.hot;
    // Counters fed from plain numbers: each scrape adds what happened since the last one.
    const fromHot = (name: string, help: string, read: () => number) => {
      let seen = 0;
      return new Counter({
        name,
        help,
        registers,
        collect() {
          const v = read();
          if (v > seen) this.inc(v - seen);
          seen = v;
        },
      });
    };
    fromHot('tachyon_decision_requests_total', 'Decision request frames answered', () => hot.decisionRequests);
    fromHot('tachyon_decisions_total', 'Instruments decided (rows over all requests)', () => hot.decisions);
    fromHot('tachyon_market_event_frames_total', 'MarketEvents frames received', () => hot.marketEventFrames);
    fromHot('tachyon_market_events_total', 'Market events received', () => hot.marketEvents);
    fromHot('tachyon_ws_frames_in_total', 'WebSocket frames received on the decision endpoint', () => hot.framesIn);
    fromHot('tachyon_ws_frames_out_total', 'WebSocket frames sent on the decision endpoint', () => hot.framesOut);
    fromHot('tachyon_ws_bytes_in_total', 'Bytes received on the decision endpoint', () => hot.bytesIn);
    fromHot('tachyon_ws_bytes_out_total', 'Bytes sent on the decision endpoint', () => hot.bytesOut);

    this.wsErrors = new Counter({
      name: 'tachyon_ws_errors_total',
      help: 'Frames refused, by reason (the client got an Error frame or was closed)',
      labelNames: ['reason'],
      registers,
    });
    this.wsClosed = new Counter({
      name: 'tachyon_ws_closed_total',
      help: 'Connections closed or refused by the server, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.http = new Counter({
      name: 'tachyon_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers,
    });
    this.control = new Counter({
      name: 'tachyon_control_requests_total',
      help: 'Control API calls by action and outcome (ok, denied, rate_limited, refused, error, unavailable)',
      labelNames: ['action', 'outcome'],
      registers,
    });
    this.jobs = new Counter({
      name: 'tachyon_jobs_total',
      help: 'Heavy jobs run on the worker pool, by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    new Gauge({
      name: 'tachyon_ws_connections',
      help: 'Open WebSocket connections by endpoint',
      labelNames: ['endpoint'],
      registers,
      collect() {
        const c = opts.connections();
        this.set({ endpoint: 'decision' }, c.decision);
        this.set({ endpoint: 'dashboard' }, c.dashboard);
      },
    });
    new Gauge({
      name: 'tachyon_ws_backpressure_bytes',
      help: 'Bytes buffered for slow decision clients (sum over connections)',
      registers,
      collect() {
        this.set(opts.backpressureBytes());
      },
    });
    new Gauge({
      name: 'tachyon_worker_queue_depth',
      help: 'Heavy jobs waiting for a worker',
      registers,
      collect() {
        this.set(opts.poolQueue());
      },
    });
    this.ringDepth = new Gauge({ name: 'tachyon_ring_depth', help: 'Events waiting in each ring of the session', labelNames: ['ring'], registers });
    this.mode = new Gauge({
      name: 'tachyon_control_mode',
      help: 'Control mode: 1 for the current mode, 0 for the others',
      labelNames: ['mode'],
      registers,
    });
    const equity = new Gauge({ name: 'tachyon_equity', help: 'Account equity (quote currency)', registers });
    const pnl = new Gauge({ name: 'tachyon_pnl', help: 'P&L by kind (realized, unrealized, total)', labelNames: ['kind'], registers });
    const positions = new Gauge({ name: 'tachyon_open_positions', help: 'Instruments with a non-zero position', registers });
    const venueUp = new Gauge({ name: 'tachyon_venue_up', help: 'Venue health: 1 up, 0.5 degraded, 0 down', labelNames: ['venue'], registers });

    // The decision latency as a Prometheus summary, from the native HDR histogram (since start).
    const latency = this.latency;
    this.registry.registerMetric({
      name: 'tachyon_decision_latency_seconds',
      get: async (): Promise<MetricObjectWithValues<MetricValue<string>>> => {
        const s = latency.summary();
        const q = (v: number | undefined) => (v ?? 0) / 1e9;
        return <MetricObjectWithValues<MetricValue<string>>>(<unknown>{
          name: 'tachyon_decision_latency_seconds',
          help: 'Server time per decision request (decode, decide, encode, send), from an HDR histogram since start',
          type: 'summary' as never,
          aggregator: 'sum',
          values: [
            { labels: { quantile: 0.5 }, value: q(s?.p50) },
            { labels: { quantile: 0.99 }, value: q(s?.p99) },
            { labels: { quantile: 0.999 }, value: q(s?.p999) },
            { labels: {}, value: q((s?.mean ?? 0) * (s?.count ?? 0)), metricName: 'tachyon_decision_latency_seconds_sum' } as MetricValue<string>,
            { labels: {}, value: s?.count ?? 0, metricName: 'tachyon_decision_latency_seconds_count' } as MetricValue<string>,
          ],
        });
      },
      reset: () => {},
      // prom-client calls these on registered metrics; the summary is read-only.
    } as never);

    // The same samples as a Prometheus histogram (cumulative buckets), so `histogram_quantile`
    // works across instances. Each bucket's count is read from the HDR histogram by bisection on
    // the sample rank (≈ 25 quantile reads per bucket, at scrape time only).
    this.registry.registerMetric({
      name: 'tachyon_decision_latency_hist_seconds',
      get: async (): Promise<MetricObjectWithValues<MetricValue<string>>> => {
        const s = latency.summary();
        const total = latency.total;
        const n = s?.count ?? 0;
        const atOrBelow = (ns: number): number => {
          if (n === 0) return 0;
          let lo = 0; // samples known ≤ ns
          let hi = n; // upper bound
          while (lo < hi) {
            const mid = Math.ceil((lo + hi) / 2);
            if (total.quantile(mid / n) <= ns) lo = mid;
            else hi = mid - 1;
          }
          return lo;
        };
        const values: MetricValue<string>[] = LATENCY_BUCKETS_S.map(
          (b) => ({ labels: { le: b }, value: atOrBelow(b * 1e9), metricName: 'tachyon_decision_latency_hist_seconds_bucket' }) as MetricValue<string>,
        );
        values.push({ labels: { le: '+Inf' }, value: n, metricName: 'tachyon_decision_latency_hist_seconds_bucket' } as MetricValue<string>);
        values.push({ labels: {}, value: ((s?.mean ?? 0) * n) / 1e9, metricName: 'tachyon_decision_latency_hist_seconds_sum' } as MetricValue<string>);
        values.push({ labels: {}, value: n, metricName: 'tachyon_decision_latency_hist_seconds_count' } as MetricValue<string>);
        return <MetricObjectWithValues<MetricValue<string>>>(<unknown>{
          name: 'tachyon_decision_latency_hist_seconds',
          help: 'Server time per decision request as cumulative buckets (from the same HDR histogram)',
          type: 'histogram' as never,
          aggregator: 'sum',
          values,
        });
      },
      reset: () => {},
    } as never);

    this.refreshSession = () => {
      const m = opts.mode();
      this.mode.reset();
      if (m) for (const name of ['normal', 'pause', 'reduce', 'emergency']) this.mode.set({ mode: name }, m === name ? 1 : 0);
      const s = opts.snapshot();
      if (!s) return;
      equity.set(s.equity);
      pnl.set({ kind: 'realized' }, s.pnl.realized);
      pnl.set({ kind: 'unrealized' }, s.pnl.unrealized);
      pnl.set({ kind: 'total' }, s.pnl.realized + s.pnl.unrealized - (s.pnl.fees ?? 0));
      positions.set(s.positions.filter((p) => Number(p.qty) !== 0).length);
      venueUp.reset();
      for (const v of s.venues ?? []) venueUp.set({ venue: v.name }, v.status === 'up' ? 1 : v.status === 'degraded' ? 0.5 : 0);
      this.ringDepth.reset();
      for (const [ring, depth] of Object.entries(s.rings ?? {})) this.ringDepth.set({ ring }, depth);
    };
  }

  /** Counts a refused frame. */
  error(reason: DropReason): void {
    this.wsErrors.inc({ reason });
  }

  /** Counts a connection the server closed or refused. */
  closed(reason: DropReason): void {
    this.wsClosed.inc({ reason });
  }

  /** The Prometheus text exposition; reads the session state first. */
  async text(): Promise<string> {
    this.refreshSession();
    return this.registry.metrics();
  }
}
