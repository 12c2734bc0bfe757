/**
 * Options of the decision server, validated with zod. Every option, its default and its meaning
 * is listed here and nowhere else.
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `host` | `127.0.0.1` | address to bind (loopback by default) |
 * | `port` | `7070` | TCP port; `0` picks a free one (see `server.port`) |
 * | `token` | — | control-API bearer token (else `tokenFile`, `TACHYON_API_TOKEN_FILE`, `TACHYON_API_TOKEN`); ≥ 16 chars |
 * | `tokenFile` | — | file holding the token |
 * | `openRead` | `true` on a loopback `host`, else `false` | read-only calls (status, limits, dashboard, metrics) without the token |
 * | `maxPayloadBytes` | 1 MiB | largest WebSocket frame; bigger ones close the connection (1009) |
 * | `maxBatch` | 4096 | most instruments in one DecisionRequest |
 * | `maxBackpressureBytes` | 1 MiB | bytes queued for a slow client before it is dropped (half of it: it is told `SlowConsumer`) |
 * | `idleTimeoutSec` | 32 | a decision connection silent this long (pings unanswered) is closed; 0 disables; ≥ 8 |
 * | `maxConnections` | 1024 | open decision connections; more are refused with 503 |
 * | `maxDashboardClients` | 64 | open dashboard connections |
 * | `controlRate` | `{ perSec: 2, burst: 10 }` | mutating control calls per remote address |
 * | `dashboardIntervalMs` | 500 | dashboard and status push period |
 * | `equityHistory` | 3600 | equity points kept for the dashboard's curve |
 * | `auditCapacity` | 1000 | audit entries kept in memory (all go to the log and the `audit` sink) |
 * | `jobs` | `{ threads: 1, maxQueue: 16 }` | heavy-job pool (`JobPoolOptions`); `false` disables it |
 * | `log` | `info` | pino level, or `silent` |
 * | `defaultMetrics` | `true` | Node process metrics (event-loop lag, heap, GC) in `/metrics` |
 * | `cpuWakeLatencyUs` | — | hold a Linux PM QoS CPU wake-up latency of this many µs while the server runs (`0`: idle CPUs poll; see `pmqos.ts`); start-up fails with `ERR_SYSTEM` if it cannot be held |
 */
import { z } from 'zod';
import { TachyonError } from '../errors.js';
import { MAX_WAKE_LATENCY_US } from './pmqos.js';

const jobsSchema = z.union([
  z.literal(false),
  z
    .object({
      threads: z.number().int().min(1).max(64).optional(),
      maxQueue: z.number().int().min(0).max(10_000).optional(),
      tasks: z.record(z.string(), z.string()).optional(),
      timeoutMs: z.number().int().min(1).optional(),
    })
    .strict(),
]);

export const serverOptionsSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(7070),
    token: z.string().optional(),
    tokenFile: z.string().optional(),
    openRead: z.boolean().optional(),
    maxPayloadBytes: z.number().int().min(256).max(64 * 1024 * 1024).default(1 << 20),
    maxBatch: z.number().int().min(1).max(1_000_000).default(4096),
    maxBackpressureBytes: z.number().int().min(4096).max(1 << 30).default(1 << 20),
    idleTimeoutSec: z
      .number()
      .int()
      .refine((v) => v === 0 || (v >= 8 && v <= 960), 'must be 0 (off) or 8 to 960 seconds')
      .default(32),
    maxConnections: z.number().int().min(1).max(1_000_000).default(1024),
    maxDashboardClients: z.number().int().min(1).max(10_000).default(64),
    controlRate: z
      .object({ perSec: z.number().positive(), burst: z.number().int().min(1) })
      .strict()
      .default({ perSec: 2, burst: 10 }),
    dashboardIntervalMs: z.number().int().min(50).max(60_000).default(500),
    equityHistory: z.number().int().min(10).max(1_000_000).default(3600),
    auditCapacity: z.number().int().min(1).max(1_000_000).default(1000),
    jobs: jobsSchema.default({}),
    log: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    defaultMetrics: z.boolean().default(true),
    cpuWakeLatencyUs: z.number().int().min(0).max(MAX_WAKE_LATENCY_US).optional(),
  })
  .strict();

/** Options as callers pass them (everything optional). */
export type ServerOptions = z.input<typeof serverOptionsSchema>;
/** Options after defaults. */
export type ResolvedServerOptions = z.output<typeof serverOptionsSchema> & { openRead: boolean };

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Validates and fills defaults; throws `ERR_INVALID_ARG` naming the first bad option. */
export function resolveServerOptions(o: ServerOptions = {}): ResolvedServerOptions {
  const r = serverOptionsSchema.safeParse(o);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new TachyonError('ERR_INVALID_ARG', `server option ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return { ...r.data, openRead: r.data.openRead ?? isLoopback(r.data.host) };
}
