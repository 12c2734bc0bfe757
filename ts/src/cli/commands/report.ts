/** `tachyon report <result.json>`: render (again) the HTML report of a backtest result. */
import type { Command } from 'commander';
import { basename, dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { readReport, renderHtml } from '../../runtime/report.js';

export function registerReport(program: Command): void {
  program
    .command('report <result.json>')
    .description('render the HTML report (equity, drawdown, trades) of a backtest JSON result')
    .option('-o, --out <file.html>', 'where to write it (default: beside the JSON)')
    .action((file: string, o: { out?: string }) => {
      const d = readReport(file);
      const html = o.out ?? join(dirname(file), `${basename(file).replace(/\.json$/i, '')}.html`);
      writeFileSync(html, renderHtml(d));
      process.stdout.write(`report: ${html} (${d.strategy} on ${d.symbols.join(', ')}, ${d.trades.length} trades)\n`);
    });
}
