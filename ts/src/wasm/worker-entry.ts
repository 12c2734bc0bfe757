/**
 * The module a browser's Web Worker runs for the WebAssembly backend's `*Async` functions (see
 * `worker.ts`; Node uses an equivalent `worker_threads` body). A real module file rather than a
 * `blob:` URL, so a page with a strict Content-Security-Policy (`worker-src 'self'`) can run it.
 *
 * Protocol: the first message is `{ urls: { glue, wasm } }`; then `{ id, name, args }` calls,
 * answered in order with `{ id, ok, value }` or `{ id, ok: false, code, message, panic }`.
 */
interface Scope {
  postMessage(m: unknown): void;
  onmessage: ((e: { data: unknown }) => void) | null;
}
interface Glue {
  default: (input?: unknown) => Promise<unknown>;
  lastPanic: () => string | undefined;
  [name: string]: unknown;
}

const scope = globalThis as unknown as Scope;
let ready: Promise<Glue> | undefined;

async function load(urls: { glue: string; wasm: string }): Promise<Glue> {
  const g = (await import(/* @vite-ignore */ urls.glue)) as Glue;
  await g.default(urls.wasm);
  return g;
}

scope.onmessage = (e) => {
  const m = e.data as { urls?: { glue: string; wasm: string }; id?: number; name?: string; args?: unknown[] };
  if (m.urls) {
    ready = load(m.urls);
    return;
  }
  const { id, name, args } = m as { id: number; name: string; args: unknown[] };
  void (async () => {
    let g: Glue | undefined;
    try {
      if (!ready) throw new Error('the worker was not initialised');
      g = await ready;
      const f = g[name] as (...a: unknown[]) => unknown;
      scope.postMessage({ id, ok: true, value: f(...args) });
    } catch (err) {
      const panic = g && err instanceof Error && err.name === 'RuntimeError' ? g.lastPanic() : undefined;
      scope.postMessage({ id, ok: false, code: (err as { code?: string }).code, message: err instanceof Error ? err.message : String(err), panic });
    }
  })();
};
