// A job for the worker-pool test: keeps a worker thread busy for `ms` milliseconds.
import { threadId } from 'node:worker_threads';

export default function burn(params: { ms: number }): { spins: number; threadId: number } {
  const end = performance.now() + params.ms;
  let spins = 0;
  while (performance.now() < end) spins++;
  return { spins, threadId };
}
