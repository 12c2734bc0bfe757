/**
 * `tachyon data fetch`: OHLCV history through CCXT into a CSV (the loader's `ohlcv` layout),
 * paginated, with retries and a progress callback. Needs a network path to the exchange (or
 * `venue.baseUrl` pointing at a gateway or the local fake venue).
 */
import { createWriteStream } from 'node:fs';
import type { VenueConfig } from '../config/schema.js';
import { TachyonError } from '../errors.js';
import { CcxtVenue } from '../venues/ccxt.js';
import { parseTimestampUs } from './load.js';

export interface FetchOptions {
  venue: VenueConfig;
  symbol: string;
  since: string | number;
  until?: string | number;
  limit?: number;
  out: string;
  onProgress?: (done: number, total: number) => void;
}

const TF: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function tfMs(tf: string): number {
  const m = /^(\d+)([smhdw])$/.exec(tf);
  if (!m) throw new TachyonError('ERR_CONFIG', `timeframe ${tf} must look like 1s, 1m, 15m, 1h, 1d`);
  return Number(m[1]) * TF[m[2]!]!;
}

function when(v: string | number, what: string): number {
  if (typeof v === 'number') return v;
  const us = parseTimestampUs(v);
  if (!Number.isFinite(us)) throw new TachyonError('ERR_CONFIG', `--${what} ${v} is not a date (ISO 8601 or epoch ms)`);
  return Math.floor(us / 1000);
}

export async function fetchOhlcv(o: FetchOptions): Promise<{ rows: number; requests: number; retries: number }> {
  const step = tfMs(o.venue.timeframe);
  const since = when(o.since, 'since');
  const until = o.until === undefined ? Date.now() : when(o.until, 'until');
  if (until <= since) throw new TachyonError('ERR_CONFIG', '--until must be after --since');
  const venue = await CcxtVenue.connect({ config: o.venue });
  const inst = venue.instrument(o.symbol);
  const ws = createWriteStream(o.out);
  ws.write('timestamp,open,high,low,close,volume,symbol\n');
  const limit = o.limit ?? 1000;
  let t = since;
  let rows = 0;
  let last = -1;
  try {
    while (t < until) {
      const cs = await venue.fetchOhlcv(o.symbol, o.venue.timeframe, t, limit);
      const fresh = cs.filter((c) => c[0]! > last && c[0]! <= until);
      for (const c of fresh) {
        ws.write(`${c[0]},${c[1]},${c[2]},${c[3]},${c[4]},${c[5]},${inst.symbol}\n`);
        last = c[0]!;
        rows++;
      }
      o.onProgress?.(Math.min(until, last) - since, until - since);
      if (fresh.length === 0) break;
      t = last + step;
    }
  } finally {
    await new Promise<void>((r) => ws.end(() => r()));
    await venue.close();
  }
  return { rows, requests: venue.stats.requests, retries: venue.stats.retries };
}
