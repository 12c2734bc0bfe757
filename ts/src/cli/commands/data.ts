/** `tachyon data import` (check and normalise a CSV/Parquet file) and `tachyon data fetch` (history through CCXT). */
import type { Command } from 'commander';
import { writeCsv } from '../../data/export.js';
import { loadMarketData, type DataFormat } from '../../data/index.js';
import { configFor, num, progressBar, withConfig, type ConfigFlags } from '../common.js';

interface ImportFlags extends ConfigFlags {
  format?: DataFormat;
  symbol?: string;
  out?: string;
  strict?: boolean;
}

export function registerData(program: Command): void {
  const data = program.command('data').description('market data: import files, fetch history');
  withConfig(data.command('import <file>').description('load a CSV or Parquet file, report every bad row, and optionally write a clean CSV'))
    .option('--format <ohlcv|trades|l2>', 'what the file holds (default ohlcv)')
    .option('--symbol <symbol>', 'instrument for rows without a symbol column (default: the first configured)')
    .option('-o, --out <file.csv>', 'write the accepted rows as a clean CSV (exact decimals, UTC times)')
    .option('--strict', 'stop at the first bad row instead of skipping it')
    .action(async (file: string, o: ImportFlags) => {
      const config = configFor(o, { 'data.format': o.format, 'data.symbol': o.symbol, 'data.onBadRow': o.strict ? 'stop' : undefined });
      const bar = progressBar('import');
      const d = await loadMarketData({
        path: file,
        format: config.data.format,
        instruments: config.instruments,
        symbol: config.data.symbol,
        onBadRow: config.data.onBadRow,
        maxBadRows: config.data.maxBadRows,
        onUnknownColumn: config.data.onUnknownColumn,
        onProgress: (x, t) => bar.update(x, t),
      });
      bar.stop();
      const r = d.report;
      const span = r.accepted > 0 ? `${new Date(r.firstMs).toISOString()} → ${new Date(r.lastMs).toISOString()}` : 'no rows';
      process.stdout.write(
        `${file}: ${r.rows.toLocaleString('en-US')} rows, ${r.accepted.toLocaleString('en-US')} accepted (${span}), ${r.badTotal} bad, ${r.rounded} values put on the tick/lot grid\n` +
          (r.unknownColumns.length ? `  ignored unknown columns: ${r.unknownColumns.join(', ')}\n` : '') +
          Object.entries(r.bad)
            .map(([k, n]) => `  ${k}: ${String(n)}\n`)
            .join('') +
          r.issues
            .slice(0, 10)
            .map((i) => `  line ${i.line}: ${i.message} [${i.code}]\n`)
            .join(''),
      );
      if (o.out) {
        const n = await writeCsv(o.out, d.format, d.records, config.instruments);
        process.stdout.write(`wrote ${n.toLocaleString('en-US')} rows to ${o.out}\n`);
      }
      if (r.accepted === 0) process.exitCode = 1;
    });

  withConfig(data.command('fetch').description('download OHLCV history through CCXT into a CSV (needs a network path to the exchange)'))
    .requiredOption('--symbol <symbol>', 'unified symbol, e.g. BTC/USDT')
    .option('--exchange <id>', 'CCXT exchange id (default from venue.exchange: binance)')
    .option('--timeframe <tf>', 'candle length, e.g. 1m, 1h (default venue.timeframe)')
    .requiredOption('--since <date>', 'first candle (ISO date or epoch ms)')
    .option('--until <date>', 'last candle (default now)')
    .option('--limit <n>', 'candles per request (default 1000)', num('limit', 1, 5000))
    .requiredOption('-o, --out <file.csv>', 'where to write the candles')
    .action(async (o: ConfigFlags & { symbol: string; exchange?: string; timeframe?: string; since: string; until?: string; limit?: number; out: string }) => {
      const { fetchOhlcv } = await import('../../data/fetch.js');
      const config = configFor(o, { 'venue.exchange': o.exchange, 'venue.timeframe': o.timeframe });
      const bar = progressBar('fetch');
      const r = await fetchOhlcv({
        venue: config.venue,
        symbol: o.symbol,
        since: o.since,
        until: o.until,
        limit: o.limit,
        out: o.out,
        onProgress: (d, t) => bar.update(d, t),
      });
      bar.stop();
      process.stdout.write(`${o.out}: ${r.rows.toLocaleString('en-US')} ${config.venue.timeframe} candles of ${o.symbol} from ${config.venue.exchange} (${r.requests} requests${r.retries ? `, ${r.retries} retried` : ''})\n`);
    });
}
