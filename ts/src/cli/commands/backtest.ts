/**
 * `tachyon backtest`: replay data (the bundled synthetic market by default, or a CSV/Parquet
 * file) through a strategy; write the HTML + JSON report; optionally sweep parameters on
 * worker threads, walk forward, or evaluate with purged k-fold.
 */
import type { Command } from 'commander';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RecordView } from '../../data/records.js';
import { loadConfiguredData, runBacktest } from '../../runtime/backtest.js';
import { writeReport } from '../../runtime/report.js';
import { parseGrid, runPurgedKFold, runSweep, runWalkForward, type SweepOutcome } from '../../runtime/sweep.js';
import { collectSet, configFor, fmtNum, fmtPct, num, progressBar, withConfig, type ConfigFlags } from '../common.js';

interface BacktestFlags extends ConfigFlags {
  data?: string;
  format?: string;
  execution?: string;
  symbol?: string;
  bars?: number;
  seed?: number;
  strategy?: string;
  param?: Record<string, unknown>;
  out?: string;
  report?: boolean;
  json?: boolean;
  sweep?: string;
  walkForward?: string;
  kfold?: number;
  embargo?: number;
  horizon?: number;
  workers?: number;
  objective?: string;
}

function row(o: SweepOutcome): string {
  const p = Object.entries(o.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const m = o.metrics;
  return `  ${p.padEnd(28)} sharpe ${fmtNum(m.sharpe).padStart(7)}  return ${fmtPct(m.totalReturn).padStart(9)}  maxDD ${fmtPct(m.maxDrawdown).padStart(8)}  trades ${String(m.trades).padStart(5)}`;
}

export function registerBacktest(program: Command): void {
  withConfig(program.command('backtest').description('replay market data through a strategy and write an HTML + JSON report'))
    .option('--data <file>', 'CSV or Parquet market data (default: the seeded synthetic market)')
    .option('--format <ohlcv|trades|l2>', 'what the data file holds (default ohlcv)')
    .option('--execution <bars|l2>', 'execution model: bars (default) or l2 (book levels + trades through the simulated venue: queue position, depth walk, latency)')
    .option('--symbol <symbol>', 'instrument of a file without a symbol column')
    .option('--bars <n>', 'synthetic bars to generate', num('bars', 1, 100_000_000))
    .option('-s, --seed <n>', 'seed of the synthetic market and the simulated venue', num('seed', 0, 2 ** 32 - 1))
    .option('--strategy <kind|file>', 'ema-cross (TypeScript), ema-cross-native (Rust loop), or a module exporting a Strategy')
    .option('-p, --param <key=value>', 'strategy parameter, e.g. -p fast=12 (repeatable)', collectSet, {})
    .option('-o, --out <dir>', 'report directory (default ./reports)')
    .option('--no-report', 'do not write the report files')
    .option('--json', 'print the result summary as JSON')
    .option('--sweep <grid>', 'parameter sweep on worker threads, e.g. "fast=5..20:5;slow=30,60"')
    .option('--walk-forward <train:test[:step]>', 'walk-forward optimisation over the sweep grid (bars)')
    .option('--kfold <k>', 'purged k-fold evaluation over the sweep grid', num('kfold', 2, 100))
    .option('--embargo <fraction>', 'k-fold embargo after each test fold (default 0.01)', num('embargo', 0, 0.5))
    .option('--horizon <bars>', 'bars a k-fold label spans (purging; default 10)', num('horizon', 0, 1_000_000))
    .option('--workers <n>', 'worker threads for sweeps (default: all cores)', num('workers', 1, 64))
    .option('--objective <metric>', 'metric a sweep maximises (default sharpe)')
    .action(async (o: BacktestFlags) => {
      const extra: Record<string, unknown> = { seed: o.seed, 'data.synthetic.bars': o.bars, 'data.format': o.format, 'data.symbol': o.symbol, 'report.dir': o.out, 'execution.model': o.execution };
      if (o.data) Object.assign(extra, { 'data.source': o.data.match(/\.(parquet|pq)$/i) ? 'parquet' : 'csv', 'data.path': o.data });
      if (o.strategy) Object.assign(extra, /^[a-z-]+$/.test(o.strategy) ? { 'strategy.kind': o.strategy } : { 'strategy.kind': 'module', 'strategy.module': o.strategy });
      let config = configFor(o, extra);
      if (o.param && Object.keys(o.param).length > 0) config = { ...config, strategy: { ...config.strategy, params: { ...config.strategy.params, ...o.param } } };
      const out = process.stdout;
      const objective = (o.objective ?? 'sharpe') as keyof SweepOutcome['metrics'];

      if (o.sweep || o.walkForward || o.kfold) {
        const grid = parseGrid(o.sweep ?? Object.entries(config.strategy.params).map(([k, v]) => `${k}=${String(v)}`).join(';'));
        const bar = progressBar('backtests');
        try {
          if (o.walkForward) {
            const [train, test, step] = o.walkForward.split(':').map(Number);
            const data = await loadConfiguredData(config);
            const r = await runWalkForward({ config, grid, workers: o.workers, objective, train: train!, test: test!, step, records: data.count, onProgress: (d, t) => bar.update(d, t) });
            bar.stop();
            out.write(`walk-forward: ${r.windows.length} windows (train ${train}, test ${test}${step ? `, step ${step}` : ''} bars), best of ${Object.values(grid).reduce((a, v) => a * v.length, 1)} combinations per window by ${String(objective)}\n`);
            for (const w of r.windows) out.write(`  test ${w.testRange[0]}..${w.testRange[1]} with ${JSON.stringify(w.best)} (train ${String(objective)} ${fmtNum(w.trainScore)}):${row(w.outOfSample).slice(30)}\n`);
            if (o.json) out.write(`${JSON.stringify(r)}\n`);
            return;
          }
          if (o.kfold) {
            const data = await loadConfiguredData(config);
            const v = new RecordView(data.records);
            const times = new Float64Array(data.count);
            for (let i = 0; i < data.count; i++) times[i] = Math.round(v.tsMs(i));
            const r = await runPurgedKFold({ config, grid, workers: o.workers, objective, k: o.kfold, embargo: o.embargo ?? 0.01, horizon: o.horizon ?? 10, times, onProgress: (d, t) => bar.update(d, t) });
            bar.stop();
            out.write(`purged ${o.kfold}-fold (horizon ${o.horizon ?? 10} bars, embargo ${o.embargo ?? 0.01}):\n`);
            for (const f of r.folds) out.write(`  fold ${f.test[0]}..${f.test[1]} with ${JSON.stringify(f.best)} (train ${String(objective)} ${fmtNum(f.trainScore)}):${row(f.outOfSample).slice(30)}\n`);
            if (o.json) out.write(`${JSON.stringify(r)}\n`);
            return;
          }
          const r = await runSweep({ config, grid, workers: o.workers, objective, onProgress: (d, t) => bar.update(d, t) });
          bar.stop();
          out.write(`sweep: ${r.length} backtests, best first by ${String(objective)}\n`);
          for (const x of r.slice(0, 20)) out.write(`${row(x)}\n`);
          if (r.length > 20) out.write(`  … ${r.length - 20} more\n`);
          if (o.report !== false) {
            mkdirSync(config.report.dir, { recursive: true });
            const file = join(config.report.dir, `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
            writeFileSync(file, JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
            out.write(`results: ${file}\n`);
          }
          if (o.json) out.write(`${JSON.stringify(r)}\n`);
          return;
        } finally {
          bar.stop();
        }
      }

      const bar = progressBar('replay');
      const r = await runBacktest({ config, onProgress: (_p, d, t) => bar.update(d, t) });
      bar.stop();
      const m = r.metrics;
      const bad = Object.entries(r.data.bad);
      out.write(
        [
          `${r.strategy} on ${r.symbols.join(', ')} — ${r.data.accepted.toLocaleString('en-US')} ${r.data.format} records from ${r.data.file} (${r.engine === 'rust' ? 'Rust loop' : 'TypeScript strategy'})`,
          bad.length ? `  bad rows skipped: ${bad.map(([k, n]) => `${k} ${String(n)}`).join(', ')}; first: line ${r.data.issues[0]?.line} ${r.data.issues[0]?.message}` : '',
          `  return ${fmtPct(m.totalReturn)} (annual ${fmtPct(m.annualReturn)}), volatility ${fmtPct(m.volatility)}, Sharpe ${fmtNum(m.sharpe)}, Sortino ${fmtNum(m.sortino)}, Calmar ${fmtNum(m.calmar)}`,
          `  max drawdown ${fmtPct(m.maxDrawdown)} lasting ${(m.maxDrawdownDurationMs / 3_600_000).toFixed(1)} h; ${m.trades} trades, win rate ${fmtPct(m.winRate)}, profit factor ${fmtNum(m.profitFactor)}`,
          `  exposure ${fmtPct(m.exposureTime)} of the time, turnover ${fmtNum(m.annualTurnover, 1)}×/year, fees ${fmtNum(m.fees)} ${config.account.currency}; end equity ${r.account.equity}`,
          `  ${r.stats.orders} orders, ${r.stats.fills} fills${Object.keys(r.stats.rejected).length ? `, refused ${JSON.stringify(r.stats.rejected)}` : ''}; ${Math.round(r.timing.eventsPerSec).toLocaleString('en-US')} events/s`,
        ]
          .filter(Boolean)
          .join('\n') + '\n',
      );
      if (o.report !== false) {
        const files = writeReport(r, config.report.dir);
        out.write(`report: ${files.html}\n        ${files.json}\n`);
      }
      if (o.json) out.write(`${JSON.stringify({ metrics: m, stats: r.stats, account: r.account }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
    });
}
