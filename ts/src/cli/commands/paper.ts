/**
 * `tachyon start` (the main job, `npm start`) and `tachyon paper`: a paper session on the
 * simulated venue fed by the seeded synthetic market, journal in ./data, live summary.
 */
import type { Command } from 'commander';
import { runPaper, type PaperSession } from '../../runtime/paper.js';
import { configFor, num, untilSignal, withConfig, type ConfigFlags } from '../common.js';

interface PaperFlags extends ConfigFlags {
  duration?: number;
  seed?: number;
  barsPerSec?: number;
  journal?: string;
  strategy?: string;
  server?: boolean;
}

/** Starts the decision server and dashboard beside the session when this build has them. */
async function attachServer(session: PaperSession, out: NodeJS.WritableStream): Promise<(() => Promise<void>) | null> {
  const cfg = session.config.server;
  if (!cfg.enabled) return null;
  let mod: Record<string, unknown>;
  try {
    const path = '../../server/index.js';
    mod = (await import(path)) as Record<string, unknown>;
  } catch {
    out.write('  dashboard: not part of this build (the decision server lands with its own issue)\n');
    return null;
  }
  const start = mod.startServer as ((o: unknown, deps: unknown) => Promise<{ url: string; close(): Promise<void> }>) | undefined;
  if (!start) return null;
  const control = {
    mode: () => session.mode,
    request: (action: 'pause' | 'reduce' | 'resume' | 'kill', reason: string) => session.request(action, reason, 'api'),
    transitions: (after = 0) => session.risk.transitions(after),
    flatten: (reason: string) => session.flatten(reason),
  };
  const server = await start({ host: cfg.host, port: cfg.port }, { state: session, control });
  out.write(`  dashboard ${server.url} (metrics ${server.url}metrics)\n`);
  return () => server.close();
}

function register(cmd: Command, isDefault: boolean): void {
  withConfig(cmd)
    .option('-d, --duration <seconds>', 'how long to run; 0 runs until Ctrl-C', num('duration', 0, 86_400 * 365))
    .option('-s, --seed <n>', 'seed of the synthetic market', num('seed', 0, 2 ** 32 - 1))
    .option('-r, --bars-per-sec <n>', 'synthetic market speed (bars per wall-clock second)', num('bars-per-sec', 0.1, 1_000_000))
    .option('-j, --journal <path>', 'SQLite journal file (default ./data/tachyon.db)')
    .option('--strategy <kind|file>', 'ema-cross, or a .ts/.js module exporting a Strategy')
    .option('--no-server', 'do not start the dashboard')
    .action(async (o: PaperFlags) => {
      const strategy = o.strategy === undefined ? {} : /^[a-z-]+$/.test(o.strategy) ? { 'strategy.kind': o.strategy } : { 'strategy.kind': 'module', 'strategy.module': o.strategy };
      const config = configFor(o, {
        seed: o.seed,
        'paper.barsPerSec': o.barsPerSec,
        'journal.path': o.journal,
        'server.enabled': o.server === false ? false : undefined,
        ...strategy,
      });
      let close: (() => Promise<void>) | null = null;
      await untilSignal((signal) =>
        runPaper({
          config,
          signal,
          durationSec: o.duration ?? config.paper.durationSec,
          onReady: async (s) => {
            close = await attachServer(s, process.stdout);
          },
        }),
      );
      if (close) await (close as () => Promise<void>)();
    });
  void isDefault;
}

export function registerPaper(program: Command): void {
  register(program.command('start', { isDefault: true }).description('the main job: a paper session on the simulated venue fed by a seeded synthetic market, journal in ./data, live summary (Ctrl-C stops)'), true);
  register(program.command('paper').description('paper trading: live data (the synthetic market by default), simulated fills, journal, live summary'), false);
}
