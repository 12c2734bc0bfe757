// Helpers for the server tests: a decision engine with simple weights, a WebSocket client that
// awaits answers by request id, and HTTP helpers.
import WebSocket from 'ws';
import { DecisionEngine, decodeFrame, type Frame } from '../../src/index.js';

/**
 * The engine area's native decision engine with plain linear weights (no feature clamps):
 * score = w·x, clamped to ±4; buy at ≥ 1, sell at ≤ −1; confidence |score| / 4.
 */
export function linearEngine(weights: number[]): DecisionEngine {
  return new DecisionEngine({ weights, scoreCap: 4, buyThreshold: 1, sellThreshold: 1 });
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
