// A real Prometheus (Debian's 2.42) scrapes the server's /metrics: every sample parses, the
// target is up, and counters and the decision-latency summary arrive with the values the
// server produced. Prometheus binds 127.0.0.1 on a free port and is stopped at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoSession, encodeDecisionRequest, startServer, type TachyonServer } from '../src/index.js';
import { linearEngine, TestClient, wsUrl } from './helpers/server.js';

const PROMETHEUS = process.env.TACHYON_PROMETHEUS ?? '/usr/bin/prometheus';
const run = existsSync(PROMETHEUS) || process.env.CI ? describe : describe.skip;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

run('Prometheus scrapes /metrics', () => {
  let server: TachyonServer;
  let prom: ChildProcess;
  let promUrl: string;
  let dir: string;
  let promLog = '';

  beforeAll(async () => {
    const demo = new DemoSession();
    server = await startServer({ port: 0, log: 'silent', jobs: false }, { decider: linearEngine([1, 2]), control: demo.control, state: demo });
    const c = new TestClient(wsUrl(server.url));
    await c.opened();
    for (let i = 1n; i <= 250n; i++) {
      await c.request(encodeDecisionRequest({ requestId: i, instruments: [1, 2], nFeatures: 2, features: [1, 0, 0, -1] }), i);
    }
    c.close();

    dir = mkdtempSync(join(tmpdir(), 'tachyon-prom-'));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: tachyon',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${server.port}']`,
        '',
      ].join('\n'),
    );
    prom = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1h',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prom.stdout?.on('data', (d: Buffer) => (promLog += d.toString()));
    prom.stderr?.on('data', (d: Buffer) => (promLog += d.toString()));
  });

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      prom.kill('SIGTERM');
      await new Promise((r) => prom.once('exit', r));
    }
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function query(q: string): Promise<Sample[]> {
    const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await r.json()) as { status: string; data: { result: Sample[] } };
    return body.status === 'success' ? body.data.result : [];
  }

  it('the target is up and the samples are the server\'s', async () => {
    // Bounded: Prometheus starts and scrapes within ~5 s here; give it 45 s at most.
    const deadline = Date.now() + 45_000;
    let up: Sample[] = [];
    while (Date.now() < deadline) {
      up = await query('up{job="tachyon"}').catch(() => []);
      if (up.length > 0 && up[0]!.value[1] === '1') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(up[0]?.value[1], `prometheus log:\n${promLog}`).toBe('1');

    const targets = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string; lastError: string }[] };
    };
    expect(targets.data.activeTargets[0]).toMatchObject({ health: 'up', lastError: '' });

    const requests = await query('tachyon_decision_requests_total');
    expect(Number(requests[0]?.value[1])).toBe(250);
    const decisions = await query('tachyon_decisions_total');
    expect(Number(decisions[0]?.value[1])).toBe(500);
    const p99 = await query('tachyon_decision_latency_seconds{quantile="0.99"}');
    expect(Number(p99[0]?.value[1])).toBeGreaterThan(0);
    const count = await query('tachyon_decision_latency_seconds_count');
    expect(Number(count[0]?.value[1])).toBe(250);
    const hq = await query('histogram_quantile(0.99, tachyon_decision_latency_hist_seconds_bucket)');
    expect(Number(hq[0]?.value[1])).toBeGreaterThan(0);
    const inf = await query('tachyon_decision_latency_hist_seconds_bucket{le="+Inf"}');
    expect(Number(inf[0]?.value[1])).toBe(250);
    const mode = await query('tachyon_control_mode == 1');
    expect(mode[0]?.metric.mode).toBe('normal');
    const equity = await query('tachyon_equity');
    expect(Number(equity[0]?.value[1])).toBeGreaterThan(0);
    const lag = await query('tachyon_nodejs_eventloop_lag_seconds');
    expect(lag.length).toBe(1);
  }, 60_000);
});
