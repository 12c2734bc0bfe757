/**
 * Market data: CSV / Parquet import into replay records, seeded synthetic markets, and
 * `tachyon data fetch` through CCXT (see `fetch.ts`).
 */
import { extname } from 'node:path';
import { loadCsv, type LoadOptions, type MarketData } from './load.js';
import { loadParquet } from './parquet.js';

export * from './load.js';
export * from './records.js';
export * from './synthetic.js';
export { parseMantissa, formatMantissa, roundToStep, scaleOf } from './decimal.js';
export { loadParquet } from './parquet.js';

/** Loads a CSV or Parquet file by its extension (`.parquet`/`.pq` → Parquet, else CSV). */
export async function loadMarketData(o: LoadOptions): Promise<MarketData> {
  const ext = extname(o.path).toLowerCase();
  return ext === '.parquet' || ext === '.pq' ? loadParquet(o) : loadCsv(o);
}
