/**
 * CPU wake-up latency (Linux PM QoS, `/dev/cpu_dma_latency`): while a process holds the file open
 * with a value written to it, the kernel keeps every CPU out of idle states slower to leave than
 * that many µs. With 0, an idle CPU polls instead of halting, so a request that arrives at an
 * idle server does not first pay for waking its CPU: on the 2-vCPU VM of bench/BENCHMARKS.md
 * that took the median round trip from 40–60 µs to 13 µs. The cost is power (and, on a VM, a
 * host core kept busy), which is why it is an option. tuned's latency-performance profile uses
 * the same mechanism. The kernel drops the request when the file is closed, by `release()` or
 * when the process exits however it exits.
 */
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { TachyonError } from '../errors.js';

export const CPU_DMA_LATENCY = '/dev/cpu_dma_latency';
/** Largest value the kernel takes (its default, "no constraint", is 2,000,000,000 µs). */
export const MAX_WAKE_LATENCY_US = 2_000_000_000;

export interface WakeLatencyHold {
  /** The µs requested. */
  readonly us: number;
  /** Ends the request (idempotent). */
  release(): void;
}

/** Holds a wake-up latency request of `us` µs; `ERR_INVALID_ARG` for a bad value, `ERR_SYSTEM` when the device cannot be written. */
export function holdCpuWakeLatency(us: number, device = CPU_DMA_LATENCY): WakeLatencyHold {
  if (!Number.isInteger(us) || us < 0 || us > MAX_WAKE_LATENCY_US)
    throw new TachyonError('ERR_INVALID_ARG', `CPU wake-up latency must be an integer number of µs in 0..${MAX_WAKE_LATENCY_US} (got ${us})`);
  let fd: number;
  try {
    fd = openSync(device, constants.O_WRONLY); // never O_CREAT: a missing device must not become a file
  } catch (cause) {
    throw new TachyonError('ERR_SYSTEM', `cannot open ${device} to hold a CPU wake-up latency of ${us} µs (Linux only; needs root): ${(cause as Error).message}`, { cause });
  }
  try {
    if (!fstatSync(fd).isCharacterDevice()) throw new Error('not a character device');
    writeSync(fd, Buffer.from(new Int32Array([us]).buffer));
  } catch (cause) {
    closeSync(fd);
    throw new TachyonError('ERR_SYSTEM', `cannot write a CPU wake-up latency of ${us} µs to ${device}: ${(cause as Error).message}`, { cause });
  }
  let open = true;
  return {
    us,
    release() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

/** The constraint in force now (the smallest request of any process), or null when the device cannot be read. */
export function currentCpuWakeLatency(device = CPU_DMA_LATENCY): number | null {
  let fd: number | undefined;
  try {
    fd = openSync(device, 'r');
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, null) === 4 ? b.readInt32LE(0) : null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
