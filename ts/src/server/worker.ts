/**
 * The piscina worker of the decision server: runs one heavy job (a model fit, a parameter
 * sweep …) off the main thread, so decision requests never wait behind it.
 *
 * A job is `{ module, params }`: `module` is the URL of a task module whose default export is
 * `(params) => result | Promise<result>` (registered with the server's `jobs.tasks` option;
 * clients name a task, never a module). Modules are imported once per worker and cached.
 */
type Task = (params: unknown) => unknown;
const cache = new Map<string, Promise<Task>>();

async function load(url: string): Promise<Task> {
  const m = (await import(url)) as { default?: unknown };
  if (typeof m.default !== 'function') throw new Error(`task module ${url} has no default export function`);
  return m.default as Task;
}

/** A task's failure as data: an Error's `code` does not survive the trip between threads. */
export type JobOutcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

export default async function run(job: { module: string; params: unknown }): Promise<JobOutcome> {
  let t = cache.get(job.module);
  if (!t) {
    t = load(job.module);
    cache.set(job.module, t);
  }
  try {
    return { ok: true, value: await (await t)(job.params) };
  } catch (e) {
    const code = e instanceof Error && typeof (e as { code?: unknown }).code === 'string' ? (e as unknown as { code: string }).code : 'ERR_JOB_FAILED';
    return { ok: false, code, message: e instanceof Error ? e.message : String(e) };
  }
}
