// Worker-thread producer: writes `count` trades into a shared ring it received by postMessage.
import { parentPort, workerData } from 'node:worker_threads';
import { RingWriter } from '../../src/api/stream.js';

const { buffer, count, start } = workerData as { buffer: SharedArrayBuffer; count: number; start: number };
const w = RingWriter.fromBuffer(buffer);
for (let i = 0; i < count; i++) {
  const seq = start + i;
  while (!w.tryPush(1, 7, 2, 1_700_000_000_000_000 + seq, 1000 + (seq % 97), 1 + (seq % 13), seq)) {
    /* full: tryPush published; spin until the consumer makes room */
  }
  if ((i & 255) === 255) w.commit();
}
w.commit();
parentPort?.postMessage('done');
