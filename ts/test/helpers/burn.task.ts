// A job for the worker-pool test: keeps a worker thread busy for `ms` milliseconds and says
// when it ran (wall clock, comparable across threads).
import { threadId } from 'node:worker_threads';

export default function burn(params: { ms: number }): { spins: number; threadId: number; startedAt: number; endedAt: number } {
  const startedAt = Date.now();
  const end = performance.now() + params.ms;
  let spins = 0;
  while (performance.now() < end) spins++;
  return { spins, threadId, startedAt, endedAt: Date.now() };
}
