/**
 * Load test of the decision server beside a `ws` + JSON baseline, in one run, on loopback.
 *
 *   node --import tsx bench/server-load.ts [--quick] [--check] [--pin [--rt-unthrottled]] [--pace timer|fine|spin] [--client js|rust] [--rates 5000,20000,50000] [--batch 64] [--connections 4]
 *
 * Each server runs in its own process (server/server-main.mjs, on the compiled package, which
 * is rebuilt first); this process is the client
 * (server/client.ts: raw-socket WebSocket, pre-encoded frames, open loop at a fixed rate,
 * round trips measured from the write of each request). For each rate: fresh connections,
 * `duration` seconds of load of which the first `warmup` are not measured. Requests carry one
 * instrument × 8 features (the decision path's common case); the same decider serves both.
 *
 * Bounded: every step sends exactly rate × duration requests and waits at most 2 s for the
 * rest; a server that falls behind (median over 50 ms, under 90 % of the rate, or answers lost) is not pushed
 * further. Results: bench/results/server-load.json.
 *
 * "At equal p99" is reported two ways: the throughput each server sustains with p99 ≤ 1 ms, and
 * the throughput uWS sustains with a p99 no worse than the baseline's at the baseline's highest
 * sustained rate. `--check` applies the floors of bench/BENCHMARKS.md (uWS p99 ≤ 200 µs at
 * 20k req/s; ≥ 3× the baseline's throughput at equal p99: the 1 ms figure when both servers
 * reach it, else the second) and exits 1 when one fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeFrame, encodeDecisionRequest } from '../ts/src/server/protocol/codec.js';
import { holdCpuWakeLatency } from '../ts/src/server/pmqos.js';
import { RawWsClient, runRate, wsFrame, type Pace, type RateResult } from './server/client.js';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick') || process.env.TACHYON_BENCH_QUICK === '1';
const check = argv.includes('--check');
const ratesArg = argv.includes('--rates') ? argv[argv.indexOf('--rates') + 1] : undefined;
// 6 s per rate, the first second not measured: over the 2 s measured before, one stall of
// ~20 ms (a scavenge burst, the host) was 1 % of a step at 200k req/s and set its p99.
const DURATION = quick ? 1.5 : 6;
const WARMUP = quick ? 0.5 : 1;
/** Client connections (`--connections N`), requests spread round robin over them. */
const CONNECTIONS = argv.includes('--connections') ? Number(argv[argv.indexOf('--connections') + 1]) : 4;
if (!(Number.isInteger(CONNECTIONS) && CONNECTIONS >= 1 && CONNECTIONS <= 64)) throw new Error(`--connections must be an integer in 1..64 (got ${CONNECTIONS})`);
/** Node flags of both server processes (see startServerProcess). */
const SERVER_NODE_FLAGS = ['--no-memory-reducer'];
/** Untimed load each server gets before the ladder. */
const WARM_SEC = quick ? 1 : 3;
const WARM_RATE = 20_000;
/** Instruments per request (`--batch N`; default 1, the latency case). */
const BATCH = argv.includes('--batch') ? Number(argv[argv.indexOf('--batch') + 1]) : 1;
/** Client pacing: `timer` (default; 1 ms bursts), `fine` (≤ 50 µs sleeps), `spin` (a busy core). See runRate. */
const PACE: Pace = argv.includes('--pace') ? (argv[argv.indexOf('--pace') + 1] as Pace) : 'timer';
if (!['timer', 'fine', 'spin'].includes(PACE)) throw new Error(`--pace must be timer, fine or spin (got ${PACE})`);
/**
 * `--pin`: shield the measurement from other jobs on the host, as a latency server is deployed
 * (isolated core, raised priority, no deep idle): the server on the last CPU, the client on
 * CPU 0 (see `pin`; needs root or CAP_SYS_NICE), and for the run a CPU wake-up latency of 0 µs
 * (`holdPmQos`; the mechanism of tuned's latency-performance profile), so that an idle CPU polls
 * instead of halting: on this VM waking a halted vCPU cost ~30 µs of every round trip
 * (p50 40–60 µs without it, 13 µs with it). The request ends when this process exits. Without
 * `--pin`, on a shared 2-core host the p99 column is the scheduler's time slice, not the
 * server's. Refused with `--pace spin` (a real-time spinning thread would hold CPU 0).
 */
const PIN = argv.includes('--pin');
/**
 * `--rt-unthrottled` (with `--pin`): for the run, `kernel.sched_rt_runtime_us = -1` (the usual
 * tuning of a core dedicated to a real-time thread), restored on exit; do not run two at once
 * (the second would restore the first's -1). By default Linux stops real-time threads for 50 ms
 * of every second once they use 95 % of a CPU: a server pinned at SCHED_FIFO then shows a
 * 20–50 ms p99 at any rate that keeps its core ~95 % busy, a limit of the host's policy and not
 * of the server (without SCHED_FIFO, the scheduler lets other threads finish their slice first
 * and the p99 at 10–20k req/s is ~1 ms). Both servers run under the same policy.
 */
const RT_UNTHROTTLED = argv.includes('--rt-unthrottled');
if (RT_UNTHROTTLED && !PIN) throw new Error('--rt-unthrottled needs --pin');
/**
 * `--client rust`: the native load client (`crates/bench/src/bin/ws-load.rs`, one thread,
 * non-blocking sockets, same fields and definitions as the TypeScript client) instead of the
 * TypeScript one, whose event loop limits a pinned run above ~50k req/s. Built on first use.
 */
const CLIENT: 'js' | 'rust' = argv.includes('--client') && argv[argv.indexOf('--client') + 1] === 'rust' ? 'rust' : 'js';
const SLO_US = 1000; // "equal p99": the throughput each server sustains with p99 ≤ 1 ms
const LADDER = ratesArg
  ? ratesArg.split(',').map(Number)
  : quick
    ? [5_000, 20_000, 50_000, 100_000, 150_000]
    : [5_000, 10_000, 20_000, 35_000, 50_000, 75_000, 100_000, 125_000, 150_000, 200_000, 250_000];

/** Features per request: the bench decider's, from the server's hello line. */
let N_FEATURES = 0;

function startServerProcess(kind: 'uws' | 'ws'): Promise<{ proc: ChildProcess; port: number; decider: string }> {
  return new Promise((resolve, reject) => {
    // Both servers with the same V8 flags: `--no-memory-reducer` keeps V8 from shrinking the heap
    // whenever the allocation rate dips (its "reduce" full GCs cost 4–7 ms, and the shrunken young
    // generation then scavenges every ~0.5k requests until it regrows) — the flag README.md
    // recommends for `tachyon serve`.
    const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(here, 'server', 'server-main.mjs'), '--kind', kind], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const t = setTimeout(() => reject(new Error(`${kind} server did not start in 30 s`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(t);
        const j = JSON.parse(out.slice(0, nl)) as { port: number; decider: string; nFeatures: number };
        N_FEATURES = j.nFeatures;
        // Pinned once it listens (its threads exist by then).
        if (PIN) pin(proc.pid!, cpus().length - 1);
        resolve({ proc, port: j.port, decider: j.decider });
      }
    });
    proc.once('exit', (c) => reject(new Error(`${kind} server exited (${c})`)));
  });
}

/** 256 distinct requests (features vary), framed once. */
function frames(kind: 'uws' | 'ws'): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < 256; i++) {
    const features = Array.from({ length: N_FEATURES * BATCH }, (_, f) => Math.sin(i * 7 + f) * 2);
    const instruments = Array.from({ length: BATCH }, (_, j) => (i + j) % 1024);
    if (kind === 'uws') out.push(wsFrame(encodeDecisionRequest({ requestId: i + 1, instruments, nFeatures: N_FEATURES, features })));
    else out.push(wsFrame(Buffer.from(JSON.stringify({ id: i + 1, instruments, nFeatures: N_FEATURES, features })), true));
  }
  return out;
}

/** One request/answer, checked, before the load: the servers must really decide. */
async function sanity(kind: 'uws' | 'ws', port: number): Promise<void> {
  const c = await RawWsClient.connect(port);
  const answer = await new Promise<Buffer>((resolve) => {
    c.onMessage = (p) => resolve(Buffer.from(p));
    c.write(frames(kind)[0]!);
  });
  c.close();
  if (kind === 'uws') {
    const f = decodeFrame(new Uint8Array(answer));
    if (f.type !== 'DecisionResponse' || f.requestId !== 1n || f.scores.length !== BATCH) throw new Error(`uws sanity: ${f.type}`);
  } else {
    const j = JSON.parse(answer.toString()) as { id: number; scores: number[] };
    if (j.id !== 1 || j.scores.length !== BATCH) throw new Error('ws sanity failed');
  }
}

/** CPU seconds (user + system, all threads) a process has used: /proc/<pid>/stat, 100 Hz ticks. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100; // fields 14 and 15 (utime, stime)
}

/** Garbage collections so far in the uWS server (its own Prometheus metrics: prom-client's `nodejs_gc_duration_seconds`). */
interface GcStats {
  minor: number;
  minorSec: number;
  major: number;
  majorSec: number;
}
async function gcStats(port: number): Promise<GcStats> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const val = (name: string, kind: string) => {
    const m = text.match(new RegExp(`^tachyon_nodejs_gc_duration_seconds_${name}\\{kind="${kind}"\\} (\\S+)$`, 'm'));
    return m ? Number(m[1]) : 0;
  };
  return { minor: val('count', 'minor'), minorSec: val('sum', 'minor'), major: val('count', 'major') + val('count', 'incremental'), majorSec: val('sum', 'major') + val('sum', 'incremental') };
}

type Row = RateResult & { cpuUsPerReq: number; gc?: { minor: number; minorMs: number; major: number; majorMs: number } };

const root = join(here, '..');
const wsLoadBin = join(root, 'target', 'release', 'ws-load');

/** The request frames in a file for the native client: each preceded by its u32 LE length. */
function framesFile(kind: 'uws' | 'ws', fr: Buffer[]): string {
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const parts: Buffer[] = [];
  for (const f of fr) {
    const n = Buffer.alloc(4);
    n.writeUInt32LE(f.length);
    parts.push(n, f);
  }
  const path = join(dir, `server-load-frames-${kind}.bin`);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

/** One rate through the native client (pinned to CPU 0 under `--pin`, normal scheduling). */
function runRateNative(port: number, file: string, rate: number, seconds = DURATION): Promise<RateResult> {
  const args = ['--port', String(port), '--rate', String(rate), '--duration', String(seconds), '--warmup', String(Math.min(WARMUP, seconds / 2)), '--connections', String(CONNECTIONS), '--frames', file];
  // Pinned, at nice −20 like the server, but not real-time: it spins (yielding), and a real-time
  // spinner would hold CPU 0.
  const cmd = PIN ? ['taskset', '-c', '0', 'nice', '-n', '-20', wsLoadBin, ...args] : [wsLoadBin, ...args];
  return new Promise((resolve, reject) => {
    const p = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.once('error', reject);
    p.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`ws-load exited ${code}`));
      const r = JSON.parse(out) as Record<string, number | null>;
      const n = (k: string) => (r[k] === null ? Number.NaN : Number(r[k]));
      resolve({ targetRate: n('targetRate'), sent: n('sent'), received: n('received'), achieved: n('achieved'), p50: n('p50'), p99: n('p99'), p999: n('p999'), max: n('max'), lost: n('lost') });
    });
  });
}

const us = (v: number) => (Number.isFinite(v) ? (v < 1000 ? `${v.toFixed(0)} µs` : `${(v / 1000).toFixed(2)} ms`) : '—');

/**
 * Both ladders interleaved (uWS then ws at each rate), so both servers meet the same machine
 * noise; a server stops climbing once saturated.
 */
async function ladders(): Promise<{ decider: string; uws: Row[]; ws: Row[] }> {
  const servers = { uws: await startServerProcess('uws'), ws: await startServerProcess('ws') };
  // With the TypeScript client this process is the client: pinned once every module is loaded.
  // With the native client it only waits, and is left alone: pinned to the client's CPU at a
  // higher priority (as it once was), its garbage collector's threads took the client's core for
  // up to a second mid-step (the "first-step stall" of earlier runs: max 950 ms).
  if (PIN && CLIENT === 'js') pin(process.pid, 0);
  const rows: Record<'uws' | 'ws', Row[]> = { uws: [], ws: [] };
  const done = { uws: false, ws: false };
  try {
    for (const kind of ['uws', 'ws'] as const) await sanity(kind, servers[kind].port);
    const fr = { uws: frames('uws'), ws: frames('ws') };
    const files = CLIENT === 'rust' ? { uws: framesFile('uws', fr.uws), ws: framesFile('ws', fr.ws) } : null;
    // Warm-up, not reported: JIT compilation and the young generation's sizing happen in the
    // first seconds of load (the first ladder step used to show 28 scavenges and two full GCs
    // that later steps never see). Each server gets WARM_SEC at WARM_RATE first, uWS last so
    // that it does not sit idle before its first step (V8's memory reducer shrinks an idle
    // heap, and the young generation then regrows through a burst of scavenges).
    // Only the server being loaded runs; the other is stopped (SIGSTOP) until its turn. Under
    // `--pin` both share a core at the same real-time priority, and a real-time thread runs
    // until it blocks: the idle one's garbage collection after a heavy step (`ws` after 50k
    // req/s of JSON) held the core for tens of milliseconds in the other's step (p99.9 13–33 ms
    // at 100k–125k req/s before this).
    const only = (kind: 'uws' | 'ws') => {
      servers[kind === 'uws' ? 'ws' : 'uws'].proc.kill('SIGSTOP');
      servers[kind].proc.kill('SIGCONT');
    };
    for (const kind of ['ws', 'uws'] as const) {
      only(kind);
      if (files) await runRateNative(servers[kind].port, files[kind], WARM_RATE, WARM_SEC);
      else {
        const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => RawWsClient.connect(servers[kind].port)));
        await runRate(clients, fr[kind], WARM_RATE, WARM_SEC, 0, 2, PACE);
        for (const c of clients) c.close();
      }
    }
    console.log(`  (warm-up: ${WARM_SEC} s at ${WARM_RATE.toLocaleString('en-US')} req/s per server, not reported)`);
    for (const rate of LADDER) {
      for (const kind of ['uws', 'ws'] as const) {
        if (done[kind]) continue;
        only(kind);
        const pid = servers[kind].proc.pid!;
        let rr: RateResult;
        const cpu0 = cpuSeconds(pid);
        const gc0 = kind === 'uws' ? await gcStats(servers.uws.port) : null;
        if (files) rr = await runRateNative(servers[kind].port, files[kind], rate);
        else {
          const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => RawWsClient.connect(servers[kind].port)));
          rr = await runRate(clients, fr[kind], rate, DURATION, WARMUP, 2, PACE);
          for (const c of clients) c.close();
        }
        const r: Row = { ...rr, cpuUsPerReq: ((cpuSeconds(pid) - cpu0) * 1e6) / Math.max(1, rr.received) };
        if (gc0) {
          const g = await gcStats(servers.uws.port);
          r.gc = { minor: g.minor - gc0.minor, minorMs: (g.minorSec - gc0.minorSec) * 1e3, major: g.major - gc0.major, majorMs: (g.majorSec - gc0.majorSec) * 1e3 };
        }
        rows[kind].push(r);
        const gcText = r.gc ? `  GC ${r.gc.minor} minor (${r.gc.minorMs.toFixed(1)} ms), ${r.gc.major} major (${r.gc.majorMs.toFixed(1)} ms)` : '';
        console.log(
          `  ${kind.padEnd(3)} ${String(rate).padStart(7)} req/s → ${Math.round(r.achieved).toLocaleString('en-US').padStart(8)}/s  ` +
            `p50 ${us(r.p50).padStart(8)}  p99 ${us(r.p99).padStart(8)}  p99.9 ${us(r.p999).padStart(8)}  max ${us(r.max).padStart(8)}  ` +
            `lost ${r.lost}  server CPU ${r.cpuUsPerReq.toFixed(1)} µs/req${gcText}`,
        );
        await new Promise((res) => setTimeout(res, 300));
        // Saturated (open loop: the median climbs, answers fall behind): stop climbing.
        if (r.p50 > 50_000 || r.achieved < 0.9 * rate || r.lost > 0) done[kind] = true;
      }
      if (done.uws && done.ws) break;
    }
    return { decider: servers.uws.decider, uws: rows.uws, ws: rows.ws };
  } finally {
    for (const s of [servers.uws, servers.ws]) {
      s.proc.kill('SIGCONT');
      s.proc.kill('SIGTERM');
    }
  }
}

const sustained = (r: RateResult) => r.lost === 0 && r.achieved >= 0.97 * r.targetRate;

/** Highest rate sustained (≥ 97 % achieved, nothing lost) with p99 ≤ `bound` µs. */
function atP99(rows: RateResult[], bound: number): RateResult | null {
  let best: RateResult | null = null;
  for (const r of rows) if (sustained(r) && r.p99 <= bound && (!best || r.achieved > best.achieved)) best = r;
  return best;
}

/**
 * `--pin`: every thread of `pid` on `cpu` at nice −20, and the main (event-loop) thread at
 * SCHED_FIFO 50, so that a waking server or client preempts other jobs at once. Only the main
 * thread is real-time: with all threads real-time (tried), V8's main thread waits on its own
 * helper threads, which it then starves on the shared core, and the server livelocked; and only
 * after start-up, since tsx's loader waits on its esbuild process the same way.
 */
function pin(pid: number, cpu: number): void {
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`--pin: ${cmd} ${args.join(' ')} failed (needs root or CAP_SYS_NICE): ${r.stderr || r.error}`);
  };
  run('taskset', ['-a', '-pc', String(cpu), String(pid)]);
  const tids = readdirSync(`/proc/${pid}/task`);
  run('renice', ['-n', '-20', '-p', ...tids]);
  run('chrt', ['-f', '-p', '50', String(pid)]); // the main (event-loop) thread only
}

/**
 * `--pin`: a CPU wake-up latency of 0 µs (PM QoS: the same hold as `tachyon serve
 * --cpu-wake-latency 0`), kept until this process exits. Best effort: without the device or the
 * permission it says so and the run goes on.
 */
function holdPmQos(): string {
  try {
    holdCpuWakeLatency(0); // released by the kernel when this process exits
    return 'cpu_dma_latency 0 µs';
  } catch (e) {
    console.warn(`--pin: ${(e as Error).message}: idle CPUs halt, and round trips include their wake-up`);
    return 'no PM QoS';
  }
}

/** `--rt-unthrottled`: kernel.sched_rt_runtime_us = -1 for the run; the old value comes back on exit or on a signal. */
function unthrottleRt(): void {
  const path = '/proc/sys/kernel/sched_rt_runtime_us';
  const old = readFileSync(path, 'utf8').trim();
  if (!/^-?\d+$/.test(old)) throw new Error(`--rt-unthrottled: unexpected ${path}: ${old}`);
  writeFileSync(path, '-1');
  const restore = () => {
    try {
      writeFileSync(path, old);
    } catch (e) {
      console.error(`--rt-unthrottled: could not restore ${path} to ${old}: ${(e as Error).message}`);
    }
  };
  process.once('exit', restore);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(sig, () => {
      restore();
      process.exit(130);
    });
}
// The servers run the compiled package: bring ts/dist up to date with the source first.
{
  const t = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  if (t.status !== 0) throw new Error('compiling ts/dist (tsc -p tsconfig.json) failed');
}
if (CLIENT === 'rust') {
  const b = spawnSync('cargo', ['build', '--release', '--quiet', '-p', 'tachyon-bench', '--bin', 'ws-load'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('--client rust: building ws-load failed');
}
if (PIN && cpus().length < 2) throw new Error('--pin needs at least 2 CPUs (server and client on different cores)');
if (PIN && PACE === 'spin') throw new Error('--pin with --pace spin would hold CPU 0 at real-time priority: use --pace fine');
const pmQos = PIN ? holdPmQos() : '';
if (RT_UNTHROTTLED) unthrottleRt();
console.log(
  `server load test: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, node ${process.version}; ` +
    `${CONNECTIONS} connections, ${DURATION} s per rate (${WARMUP} s warm-up), ${BATCH} instrument(s) per request, ` +
    `servers: node ${SERVER_NODE_FLAGS.join(' ')}; ${CLIENT === 'rust' ? 'native client (spin + yield)' : `${PACE} pacing`}${quick ? ', quick' : ''}${PIN ? `, pinned (client CPU 0 at nice -20, server CPU ${cpus().length - 1}, server main threads SCHED_FIFO 50${RT_UNTHROTTLED ? ' unthrottled' : ''}, ${pmQos})` : ''}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
);
const all = await ladders();
const uws = { decider: all.decider, rows: all.uws };
const ws = { decider: all.decider, rows: all.ws };
console.log(`  decider: ${uws.decider}, ${N_FEATURES} features per instrument`);
const u20 = uws.rows.find((r) => r.targetRate === 20_000);
const fmtRate = (r: RateResult | null) => (r ? `${Math.round(r.achieved).toLocaleString('en-US')} req/s` : '—');
// (1) A fixed bound: the throughput each sustains with p99 ≤ 1 ms.
const uSlo = atP99(uws.rows, SLO_US);
const wSlo = atP99(ws.rows, SLO_US);
const ratioSlo = uSlo && wSlo ? uSlo.achieved / wSlo.achieved : Number.NaN;
// (2) Equal p99: the baseline's highest sustained rate and its p99; the highest rate uWS
// sustains with a p99 no worse than that.
const wTop = ws.rows.filter(sustained).sort((a, b) => b.achieved - a.achieved)[0] ?? null;
const uEq = wTop ? atP99(uws.rows, wTop.p99) : null;
const ratioEq = uEq && wTop ? uEq.achieved / wTop.achieved : Number.NaN;
const top = (r: RateResult | null) => (r && r.targetRate === uws.rows[uws.rows.length - 1]!.targetRate ? ' (uWS at the top of the ladder: not saturated)' : '');
console.log(`\n  at p99 ≤ ${SLO_US} µs: uWS+FlatBuffers ${fmtRate(uSlo)}, ws+JSON ${fmtRate(wSlo)} → ${ratioSlo.toFixed(2)}×${top(uSlo)}`);
console.log(
  `  at equal p99 (${wTop ? us(wTop.p99) : '—'}, the baseline's p99 at its highest sustained rate): uWS+FlatBuffers ${fmtRate(uEq)}, ` +
    `ws+JSON ${fmtRate(wTop)} → ${ratioEq.toFixed(2)}×${top(uEq)}`,
);
const maxAch = (rows: RateResult[]) => Math.max(0, ...rows.map((r) => r.achieved));
console.log(
  `  saturation throughput (highest achieved, any latency): uWS+FlatBuffers ${Math.round(maxAch(uws.rows)).toLocaleString('en-US')} req/s, ` +
    `ws+JSON ${Math.round(maxAch(ws.rows)).toLocaleString('en-US')} req/s → ${(maxAch(uws.rows) / maxAch(ws.rows)).toFixed(2)}×`,
);
// Server CPU per request (user + system, from /proc), at the highest rate both sustained: a
// load-independent view of capacity (1 / cost = requests per CPU-second).
const common = uws.rows.filter((u) => sustained(u) && ws.rows.some((w) => w.targetRate === u.targetRate && sustained(w))).pop();
const wCommon = common ? ws.rows.find((w) => w.targetRate === common.targetRate)! : null;
if (common && wCommon)
  console.log(
    `  server CPU per request at ${common.targetRate.toLocaleString('en-US')} req/s: uWS+FlatBuffers ${common.cpuUsPerReq.toFixed(1)} µs, ` +
      `ws+JSON ${wCommon.cpuUsPerReq.toFixed(1)} µs → ${(wCommon.cpuUsPerReq / common.cpuUsPerReq).toFixed(2)}× the requests per CPU-second`,
  );
console.log(`  uWS p99 at 20k req/s: ${u20 ? us(u20.p99) : '—'}`);
const ratio = Number.isFinite(ratioSlo) ? ratioSlo : ratioEq;

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', BATCH === 1 ? 'server-load.json' : `server-load-batch${BATCH}.json`),
  JSON.stringify({ quick, serverNodeFlags: SERVER_NODE_FLAGS, batch: BATCH, pace: PACE, client: CLIENT, pinned: PIN, rtUnthrottled: RT_UNTHROTTLED, pmQos: pmQos || null, loadavg: loadavg(), connections: CONNECTIONS, durationSec: DURATION, warmupSec: WARMUP, sloUs: SLO_US, decider: uws.decider, uws: uws.rows, ws: ws.rows, ratioSlo, ratioEqualP99: ratioEq }, null, 2),
);

if (check) {
  const fails: string[] = [];
  if (!u20 || !(u20.p99 <= 200)) fails.push(`uWS p99 at 20k req/s is ${u20 ? us(u20.p99) : 'missing'} (floor 200 µs)`);
  if (!(ratio >= 3)) fails.push(`throughput at equal p99 is ${ratio.toFixed(2)}× the baseline (floor 3×)`);
  if (fails.length) {
    console.log(`\nserver floors FAILED:\n  ${fails.join('\n  ')}`);
    process.exit(1);
  }
  console.log('\nserver floors: ok');
}
