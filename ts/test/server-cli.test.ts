// `tachyon serve` end to end: prints the dashboard URL, serves it, enables the control API only
// with a token (from a file here), stops by itself after --duration.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { encodeDecisionRequest } from '../src/index.js';
import { TestClient, wsUrl } from './helpers/server.js';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function serve(args: string[], env: NodeJS.ProcessEnv = {}) {
  const p = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--port', '0', ...args], {
    env: { ...process.env, TACHYON_API_TOKEN: '', TACHYON_API_TOKEN_FILE: '', ...env },
  });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no URL printed: ${out}${err}`)), 30_000);
    p.stdout.on('data', () => {
      const m = /dashboard (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
  });
  const exit = new Promise<number | null>((r) => p.once('exit', (c) => r(c)));
  return { p, url, exit, out: () => out, err: () => err };
}

it('`tachyon serve` prints the dashboard URL and serves it; the token file enables control', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tachyon-serve-'));
  const token = 'cli-test-token-0123456789';
  writeFileSync(join(dir, 'token'), token, { mode: 0o600 });
  const s = serve(['--duration', '4', '--token-file', join(dir, 'token')]);
  const url = await s.url;
  expect(s.out()).toMatch(/control API enabled/);
  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/<title>Tachyon dashboard<\/title>/);
  expect((await fetch(`${url}healthz`)).status).toBe(200);
  const denied = await fetch(`${url}api/control/pause`, { method: 'POST' });
  expect(denied.status).toBe(401);
  const ok = await fetch(`${url}api/control/pause`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(ok.status).toBe(200);
  expect(await s.exit).toBe(0);
  expect(s.out()).toMatch(/tachyon serve: stopped/);
  expect(s.out() + s.err()).not.toContain(token);
});

it('`tachyon serve` without a token says the control API is disabled', async () => {
  const s = serve(['--duration', '1']);
  const url = await s.url;
  expect(s.out()).toMatch(/control API disabled/);
  expect((await fetch(`${url}api/control/kill`, { method: 'POST' })).status).toBe(403);
  expect(await s.exit).toBe(0);
});

it('`tachyon serve --strategy` with an unreadable file fails with a clear message', async () => {
  const s = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--port', '0', '--strategy', '/nonexistent/strategy.json']);
  let err = '';
  s.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((r) => s.once('exit', r));
  expect(code).toBe(1);
  expect(err).toMatch(/cannot read the strategy file \/nonexistent\/strategy.json as JSON \[ERR_INVALID_ARG\]/);
});

it('`tachyon serve --strategy` serves decisions from the engine; a bad strategy names its field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tachyon-serve-'));
  writeFileSync(join(dir, 's.json'), JSON.stringify({ weights: [1, -1], scoreCap: 4, buyThreshold: 1, sellThreshold: 1 }));
  const s = serve(['--duration', '3', '--strategy', join(dir, 's.json')]);
  const url = await s.url;
  expect(s.out()).toMatch(/decision engine: 2 features per instrument/);
  expect(s.out()).toMatch(/tail latency: run node with --no-memory-reducer/); // spawned without the flag
  const c = new TestClient(wsUrl(url));
  await c.opened();
  const f = await c.request(encodeDecisionRequest({ requestId: 3n, instruments: [0, 1], nFeatures: 2, features: [2, 0, 0, 3] }), 3n);
  expect(f).toMatchObject({ type: 'DecisionResponse', actions: [1, 2], scores: [2, -3] });
  c.close();
  expect(await s.exit).toBe(0);

  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ weights: [1], scoreCap: 4, buyThreshold: 9, sellThreshold: 1 }));
  const b = serve(['--strategy', join(dir, 'bad.json')]);
  expect(await b.exit).toBe(1);
  expect(b.err()).toMatch(/buyThreshold.*\[ERR_INVALID_CONFIG\]/);
});

it('`tachyon serve --cpu-wake-latency` refuses a value out of range, naming the option', async () => {
  const s = serve(['--duration', '1', '--cpu-wake-latency', '-5']);
  expect(await s.exit).not.toBe(0);
  expect(s.err()).toMatch(/cpu-wake-latency/);
});
