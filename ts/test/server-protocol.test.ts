// The FlatBuffers protocol: generated code matches the schema (flatc 2.0.8 + the pinned 2.0.7
// runtime), frames round-trip, and the frame checks refuse what the runtime would misread.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFrame, encodeDecisionRequest, encodeMarketEvents, encodePing, encodeSubscribe, WireErrorCode, WireTopic } from '../src/index.js';
import { FrameDecoder, FrameEncoder, FrameError, WirePayload } from '../src/server/index.js';
import { u64 } from '../src/server/protocol/codec.js';
import { native } from '../src/native.js';

const haveFlatc = spawnSync('flatc', ['--version']).status === 0;

describe('FlatBuffers protocol', () => {
  it.skipIf(!haveFlatc && !process.env.CI)('committed generated code is what flatc 2.0.8 makes of the schema', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-flatbuffers.mjs', '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync('ts/src/server/protocol/generated/tachyon.ts')).toBe(true);
  });

  it('round-trips a decision request through the server decoder, into long-lived views of its own copy', () => {
    const frame = encodeDecisionRequest({ requestId: 2n ** 63n + 5n, instruments: [4294967295, 0, 7], nFeatures: 2, features: [1.5, -2, Number.NaN, 0, 1e300, -0], clientTsNs: 99n });
    const d = new FrameDecoder(16);
    expect(d.open(frame)).toBe(WirePayload.DecisionRequest);
    expect(d.requestId).toBe(2n ** 63n + 5n);
    const r = d.decision();
    expect([...r.instruments]).toEqual([4294967295, 0, 7]);
    expect([...r.features]).toEqual([1.5, -2, Number.NaN, 0, 1e300, -0]);
    expect(u64(r.clientTsLo, r.clientTsHi)).toBe(99n);
    // The hot path: the same request as fields and indexes into views that outlive the frame.
    const { f64, u32 } = d;
    frame.fill(0); // the socket's buffer is reused after the handler returns: the decoder copied it
    d.readDecision();
    expect([d.rows, d.nFeatures]).toEqual([3, 2]);
    expect([...f64.subarray(d.featureStart, d.featureStart + 6)]).toEqual([1.5, -2, Number.NaN, 0, 1e300, -0]);
    expect([...u32.subarray(d.instrumentStart, d.instrumentStart + 3)]).toEqual([4294967295, 0, 7]);
    expect(u64(d.clientTsLo, d.clientTsHi)).toBe(99n);
    // A second frame reuses the views; a frame bigger than the buffer grows it.
    d.open(encodeDecisionRequest({ requestId: 3n, instruments: [9], nFeatures: 1, features: [0.25] }));
    d.readDecision();
    expect(d.f64).toBe(f64);
    expect([d.rows, d.f64[d.featureStart], d.u32[d.instrumentStart], d.clientTsLo]).toEqual([1, 0.25, 9, 0]);
    const n = 5000;
    const big = encodeDecisionRequest({ requestId: 4n, instruments: Array.from({ length: n }, (_, i) => i), nFeatures: 2, features: Array.from({ length: 2 * n }, (_, i) => i / 2) });
    expect(big.length).toBeGreaterThan(64 * 1024);
    const g = new FrameDecoder(n);
    g.open(big);
    g.readDecision();
    expect(g.f64).not.toBe(f64);
    expect([g.rows, g.f64[g.featureStart + 2 * n - 1], g.u32[g.instrumentStart + n - 1]]).toEqual([n, (2 * n - 1) / 2, n - 1]);
  });

  it('copies a frame that sits at an unaligned offset instead of misreading it', () => {
    const frame = encodeDecisionRequest({ requestId: 1n, instruments: [1], nFeatures: 1, features: [42] });
    const backing = new Uint8Array(frame.length + 3);
    backing.set(frame, 3);
    const d = new FrameDecoder(16);
    d.open(backing.subarray(3));
    expect([...d.decision().features]).toEqual([42]);
  });

  it('encodes answers the client helpers decode', () => {
    const e = new FrameEncoder();
    const out = { actions: Uint8Array.of(1, 0), scores: Float64Array.of(1.25, 0), confidence: Float64Array.of(0.5, 0), clamps: Uint8Array.of(8, 0), reasons: Uint8Array.of(0, 1) };
    const f = decodeFrame(e.decision(9, 0, Uint32Array.of(3, 4), 2, out, 2, 7, 0, 1234).slice());
    expect(f).toEqual({
      type: 'DecisionResponse', requestId: 9n, instruments: [3, 4], actions: [1, 0], scores: [1.25, 0], confidence: [0.5, 0],
      clamps: [8, 0], reasons: [0, 1], mode: 'reduce', clientTsNs: 7n, serverNs: 1234,
    });
    expect(decodeFrame(e.error(3n, WireErrorCode.BatchTooLarge, 'too many').slice())).toMatchObject({ type: 'Error', codeName: 'BatchTooLarge', message: 'too many' });
    const st = decodeFrame(e.status({ mode: 'emergency', tsNs: 5n, transitionSeq: 3, reason: 'kill', connections: 2, decisions: 10 }).slice());
    expect(st).toMatchObject({ type: 'Status', mode: 'emergency', transitionSeq: 3n, reason: 'kill', connections: 2, decisions: 10n });
    const rec = new Uint8Array(48).map((_, i) => i);
    const me = decodeFrame(encodeMarketEvents(1n, rec));
    expect(me.type === 'MarketEvents' && [...me.records]).toEqual([...rec]);
    expect(decodeFrame(encodeSubscribe(4n, WireTopic.Orders))).toEqual({ type: 'Subscribe', requestId: 4n });
  });

  it('the direct DecisionResponse encoder writes what the generated builder writes, for any batch size', () => {
    const e = new FrameEncoder();
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200, 1000, 4096]) {
      const out = {
        actions: Uint8Array.from({ length: n }, () => Math.floor(rnd() * 3)),
        scores: Float64Array.from({ length: n }, () => (rnd() - 0.5) * 8),
        confidence: Float64Array.from({ length: n }, () => rnd()),
        clamps: Uint8Array.from({ length: n }, () => Math.floor(rnd() * 16)),
        reasons: Uint8Array.from({ length: n }, () => Math.floor(rnd() * 4)),
      };
      const inst = Uint32Array.from({ length: n }, () => Math.floor(rnd() * 2 ** 32));
      const id = BigInt(Math.floor(rnd() * 2 ** 32)) << 31n | 12345n;
      const ts = 2n ** 63n + BigInt(n);
      const direct = e.decision(Number(id & 0xffffffffn), Number(id >> 32n), inst, n, out, 3, Number(ts & 0xffffffffn), Number(ts >> 32n), 4242).slice();
      const built = e.decisionWithBuilder(id, inst, n, out, 3, ts, 4242).slice();
      expect(decodeFrame(direct), `n = ${n}`).toEqual(decodeFrame(built));
      // Instrument ids taken from inside a larger array (the server passes the decoder's view).
      const padded = new Uint32Array(n + 7).fill(0xdeadbeef);
      padded.set(inst, 5);
      const fromWindow = e.decision(Number(id & 0xffffffffn), Number(id >> 32n), padded, n, out, 3, Number(ts & 0xffffffffn), Number(ts >> 32n), 4242, 5).slice();
      expect(fromWindow, `n = ${n}, window`).toEqual(direct);
      expect(direct.length % 8).toBe(0);
      // Also through the server's own checks.
      expect(new FrameDecoder(1).open(direct)).toBe(WirePayload.DecisionResponse);
    }
  });

  it.skipIf(!haveFlatc && !process.env.CI)('flatc (the C++ reader) reads the direct encoder\'s frames', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tachyon-fb-'));
    const out = { actions: Uint8Array.of(1, 2, 0), scores: Float64Array.of(1.5, -2, 0.1), confidence: Float64Array.of(0.375, 0.5, 0), clamps: Uint8Array.of(0, 8, 0), reasons: Uint8Array.of(0, 0, 1) };
    writeFileSync(join(dir, 'f.bin'), new FrameEncoder().decision(7, 1, Uint32Array.of(10, 11, 4294967295), 3, out, 2, 99, 0, 555));
    const r = spawnSync('flatc', ['--json', '--strict-json', '--raw-binary', '-o', dir, 'ts/src/server/protocol/tachyon.fbs', '--', join(dir, 'f.bin')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'f.json'), 'utf8'))).toEqual({
      request_id: 4294967303,
      payload_type: 'DecisionResponse',
      payload: { instruments: [10, 11, 4294967295], actions: [1, 2, 0], scores: [1.5, -2, 0.1], confidence: [0.375, 0.5, 0], clamps: [0, 8, 0], reasons: [0, 0, 1], mode: 'Reduce', client_ts_ns: 99, server_ns: 555 },
    });
  });

  it('refuses frames the runtime would misread, with a typed code', () => {
    const d = new FrameDecoder(4);
    const code = (f: Uint8Array) => {
      try {
        const t = d.open(f);
        if (t === WirePayload.DecisionRequest) d.decision();
        if (t === WirePayload.MarketEvents) d.marketEvents();
        if (t === WirePayload.Subscribe) d.topics();
        return 'accepted';
      } catch (e) {
        return e instanceof FrameError ? WireErrorCode[e.code] : `other: ${String(e)}`;
      }
    };
    expect(code(new Uint8Array(8))).toBe('Malformed');
    expect(code(encodeDecisionRequest({ requestId: 1n, instruments: [1, 2, 3, 4, 5], nFeatures: 1, features: [1, 2, 3, 4, 5] }))).toBe('BatchTooLarge');
    expect(code(encodeDecisionRequest({ requestId: 1n, instruments: [1], nFeatures: 0, features: [] }))).toBe('BadDimensions');
    // Every single-byte corruption of a valid frame of each client message type is either
    // refused with a code or decoded into a well-formed message: never an exception of
    // another kind (the server would still answer, but as an internal error).
    const frames = [
      encodeDecisionRequest({ requestId: 1n, instruments: [1, 2], nFeatures: 2, features: [1, 2, 3, 4] }),
      encodeMarketEvents(2n, new Uint8Array(96).fill(7)),
      encodeSubscribe(3n, WireTopic.Status | WireTopic.Orders),
      encodePing(4n),
    ];
    let refused = 0;
    for (const valid of frames) {
      for (let i = 0; i < valid.length; i++) {
        for (const v of [0, 1, 0x7f, 0x80, 0xff]) {
          const b = valid.slice();
          b[i] = v;
          const c = code(b);
          expect(c, `byte ${i} = ${v}`).not.toMatch(/^other/);
          if (c !== 'accepted') refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});

describe('copying a message into the decoder (the server path)', () => {
  const frame = encodeDecisionRequest({ requestId: 42n, instruments: [3, 9], nFeatures: 2, features: [1, 2, 3, 4], clientTsNs: 5n });
  const msg = frame.slice().buffer; // what uWS hands the handler

  it('copyArrayBuffer copies every byte to the start of the destination and returns the count', () => {
    const dst = new Uint8Array(msg.byteLength + 5).fill(0xee);
    expect(native.copyArrayBuffer(msg, dst)).toBe(msg.byteLength);
    expect([...dst.subarray(0, msg.byteLength)]).toEqual([...new Uint8Array(msg)]);
    expect([...dst.subarray(msg.byteLength)]).toEqual([0xee, 0xee, 0xee, 0xee, 0xee]);
    expect(native.copyArrayBuffer(new ArrayBuffer(0), dst)).toBe(0);
  });

  it('copyArrayBuffer refuses a short destination and overlapping memory, writing nothing', () => {
    const short = new Uint8Array(msg.byteLength - 1);
    expect(() => native.copyArrayBuffer(msg, short)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG', message: expect.stringContaining(`holds ${msg.byteLength - 1} bytes`) }));
    expect(short.every((b) => b === 0)).toBe(true);
    const buf = new ArrayBuffer(64);
    expect(() => native.copyArrayBuffer(buf, new Uint8Array(buf))).toThrow(/share memory/);
  });

  it('reserve + openCopied reads the frame as open() does, and the buffer only grows', () => {
    const d = new FrameDecoder(64);
    const small = d.reserve(8);
    expect(small.byteLength).toBeGreaterThanOrEqual(8);
    native.copyArrayBuffer(msg, d.reserve(msg.byteLength));
    expect(d.openCopied(msg.byteLength)).toBe(WirePayload.DecisionRequest);
    const r = d.decision();
    expect(d.requestId).toBe(42n);
    expect([...r.instruments]).toEqual([3, 9]);
    expect([...r.features]).toEqual([1, 2, 3, 4]);
    const big = d.reserve(10_000);
    expect(big.byteLength).toBeGreaterThanOrEqual(10_000);
    expect(d.reserve(16).byteLength).toBe(big.byteLength);
    expect(() => d.openCopied(big.byteLength + 1)).toThrow(FrameError);
    expect(() => d.openCopied(4)).toThrow(/too short/);
  });
});
