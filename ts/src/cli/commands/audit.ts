/** `tachyon audit verify`: recompute the journal's hash chain and check every table against it. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { TachyonError } from '../../errors.js';
import { openJournal } from '../../store/index.js';
import { configFor, withConfig, type ConfigFlags } from '../common.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the journal’s hash-chained audit log');
  withConfig(audit.command('verify').description('recompute the audit chain and check orders, fills, positions, decisions, risk events and mode changes against it'))
    .option('-j, --journal <path>', 'SQLite journal file (default from the config: ./data/tachyon.db)')
    .option('--postgres', 'verify the PostgreSQL journal named by journal.urlEnv instead')
    .option('--expect-head <hash>', 'the chain head kept elsewhere (printed at the end of each session; also in <journal>.heads)')
    .action(async (o: ConfigFlags & { journal?: string; postgres?: boolean; expectHead?: string }) => {
      const config = configFor(o, { 'journal.path': o.journal, 'journal.backend': o.postgres ? 'postgres' : undefined });
      const j = config.journal;
      if (j.backend === 'sqlite' && !existsSync(j.path)) throw new TachyonError('ERR_CONFIG', `no journal at ${j.path}; run a session first (npm start) or pass --journal <file>`);
      const journal = await openJournal({ backend: j.backend, path: j.path, urlEnv: j.urlEnv, readonly: j.backend === 'sqlite' });
      try {
        const r = await journal.verifyAudit(o.expectHead ? { expectHead: o.expectHead } : {});
        const c = await journal.counts();
        if (r.ok) {
          process.stdout.write(
            `audit OK: ${r.rows.toLocaleString('en-US')} chained rows; ${c.orders} orders, ${c.fills} fills, ${c.positions} positions, ${c.decisions} decisions, ` +
              `${c.riskEvents} risk events, ${c.modeChanges} mode changes, ${c.sessions} sessions match it\n  head ${r.head}\n`,
          );
        } else {
          process.stdout.write(`audit FAILED: ${r.problems.length} problem${r.problems.length > 1 ? 's' : ''} in ${journal.location}\n${r.problems.map((p) => `  ${p}`).join('\n')}\n`);
          process.exitCode = 1;
        }
      } finally {
        await journal.close();
      }
    });
}
