/**
 * `tachyon serve`: the decision server on its own, fed by the demo session until a runtime
 * session is attached (the runtime's `npm start` calls {@link startServer} with its live state).
 */
import { readFileSync } from 'node:fs';
import { TachyonError } from '../errors.js';
import { DecisionEngine, type StrategyOptions } from '../engine/index.js';
import { DemoSession } from './demo.js';
import { startServer, type TachyonServer } from './server.js';
import type { ServerOptions } from './options.js';
import type { Decider } from './types.js';

export interface ServeOptions extends ServerOptions {
  /** Seconds to run (0 = until `signal` aborts). */
  durationSec?: number;
  /** Seed of the demo session. */
  seed?: number;
  /** The decision engine to serve; without one, decision requests are answered `NotSupported`. */
  decider?: Decider;
  signal?: AbortSignal;
  out?: NodeJS.WritableStream;
  /** Called once listening (tests use it). */
  onListening?: (s: TachyonServer) => void;
}

/**
 * A decision engine from a strategy file (the engine area's `StrategyOptions` as JSON:
 * weights, featureMin/Max, scoreCap, thresholds). Throws `ERR_INVALID_ARG` for an unreadable
 * file and the engine's own `ERR_INVALID_CONFIG` naming a bad field.
 */
export function deciderFromStrategyFile(file: string): Decider {
  let options: unknown;
  try {
    options = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new TachyonError('ERR_INVALID_ARG', `cannot read the strategy file ${file} as JSON`, { cause });
  }
  return new DecisionEngine(options as StrategyOptions);
}

export async function runServe(o: ServeOptions = {}): Promise<void> {
  const { durationSec = 0, seed = 42, decider, signal, out = process.stdout, onListening, ...serverOptions } = o;
  const demo = new DemoSession({ seed });
  const stepTimer = setInterval(() => demo.step(), 250);
  const server = await startServer(serverOptions, { decider, control: demo.control, state: demo });
  out.write(
    `tachyon serve: dashboard ${server.url}\n` +
      `  decision protocol ws://${server.url.slice(7)}ws (FlatBuffers), metrics ${server.url}metrics\n` +
      `  control API ${server.controlEnabled ? 'enabled (bearer token)' : 'disabled: set TACHYON_API_TOKEN or --token-file to enable it'}\n` +
      `  decision engine: ${decider ? `${decider.nFeatures} features per instrument` : 'none attached (decision requests are answered NotSupported)'}\n` +
      `  session: demo (seeded synthetic account); Ctrl-C stops\n` +
      (server.options.cpuWakeLatencyUs !== undefined ? `  CPU wake-up latency held at ${server.options.cpuWakeLatencyUs} µs while serving\n` : '') +
      (decider && !process.execArgv.includes('--no-memory-reducer')
        ? `  tail latency: run node with --no-memory-reducer (V8 otherwise shrinks the heap when traffic dips, at 4–7 ms a time; README "Decision server")\n`
        : ''),
  );
  onListening?.(server);
  await new Promise<void>((resolve) => {
    const t = durationSec > 0 ? setTimeout(resolve, durationSec * 1000) : null;
    signal?.addEventListener('abort', () => {
      if (t) clearTimeout(t);
      resolve();
    });
    if (signal?.aborted) resolve();
  });
  clearInterval(stepTimer);
  await server.close();
  out.write('tachyon serve: stopped\n');
}
