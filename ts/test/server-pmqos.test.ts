// `cpuWakeLatencyUs`: the server holds a Linux PM QoS CPU wake-up latency request while it runs.
// Checked through the kernel's own view: reading /dev/cpu_dma_latency returns the constraint in
// force (the smallest request of any process). Needs the device and root (as .ci/run has); the
// kernel half is skipped, with the reason, where they are missing. Every test that holds a
// request is in this file, so that none runs beside another (vitest runs files in parallel).
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/index.js';
import { CPU_DMA_LATENCY, currentCpuWakeLatency, holdCpuWakeLatency } from '../src/server/index.js';
import { http } from './helpers/server.js';

function deviceWritable(): boolean {
  try {
    accessSync(CPU_DMA_LATENCY, constants.W_OK);
    return currentCpuWakeLatency() !== null;
  } catch {
    return false;
  }
}
const hasDevice = deviceWritable();

describe('CPU wake-up latency (PM QoS)', () => {
  it('refuses bad values before touching the device', async () => {
    expect(() => holdCpuWakeLatency(-1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => holdCpuWakeLatency(1.5)).toThrow(/integer number of µs/);
    await expect(startServer({ port: 0, log: 'silent', jobs: false, cpuWakeLatencyUs: -3 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringContaining('cpuWakeLatencyUs') });
  });

  it('says which device it could not open, as ERR_SYSTEM', () => {
    expect(() => holdCpuWakeLatency(0, '/nonexistent/cpu_dma_latency')).toThrow(expect.objectContaining({ code: 'ERR_SYSTEM', message: expect.stringContaining('/nonexistent/cpu_dma_latency') }));
    expect(currentCpuWakeLatency('/nonexistent/cpu_dma_latency')).toBeNull();
  });

  it('never creates the device, and refuses a path that is not one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tachyon-pmqos-'));
    const missing = join(dir, 'cpu_dma_latency');
    expect(() => holdCpuWakeLatency(0, missing)).toThrow(expect.objectContaining({ code: 'ERR_SYSTEM' }));
    expect(existsSync(missing)).toBe(false);
    writeFileSync(missing, '');
    expect(() => holdCpuWakeLatency(0, missing)).toThrow(/not a character device/);
    expect(readFileSync(missing).length).toBe(0);
  });

  it.skipIf(!hasDevice)('a hold sets the constraint in force and release ends it', () => {
    const before = currentCpuWakeLatency()!;
    const want = Math.max(0, Math.min(before - 1, 3)); // below whatever is in force already
    const h = holdCpuWakeLatency(want);
    try {
      expect(currentCpuWakeLatency()).toBe(want);
    } finally {
      h.release();
      h.release(); // idempotent
    }
    expect(currentCpuWakeLatency()).toBe(before);
  });

  it.skipIf(!hasDevice)('the server holds it from start to close and reports it in /api/status', async () => {
    const before = currentCpuWakeLatency()!;
    const want = Math.max(0, Math.min(before - 1, 2));
    const s = await startServer({ port: 0, log: 'silent', jobs: false, defaultMetrics: false, cpuWakeLatencyUs: want });
    try {
      expect(currentCpuWakeLatency()).toBe(want);
      const st = await http(`${s.url}api/status`);
      expect((st.body as { cpuWakeLatencyUs: number | null }).cpuWakeLatencyUs).toBe(want);
    } finally {
      await s.close();
    }
    expect(currentCpuWakeLatency()).toBe(before);
  });

  it('without the option the server holds nothing and says so', async () => {
    const before = currentCpuWakeLatency();
    const s = await startServer({ port: 0, log: 'silent', jobs: false, defaultMetrics: false });
    try {
      expect(currentCpuWakeLatency()).toBe(before);
      expect(((await http(`${s.url}api/status`)).body as { cpuWakeLatencyUs: number | null }).cpuWakeLatencyUs).toBeNull();
    } finally {
      await s.close();
    }
  });

  it.skipIf(!hasDevice)('`tachyon serve --cpu-wake-latency 0` holds it while serving and says so', async () => {
    const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
    const p = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--port', '0', '--duration', '3', '--cpu-wake-latency', '0'], {
      env: { ...process.env, TACHYON_API_TOKEN: '', TACHYON_API_TOKEN_FILE: '' },
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((r) => p.once('exit', (c) => r(c)));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`not serving after 30 s: ${out}`)), 30_000);
      p.stdout.on('data', () => {
        if (out.includes('Ctrl-C stops')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    expect(out).toMatch(/CPU wake-up latency held at 0 µs/);
    expect(currentCpuWakeLatency()).toBe(0);
    expect(await exit).toBe(0);
    expect(currentCpuWakeLatency()).not.toBe(0);
  });
});
