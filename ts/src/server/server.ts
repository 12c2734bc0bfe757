/**
 * The decision server: uWebSockets.js on 127.0.0.1 by default.
 *
 * | path | what |
 * |---|---|
 * | `ws /ws` | binary FlatBuffers protocol (`protocol/tachyon.fbs`): decisions, market data, pushes |
 * | `ws /ws/dashboard` | JSON feed of the dashboard (read-only) |
 * | `GET /` | the dashboard page |
 * | `GET /healthz`, `/readyz` | liveness; readiness (listening, decision engine present, state readable) |
 * | `GET /metrics` | Prometheus text exposition |
 * | `GET /api/status`, `/api/limits`, `/api/transitions`, `/api/audit`, `/api/state`, `/api/auth` | read-only JSON |
 * | `POST /api/control/{pause,reduce,resume,kill,flatten}` | mutating: bearer token, rate limited, audited |
 * | `POST /api/jobs/{task}` | a heavy job on the worker pool (bearer token, rate limited) |
 *
 * The decision path is synchronous inside the WebSocket message callback: decode (views into
 * the frame), one batched call into the decision engine, encode into a reused builder, send.
 * Nothing queues on the server: a client that does not read its answers accumulates
 * backpressure, is told (`SlowConsumer`) at half of `maxBackpressureBytes` and dropped at the
 * limit.
 *
 * @example
 * ```ts
 * import { startServer, DecisionEngine, controlFromRiskEngine } from 'tachyon';
 * const server = await startServer({ port: 7070 }, { decider: engine, control: controlFromRiskEngine(risk), state });
 * console.log(`dashboard: ${server.url}`);
 * // … later
 * await server.close();
 * ```
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import type * as UWS from 'uWebSockets.js';
import { TachyonError, isTachyonError } from '../errors.js';
import { dashboardAssets, type Asset } from '../dashboard/assets.js';
import { AuditLog, RateLimiter, TokenCheck, loadToken } from './auth.js';
import { ServerMetrics, type DropReason } from './metrics.js';
import { isLoopback, resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from './options.js';
import { backend, native } from '../native.js';
import { holdCpuWakeLatency } from './pmqos.js';
import { JobPool } from './pool.js';
import { ErrorCode, FrameDecoder, FrameEncoder, FrameError, Payload, Topic, modeCode, type OrderEventInput } from './protocol/codec.js';
import type { AuditEntry, ControlAction, DecisionColumns, RuntimeSnapshot, ServerDeps, Transition } from './types.js';

const require = createRequire(import.meta.url);
const uWS = require('uWebSockets.js') as typeof UWS;

/** `true` when uWebSockets.js loaded its native binary (it silently falls back to a JS implementation otherwise). */
export function uwsIsNative(): boolean {
  return Object.keys(require.cache).some((k) => /binaries[\\/]uws_.*\.node$/.test(k));
}

const pkgVersion = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A running server. */
export interface TachyonServer {
  /** `http://host:port/` (the dashboard). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly options: Readonly<ResolvedServerOptions>;
  readonly metrics: ServerMetrics;
  /** Whether a control-API token is configured (the token itself is not exposed). */
  readonly controlEnabled: boolean;
  /** Recent audit entries, newest last. */
  auditLog(n?: number): AuditEntry[];
  /** Pushes an order event to clients subscribed to `Topic.Orders`. */
  publishOrderEvent(e: OrderEventInput): void;
  /** Pushes market events (48-byte records) to clients subscribed to `Topic.Market`. */
  publishMarketEvents(records: Uint8Array, count: number): void;
  /** Runs a registered heavy job on the worker pool. */
  runJob(task: string, params: unknown): Promise<unknown>;
  /** Stops listening, closes every connection (1001) and the worker pool. */
  close(): Promise<void>;
}

interface DecisionSocket {
  id: number;
  remote: string;
  warned: boolean;
  closing: boolean;
}

const CONTROL_ACTIONS = new Set<string>(['pause', 'reduce', 'resume', 'kill', 'flatten']);
const MAX_CONTROL_BODY = 4096;
const MAX_JOB_BODY = 1 << 20;
const TOPIC_NAMES: [number, string][] = [
  [Topic.Status, 'status'],
  [Topic.Market, 'market'],
  [Topic.Orders, 'orders'],
];

const REASON_OF: Record<number, DropReason> = {
  [ErrorCode.Malformed]: 'malformed',
  [ErrorCode.UnknownMessage]: 'unknown_message',
  [ErrorCode.BadDimensions]: 'bad_dimensions',
  [ErrorCode.BatchTooLarge]: 'batch_too_large',
  [ErrorCode.NotSupported]: 'not_supported',
  [ErrorCode.EngineError]: 'engine_error',
};

/** Output columns for `rows` instruments: cached for small batches, views of one buffer for large ones. */
class OutputColumns {
  private readonly small: (DecisionColumns | undefined)[] = [];
  private big: DecisionColumns | null = null;

  get(rows: number): DecisionColumns {
    if (rows <= 64) return (this.small[rows] ??= columns(rows));
    if (!this.big || this.big.length < rows) this.big = columns(Math.max(rows, (this.big?.length ?? 0) * 2));
    const b = this.big;
    return b.length === rows
      ? b
      : {
          length: rows,
          actions: b.actions.subarray(0, rows),
          scores: b.scores.subarray(0, rows),
          confidence: b.confidence.subarray(0, rows),
          clamps: b.clamps.subarray(0, rows),
          reasons: b.reasons.subarray(0, rows),
          clampFeatures: b.clampFeatures.subarray(0, rows),
        };
  }
}

function columns(n: number): DecisionColumns {
  return {
    length: n,
    actions: new Uint8Array(n),
    scores: new Float64Array(n),
    confidence: new Float64Array(n),
    clamps: new Uint8Array(n),
    reasons: new Uint8Array(n),
    clampFeatures: new Uint16Array(n),
  };
}

/** Text of an ArrayBuffer from uWS. */
const text = (ab: ArrayBuffer) => Buffer.from(ab).toString('utf8');

/** JSON-safe copy (bigints as strings). */
function jsonable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

/**
 * Starts the server. Resolves once it listens; rejects with `ERR_INVALID_ARG` for bad options
 * or `ERR_SYSTEM` when the address cannot be bound or `cpuWakeLatencyUs` cannot be held.
 */
export async function startServer(options: ServerOptions = {}, deps: ServerDeps = {}): Promise<TachyonServer> {
  const opts = resolveServerOptions(options);
  const { token, source: tokenSource } = loadToken(opts);
  const auth = new TokenCheck(token);
  // Logs go to stderr (stdout belongs to the CLI's own output).
  const log: Logger = pino({ level: opts.log, name: 'tachyon-server' }, pino.destination(2));
  const limiter = new RateLimiter(opts.controlRate.perSec, opts.controlRate.burst);
  // Held from here to close(); released if start-up fails.
  const wake = opts.cpuWakeLatencyUs === undefined ? null : holdCpuWakeLatency(opts.cpuWakeLatencyUs);
  const audit = new AuditLog(opts.auditCapacity, deps.audit, (e) => log.info({ audit: e }, `control ${e.action}: ${e.outcome}`));
  const pool = opts.jobs === false ? null : new JobPool(opts.jobs);
  const assets = dashboardAssets();

  // ---- state shared by the handlers
  const decisionSockets = new Set<UWS.WebSocket<DecisionSocket>>();
  let dashboardClients = 0;
  let nextId = 1;
  let listenSocket: UWS.us_listen_socket | null = null;
  let closed = false;
  let lastSnapshot: RuntimeSnapshot | null = null;
  let snapshotError: string | null = null;
  let mode = deps.control ? safeMode() : 'normal';
  let modeWire: number = modeCode(mode);
  let lastTransitionSeq = 0;
  const recentTransitions: Transition[] = [];
  const equityT: number[] = [];
  const equityV: number[] = [];
  const startedAtMs = Date.now();

  function safeMode(): string {
    try {
      return String(deps.control!.mode()).toLowerCase();
    } catch {
      return 'emergency';
    }
  }

  const metrics = new ServerMetrics({
    connections: () => ({ decision: decisionSockets.size, dashboard: dashboardClients }),
    mode: () => (deps.control ? mode : null),
    snapshot: () => takeSnapshot(),
    backpressureBytes: () => {
      let s = 0;
      for (const ws of decisionSockets) s += ws.getBufferedAmount();
      return s;
    },
    poolQueue: () => pool?.queueSize ?? 0,
    defaultMetrics: opts.defaultMetrics,
  });
  const hot = metrics.hot;
  const decoder = new FrameDecoder(opts.maxBatch);
  const encoder = new FrameEncoder();
  const outputs = new OutputColumns();
  // Each message into the decoder's buffer: on the addon by a native copy, with no JS view of
  // uWS's ArrayBuffer (one fewer object per request for the young generation to collect).
  const copyMessage: (msg: ArrayBuffer, to: Uint8Array) => void =
    backend === 'native' ? (msg, to) => void native.copyArrayBuffer(msg, to) : (msg, to) => to.set(new Uint8Array(msg));
  const softLimit = opts.maxBackpressureBytes / 2;

  function takeSnapshot(): RuntimeSnapshot | null {
    if (!deps.state) return null;
    try {
      lastSnapshot = deps.state.snapshot();
      snapshotError = null;
    } catch (e) {
      snapshotError = e instanceof Error ? e.message : String(e);
    }
    return lastSnapshot;
  }

  // ---- the binary protocol

  /** Sends `frame` to `ws`; tells or drops a client whose unread bytes pile up. */
  function send(ws: UWS.WebSocket<DecisionSocket>, frame: Uint8Array): void {
    const u = ws.getUserData();
    if (u.closing) return;
    ws.send(frame, true, false);
    hot.framesOut++;
    hot.bytesOut += frame.length;
    const buffered = ws.getBufferedAmount();
    if (buffered > softLimit) {
      if (buffered > opts.maxBackpressureBytes) {
        drop(ws, 'slow_consumer', 4008, `slow consumer: ${buffered} bytes unread (limit ${opts.maxBackpressureBytes})`);
      } else if (!u.warned) {
        u.warned = true;
        metrics.error('slow_consumer');
        ws.send(encoder.error(0n, ErrorCode.SlowConsumer, `${buffered} bytes unread; at ${opts.maxBackpressureBytes} the connection is dropped`), true);
      }
    }
  }

  /** Closes a connection with a code and a reason (≤ 123 bytes), counted. */
  function drop(ws: UWS.WebSocket<DecisionSocket>, reason: DropReason, code: number, message: string): void {
    const u = ws.getUserData();
    if (u.closing) return;
    u.closing = true;
    metrics.closed(reason);
    log.warn({ conn: u.id, remote: u.remote, reason }, message);
    ws.end(code, Buffer.from(message).subarray(0, 123).toString());
  }

  function refuse(ws: UWS.WebSocket<DecisionSocket>, requestId: bigint, code: ErrorCode, message: string): void {
    metrics.error(REASON_OF[code] ?? 'refused');
    send(ws, encoder.error(requestId, code, message));
  }

  function onDecision(ws: UWS.WebSocket<DecisionSocket>, t0: number): void {
    const decider = deps.decider;
    if (!decider) return refuse(ws, decoder.requestId, ErrorCode.NotSupported, 'this server has no decision engine');
    // The request stays in the decoder (its copy of the frame, read through long-lived views):
    // nothing on this path allocates for batches of up to 64 instruments.
    try {
      decoder.readDecision();
    } catch (e) {
      if (e instanceof FrameError && e.code === ErrorCode.Malformed) throw e;
      return refuse(ws, decoder.requestId, e instanceof FrameError ? e.code : ErrorCode.Malformed, (e as Error).message);
    }
    const nf = decoder.nFeatures;
    if (nf !== decider.nFeatures)
      return refuse(ws, decoder.requestId, ErrorCode.BadDimensions, `n_features is ${nf}; the engine decides ${decider.nFeatures} features per instrument`);
    const rows = decoder.rows;
    const out = outputs.get(rows);
    try {
      if (decider.decideRows) decider.decideRows(decoder.f64, decoder.featureStart, rows, out);
      else decider.decideBatch(decoder.f64.subarray(decoder.featureStart, decoder.featureStart + rows * nf), out);
    } catch (e) {
      return refuse(ws, decoder.requestId, ErrorCode.EngineError, (e as Error).message);
    }
    const serverNs = Math.round((performance.now() - t0) * 1e6);
    send(ws, encoder.decision(decoder.idLo, decoder.idHi, decoder.u32, rows, out, modeWire, decoder.clientTsLo, decoder.clientTsHi, serverNs, decoder.instrumentStart));
    hot.decisionRequests++;
    hot.decisions += rows;
    metrics.latency.record((performance.now() - t0) * 1e6);
  }

  function onMessage(ws: UWS.WebSocket<DecisionSocket>, msg: ArrayBuffer, isBinary: boolean): void {
    const t0 = performance.now();
    hot.framesIn++;
    hot.bytesIn += msg.byteLength;
    const u = ws.getUserData();
    if (u.closing) return;
    if (!isBinary) return drop(ws, 'malformed', 1003, 'text frames are not accepted: send binary FlatBuffers Envelopes');
    if (msg.byteLength > opts.maxPayloadBytes)
      return drop(ws, 'oversized', 1009, `frame of ${msg.byteLength} bytes exceeds the limit of ${opts.maxPayloadBytes}`);
    try {
      copyMessage(msg, decoder.reserve(msg.byteLength));
      const type = decoder.openCopied(msg.byteLength);
      switch (type) {
        case Payload.DecisionRequest:
          return onDecision(ws, t0);
        case Payload.MarketEvents: {
          const { records, count } = decoder.marketEvents();
          hot.marketEventFrames++;
          hot.marketEvents += count;
          const sink = deps.feed?.onMarketEvents;
          if (!sink) return refuse(ws, decoder.requestId, ErrorCode.NotSupported, 'this server has no market-data sink');
          if (sink(records, count) === false)
            return refuse(ws, decoder.requestId, ErrorCode.Overloaded, 'market events refused: the session is not accepting data');
          if (decoder.requestId !== 0n) send(ws, encoder.pong(decoder.requestId, BigInt(Date.now()) * 1_000_000n));
          return;
        }
        case Payload.Subscribe: {
          const bits = decoder.topics();
          for (const [bit, name] of TOPIC_NAMES) {
            if (bits & bit) ws.subscribe(name);
            else ws.unsubscribe(name);
          }
          if (bits & Topic.Status) send(ws, statusFrame());
          return;
        }
        case Payload.Ping:
          return send(ws, encoder.pong(decoder.requestId, BigInt(Date.now()) * 1_000_000n));
        default:
          return refuse(ws, decoder.requestId, ErrorCode.NotSupported, `${Payload[type]} is sent by the server, not to it`);
      }
    } catch (e) {
      if (e instanceof FrameError) {
        const reason = REASON_OF[e.code] ?? 'malformed';
        metrics.error(reason);
        // Structural garbage: say why in an Error frame, then close (1007: inconsistent data).
        send(ws, encoder.error(decoder.requestId, e.code, e.message));
        return drop(ws, reason, e.code === ErrorCode.UnknownMessage ? 1003 : 1007, `${ErrorCode[e.code]}: ${e.message}`);
      }
      // Anything else is our bug: the frame still gets an answer, and the server keeps serving.
      log.error({ err: e }, 'decision path failed');
      metrics.error('engine_error');
      send(ws, encoder.error(decoder.requestId, ErrorCode.EngineError, 'internal error'));
    }
  }

  function statusFrame(reason = ''): Uint8Array {
    return encoder.status({
      mode,
      tsNs: BigInt(Date.now()) * 1_000_000n,
      transitionSeq: lastTransitionSeq,
      reason,
      connections: decisionSockets.size,
      decisions: hot.decisions,
    });
  }

  // ---- HTTP helpers

  function remoteOf(res: UWS.HttpResponse): string {
    return text(res.getRemoteAddressAsText());
  }

  function reply(res: UWS.HttpResponse, route: string, status: number, body: string | Uint8Array, type = 'application/json', extra: [string, string][] = []): void {
    metrics.http.inc({ route, status: String(status) });
    res.cork(() => {
      res.writeStatus(`${status} ${STATUS_TEXT[status] ?? ''}`);
      res.writeHeader('Content-Type', type);
      res.writeHeader('Cache-Control', 'no-store');
      res.writeHeader('X-Content-Type-Options', 'nosniff');
      for (const [k, v] of extra) res.writeHeader(k, v);
      res.end(body);
    });
  }

  const json = (res: UWS.HttpResponse, route: string, status: number, body: unknown) => reply(res, route, status, jsonable(body));

  /** Read access: open, or the bearer token. */
  function canRead(authHeader: string): boolean {
    return opts.openRead || auth.verify(authHeader || undefined);
  }

  function readBody(res: UWS.HttpResponse, limit: number, state: { aborted: boolean }): Promise<Buffer | null> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.onData((chunk, last) => {
        if (size < 0) return;
        size += chunk.byteLength;
        if (size > limit) {
          size = -1;
          resolve(null);
          return;
        }
        chunks.push(Buffer.from(chunk.slice(0)));
        if (last) resolve(Buffer.concat(chunks));
      });
      res.onAborted(() => {
        state.aborted = true;
        resolve(null);
      });
    });
  }

  function getRoute(app: UWS.TemplatedApp, path: string, route: string, handler: (res: UWS.HttpResponse, req: UWS.HttpRequest) => void, read = true): void {
    app.get(path, (res, req) => {
      if (read && !canRead(req.getHeader('authorization'))) {
        json(res, route, 401, { error: 'ERR_UNAUTHORIZED', message: 'read access needs the bearer token on this server' });
        return;
      }
      handler(res, req);
    });
  }

  // ---- control API

  function controlCall(res: UWS.HttpResponse, req: UWS.HttpRequest): void {
    const action = req.getParameter(0) ?? '';
    const route = '/api/control';
    const authHeader = req.getHeader('authorization');
    const remote = remoteOf(res);
    const state = { aborted: false };
    const entry = (outcome: AuditEntry['outcome'], extra: Partial<AuditEntry> = {}): void => {
      metrics.control.inc({ action: CONTROL_ACTIONS.has(action) ? action : 'unknown', outcome });
      audit.add({ tsMs: Date.now(), action, outcome, remote, ...extra });
    };
    if (!CONTROL_ACTIONS.has(action)) {
      json(res, route, 404, { error: 'ERR_NOT_FOUND', message: `unknown control action ${JSON.stringify(action)}; use ${[...CONTROL_ACTIONS].join(', ')}` });
      return;
    }
    if (!limiter.take(remote)) {
      entry('rate_limited');
      reply(res, route, 429, jsonable({ error: 'ERR_RATE_LIMITED', message: 'too many control calls; retry later' }), 'application/json', [['Retry-After', '1']]);
      return;
    }
    if (!auth.enabled) {
      entry('unavailable', { detail: 'no token configured' });
      json(res, route, 403, { error: 'ERR_CONTROL_DISABLED', message: 'the control API is disabled: start the server with a token (TACHYON_API_TOKEN or --token-file)' });
      return;
    }
    if (!auth.verify(authHeader || undefined)) {
      entry('denied');
      reply(res, route, 401, jsonable({ error: 'ERR_UNAUTHORIZED', message: 'missing or wrong bearer token' }), 'application/json', [['WWW-Authenticate', 'Bearer']]);
      return;
    }
    void readBody(res, MAX_CONTROL_BODY, state).then((body) => {
      if (state.aborted) return entry('error', { detail: 'client went away' });
      if (body === null) return json(res, route, 413, { error: 'ERR_INVALID_ARG', message: `body over ${MAX_CONTROL_BODY} bytes` });
      let reason = `${action} via control API`;
      if (body.length > 0) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          entry('error', { detail: 'body is not JSON' });
          return json(res, route, 400, { error: 'ERR_INVALID_ARG', message: 'body must be JSON: {"reason": "…"}' });
        }
        const r = (parsed as { reason?: unknown } | null)?.reason;
        if (r !== undefined && (typeof r !== 'string' || r.length > 500)) {
          entry('error', { detail: 'bad reason' });
          return json(res, route, 400, { error: 'ERR_INVALID_ARG', message: 'reason must be a string of at most 500 characters' });
        }
        if (typeof r === 'string' && r.trim() !== '') reason = r.trim();
      }
      const control = deps.control;
      if (!control) {
        entry('unavailable', { reason });
        return json(res, route, 503, { error: 'ERR_NO_SESSION', message: 'no session is attached to this server' });
      }
      try {
        if (action === 'flatten') {
          if (!control.flatten) {
            entry('unavailable', { reason });
            return json(res, route, 501, { error: 'ERR_NOT_SUPPORTED', message: 'this session cannot flatten; use kill (emergency flattens)' });
          }
          const result = control.flatten(reason);
          entry('ok', { reason });
          return json(res, route, 200, { ok: true, action, result: result ?? null, mode: safeMode() });
        }
        const t = control.request(action as ControlAction, reason);
        entry('ok', { reason, transition: t });
        pollTransitions();
        return json(res, route, 200, { ok: true, action, transition: t, mode });
      } catch (e) {
        const code = isTachyonError(e) ? e.code : 'ERR_REFUSED';
        entry('refused', { reason, detail: `${code}: ${(e as Error).message}` });
        return json(res, route, 409, { error: code, message: (e as Error).message, mode: safeMode() });
      }
    });
  }

  function jobCall(res: UWS.HttpResponse, req: UWS.HttpRequest): void {
    const task = req.getParameter(0) ?? '';
    const route = '/api/jobs';
    const authHeader = req.getHeader('authorization');
    const remote = remoteOf(res);
    const state = { aborted: false };
    if (!limiter.take(remote)) {
      return json(res, route, 429, { error: 'ERR_RATE_LIMITED', message: 'too many calls; retry later' });
    }
    if (!auth.verify(authHeader || undefined)) {
      return json(res, route, auth.enabled ? 401 : 403, { error: 'ERR_UNAUTHORIZED', message: 'jobs need the bearer token' });
    }
    void readBody(res, MAX_JOB_BODY, state).then(async (body) => {
      if (state.aborted) return;
      if (body === null) return json(res, route, 413, { error: 'ERR_INVALID_ARG', message: `body over ${MAX_JOB_BODY} bytes` });
      if (!pool) return json(res, route, 503, { error: 'ERR_NOT_SUPPORTED', message: 'the job pool is disabled' });
      let params: unknown = null;
      try {
        params = body.length ? JSON.parse(body.toString('utf8')) : null;
      } catch {
        return json(res, route, 400, { error: 'ERR_INVALID_ARG', message: 'body must be JSON' });
      }
      const t0 = performance.now();
      try {
        const result = await pool.run(task, params);
        metrics.jobs.inc({ kind: task, outcome: 'ok' });
        if (!state.aborted) json(res, route, 200, { ok: true, task, ms: performance.now() - t0, result });
      } catch (e) {
        const code = isTachyonError(e) ? e.code : 'ERR_JOB_FAILED';
        metrics.jobs.inc({ kind: pool.taskNames.includes(task) ? task : 'unknown', outcome: code });
        // A typed error from the task is a refusal of its params (400); an untyped one is a failure.
        const status = code === 'ERR_UNKNOWN_ID' ? 404 : code === 'ERR_BUSY' ? 503 : code === 'ERR_TIMEOUT' ? 504 : code === 'ERR_JOB_FAILED' ? 500 : 400;
        if (!state.aborted) json(res, route, status, { error: code, message: (e as Error).message });
      }
    });
  }

  // ---- dashboard feed

  function pollTransitions(): Transition[] {
    if (!deps.control) return [];
    let fresh: Transition[] = [];
    try {
      fresh = deps.control.transitions(lastTransitionSeq);
    } catch (e) {
      log.error({ err: e }, 'reading transitions failed');
    }
    mode = safeMode();
    modeWire = modeCode(mode);
    if (fresh.length > 0) {
      lastTransitionSeq = fresh[fresh.length - 1]!.seq;
      recentTransitions.push(...fresh);
      if (recentTransitions.length > 50) recentTransitions.splice(0, recentTransitions.length - 50);
      const last = fresh[fresh.length - 1]!;
      app.publish('status', statusFrame(last.reason), true);
      app.publish('dashboard', jsonable({ type: 'transitions', transitions: fresh, mode }), false);
    }
    return fresh;
  }

  function statusBody() {
    const recent = metrics.latency.recent();
    return {
      version: pkgVersion,
      uptimeSec: (Date.now() - startedAtMs) / 1000,
      mode: deps.control ? mode : null,
      session: lastSnapshot?.session ?? null,
      connections: { decision: decisionSockets.size, dashboard: dashboardClients },
      decisions: { requests: hot.decisionRequests, instruments: hot.decisions },
      latencyNs: recent ? { count: recent.count, p50: recent.p50, p99: recent.p99, p999: recent.p999, max: recent.max } : null,
      engine: deps.decider ? { nFeatures: deps.decider.nFeatures } : null,
      controlApi: auth.enabled ? 'enabled' : 'disabled',
      openRead: opts.openRead,
      uws: uwsIsNative() ? 'native' : 'fallback',
      cpuWakeLatencyUs: wake?.us ?? null,
    };
  }

  let lastRotate = performance.now();
  let lastDecisions = 0;
  let lastTick = performance.now();
  function tick(): void {
    const now = performance.now();
    pollTransitions();
    const s = takeSnapshot();
    if (s && Number.isFinite(s.equity)) {
      equityT.push(Date.now());
      equityV.push(s.equity);
      if (equityT.length > opts.equityHistory) {
        equityT.shift();
        equityV.shift();
      }
    }
    if (now - lastRotate >= 10_000) {
      metrics.latency.rotate();
      lastRotate = now;
    }
    const dt = (now - lastTick) / 1000;
    const rate = dt > 0 ? (hot.decisions - lastDecisions) / dt : 0;
    lastDecisions = hot.decisions;
    lastTick = now;
    if (dashboardClients > 0) {
      app.publish(
        'dashboard',
        jsonable({
          type: 'tick',
          t: equityT[equityT.length - 1] ?? Date.now(),
          equity: s?.equity ?? null,
          snapshot: s,
          snapshotError,
          status: statusBody(),
          decisionsPerSec: rate,
        }),
        false,
      );
    }
  }

  // ---- routes

  const app = uWS.App();

  app.ws<DecisionSocket>('/ws', {
    compression: uWS.DISABLED,
    // uWS's own limit is a backstop at twice ours: frames between the two are closed by us with
    // 1009 and a reason; beyond it uWS cuts the connection (1006) and the close is counted.
    maxPayloadLength: opts.maxPayloadBytes * 2,
    maxBackpressure: opts.maxBackpressureBytes * 2,
    closeOnBackpressureLimit: 0, // (typed as a number by this package; 0 = false)
    idleTimeout: opts.idleTimeoutSec,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const key = req.getHeader('sec-websocket-key');
      const protocol = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      const authHeader = req.getHeader('authorization');
      if (closed || decisionSockets.size >= opts.maxConnections) {
        metrics.closed('max_connections');
        res.writeStatus('503 Service Unavailable').writeHeader('Retry-After', '1').end(`too many connections (limit ${opts.maxConnections})`);
        return;
      }
      if (!canRead(authHeader)) {
        metrics.closed('refused');
        res.writeStatus('401 Unauthorized').end('the decision endpoint needs the bearer token on this server');
        return;
      }
      const proto = protocol.split(',').map((p) => p.trim()).includes('tachyon') ? 'tachyon' : '';
      res.upgrade<DecisionSocket>({ id: nextId++, remote: remoteOf(res), warned: false, closing: false }, key, proto, extensions, context);
    },
    open: (ws) => {
      decisionSockets.add(ws);
    },
    message: onMessage,
    drain: (ws) => {
      if (ws.getBufferedAmount() < softLimit / 2) ws.getUserData().warned = false;
    },
    close: (ws, code, message) => {
      decisionSockets.delete(ws);
      const u = ws.getUserData();
      if (!u.closing && code === 1006) {
        const m = text(message);
        if (/inactivity/i.test(m)) metrics.closed('idle_timeout');
        else if (/too big/i.test(m)) metrics.closed('oversized');
      }
    },
  });

  app.ws<{ id: number }>('/ws/dashboard', {
    compression: uWS.SHARED_COMPRESSOR,
    maxPayloadLength: 1024,
    maxBackpressure: 1 << 20,
    closeOnBackpressureLimit: 1,
    idleTimeout: 60,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const key = req.getHeader('sec-websocket-key');
      const protocol = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      // Browsers cannot set headers on a WebSocket: the token may come as a subprotocol `bearer.<token>`.
      const offered = protocol.split(',').map((p) => p.trim());
      const bearer = offered.find((p) => p.startsWith('bearer.'));
      const ok = opts.openRead || (bearer !== undefined && auth.verify(`Bearer ${bearer.slice(7)}`));
      if (closed || dashboardClients >= opts.maxDashboardClients || !ok) {
        metrics.closed(ok ? 'max_connections' : 'refused');
        res.writeStatus(ok ? '503 Service Unavailable' : '401 Unauthorized').end();
        return;
      }
      res.upgrade({ id: nextId++ }, key, offered.includes('tachyon.dashboard') ? 'tachyon.dashboard' : '', extensions, context);
    },
    open: (ws) => {
      dashboardClients++;
      ws.subscribe('dashboard');
      ws.send(
        jsonable({
          type: 'init',
          history: { t: equityT, equity: equityV },
          transitions: recentTransitions,
          mode: deps.control ? mode : null,
          controlApi: auth.enabled,
          status: statusBody(),
          snapshot: lastSnapshot,
        }),
        false,
        true,
      );
    },
    message: () => {
      // Read-only feed: client messages are ignored.
    },
    close: () => {
      dashboardClients--;
    },
  });

  getRoute(app, '/healthz', '/healthz', (res) => reply(res, '/healthz', 200, 'ok\n', 'text/plain'), false);
  getRoute(
    app,
    '/readyz',
    '/readyz',
    (res) => {
      const problems: string[] = [];
      if (!listenSocket || closed) problems.push('not listening');
      if (!deps.decider) problems.push('no decision engine');
      if (deps.state && (takeSnapshot() === null || snapshotError)) problems.push(`session state unreadable: ${snapshotError ?? 'no snapshot'}`);
      json(res, '/readyz', problems.length ? 503 : 200, { ready: problems.length === 0, problems });
    },
    false,
  );
  getRoute(app, '/metrics', '/metrics', (res) => {
    const state = { aborted: false };
    res.onAborted(() => (state.aborted = true));
    metrics.text().then(
      (body) => !state.aborted && reply(res, '/metrics', 200, body, metrics.registry.contentType),
      (e: unknown) => !state.aborted && reply(res, '/metrics', 500, String(e), 'text/plain'),
    );
  });
  getRoute(app, '/api/status', '/api/status', (res) => json(res, '/api/status', 200, statusBody()));
  getRoute(app, '/api/state', '/api/state', (res) => json(res, '/api/state', deps.state ? 200 : 404, takeSnapshot()));
  getRoute(app, '/api/limits', '/api/limits', (res) => {
    if (!deps.control?.limits) return json(res, '/api/limits', 404, { error: 'ERR_NOT_SUPPORTED', message: 'no limits view in this session' });
    try {
      json(res, '/api/limits', 200, deps.control.limits());
    } catch (e) {
      json(res, '/api/limits', 500, { error: 'ERR_INTERNAL', message: (e as Error).message });
    }
  });
  getRoute(app, '/api/transitions', '/api/transitions', (res, req) => {
    const after = Number(req.getQuery('after') ?? 0);
    if (!deps.control) return json(res, '/api/transitions', 404, { error: 'ERR_NO_SESSION', message: 'no session attached' });
    json(res, '/api/transitions', 200, deps.control.transitions(Number.isFinite(after) && after >= 0 ? after : 0));
  });
  getRoute(app, '/api/audit', '/api/audit', (res) => json(res, '/api/audit', 200, audit.recent(100)));
  getRoute(
    app,
    '/api/auth',
    '/api/auth',
    (res, req) => {
      const remote = remoteOf(res);
      if (!limiter.take(remote)) return json(res, '/api/auth', 429, { error: 'ERR_RATE_LIMITED' });
      const ok = auth.verify(req.getHeader('authorization') || undefined);
      json(res, '/api/auth', ok ? 200 : 401, { ok, controlApi: auth.enabled });
    },
    false,
  );
  app.post('/api/control/:action', controlCall);
  app.post('/api/jobs/:task', jobCall);

  // The page and its scripts carry no data (the feed does), so they are served without the token.
  const serveAsset = (a: Asset) => (res: UWS.HttpResponse) => {
    reply(res, a.path, 200, a.body, a.type, [
      // 'wasm-unsafe-eval': the page compiles the WebAssembly kernels it imports from /lib/.
      ['Content-Security-Policy', "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"],
      ['X-Frame-Options', 'DENY'],
      ['Referrer-Policy', 'no-referrer'],
    ]);
  };
  for (const a of assets) app.get(a.path, serveAsset(a));
  app.get('/favicon.ico', (res) => reply(res, '/favicon.ico', 204, ''));
  app.any('/*', (res, req) => json(res, 'other', 404, { error: 'ERR_NOT_FOUND', message: `no route ${req.getMethod().toUpperCase()} ${req.getUrl()}` }));

  await new Promise<void>((resolve, reject) => {
    app.listen(opts.host, opts.port, (ls) => {
      if (!ls) {
        wake?.release();
        void pool?.close();
        reject(new TachyonError('ERR_SYSTEM', `cannot listen on ${opts.host}:${opts.port} (address in use or not available)`));
        return;
      }
      listenSocket = ls;
      resolve();
    });
  });
  const port = uWS.us_socket_local_port(listenSocket!);
  const hostForUrl = opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host;
  const url = `http://${hostForUrl}:${port}/`;

  const tickTimer = setInterval(tick, opts.dashboardIntervalMs);
  const modeTimer = setInterval(() => {
    if (deps.control) pollTransitions();
  }, Math.min(100, opts.dashboardIntervalMs));
  tick();
  if (!isLoopback(opts.host))
    log.warn({ host: opts.host, openRead: opts.openRead }, 'listening beyond loopback: put TLS in front of this server; reads need the token unless openRead is set');
  if (!uwsIsNative()) log.warn('uWebSockets.js runs its JS fallback: the native binary did not load (performance is not representative)');
  log.info({ url, cpuWakeLatencyUs: wake?.us, controlApi: auth.enabled ? `enabled (token from ${tokenSource})` : 'disabled (no token)', openRead: opts.openRead }, 'tachyon server listening');

  return {
    url,
    host: opts.host,
    port,
    options: opts,
    metrics,
    controlEnabled: auth.enabled,
    auditLog: (n) => audit.recent(n),
    publishOrderEvent(e) {
      app.publish('orders', encoder.orderEvent(e), true);
    },
    publishMarketEvents(records, count) {
      app.publish('market', encoder.marketEvents(records, count), true);
    },
    async runJob(task, params) {
      if (!pool) throw new TachyonError('ERR_INVALID_STATE', 'the job pool is disabled');
      return pool.run(task, params);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(tickTimer);
      clearInterval(modeTimer);
      if (listenSocket) uWS.us_listen_socket_close(listenSocket);
      listenSocket = null;
      for (const ws of [...decisionSockets]) {
        ws.getUserData().closing = true;
        ws.end(1001, 'server shutting down');
      }
      (app as unknown as { close(): void }).close(); // present in 20.30, missing from its typings
      metrics.latency.flush();
      wake?.release();
      await pool?.close();
    },
  };
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
