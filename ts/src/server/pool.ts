/**
 * Heavy jobs (model fits, sweeps) on a piscina pool. The queue is bounded: a job beyond
 * `maxQueue` is refused at once (HTTP 503), never queued without limit.
 */
import { Piscina } from 'piscina';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TachyonError } from '../errors.js';
import type { JobOutcome } from './worker.js';

/** Jobs every server offers (name → module next to this file). */
export const BUILTIN_TASKS: Record<string, string> = {
  'risk.var.montecarlo': './tasks/var-montecarlo',
  'models.garch.fit': './tasks/garch-fit',
};

export interface JobPoolOptions {
  /** Worker threads (default 1: this is a 2-core machine's background lane). */
  threads?: number;
  /** Jobs waiting beyond the running ones before new ones are refused (default 16). */
  maxQueue?: number;
  /** Task name → module URL (`file://…`) whose default export runs the task; added to {@link BUILTIN_TASKS}. */
  tasks?: Record<string, string>;
  /** Longest a job may run, ms (default 60 000); it is then aborted. */
  timeoutMs?: number;
}

/** Worker module: the compiled `worker.js`, or from TypeScript sources a boot file that registers tsx first. */
function workerFilename(): { filename: string; bootDir: string | null } {
  const self = new URL(import.meta.url);
  if (self.pathname.endsWith('.js')) return { filename: new URL('./worker.js', self).href, bootDir: null };
  // Running from ts/src (tests, tsx): Node 20 workers ignore `--import` in execArgv, so boot
  // through a module that registers tsx's loader and then re-exports the TypeScript worker.
  // tsx's ESM entry (`require.resolve` would give its CommonJS one).
  const require = createRequire(import.meta.url);
  const tsxApi = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  const dir = mkdtempSync(join(tmpdir(), 'tachyon-worker-'));
  const boot = join(dir, 'boot.mjs');
  writeFileSync(
    boot,
    `import { register } from ${JSON.stringify(tsxApi)};\nregister();\n` +
      `const m = await import(${JSON.stringify(new URL('./worker.ts', self).href)});\nexport default m.default;\n`,
  );
  return { filename: pathToFileURL(boot).href, bootDir: dir };
}

export class JobPool {
  private readonly pool: Piscina;
  private readonly tasks: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly maxQueue: number;
  private readonly bootDir: string | null;

  constructor(opts: JobPoolOptions = {}) {
    const threads = opts.threads ?? 1;
    this.maxQueue = opts.maxQueue ?? 16;
    const { filename, bootDir } = workerFilename();
    this.bootDir = bootDir;
    // Workers start with the first job and leave after a minute idle: an idle server holds none.
    this.pool = new Piscina({ filename, minThreads: 0, maxThreads: threads, maxQueue: this.maxQueue, idleTimeout: 60_000 });
    const ext = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
    const builtins = Object.fromEntries(Object.entries(BUILTIN_TASKS).map(([k, v]) => [k, new URL(v + ext, import.meta.url).href]));
    this.tasks = { ...builtins, ...opts.tasks };
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  /** Registered task names. */
  get taskNames(): string[] {
    return Object.keys(this.tasks);
  }

  /** Jobs waiting for a worker. */
  get queueSize(): number {
    return this.pool.queueSize;
  }

  /**
   * Runs task `name`; `ERR_UNKNOWN_ID` for an unknown task, `ERR_BUSY` when the queue is full,
   * `ERR_TIMEOUT` past `timeoutMs`. A task's own error keeps its `code` and message.
   */
  async run(name: string, params: unknown): Promise<unknown> {
    const module = Object.prototype.hasOwnProperty.call(this.tasks, name) ? this.tasks[name] : undefined;
    if (module === undefined) throw new TachyonError('ERR_UNKNOWN_ID', `unknown job ${JSON.stringify(name)}; known: ${this.taskNames.join(', ') || 'none'}`);
    if (this.pool.queueSize >= this.maxQueue) throw new TachyonError('ERR_BUSY', `the job queue is full (${this.maxQueue} waiting)`);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.timeoutMs);
    try {
      const r = (await this.pool.run({ module, params }, { signal: ac.signal })) as JobOutcome;
      if (!r.ok) throw Object.assign(new Error(r.message), { code: r.code });
      return r.value;
    } catch (e) {
      if (ac.signal.aborted) throw new TachyonError('ERR_TIMEOUT', `job ${name} ran longer than ${this.timeoutMs} ms and was aborted`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
    if (this.bootDir) rmSync(this.bootDir, { recursive: true, force: true });
  }
}
