// Helpers for the server tests: a stand-in decider (the engine area's DecisionEngine replaces it
// once it is on main), a WebSocket client that awaits answers by request id, and HTTP helpers.
import WebSocket from 'ws';
import { decodeFrame, type Decider, type DecisionColumns, type Frame } from '../../src/index.js';

/**
 * A linear scorer with the engine's column contract (score = w·x + b, clamped; buy/sell by
 * threshold). Test double only: the server's behaviour, not the scoring, is under test.
 */
export class LinearDecider implements Decider {
  calls = 0;
  constructor(
    readonly weights: number[],
    readonly threshold = 1,
  ) {}
  get nFeatures(): number {
    return this.weights.length;
  }
  decideBatch(features: Float64Array, out?: DecisionColumns): DecisionColumns {
    const n = this.weights.length;
    const rows = features.length / n;
    if (!Number.isInteger(rows)) throw Object.assign(new Error(`features.length ${features.length} is not a multiple of ${n}`), { code: 'ERR_DIMENSION' });
    if (!out || out.length !== rows) throw Object.assign(new Error(`out has ${out?.length} rows, want ${rows}`), { code: 'ERR_DIMENSION' });
    this.calls++;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let f = 0; f < n; f++) s += this.weights[f]! * features[r * n + f]!;
      const finite = Number.isFinite(s);
      out.scores[r] = finite ? s : 0;
      out.confidence[r] = finite ? Math.min(1, Math.abs(s) / 4) : 0;
      out.actions[r] = !finite ? 0 : s >= this.threshold ? 1 : s <= -this.threshold ? 2 : 0;
      out.clamps[r] = 0;
      out.reasons[r] = !finite ? 2 : out.actions[r] === 0 ? 1 : 0;
      out.clampFeatures[r] = 0xffff;
    }
    return out;
  }
}

/** A binary-protocol client that matches answers to request ids. */
export class TestClient {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  private waiters = new Map<bigint, (f: Frame) => void>();
  closeCode: number | null = null;
  closeReason = '';
  readonly closed: Promise<void>;

  constructor(url: string, opts: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, opts);
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('message', (data: Buffer) => {
      const f = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
      this.frames.push(f);
      const w = this.waiters.get(f.requestId);
      if (w) {
        this.waiters.delete(f.requestId);
        w(f);
      }
    });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve();
      });
    });
    this.ws.on('error', () => {});
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) return resolve();
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  /** Sends a frame and waits for the answer with the same request id. */
  request(frame: Uint8Array, requestId: bigint, timeoutMs = 5000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no answer to request ${requestId} in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(requestId, (f) => {
        clearTimeout(t);
        resolve(f);
      });
      this.ws.send(frame);
    });
  }

  close(): void {
    this.ws.close();
  }
}

export async function http(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const r = await fetch(url, init);
  const text = await r.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: r.status, body, text, headers: r.headers };
}

export const wsUrl = (httpUrl: string, path = 'ws') => `${httpUrl.replace(/^http/, 'ws')}${path}`;
