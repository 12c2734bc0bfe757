/**
 * Shared pieces of the CLI: config loading (file, `--set` overrides, environment), number
 * parsers with clear messages, progress bars.
 */
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import type { TachyonConfig } from '../config/schema.js';

/** A commander parser for a number within bounds. */
export function num(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}`);
    return n;
  };
}

/** `--set a.b=c` collector (values parsed as JSON when they parse). */
export function collectSet(v: string, prev: Record<string, unknown> = {}): Record<string, unknown> {
  const i = v.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`--set needs key=value (e.g. --set execution.takerFeeBps=5), got ${v}`);
  const key = v.slice(0, i).trim();
  const raw = v.slice(i + 1);
  let val: unknown = raw;
  try {
    val = JSON.parse(raw);
  } catch {
    // a plain string
  }
  return { ...prev, [key]: val };
}

export interface ConfigFlags {
  config?: string;
  set?: Record<string, unknown>;
}

/** Adds `-c/--config` and `--set` to a command. */
export function withConfig(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'configuration file (YAML or JSON); default ./tachyon.yaml or ./tachyon.json if present')
    .option('--set <key=value>', 'override one setting, e.g. --set execution.takerFeeBps=5 (repeatable)', collectSet, {});
}

/** Loads the configuration for a command: file ← environment ← `--set` ← `extra`. */
export function configFor(flags: ConfigFlags, extra: Record<string, unknown> = {}): TachyonConfig {
  let file = flags.config;
  if (!file) file = ['tachyon.yaml', 'tachyon.yml', 'tachyon.json'].find((f) => existsSync(f));
  const overrides: Record<string, unknown> = { ...(flags.set ?? {}) };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) overrides[k] = v;
  return loadConfig({ ...(file ? { file } : {}), overrides });
}

/** A progress bar on a terminal; nothing otherwise. */
export function progressBar(label: string, out: NodeJS.WriteStream = process.stderr): { update(done: number, total: number): void; stop(): void } {
  if (!out.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, hideCursor: true, clearOnComplete: true, stream: out },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Runs `fn` with an AbortSignal tied to Ctrl-C / SIGTERM. */
export async function untilSignal<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await fn(ac.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export function fmtPct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '—';
}

export function fmtNum(v: number, d = 2): string {
  return Number.isFinite(v) ? v.toFixed(d) : v === Number.POSITIVE_INFINITY ? '∞' : '—';
}
