/**
 * Parquet market data (optional): read with `hyparquet` (pure JavaScript), then through the
 * same row checks as CSV (`load.ts`): same column names, same bad-row handling. Numbers from
 * double columns go through their shortest decimal form before the exact parse.
 */
import { TachyonError } from '../errors.js';
import { RowLoader, type LoadOptions, type MarketData } from './load.js';

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return String(v.getTime());
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NaN';
  return String(v);
}

/** Loads a Parquet file (see `loadCsv` for formats and bad-row handling). */
export async function loadParquet(o: LoadOptions): Promise<MarketData> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  let file;
  let meta;
  try {
    file = await asyncBufferFromFile(o.path);
    meta = await parquetMetadataAsync(file);
  } catch (cause) {
    throw new TachyonError('ERR_DATA', `cannot read Parquet file ${o.path}: ${(cause as Error).message}`, { cause });
  }
  const columns = meta.schema.slice(1).map((s) => s.name);
  const loader = new RowLoader(o, o.format ?? 'ohlcv', columns, o.path);
  const total = Number(meta.num_rows);
  const CHUNK = 65_536;
  for (let start = 0; start < total; start += CHUNK) {
    const rows = (await parquetReadObjects({ file, rowStart: start, rowEnd: Math.min(total, start + CHUNK) })) as Record<string, unknown>[];
    rows.forEach((r, k) => loader.row(columns.map((c) => text(r[c])), start + k + 1));
    o.onProgress?.(Math.min(total, start + CHUNK), total);
  }
  return loader.finish();
}
