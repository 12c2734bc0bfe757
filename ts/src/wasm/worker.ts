/**
 * The thread behind the WebAssembly backend's `*Async` functions (fits, Monte Carlo): what the
 * libuv thread pool is for the napi addon. One worker (a `worker_threads` Worker in Node, a
 * module Web Worker running `worker-entry.js` in a browser) with its own instance of the same
 * `.wasm`, started on first use; calls run in order, off the caller's thread, and come back as
 * plain data (structured clone) or as an `Error` with the same `code` and message.
 *
 * The worker is the stateless half only: arguments in, a result out. Handles never cross.
 */

/** Where the worker finds the glue and the binary (absolute URLs). */
export interface WasmWorkerUrls {
  glue: string;
  wasm: string;
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  code?: string;
  message?: string;
  panic?: string;
}

/**
 * The Node worker's body (`eval`: it runs from ts/src under tsx as from ts/dist). The browser's
 * twin is `worker-entry.ts`; both speak the protocol documented there.
 */
const NODE_BOOT = `
  const { parentPort, workerData: urls } = require('node:worker_threads');
  let glue;
  async function ready() {
    if (!glue) {
      const g = await import(urls.glue);
      g.initSync(require('node:fs').readFileSync(new URL(urls.wasm)));
      glue = g;
    }
    return glue;
  }
  parentPort.on('message', async ({ id, name, args }) => {
    let g;
    try {
      g = await ready();
      parentPort.postMessage({ id, ok: true, value: g[name](...args) });
    } catch (e) {
      const panic = g && e instanceof Error && e.name === 'RuntimeError' ? g.lastPanic() : undefined;
      parentPort.postMessage({ id, ok: false, code: e && e.code, message: e instanceof Error ? e.message : String(e), panic });
    }
  });
`;

interface Port {
  post(m: unknown): void;
  ref(): void;
  unref(): void;
  terminate(): void;
}

/** A coded error from the worker's reply. */
function replyError(name: string, r: Reply): Error {
  if (r.panic !== undefined || (r.code === undefined && /unreachable|RuntimeError/.test(r.message ?? ''))) {
    return Object.assign(new Error(`${name} trapped in WebAssembly (${r.panic ?? r.message}); this is a bug: please report it`), { code: 'ERR_WASM_PANIC' });
  }
  return Object.assign(new Error(r.message ?? 'unknown error'), r.code === undefined ? {} : { code: r.code });
}

/** One worker running calls of the WebAssembly module in order. */
export class WasmWorker {
  private port: Port | undefined;
  private starting: Promise<Port> | undefined;
  private next = 1;
  private readonly pending = new Map<number, { name: string; resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

  constructor(private readonly urls: WasmWorkerUrls) {}

  /** Runs `name(...args)` of the module on the worker. */
  async call(name: string, args: unknown[]): Promise<unknown> {
    const port = this.port ?? (await (this.starting ??= this.start()));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { name, resolve, reject });
      if (this.pending.size === 1) port.ref();
      port.post({ id, name, args });
    });
  }

  /** Stops the worker; pending calls reject. */
  terminate(): void {
    this.port?.terminate();
    this.port = undefined;
    this.starting = undefined;
    for (const p of this.pending.values()) p.reject(Object.assign(new Error('the WebAssembly worker was stopped'), { code: 'ERR_INVALID_STATE' }));
    this.pending.clear();
  }

  private settle(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.port?.unref();
    if (r.ok) p.resolve(r.value);
    else {
      const e = replyError(p.name, r);
      // A trap leaves that instance suspect: the next call starts a fresh worker.
      if ((e as { code?: string }).code === 'ERR_WASM_PANIC') this.terminate();
      p.reject(e);
    }
  }

  private async start(): Promise<Port> {
    let port: Port;
    if (typeof process !== 'undefined' && typeof process.versions?.node === 'string') {
      const { Worker } = await import('node:worker_threads');
      const w = new Worker(NODE_BOOT, { eval: true, workerData: this.urls });
      w.on('message', (r: Reply) => this.settle(r));
      w.on('error', (e) => this.fail(e));
      // An idle worker must not keep the process alive; a busy one must.
      w.unref();
      port = { post: (m) => w.postMessage(m), ref: () => w.ref(), unref: () => w.unref(), terminate: () => void w.terminate() };
    } else {
      const g = globalThis as unknown as {
        Worker: new (url: URL, o: { type: 'module' }) => { postMessage(m: unknown): void; terminate(): void; onmessage: unknown; onerror: unknown };
      };
      const w = new g.Worker(new URL('./worker-entry.js', import.meta.url), { type: 'module' });
      w.onmessage = (e: { data: Reply }) => this.settle(e.data);
      w.onerror = (e: { message?: string }) => this.fail(new Error(e.message ?? 'WebAssembly worker error'));
      w.postMessage({ urls: this.urls });
      port = { post: (m) => w.postMessage(m), ref: () => {}, unref: () => {}, terminate: () => w.terminate() };
    }
    this.port = port;
    return port;
  }

  private fail(e: unknown): void {
    const pending = [...this.pending.values()];
    this.terminate();
    for (const p of pending) p.reject(e);
  }
}
