#!/usr/bin/env node
/**
 * The `tachyon` command line. `tachyon start` (also `npm start`, and the default command) runs
 * the main job: a paper session on the simulated venue fed by a seeded synthetic market.
 *
 * Commands: start, backtest, paper, live, data (import, fetch), audit (verify), report, demo.
 * Every command takes `-c/--config <file>` (YAML or JSON) and `--set key=value`; settings
 * also come from `TACHYON__SECTION__KEY` environment variables (config/tachyon.reference.yaml).
 */
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { isTachyonError } from '../errors.js';
import { runDemo } from '../runtime/demo.js';
import { registerAudit } from './commands/audit.js';
import { registerBacktest } from './commands/backtest.js';
import { registerData } from './commands/data.js';
import { registerLive } from './commands/live.js';
import { registerPaper } from './commands/paper.js';
import { registerReport } from './commands/report.js';
import { num } from './common.js';
import { deciderFromStrategyFile, runServe } from '../server/serve.js';
import { RiskEngine, type RiskEngineOptions } from '../engine/index.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('tachyon')
  .description('Tachyon trading engine: Rust core, TypeScript shell')
  .version(pkg.version)
  .showHelpAfterError('(run with --help for usage)');

registerPaper(program);
registerBacktest(program);
registerLive(program);
registerData(program);
registerAudit(program);
registerReport(program);

program
  .command('demo')
  .description('stream a seeded synthetic market from JS into the Rust core through the shared ring, with throughput figures')
  .option('-d, --duration <seconds>', 'how long to run; 0 runs until Ctrl-C', num('duration', 0, 86_400), 5)
  .option('-r, --rate <events/s>', 'target event rate', num('rate', 1, 50_000_000), 1_000_000)
  .option('-s, --seed <n>', 'market seed', num('seed', 0, 2 ** 32 - 1), 42)
  .action(async (o: { duration: number; rate: number; seed: number }) => {
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const r = await runDemo({ durationSec: o.duration, rate: o.rate, seed: o.seed, signal: ac.signal });
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (r.accepted !== r.sent || r.seqMissing !== 0) process.exitCode = 1;
  });

const risk = program.command('risk').description('risk engine tools');
risk
  .command('validate <config.json>')
  .description('load a risk config (limits, breakers, control, venues, instruments) and report the first bad field')
  .action((file: string) => {
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as RiskEngineOptions;
    const r = new RiskEngine(cfg);
    const n = cfg.instruments?.length ?? 0;
    process.stdout.write(`${file}: valid (${cfg.venues?.length ?? 0} venues, ${n} instruments, mode ${r.mode})\n`);
  });

program
  .command('kill <pid>')
  .description('send the kill-switch signal to a running Tachyon process (it must have called installKillSignal)')
  .option('--signal <name>', 'signal to send', 'SIGUSR2')
  .action((pid: string, o: { signal: string }) => {
    const n = Number(pid);
    if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('pid must be a positive integer');
    process.kill(n, o.signal as NodeJS.Signals);
    process.stdout.write(`sent ${o.signal} to ${n}\n`);
  });

program
  .command('serve')
  .description('run the decision server: binary WebSocket protocol, control API, /metrics and the dashboard')
  .option('--host <address>', 'address to bind (loopback by default)', '127.0.0.1')
  .option('-p, --port <n>', 'TCP port (0 picks a free one)', num('port', 0, 65_535), 7070)
  .option('--token-file <path>', 'file with the control-API bearer token (else TACHYON_API_TOKEN)')
  .option('--no-open-read', 'require the token for read-only calls and the dashboard feed too')
  .option('-d, --duration <seconds>', 'stop after this long; 0 runs until Ctrl-C', num('duration', 0, 86_400 * 365), 0)
  .option('-s, --seed <n>', 'seed of the demo session', num('seed', 0, 2 ** 32 - 1), 42)
  .option('--strategy <file.json>', 'decision engine options (weights, feature bounds, thresholds) to serve decisions with')
  .option('--cpu-wake-latency <us>', 'hold a CPU wake-up latency of this many µs while serving (0: idle CPUs poll, lowest latency; Linux, root)', num('cpu-wake-latency', 0, 2_000_000_000))
  .action(async (o: { host: string; port: number; tokenFile?: string; openRead: boolean; duration: number; seed: number; strategy?: string; cpuWakeLatency?: number }) => {
    const decider = o.strategy ? deciderFromStrategyFile(o.strategy) : undefined;
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await runServe({
      host: o.host,
      port: o.port,
      tokenFile: o.tokenFile,
      ...(o.openRead ? {} : { openRead: false }),
      ...(o.cpuWakeLatency === undefined ? {} : { cpuWakeLatencyUs: o.cpuWakeLatency }),
      durationSec: o.duration,
      seed: o.seed,
      decider,
      signal: ac.signal,
    });
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  });

try {
  await program.parseAsync();
} catch (e) {
  const code = isTachyonError(e) ? ` [${e.code}]` : '';
  process.stderr.write(`tachyon: ${e instanceof Error ? e.message : String(e)}${code}\n`);
  process.exitCode = 1;
}
