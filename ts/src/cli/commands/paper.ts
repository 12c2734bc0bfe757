/**
 * `tachyon start` (the main job, `npm start`) and `tachyon paper`: a paper session on the
 * simulated venue fed by the seeded synthetic market, journal in ./data, live summary, and the
 * decision server's dashboard beside it (`startServer` with the session's live state, its
 * control modes and its order events).
 */
import type { Command } from 'commander';
import { isTachyonError } from '../../errors.js';
import { runPaper, type PaperSession } from '../../runtime/paper.js';
import { startServer, type TachyonServer } from '../../server/index.js';
import type { AuditEntry, ControlPort } from '../../server/types.js';
import { configFor, num, untilSignal, withConfig, type ConfigFlags } from '../common.js';

interface PaperFlags extends ConfigFlags {
  duration?: number;
  seed?: number;
  barsPerSec?: number;
  journal?: string;
  strategy?: string;
  server?: boolean;
  port?: number;
}

/**
 * Starts the decision server and dashboard beside the session: the dashboard shows the
 * session's snapshot (equity, P&L, positions, limits, counts), the control API drives the
 * session's risk engine (journaled), control-API calls are journaled as risk events, and the
 * session's order events are pushed to WebSocket clients subscribed to orders. When the
 * configured port is taken, a free one is used (the URL printed is the one that answers).
 */
export async function attachServer(session: PaperSession, out: NodeJS.WritableStream | null): Promise<TachyonServer | null> {
  const cfg = session.config.server;
  if (!cfg.enabled) return null;
  const control: ControlPort = {
    mode: () => session.mode,
    request: (action, reason) => session.request(action, reason, 'api'),
    transitions: (after = 0) => session.risk.transitions(after),
    flatten: (reason: string) => session.flatten(reason),
    limits: () => session.snapshot().risk.limits,
  };
  const deps = {
    state: session,
    control,
    audit: (e: AuditEntry) => session.journalControlCall(e),
  };
  const options = { host: cfg.host, port: cfg.port, log: 'warn' as const };
  let server: TachyonServer;
  try {
    server = await startServer(options, deps);
  } catch (e) {
    if (!(isTachyonError(e) && e.code === 'ERR_SYSTEM') || cfg.port === 0) throw e;
    server = await startServer({ ...options, port: 0 }, deps);
    out?.write(`  port ${cfg.port} is taken; the dashboard uses ${server.port}\n`);
  }
  session.onOrderEvent((ev) => server.publishOrderEvent(ev));
  out?.write(
    `  dashboard ${server.url} (metrics ${server.url}metrics, status ${server.url}api/status; control API ${server.controlEnabled ? 'enabled' : 'off: set TACHYON_API_TOKEN'})\n`,
  );
  return server;
}

function register(cmd: Command): void {
  withConfig(cmd)
    .option('-d, --duration <seconds>', 'how long to run; 0 runs until Ctrl-C', num('duration', 0, 86_400 * 365))
    .option('-s, --seed <n>', 'seed of the synthetic market', num('seed', 0, 2 ** 32 - 1))
    .option('-r, --bars-per-sec <n>', 'synthetic market speed (bars per wall-clock second)', num('bars-per-sec', 0.1, 1_000_000))
    .option('-j, --journal <path>', 'SQLite journal file (default ./data/tachyon.db)')
    .option('--strategy <kind|file>', 'ema-cross, or a .ts/.js module exporting a Strategy')
    .option('-p, --port <n>', 'dashboard port (default 8787; 0 picks a free one)', num('port', 0, 65_535))
    .option('--no-server', 'do not start the decision server and dashboard')
    .action(async (o: PaperFlags) => {
      const strategy = o.strategy === undefined ? {} : /^[a-z-]+$/.test(o.strategy) ? { 'strategy.kind': o.strategy } : { 'strategy.kind': 'module', 'strategy.module': o.strategy };
      const config = configFor(o, {
        seed: o.seed,
        'paper.barsPerSec': o.barsPerSec,
        'journal.path': o.journal,
        'server.enabled': o.server === false ? false : undefined,
        'server.port': o.port,
        ...strategy,
      });
      let server: TachyonServer | null = null;
      try {
        await untilSignal((signal) =>
          runPaper({
            config,
            signal,
            durationSec: o.duration ?? config.paper.durationSec,
            onReady: async (s) => {
              server = await attachServer(s, process.stdout);
            },
          }),
        );
      } finally {
        await (server as TachyonServer | null)?.close();
      }
    });
}

export function registerPaper(program: Command): void {
  register(
    program
      .command('start', { isDefault: true })
      .description('the main job: a paper session on the simulated venue fed by a seeded synthetic market, journal in ./data, live summary and dashboard (Ctrl-C stops)'),
  );
  register(program.command('paper').description('paper trading: live data (the synthetic market by default), simulated fills, journal, live summary, dashboard'));
}
