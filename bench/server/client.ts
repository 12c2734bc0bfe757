/**
 * A minimal WebSocket client on a raw TCP socket for the load test: frames are pre-encoded
 * (masked with the all-zero key RFC 6455 allows, so the payload bytes go out unchanged) and
 * answers are only delimited and counted, so the client costs ~1 µs per message and the
 * servers, not the client, are what is measured. Both servers face this same client.
 */
import { connect, type Socket } from 'node:net';

/** One client→server frame (FIN, binary or text opcode, masked with a zero key). */
export function wsFrame(payload: Uint8Array, text = false): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const b = Buffer.alloc(head + 4 + n);
  b[0] = 0x80 | (text ? 1 : 2);
  if (n < 126) b[1] = 0x80 | n;
  else if (n < 65536) {
    b[1] = 0x80 | 126;
    b.writeUInt16BE(n, 2);
  } else {
    b[1] = 0x80 | 127;
    b.writeBigUInt64BE(BigInt(n), 2);
  }
  // 4 zero bytes of masking key, then the payload as is.
  b.set(payload, head + 4);
  return b;
}

export class RawWsClient {
  private buf: Buffer = Buffer.alloc(0);
  /** Called once per data frame from the server (text or binary), with its payload. */
  onMessage: (payload: Buffer) => void = () => {};
  closed = false;

  private constructor(readonly socket: Socket) {}

  static connect(port: number, path = '/ws'): Promise<RawWsClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      const c = new RawWsClient(socket);
      let head = '';
      const onData = (d: Buffer) => {
        head += d.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        if (!head.startsWith('HTTP/1.1 101')) {
          reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
          socket.destroy();
          return;
        }
        const rest = Buffer.from(head.slice(end + 4), 'latin1');
        socket.on('data', (x: Buffer) => c.onData(x));
        if (rest.length) c.onData(rest);
        resolve(c);
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.on('close', () => (c.closed = true));
      socket.once('connect', () =>
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        ),
      );
    });
  }

  private onData(d: Buffer): void {
    let b = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    let p = 0;
    for (;;) {
      if (b.length - p < 2) break;
      const op = b[p]! & 0x0f;
      let n = b[p + 1]! & 0x7f;
      let h = 2;
      if (n === 126) {
        if (b.length - p < 4) break;
        n = b.readUInt16BE(p + 2);
        h = 4;
      } else if (n === 127) {
        if (b.length - p < 10) break;
        n = Number(b.readBigUInt64BE(p + 2));
        h = 10;
      }
      if (b.length - p < h + n) break;
      const payload = b.subarray(p + h, p + h + n);
      if (op === 1 || op === 2) this.onMessage(payload);
      else if (op === 9) this.socket.write(wsFrame(payload).fill(0x8a, 0, 1)); // pong
      else if (op === 8) this.closed = true;
      p += h + n;
    }
    this.buf = p < b.length ? Buffer.from(b.subarray(p)) : Buffer.alloc(0);
  }

  write(data: Buffer): void {
    this.socket.write(data);
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface RateResult {
  targetRate: number;
  sent: number;
  received: number;
  /** Answers per second over the measured window. */
  achieved: number;
  /**
   * Round trip, µs, from the moment the request was written to the socket. The client is open
   * loop (it never waits for answers before sending), so a stalled server still meets requests
   * on schedule and its stall shows in these figures.
   */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  lost: number;
}

function pct(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** How the load client spaces its requests (see {@link runRate}). */
export type Pace = 'timer' | 'fine' | 'spin';
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Sends `frames` (cycled) at a fixed `rate` for `durationSec` over `clients` (round robin),
 * open loop: send times follow the schedule, not the answers. With `pace: 'timer'` requests
 * due within the same millisecond leave together; `'fine'` sleeps at most 50 µs between turns
 * (`Atomics.wait`), so requests leave within ~50 µs of their time without a spinning core, and
 * answers that arrive during a sleep are read up to 50 µs late (this errs towards higher
 * round trips, never lower); `'spin'` re-checks at once (exact spacing, a busy core). Answers
 * on a connection come in order, so the k-th answer belongs to the k-th request on that
 * connection. Bounded: at most
 * `rate × durationSec` requests, and at most `drainSec` of waiting afterwards.
 */
export async function runRate(
  clients: RawWsClient[],
  frames: Buffer[],
  rate: number,
  durationSec: number,
  warmupSec: number,
  drainSec = 2,
  pace: Pace = 'timer',
): Promise<RateResult> {
  const total = Math.floor(rate * durationSec);
  const nc = clients.length;
  const queues = clients.map(() => ({ t: new Float64Array(total + 1), head: 0, tail: 0 }));
  const lat = new Float64Array(total);
  let nLat = 0;
  let received = 0;
  let t0 = 0;
  const warmEnd = () => t0 + warmupSec * 1000;
  let firstMeasured = Infinity;
  let lastMeasured = 0;
  let measured = 0;
  clients.forEach((c, i) => {
    const q = queues[i]!;
    c.onMessage = () => {
      const now = performance.now();
      const sched = q.t[q.head++]!;
      received++;
      if (sched >= warmEnd()) {
        lat[nLat++] = (now - sched) * 1000;
        measured++;
        if (sched < firstMeasured) firstMeasured = sched;
        lastMeasured = now;
      }
    };
  });
  const perMs = rate / 1000;
  let k = 0;
  t0 = performance.now();
  await new Promise<void>((resolve) => {
    const pending: Buffer[][] = clients.map(() => []);
    const loop = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) * perMs) + 1);
      while (k < due) {
        const ci = k % nc;
        const q = queues[ci]!;
        q.t[q.tail++] = now; // written below, in this turn
        pending[ci]!.push(frames[k % frames.length]!);
        k++;
      }
      for (let i = 0; i < nc; i++) {
        const p = pending[i]!;
        if (p.length === 1) clients[i]!.write(p[0]!);
        else if (p.length > 1) clients[i]!.write(Buffer.concat(p));
        p.length = 0;
      }
      if (k >= total) return resolve();
      // timer: wake about every millisecond and write what is due (the client then uses a
      // fraction of a core and does not crowd the server off a shared core); fine: sleep until
      // the next request is due, at most 50 µs, then let I/O run; spin: re-check at once
      // (exact spacing, a full core).
      if (pace === 'fine') {
        const wait = t0 + k / perMs - performance.now(); // ms until request k is due
        if (wait > 0) Atomics.wait(sleeper, 0, 0, Math.min(wait, 0.05));
      }
      if (pace === 'timer') setTimeout(loop, 0);
      else setImmediate(loop);
    };
    loop();
  });
  const sendEnd = performance.now();
  while (received < total && performance.now() - sendEnd < drainSec * 1000) await new Promise((r) => setImmediate(r));
  const sorted = lat.slice(0, nLat).sort();
  const window = Math.max(1e-9, (lastMeasured - firstMeasured) / 1000);
  return {
    targetRate: rate,
    sent: total,
    received,
    achieved: measured / window,
    p50: pct(sorted, 0.5),
    p99: pct(sorted, 0.99),
    p999: pct(sorted, 0.999),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    lost: total - received,
  };
}
