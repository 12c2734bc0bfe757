import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { EventBatch, EventKind, EventStream, Side, fingerprint, isTachyonError, type MarketEventInput } from '../src/index.js';
import { native } from '../src/native.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isTachyonError(e)).toBe(true);
    return (e as { code: string }).code;
  }
  throw new Error('expected a throw');
}

/** Deterministic events with every field exercised (negative aux, big timestamps, big mantissas). */
function events(n: number, from = 0): MarketEventInput[] {
  const out: MarketEventInput[] = [];
  for (let i = 0; i < n; i++) {
    const seq = from + i;
    out.push({
      kind: ([EventKind.Trade, EventKind.BidLevel, EventKind.AskLevel] as const)[seq % 3]!,
      instrument: (seq * 2654435761) % 2 ** 32,
      side: seq % 3 === 0 ? (seq % 2 ? Side.Buy : Side.Sell) : Side.None,
      tsUs: 1_732_212_000_000_000 + seq * 7,
      price: 6_500_010 + (seq % 1000) * 2 ** 33, // above 2^32: exercises the high word
      qty: 1 + (seq % 5000),
      seq,
      aux: -seq,
    });
  }
  return out;
}

const sum = (es: MarketEventInput[]) => es.reduce((a, e) => BigInt.asUintN(64, a + fingerprint(e)), 0n);

describe('EventStream over the shared ring', () => {
  it('delivers every record exactly once, in order, bit-exact', () => {
    const stream = new EventStream({ capacity: 1024 });
    const w = stream.writer();
    const es = events(200_000);
    for (const [i, e] of es.entries()) {
      while (!w.tryPush(e.kind, e.instrument, e.side ?? 0, e.tsUs, e.price, e.qty, e.seq, e.aux ?? 0)) {
        /* consumer catching up */
      }
      if (i % 100 === 99) w.commit();
    }
    const s = stream.close();
    expect(s.received).toBe(es.length);
    expect(s.accepted).toBe(es.length);
    expect(s.seqMissing).toBe(0);
    expect(s.seqRegressions).toBe(0);
    expect(s.lastSeq).toBe(es.length - 1);
    expect(s.fingerprint).toBe(sum(es));
    expect(s.byKind.trade + s.byKind.bidLevel + s.byKind.askLevel).toBe(es.length);
    expect(w.status).toBe('closed');
  });

  it('accepts records from a worker thread sharing the ring', async () => {
    const stream = new EventStream({ capacity: 256 });
    // Node 20 workers ignore `--import` in execArgv: register tsx's loader from a stub instead.
    const url = new URL('./helpers/ring-producer.worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: { buffer: stream.sharedBuffer, count: 50_000, start: 0 } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    await worker.terminate();
    const s = stream.close();
    expect(s.accepted).toBe(50_000);
    expect(s.seqMissing + s.seqRegressions).toBe(0);
    const sent = Array.from({ length: 50_000 }, (_, seq) => ({
      kind: EventKind.Trade, instrument: 7, side: Side.Sell, tsUs: 1_700_000_000_000_000 + seq,
      price: 1000 + (seq % 97), qty: 1 + (seq % 13), seq,
    }));
    expect(s.fingerprint).toBe(sum(sent));
  });

  it('counts semantically bad records by reason instead of crashing', () => {
    const stream = new EventStream({ capacity: 64 });
    const w = stream.writer();
    const base = { instrument: 1, tsUs: 1, price: 10, qty: 1 };
    w.push({ ...base, kind: EventKind.Trade, qty: 0, seq: 0 }); // zero quantity trade
    w.push({ ...base, kind: EventKind.Trade, qty: -3, seq: 1 }); // negative quantity
    w.push({ ...base, kind: EventKind.BidLevel, price: 0, seq: 2 }); // non-positive price
    w.tryPush(9, 1, 0, 1, 10, 1, 3); // unknown kind
    w.tryPush(1, 1, 7, 1, 10, 1, 4); // unknown side
    w.push({ ...base, kind: EventKind.AskLevel, qty: 0, seq: 6 }); // level delete: fine; seq jumps 4 → 6
    w.push({ ...base, kind: EventKind.Trade, seq: 6 }); // duplicate seq
    const s = stream.close();
    expect(s.rejected).toEqual({ unknownKind: 1, unknownSide: 1, nonPositivePrice: 1, badQuantity: 2 });
    expect(s.accepted).toBe(2);
    expect(s.seqMissing).toBe(1);
    expect(s.seqRegressions).toBe(1);
  });

  it('refuses unencodable fields before writing anything', () => {
    const stream = new EventStream({ capacity: 64 });
    const w = stream.writer();
    const ok = { kind: EventKind.Trade, instrument: 1, tsUs: 1, price: 10, qty: 1, seq: 0 } as const;
    expect(codeOf(() => w.push({ ...ok, price: Number.NaN }))).toBe('ERR_INVALID_EVENT');
    expect(codeOf(() => w.push({ ...ok, qty: Number.POSITIVE_INFINITY }))).toBe('ERR_INVALID_EVENT');
    expect(codeOf(() => w.push({ ...ok, price: 1.5 }))).toBe('ERR_INVALID_EVENT');
    expect(codeOf(() => w.push({ ...ok, tsUs: 2 ** 60 }))).toBe('ERR_INVALID_EVENT');
    expect(codeOf(() => w.push({ ...ok, seq: -1 }))).toBe('ERR_INVALID_EVENT');
    expect(codeOf(() => w.push({ ...ok, instrument: -1 }))).toBe('ERR_INVALID_EVENT');
    expect(w.pending).toBe(0);
    expect(stream.close().received).toBe(0);
  });
});

describe('EventStream push transport', () => {
  it('batches and single pushes arrive intact', () => {
    const stream = new EventStream({ transport: 'push', capacity: 4096 });
    const es = events(20_000);
    const batch = new EventBatch(1000);
    let i = 0;
    while (i < 10_000) {
      batch.clear();
      for (let k = 0; k < 1000; k++) batch.push(es[i + k]!);
      let done = 0;
      while (done < 1000) done += stream.pushBatch(batch.bytes.subarray(done * 48));
      i += 1000;
    }
    for (; i < es.length; i++) {
      const e = { ...es[i]!, aux: 0 };
      es[i] = e;
      while (!stream.pushOne(e)) {
        /* full */
      }
    }
    const s = stream.close();
    expect(s.accepted).toBe(es.length);
    expect(s.seqMissing + s.seqRegressions).toBe(0);
    expect(s.fingerprint).toBe(sum(es));
  });

  it('refuses oversized and malformed batches with typed errors', () => {
    const stream = new EventStream({ transport: 'push', capacity: 64 });
    const big = new EventBatch(65);
    for (let k = 0; k < 65; k++) big.pushRaw(1, 0, 1, 1, 10, 1, k);
    expect(codeOf(() => stream.pushBatch(big))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => stream.pushBatch(new Uint8Array(47)))).toBe('ERR_INVALID_ARG');
    const full = new EventBatch(2);
    full.pushRaw(1, 0, 1, 1, 10, 1, 0);
    full.pushRaw(1, 0, 1, 1, 10, 1, 1);
    expect(codeOf(() => full.pushRaw(1, 0, 1, 1, 10, 1, 2))).toBe('ERR_BATCH_FULL');
    expect(codeOf(() => stream.pushOne({ kind: 1, instrument: 0, tsUs: Number.NaN, price: 1, qty: 1, seq: 0 }))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => stream.writer())).toBe('ERR_INVALID_STATE');
    stream.close();
    expect(codeOf(() => stream.pushBatch(full))).toBe('ERR_INVALID_STATE');
  });

  it('guards the native ring attachment', () => {
    expect(codeOf(() => new EventStream({ capacity: 1 }))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => new EventStream({ capacity: 2 ** 25 }))).toBe('ERR_INVALID_ARG');
    const raw = native.streamNew({ transport: 'ring', capacity: 16 });
    // A detachable ArrayBuffer is refused: JS could transfer it away under the reader.
    expect(codeOf(() => native.streamAttachRing(raw, new Uint8Array(native.ringBytes(16))))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => native.streamAttachRing(raw, new Uint8Array(new SharedArrayBuffer(100))))).toBe('ERR_INVALID_ARG');
    native.streamAttachRing(raw, new Uint8Array(new SharedArrayBuffer(native.ringBytes(16))));
    expect(codeOf(() => native.streamAttachRing(raw, new Uint8Array(new SharedArrayBuffer(native.ringBytes(16)))))).toBe('ERR_INVALID_STATE');
    native.streamClose(raw);
    // A handle of another type is refused, not misread.
    expect(codeOf(() => native.streamStats({} as never))).toMatch(/^(ERR_INVALID_ARG|InvalidArg|ObjectExpected)$/);
  });

  it('marks a ring corrupt when the producer index is impossible', async () => {
    const stream = new EventStream({ capacity: 16, spin: 0, yields: 0, sleepUs: 100 });
    const i32 = new Int32Array(stream.sharedBuffer!);
    Atomics.store(i32, 128 / 4, 1000); // head 1000 records ahead of tail 0
    for (let t = 0; t < 200 && !stream.stats().sourceBroken; t++) await new Promise((r) => setTimeout(r, 5));
    expect(stream.stats().sourceBroken).toBe(true);
    expect(stream.writer().status).toBe('corrupt');
    expect(stream.close().received).toBe(0);
  });
});
