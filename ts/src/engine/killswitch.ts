/**
 * The kill switch from a process signal: `installKillSignal(risk)` makes `SIGUSR2` (by default)
 * put the risk engine into emergency, with source `signal`. From a shell:
 * `kill -USR2 <pid>` or `tachyon kill <pid>`.
 *
 * @example
 * ```ts
 * import { RiskEngine, installKillSignal } from 'tachyon';
 * const risk = new RiskEngine(config);
 * const uninstall = installKillSignal(risk);          // SIGUSR2 → emergency
 * // … later, on shutdown:
 * uninstall();
 * ```
 */
import type { TransitionRecord } from '../../../native/index.js';

/** Anything with a kill switch (a `RiskEngine`). */
export interface Killable {
  kill(reason: string, source?: 'api' | 'cli' | 'signal'): TransitionRecord | null;
}

export interface KillSignalOptions {
  /** Signal to listen for; default `SIGUSR2` (SIGUSR1 is taken by Node's inspector). */
  signal?: NodeJS.Signals;
  /** Called with the transition (or null if already in emergency). */
  onKill?: (t: TransitionRecord | null) => void;
}

/** Installs the handler; returns a function that removes it. */
export function installKillSignal(target: Killable, options: KillSignalOptions = {}): () => void {
  const signal = options.signal ?? 'SIGUSR2';
  const handler = () => {
    const t = target.kill(`${signal} received by process ${process.pid}`, 'signal');
    options.onKill?.(t);
  };
  process.on(signal, handler);
  return () => {
    process.off(signal, handler);
  };
}
