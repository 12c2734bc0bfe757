/** Writes replay records back out as a clean CSV (exact decimals, ISO timestamps in UTC). */
import { createWriteStream } from 'node:fs';
import { formatMantissa, scaleOf } from './decimal.js';
import type { DataFormat, DataInstrument } from './load.js';
import { RecordKind, RecordView } from './records.js';

/** Writes `records` as CSV of `format`; resolves with the rows written. */
export async function writeCsv(path: string, format: DataFormat, records: Uint8Array, instruments: readonly DataInstrument[]): Promise<number> {
  const v = new RecordView(records);
  const ws = createWriteStream(path);
  const ps = instruments.map((i) => scaleOf(i.tickSize));
  const qs = instruments.map((i) => scaleOf(i.lotSize));
  const header = format === 'ohlcv' ? 'timestamp,open,high,low,close,volume,symbol' : format === 'trades' ? 'timestamp,price,qty,side,id,symbol' : 'timestamp,side,price,qty,is_snapshot,symbol';
  const write = (s: string) => (ws.write(s) ? Promise.resolve() : new Promise<void>((r) => ws.once('drain', () => r())));
  await write(`${header}\n`);
  let n = 0;
  let snap = false;
  for (let i = 0; i < v.length; i++) {
    const k = v.instrument(i);
    const p = ps[k] ?? 0;
    const q = qs[k] ?? 0;
    const ts = new Date(Number(v.tsNs(i) / 1_000_000n)).toISOString();
    const sym = instruments[k]?.symbol ?? '';
    const kind = v.kind(i);
    let line = '';
    if (kind === RecordKind.Bar) line = `${ts},${formatMantissa(v.a(i), p)},${formatMantissa(v.b(i), p)},${formatMantissa(v.c(i), p)},${formatMantissa(v.d(i), p)},${formatMantissa(v.e(i), q)},${sym}`;
    else if (kind === RecordKind.Trade) line = `${ts},${formatMantissa(v.a(i), p)},${formatMantissa(v.b(i), q)},${v.side(i) === 1 ? 'buy' : v.side(i) === 2 ? 'sell' : ''},${v.c(i)},${sym}`;
    else if (kind === RecordKind.BookClear) {
      snap = true;
      continue;
    } else if (kind === RecordKind.Bid || kind === RecordKind.Ask) {
      line = `${ts},${kind === RecordKind.Bid ? 'bid' : 'ask'},${formatMantissa(v.a(i), p)},${formatMantissa(v.b(i), q)},${snap},${sym}`;
    } else continue;
    if (kind !== RecordKind.Bid && kind !== RecordKind.Ask) snap = false;
    await write(`${line}\n`);
    n++;
  }
  await new Promise<void>((r, j) => ws.end((e?: Error | null) => (e ? j(e) : r())));
  return n;
}
