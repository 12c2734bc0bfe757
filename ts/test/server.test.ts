// The decision server through its public surface: the binary protocol, the control API, health
// and metrics. Every server here binds 127.0.0.1 on a free port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DemoSession,
  Garch,
  varPortfolioMonteCarlo,
  WireErrorCode,
  WireTopic,
  encodeDecisionRequest,
  encodeMarketEvents,
  encodePing,
  encodeSubscribe,
  startServer,
  type TachyonServer,
} from '../src/index.js';
import { loadToken, TokenCheck, RateLimiter } from '../src/server/index.js';
import { linearEngine, TestClient, http, wsUrl } from './helpers/server.js';

const TOKEN = 'test-token-0123456789abcdef';
const bearer = { authorization: `Bearer ${TOKEN}` };

function metricValue(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('binary protocol', () => {
  let server: TachyonServer;
  let demo: DemoSession;
  const decider = linearEngine([1, -1, 0.5]);

  beforeAll(async () => {
    demo = new DemoSession();
    server = await startServer(
      { port: 0, log: 'silent', token: TOKEN, maxBatch: 64, defaultMetrics: false },
      { decider, control: demo.control, state: demo },
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers a batch of instruments with the request id, in order', async () => {
    const c = new TestClient(wsUrl(server.url));
    await c.opened();
    const features = [2, 0, 0, 0, 3, 0, 0.1, 0.1, 0.1, 0, 0, 4];
    const f = await c.request(encodeDecisionRequest({ requestId: 77n, instruments: [10, 11, 12, 13], nFeatures: 3, features, clientTsNs: 123n }), 77n);
    expect(f.type).toBe('DecisionResponse');
    if (f.type !== 'DecisionResponse') return;
    expect(f.instruments).toEqual([10, 11, 12, 13]);
    // scores = w·x: 2, -3, 0.05, 2 → buy, sell, hold, buy
    expect([f.scores[0], f.scores[1], f.scores[3]]).toEqual([2, -3, 2]);
    expect(f.scores[2]).toBeCloseTo(0.05, 12);
    expect(f.actions).toEqual([1, 2, 0, 1]);
    expect(f.reasons).toEqual([0, 0, 1, 0]);
    expect(f.clientTsNs).toBe(123n);
    expect(f.mode).toBe('normal');
    expect(f.serverNs).toBeGreaterThan(0);
    // Many requests in flight on one connection: every id answered exactly once.
    const ids = Array.from({ length: 200 }, (_, i) => BigInt(1000 + i));
    const answers = await Promise.all(ids.map((id) => c.request(encodeDecisionRequest({ requestId: id, instruments: [1], nFeatures: 3, features: [Number(id % 5n), 0, 0] }), id)));
    expect(answers.map((a) => a.requestId)).toEqual(ids);
    expect(answers.every((a) => a.type === 'DecisionResponse')).toBe(true);
    // The answers are the engine's: a second engine with the same strategy agrees bit for bit,
    // and the server's engine counted every row.
    const feats = new Float64Array([0.3, -2.5, 1, 7, 7, 7, Number.NaN, 0, 0, -1, 1, -9]);
    const viaServer = await c.request(encodeDecisionRequest({ requestId: 5000n, instruments: [1, 2, 3, 4], nFeatures: 3, features: feats }), 5000n);
    const direct = linearEngine([1, -1, 0.5]).decideBatch(feats);
    expect(viaServer).toMatchObject({
      scores: [...direct.scores],
      actions: [...direct.actions],
      confidence: [...direct.confidence],
      reasons: [...direct.reasons],
      clamps: [...direct.clamps],
    });
    expect(direct.reasons[2]).toBe(2); // NaN feature: held, MISSING_FEATURE
    expect(decider.counters().decisions).toBe(4 + 200 + 4);
    c.close();
  });

  it('puts the control mode in every answer and pushes Status on a change', async () => {
    const c = new TestClient(wsUrl(server.url));
    await c.opened();
    const st = await c.request(encodeSubscribe(0n, WireTopic.Status), 0n);
    expect(st.type).toBe('Status');
    const r = await http(`${server.url}api/control/reduce`, { method: 'POST', headers: bearer, body: JSON.stringify({ reason: 'test: reduce' }) });
    expect(r.status).toBe(200);
    await waitFor(() => c.frames.some((f) => f.type === 'Status' && f.mode === 'reduce'));
    const d = await c.request(encodeDecisionRequest({ requestId: 5n, instruments: [1], nFeatures: 3, features: [1, 1, 1] }), 5n);
    expect(d.type === 'DecisionResponse' && d.mode).toBe('reduce');
    expect((await http(`${server.url}api/control/resume`, { method: 'POST', headers: bearer })).status).toBe(200);
    await waitFor(() => c.frames.some((f) => f.type === 'Status' && f.mode === 'normal'));
    c.close();
  });

  it('refuses a request with wrong dimensions or too many instruments, and keeps the connection', async () => {
    const c = new TestClient(wsUrl(server.url));
    await c.opened();
    const bad = await c.request(encodeDecisionRequest({ requestId: 1n, instruments: [1, 2], nFeatures: 3, features: [1, 2, 3] }), 1n);
    expect(bad).toMatchObject({ type: 'Error', code: WireErrorCode.BadDimensions });
    const wrongWidth = await c.request(encodeDecisionRequest({ requestId: 2n, instruments: [1], nFeatures: 2, features: [1, 2] }), 2n);
    expect(wrongWidth).toMatchObject({ type: 'Error', code: WireErrorCode.BadDimensions });
    expect(wrongWidth.type === 'Error' && wrongWidth.message).toMatch(/engine decides 3 features/);
    const big = await c.request(
      encodeDecisionRequest({ requestId: 3n, instruments: Array.from({ length: 65 }, (_, i) => i), nFeatures: 3, features: new Array(195).fill(0) }),
      3n,
    );
    expect(big).toMatchObject({ type: 'Error', code: WireErrorCode.BatchTooLarge });
    const empty = await c.request(encodeDecisionRequest({ requestId: 4n, instruments: [], nFeatures: 3, features: [] }), 4n);
    expect(empty).toMatchObject({ type: 'Error', code: WireErrorCode.BadDimensions });
    const ok = await c.request(encodeDecisionRequest({ requestId: 9n, instruments: [1], nFeatures: 3, features: [1, 0, 0] }), 9n);
    expect(ok.type).toBe('DecisionResponse');
    expect((await c.request(encodePing(10n), 10n)).type).toBe('Pong');
    expect(c.closeCode).toBeNull();
    const m = await server.metrics.text();
    expect(metricValue(m, 'tachyon_ws_errors_total', '{reason="bad_dimensions"}')).toBeGreaterThanOrEqual(3);
    expect(metricValue(m, 'tachyon_ws_errors_total', '{reason="batch_too_large"}')).toBe(1);
    c.close();
  });

  it('hands pushed market events to the feed hook byte for byte and fans them out to subscribers', async () => {
    // A second server with a feed hook.
    const got: Uint8Array[] = [];
    const s2 = await startServer(
      { port: 0, log: 'silent', jobs: false, defaultMetrics: false },
      { feed: { onMarketEvents: (records) => void got.push(records.slice()) } },
    );
    try {
      const records = new Uint8Array(48 * 3);
      const dv = new DataView(records.buffer);
      for (let i = 0; i < 3; i++) {
        dv.setBigUint64(i * 48, 1_700_000_000_000_000_000n + BigInt(i), true);
        dv.setBigUint64(i * 48 + 8, BigInt(i), true);
        dv.setBigInt64(i * 48 + 16, 6_500_010n, true);
        dv.setBigInt64(i * 48 + 24, 200n, true);
        dv.setUint32(i * 48 + 32, 7, true);
        records[i * 48 + 36] = 1;
        records[i * 48 + 37] = 2;
      }
      const c = new TestClient(wsUrl(s2.url));
      await c.opened();
      const sub = new TestClient(wsUrl(s2.url));
      await sub.opened();
      // Subscribing to Status too: the server answers with a Status (request id 0) at once.
      expect((await sub.request(encodeSubscribe(1n, WireTopic.Status | WireTopic.Market | WireTopic.Orders), 0n)).type).toBe('Status');
      const ack = await c.request(encodeMarketEvents(11n, records), 11n);
      expect(ack.type).toBe('Pong');
      expect(got).toHaveLength(1);
      expect(Buffer.from(got[0]!).equals(Buffer.from(records))).toBe(true);
      // No decider on this server: decisions are refused with a reason, not dropped.
      const d = await c.request(encodeDecisionRequest({ requestId: 12n, instruments: [1], nFeatures: 3, features: [1, 2, 3] }), 12n);
      expect(d).toMatchObject({ type: 'Error', code: WireErrorCode.NotSupported });
      s2.publishMarketEvents(records, 3);
      s2.publishOrderEvent({
        clientOrderId: 'o-1',
        instrument: 7,
        side: 'buy',
        status: 'filled',
        price: 6_500_010n,
        qty: 200n,
        filledQty: 200n,
        avgPrice: 6_500_010n,
        tsNs: 5n,
      });
      await waitFor(() => sub.frames.some((f) => f.type === 'OrderEvent'));
      const me = sub.frames.find((f) => f.type === 'MarketEvents');
      expect(me?.type === 'MarketEvents' && Buffer.from(me.records).equals(Buffer.from(records))).toBe(true);
      const oe = sub.frames.find((f) => f.type === 'OrderEvent');
      expect(oe).toMatchObject({ clientOrderId: 'o-1', status: 'filled', filledQty: 200n, side: 'buy' });
      c.close();
      sub.close();
    } finally {
      await s2.close();
    }
  });
});

describe('bad clients are closed with a reason, counted, and nobody else notices', () => {
  let server: TachyonServer;
  const decider = linearEngine([1, 1]);

  beforeAll(async () => {
    server = await startServer(
      { port: 0, log: 'silent', maxPayloadBytes: 4096, maxConnections: 20, maxBackpressureBytes: 64 * 1024, maxBatch: 8192, idleTimeoutSec: 8, defaultMetrics: false, jobs: false },
      { decider },
    );
  });
  afterAll(async () => {
    await server.close();
  });

  /** A well-behaved client that keeps asking while the bad ones misbehave. */
  async function withBystander<T>(fn: () => Promise<T>): Promise<{ result: T; answered: number }> {
    const good = new TestClient(wsUrl(server.url));
    await good.opened();
    let answered = 0;
    let stop = false;
    const loop = (async () => {
      for (let id = 1n; !stop; id++) {
        const f = await good.request(encodeDecisionRequest({ requestId: id, instruments: [1], nFeatures: 2, features: [1, 1] }), id);
        if (f.type !== 'DecisionResponse') throw new Error(`bystander got ${f.type}`);
        answered++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const result = await fn();
    stop = true;
    await loop;
    expect(good.closeCode).toBeNull();
    good.close();
    return { result, answered };
  }

  it('malformed FlatBuffers', async () => {
    const valid = encodeDecisionRequest({ requestId: 1n, instruments: [1], nFeatures: 2, features: [1, 1] });
    const garbage: [string, Uint8Array][] = [
      ['random bytes', Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 255)],
      ['too short', new Uint8Array([1, 2, 3])],
      ['truncated frame', valid.slice(0, valid.length - 16)],
      ['root offset past the end', (() => {
        const b = valid.slice();
        new DataView(b.buffer).setUint32(0, 1 << 30, true);
        return b;
      })()],
      ['vector length overruns', (() => {
        // Corrupt the length of the features vector (the first vector written: its two doubles
        // end the frame, its length word sits just before them).
        const b = valid.slice();
        new DataView(b.buffer).setUint32(b.length - 16 - 4, 0x7fffffff, true);
        return b;
      })()],
    ];
    const before = metricValue(await server.metrics.text(), 'tachyon_ws_closed_total', '{reason="malformed"}');
    const { answered } = await withBystander(async () => {
      for (const [what, frame] of garbage) {
        const c = new TestClient(wsUrl(server.url));
        await c.opened();
        c.ws.send(frame);
        await c.closed;
        expect(c.closeCode, what).toBe(1007);
        expect(c.closeReason, what).toMatch(/^Malformed: /);
        const err = c.frames.find((f) => f.type === 'Error');
        expect(err, what).toMatchObject({ code: WireErrorCode.Malformed });
      }
    });
    expect(answered).toBeGreaterThan(0);
    const after = metricValue(await server.metrics.text(), 'tachyon_ws_closed_total', '{reason="malformed"}');
    expect(after - before).toBe(garbage.length);
  });

  it('unknown message types and text frames', async () => {
    const { answered } = await withBystander(async () => {
      // A valid envelope whose union type (payload_type, the byte after request_id) is 200.
      const f = encodePing(3n);
      const c = new TestClient(wsUrl(server.url));
      await c.opened();
      const bad = patchPayloadType(f, 200);
      c.ws.send(bad);
      await c.closed;
      expect(c.closeCode).toBe(1003);
      expect(c.closeReason).toMatch(/UnknownMessage: unknown message type 200/);
      const t = new TestClient(wsUrl(server.url));
      await t.opened();
      t.ws.send('{"hello":"json"}');
      await t.closed;
      expect(t.closeCode).toBe(1003);
      expect(t.closeReason).toMatch(/text frames/);
    });
    expect(answered).toBeGreaterThan(0);
    const m = await server.metrics.text();
    expect(metricValue(m, 'tachyon_ws_closed_total', '{reason="unknown_message"}')).toBe(1);
  });

  it('oversized frames', async () => {
    const { answered } = await withBystander(async () => {
      const c = new TestClient(wsUrl(server.url));
      await c.opened();
      c.ws.send(new Uint8Array(5000)); // over our 4096, under uWS's backstop
      await c.closed;
      expect(c.closeCode).toBe(1009);
      expect(c.closeReason).toMatch(/5000 bytes exceeds the limit of 4096/);
      const huge = new TestClient(wsUrl(server.url));
      await huge.opened();
      huge.ws.send(new Uint8Array(20_000)); // past the backstop: uWS cuts the connection
      await huge.closed;
      expect(huge.closeCode).toBe(1006);
    });
    expect(answered).toBeGreaterThan(0);
    await waitFor(async () => metricValue(await server.metrics.text(), 'tachyon_ws_closed_total', '{reason="oversized"}') === 2);
  });

  it('a flood of connections beyond the limit is refused with 503', async () => {
    // Start from an empty server (earlier tests' connections finish closing asynchronously).
    await waitFor(async () => ((await http(`${server.url}api/status`)).body as { connections: { decision: number } }).connections.decision === 0);
    const { result } = await withBystander(async () => {
      const clients = Array.from({ length: 40 }, () => new TestClient(wsUrl(server.url)));
      const outcomes = await Promise.all(clients.map((c) => c.opened().then(() => 'open', (e: Error) => e.message)));
      for (const c of clients) c.close();
      return outcomes;
    });
    // 20 allowed, one held by the bystander.
    expect(result.filter((o) => o === 'open')).toHaveLength(19);
    expect(result.filter((o) => o === 'HTTP 503')).toHaveLength(21);
    const m = await server.metrics.text();
    expect(metricValue(m, 'tachyon_ws_closed_total', '{reason="max_connections"}')).toBe(21);
  });

  it('a client that stops reading is told, then dropped; others are served', async () => {
    const { answered } = await withBystander(async () => {
      const slow = new TestClient(wsUrl(server.url));
      await slow.opened();
      // Stop reading: answers pile up in the kernel, then in uWS.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const rows = 4000;
      const frame = encodeDecisionRequest({ requestId: 1n, instruments: Array.from({ length: rows }, (_, i) => i), nFeatures: 2, features: new Float64Array(rows * 2) });
      expect(frame.length).toBeGreaterThan(4096); // over the payload limit of this server …
      // … so use batches that fit: 200 rows per request (3.2 kB in, ~4.6 kB out).
      const small = encodeDecisionRequest({ requestId: 1n, instruments: Array.from({ length: 200 }, (_, i) => i), nFeatures: 2, features: new Float64Array(400) });
      for (let i = 0; i < 4000 && slow.closeCode === null; i++) {
        slow.ws.send(small);
        if (i % 50 === 49) await new Promise((r) => setTimeout(r, 2));
      }
      await waitFor(async () => metricValue(await server.metrics.text(), 'tachyon_ws_closed_total', '{reason="slow_consumer"}') === 1, 20_000);
      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      await slow.closed;
      // It was told before it was dropped (the notice is in what it finally reads).
      expect(slow.frames.some((f) => f.type === 'Error' && f.code === WireErrorCode.SlowConsumer)).toBe(true);
    });
    expect(answered).toBeGreaterThan(0);
    const m = await server.metrics.text();
    expect(metricValue(m, 'tachyon_ws_errors_total', '{reason="slow_consumer"}')).toBeGreaterThanOrEqual(1);
  });

  it('a TCP connection that never finishes its HTTP request is cut by uWS (~10 s)', async () => {
    // Below the WebSocket layer uWS gives the application no hook, so this one is not counted
    // by the server; it is bounded by uWS's HTTP idle timeout.
    const { result, answered } = await withBystander(async () => {
      const net = await import('node:net');
      const sock = net.connect(server.port, '127.0.0.1');
      await new Promise<void>((r) => sock.once('connect', () => r()));
      sock.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // no blank line: never complete
      sock.on('data', () => {});
      const t0 = Date.now();
      await new Promise<void>((r) => sock.once('close', () => r()));
      return Date.now() - t0;
    });
    expect(answered).toBeGreaterThan(0);
    expect(result).toBeLessThan(20_000);
  }, 40_000);

  it('an idle, half-open connection (never answers pings) is closed by the idle timeout', async () => {
    const { answered } = await withBystander(async () => {
      const net = await import('node:net');
      const port = server.port;
      const sock = net.connect(port, '127.0.0.1');
      await new Promise<void>((r) => sock.once('connect', () => r()));
      sock.write(
        'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      // Read (and ignore) whatever comes, pings included; never write again.
      sock.on('data', () => {});
      const t0 = Date.now();
      await new Promise<void>((r) => sock.once('close', () => r()));
      return Date.now() - t0;
    });
    expect(answered).toBeGreaterThan(0);
    await waitFor(async () => metricValue(await server.metrics.text(), 'tachyon_ws_closed_total', '{reason="idle_timeout"}') === 1);
  }, 40_000);
});

describe('control API', () => {
  let server: TachyonServer;
  let demo: DemoSession;
  const audited: unknown[] = [];

  beforeAll(async () => {
    demo = new DemoSession();
    server = await startServer(
      { port: 0, log: 'silent', token: TOKEN, controlRate: { perSec: 1, burst: 40 }, defaultMetrics: false, jobs: false },
      { decider: linearEngine([1]), control: demo.control, state: demo, audit: (e) => audited.push(e) },
    );
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (path: string, headers: Record<string, string> = {}, body?: unknown) =>
    http(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

  it('refuses mutating calls without the right token, and audits every attempt without the token', async () => {
    expect((await post('api/control/pause')).status).toBe(401);
    expect((await post('api/control/pause', { authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
    expect((await post('api/control/pause', { authorization: TOKEN })).status).toBe(401); // no "Bearer"
    expect((await post('api/control/pause', { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect(demo.control.mode()).toBe('normal');
    const ok = await post('api/control/pause', bearer, { reason: 'maintenance' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, action: 'pause', mode: 'pause', transition: { from: 'normal', to: 'pause', reason: 'maintenance', source: 'api' } });
    expect(demo.control.mode()).toBe('pause');
    const log = server.auditLog();
    expect(log.map((e) => e.outcome)).toEqual(['denied', 'denied', 'denied', 'denied', 'ok']);
    const str = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
    expect(str(log)).not.toContain(TOKEN);
    expect(str(audited)).not.toContain(TOKEN);
    expect(audited).toHaveLength(5);
    const auditHttp = await http(`${server.url}api/audit`);
    expect(JSON.stringify(auditHttp.body)).not.toContain(TOKEN);
  });

  it('kill and flatten; the engine refusing is a 409 with its reason', async () => {
    const k = await post('api/control/kill', bearer, { reason: 'operator kill' });
    expect(k.status).toBe(200);
    expect(demo.control.mode()).toBe('emergency');
    const f = await post('api/control/flatten', bearer, { reason: 'flatten all' });
    expect(f.status).toBe(200);
    const r = await post('api/control/resume', bearer);
    expect(r.status).toBe(409);
    // The risk engine leaves emergency only through reset() with its key.
    expect(r.body).toMatchObject({ error: 'ERR_MODE_TRANSITION', mode: 'emergency' });
    expect((await post('api/control/explode', bearer)).status).toBe(404);
    expect((await post('api/control/pause', bearer, { reason: 42 })).status).toBe(400);
    const bad = await http(`${server.url}api/control/pause`, { method: 'POST', headers: bearer, body: '{not json' });
    expect(bad.status).toBe(400);
    const tr = await http(`${server.url}api/transitions`);
    expect((tr.body as { to: string }[]).map((t) => t.to)).toEqual(['pause', 'emergency']);
  });

  it('read-only calls are open on loopback: status, limits, state, health', async () => {
    const st = await http(`${server.url}api/status`);
    expect(st.status).toBe(200);
    expect(st.body).toMatchObject({ mode: 'emergency', controlApi: 'enabled', openRead: true, uws: 'native' });
    expect((await http(`${server.url}api/limits`)).status).toBe(200);
    expect((await http(`${server.url}api/state`)).body).toMatchObject({ session: { kind: 'demo' } });
    expect((await http(`${server.url}healthz`)).text).toBe('ok\n');
    expect((await http(`${server.url}readyz`)).status).toBe(200);
    expect((await http(`${server.url}api/auth`, { headers: bearer })).status).toBe(200);
    expect((await http(`${server.url}api/auth`)).status).toBe(401);
    expect((await http(`${server.url}nope`)).status).toBe(404);
  });

  it('rate limits mutating calls per address (also failed ones)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await post('api/control/pause', { authorization: 'Bearer nope-nope-nope-nope' })).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 401).length).toBeLessThan(45);
    expect(server.auditLog(1000).some((e) => e.outcome === 'rate_limited')).toBe(true);
    const m = await server.metrics.text();
    expect(metricValue(m, 'tachyon_control_requests_total', '{action="pause",outcome="rate_limited"}')).toBeGreaterThan(0);
  });
});

describe('control API variants', () => {
  it('without a token the control API is disabled (403), reads stay open', async () => {
    const demo = new DemoSession();
    const s = await startServer({ port: 0, log: 'silent', jobs: false, defaultMetrics: false }, { control: demo.control, state: demo });
    try {
      expect(s.controlEnabled).toBe(false);
      const r = await http(`${s.url}api/control/kill`, { method: 'POST', headers: bearer });
      expect(r.status).toBe(403);
      expect(demo.control.mode()).toBe('normal');
      expect((await http(`${s.url}api/status`)).status).toBe(200);
      // No decision engine: not ready.
      const ready = await http(`${s.url}readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ ready: false, problems: ['no decision engine'] });
    } finally {
      await s.close();
    }
  });

  it('openRead: false needs the token for reads, the feed and the decision endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tachyon-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    const s = await startServer({ port: 0, log: 'silent', tokenFile: file, openRead: false, jobs: false, defaultMetrics: false }, { decider: linearEngine([1]) });
    try {
      expect((await http(`${s.url}api/status`)).status).toBe(401);
      expect((await http(`${s.url}api/status`, { headers: bearer })).status).toBe(200);
      expect((await http(`${s.url}metrics`)).status).toBe(401);
      expect((await http(`${s.url}healthz`)).status).toBe(200);
      const anon = new TestClient(wsUrl(s.url));
      await expect(anon.opened()).rejects.toThrow(/401/);
      const c = new TestClient(wsUrl(s.url), { headers: bearer });
      await c.opened();
      expect((await c.request(encodePing(1n), 1n)).type).toBe('Pong');
      c.close();
      const dash = new TestClient(wsUrl(s.url, 'ws/dashboard'), { protocol: undefined });
      await expect(dash.opened()).rejects.toThrow(/401/);
    } finally {
      await s.close();
    }
  });

  it('rejects bad options and short tokens with ERR_INVALID_ARG', async () => {
    await expect(startServer({ port: 70_000 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringMatching(/port/) });
    await expect(startServer({ idleTimeoutSec: 3 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringMatching(/idleTimeoutSec/) });
    await expect(startServer({ token: 'short' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringMatching(/at least 16/) });
    await expect(startServer({ tokenFile: '/nonexistent/token' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    // @ts-expect-error unknown option
    await expect(startServer({ prot: 1 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
  });

  it('a port in use is ERR_SYSTEM', async () => {
    const a = await startServer({ port: 0, log: 'silent', jobs: false, defaultMetrics: false });
    try {
      await expect(startServer({ port: a.port, log: 'silent', jobs: false, defaultMetrics: false })).rejects.toMatchObject({ code: 'ERR_SYSTEM' });
    } finally {
      await a.close();
    }
  });
});

describe('metrics', () => {
  it('exports decision latency as a summary and as cumulative histogram buckets that agree with the samples', async () => {
    const s = await startServer({ port: 0, log: 'silent', jobs: false, defaultMetrics: false }, {});
    try {
      // 900 samples at 8 µs, 90 at 80 µs, 10 at 2 ms.
      for (let i = 0; i < 900; i++) s.metrics.latency.record(8_000);
      for (let i = 0; i < 90; i++) s.metrics.latency.record(80_000);
      for (let i = 0; i < 10; i++) s.metrics.latency.record(2_000_000);
      const m = (await http(`${s.url}metrics`)).text;
      const bucket = (le: string) => metricValue(m, 'tachyon_decision_latency_hist_seconds_bucket', `{le="${le}"}`);
      expect(bucket('0.000005')).toBe(0);
      expect(bucket('0.00001')).toBe(900);
      expect(bucket('0.00005')).toBe(900);
      expect(bucket('0.0001')).toBe(990);
      expect(bucket('0.001')).toBe(990);
      expect(bucket('0.0025')).toBe(1000);
      expect(bucket('+Inf')).toBe(1000);
      expect(metricValue(m, 'tachyon_decision_latency_hist_seconds_count')).toBe(1000);
      // HDR histogram: 3 significant digits, so within 0.1 %.
      const near = (got: number, want: number) => expect(Math.abs(got - want) / want).toBeLessThan(1e-3);
      near(metricValue(m, 'tachyon_decision_latency_seconds', '{quantile="0.5"}'), 8e-6);
      near(metricValue(m, 'tachyon_decision_latency_seconds', '{quantile="0.99"}'), 8e-5);
      near(metricValue(m, 'tachyon_decision_latency_seconds', '{quantile="0.999"}'), 2e-3);
      near(metricValue(m, 'tachyon_decision_latency_seconds_sum'), 900 * 8e-6 + 90 * 8e-5 + 10 * 2e-3);
      expect(m).toMatch(/^# TYPE tachyon_decision_latency_hist_seconds histogram$/m);
      expect(m).toMatch(/^# TYPE tachyon_decision_latency_seconds summary$/m);
    } finally {
      await s.close();
    }
  });
});

describe('auth primitives', () => {
  it('loads the token from option, file, then environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tachyon-token-'));
    const file = join(dir, 't');
    writeFileSync(file, 'from-file-0123456789\n', { mode: 0o600 });
    expect(loadToken({ token: 'from-option-0123456789' }, { TACHYON_API_TOKEN: 'from-env-0123456789' })).toEqual({ token: 'from-option-0123456789', source: 'option' });
    expect(loadToken({ tokenFile: file }, { TACHYON_API_TOKEN: 'from-env-0123456789' })).toEqual({ token: 'from-file-0123456789', source: 'file' });
    expect(loadToken({}, { TACHYON_API_TOKEN_FILE: file })).toEqual({ token: 'from-file-0123456789', source: 'file' });
    expect(loadToken({}, { TACHYON_API_TOKEN: 'from-env-0123456789' })).toEqual({ token: 'from-env-0123456789', source: 'env' });
    expect(loadToken({}, {})).toEqual({ token: null, source: 'none' });
  });

  it('checks bearer headers exactly', () => {
    const t = new TokenCheck('abcdefghijklmnopqrstuvwxyz');
    expect(t.verify('Bearer abcdefghijklmnopqrstuvwxyz')).toBe(true);
    expect(t.verify('bearer   abcdefghijklmnopqrstuvwxyz')).toBe(true);
    expect(t.verify('Bearer abcdefghijklmnopqrstuvwxy')).toBe(false);
    expect(t.verify('Bearer abcdefghijklmnopqrstuvwxyzz')).toBe(false);
    expect(t.verify('abcdefghijklmnopqrstuvwxyz')).toBe(false);
    expect(t.verify('Basic abcdefghijklmnopqrstuvwxyz')).toBe(false);
    expect(t.verify(undefined)).toBe(false);
    expect(new TokenCheck(null).verify('Bearer anything-at-all-here')).toBe(false);
  });

  it('token bucket: burst, then the sustained rate', () => {
    let now = 0;
    const r = new RateLimiter(2, 3, 2, () => now);
    expect([r.take('a'), r.take('a'), r.take('a'), r.take('a')]).toEqual([true, true, true, false]);
    now = 499;
    expect(r.take('a')).toBe(false);
    now = 501;
    expect(r.take('a')).toBe(true);
    expect(r.take('b')).toBe(true);
    // Bounded memory: a third key evicts the oldest.
    expect(r.take('c')).toBe(true);
    expect(r.take('a')).toBe(true); // 'a' was forgotten: a fresh bucket
  });
});

describe('heavy jobs', () => {
  it('run on the worker pool while decisions keep being answered', async () => {
    const burn = new URL('./helpers/burn.task.ts', import.meta.url).href;
    const s = await startServer(
      { port: 0, log: 'silent', token: TOKEN, defaultMetrics: false, jobs: { threads: 1, maxQueue: 1, tasks: { burn } } },
      { decider: linearEngine([1]) },
    );
    try {
      const c = new TestClient(wsUrl(s.url));
      await c.opened();
      let jobDone = false;
      const job = http(`${s.url}api/jobs/burn`, { method: 'POST', headers: bearer, body: JSON.stringify({ ms: 1500 }) }).then((r) => {
        jobDone = true;
        return r;
      });
      // Ask for decisions until the job is back; note when each answer arrived.
      const answeredAt: number[] = [];
      for (let i = 1n; !jobDone; i++) {
        const f = await c.request(encodeDecisionRequest({ requestId: i, instruments: [1], nFeatures: 1, features: [2] }), i);
        expect(f.type).toBe('DecisionResponse');
        answeredAt.push(Date.now());
        await new Promise((r) => setTimeout(r, 10));
      }
      const r = await job;
      expect(r.status).toBe(200);
      const res = (r.body as { result: { spins: number; threadId: number; startedAt: number; endedAt: number } }).result;
      expect(res.threadId).not.toBe(0); // a worker thread, not the server's
      // While the worker was busy, the event loop kept answering.
      const during = answeredAt.filter((t) => t > res.startedAt && t < res.endedAt);
      expect(during.length).toBeGreaterThan(20);
      // The built-in Monte Carlo VaR job: the same figure as the kernel called in this thread.
      const book = { weights: [50_000, 30_000], mu: [0, 0], sd: [0.02, 0.03], corr: [1, 0.6, 0.6, 1] };
      const mc = await http(`${s.url}api/jobs/risk.var.montecarlo`, { method: 'POST', headers: bearer, body: JSON.stringify({ portfolio: book, level: 0.99, model: { paths: 20_000, seed: 7 } }) });
      expect(mc.status).toBe(200);
      expect((mc.body as { result: unknown }).result).toEqual({ ...varPortfolioMonteCarlo(book, 0.99, { paths: 20_000, seed: 7 }) });
      // Bad params: the task's typed error, as a 400.
      const bad = await http(`${s.url}api/jobs/risk.var.montecarlo`, { method: 'POST', headers: bearer, body: JSON.stringify({ portfolio: book, level: 2 }) });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: 'ERR_OUT_OF_RANGE', message: expect.stringMatching(/level/) });
      // A GARCH fit on the worker: the same estimates as fitting in this thread.
      const returns = Array.from(Garch.simulate({ mu: 0.05, omega: 0.05, alpha: 0.1, beta: 0.85 }, 1500, 11n).returns);
      const fit = await http(`${s.url}api/jobs/models.garch.fit`, { method: 'POST', headers: bearer, body: JSON.stringify({ returns, horizon: 3 }) });
      expect(fit.status).toBe(200);
      const here = Garch.fit(Float64Array.from(returns));
      const got = (fit.body as { result: { fit: { estimates: number[] }; forecast: number[] } }).result;
      expect(got.fit.estimates).toEqual(here.fitResult!.estimates);
      expect(got.forecast).toEqual(Array.from(here.forecast(3)));
      expect((await http(`${s.url}api/jobs/models.garch.fit`, { method: 'POST', headers: bearer, body: JSON.stringify({ returns: 'x' }) })).status).toBe(400);
      // Unknown task, no token.
      expect((await http(`${s.url}api/jobs/nope`, { method: 'POST', headers: bearer, body: '{}' })).status).toBe(404);
      expect((await http(`${s.url}api/jobs/burn`, { method: 'POST', body: '{}' })).status).toBe(401);
      c.close();
    } finally {
      await s.close();
    }
  });
});

/** The type byte of an Envelope's union: find it through the vtable. */
function patchPayloadType(frame: Uint8Array, type: number): Uint8Array {
  const b = frame.slice();
  const dv = new DataView(b.buffer);
  const root = dv.getUint32(0, true);
  const vt = root - dv.getInt32(root, true);
  const off = dv.getUint16(vt + 6, true); // field 1: payload_type
  b[root + off] = type;
  return b;
}

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
