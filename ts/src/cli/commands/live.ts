/**
 * `tachyon live --live --confirm`: trade on an exchange through CCXT. Refuses to start without
 * both flags and without credentials in the environment; reconciles open orders and positions
 * with the venue before the strategy sees anything.
 */
import type { Command } from 'commander';
import { TachyonError } from '../../errors.js';
import { configFor, num, untilSignal, withConfig, type ConfigFlags } from '../common.js';

interface LiveFlags extends ConfigFlags {
  live?: boolean;
  confirm?: boolean;
  duration?: number;
  journal?: string;
  strategy?: string;
}

export function registerLive(program: Command): void {
  withConfig(program.command('live').description('live trading through CCXT (needs --live --confirm and credentials in the environment)'))
    .option('--live', 'really trade on the venue in the config (the default is always simulated)')
    .option('--confirm', 'confirm that real orders will be sent')
    .option('-d, --duration <seconds>', 'how long to run; 0 runs until Ctrl-C', num('duration', 0, 86_400 * 365), 0)
    .option('-j, --journal <path>', 'SQLite journal file (default ./data/tachyon.db)')
    .option('--strategy <kind|file>', 'ema-cross, or a module exporting a Strategy')
    .action(async (o: LiveFlags) => {
      if (!o.live || !o.confirm)
        throw new TachyonError(
          'ERR_LIVE_NOT_CONFIRMED',
          'live trading sends real orders: pass both --live and --confirm (paper trading with the same strategy: `tachyon paper`)',
        );
      const strategy = o.strategy === undefined ? {} : /^[a-z-]+$/.test(o.strategy) ? { 'strategy.kind': o.strategy } : { 'strategy.kind': 'module', 'strategy.module': o.strategy };
      const config = configFor(o, { 'journal.path': o.journal, 'venue.kind': 'ccxt', ...strategy });
      const { runLive } = await import('../../runtime/live.js');
      await untilSignal((signal) => runLive({ config, signal, durationSec: o.duration ?? 0, mode: 'live' }));
    });
}
