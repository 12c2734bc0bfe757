/**
 * Market data from CSV (and Parquet, see `parquet.ts`) into replay records.
 *
 * Formats (`format`):
 * - `ohlcv`: `timestamp, open, high, low, close, volume` (+ optional `symbol`). Without a
 *   header the Binance kline layout is assumed (`open_time, open, high, low, close, volume,
 *   close_time, …`, as in data.binance.vision files).
 * - `trades`: `timestamp, price, qty` (+ optional `side` buy/sell, `is_buyer_maker`, `id`,
 *   `symbol`). Without a header the Binance trades layout (`id, price, qty, quote_qty, time,
 *   is_buyer_maker, …`).
 * - `l2`: incremental book updates `timestamp, side (bid/ask), price, qty` (qty 0 deletes a
 *   level; + optional `is_snapshot`: a run of snapshot rows starts by clearing the book — the
 *   Tardis `incremental_book_L2` layout; + optional `type`: `book` (default) or `trade` — a
 *   trade print interleaved with the book in time order, its `side` the aggressor buy/sell,
 *   what an L2 backtest (`execution.model: l2`) replays for queue position).
 *
 * Column names are matched case-insensitively with common aliases (`time`, `ts`, `open_time`;
 * `amount`, `size`, `quantity`; `o/h/l/c/v` …). Timestamps: integers in s, ms, µs or ns
 * (told apart by magnitude), decimal seconds, or ISO 8601 text. Prices and quantities are
 * parsed as exact decimals and put on the instrument's tick/lot grid (half to even; each
 * rounding is counted in `report.rounded`).
 *
 * Bad input never stops the program with a stack trace and never reaches the replay: a row
 * that is malformed, has a missing or non-numeric field, a NaN or non-positive price, a
 * negative quantity, an inconsistent bar (high below low, open outside the range), a
 * timestamp earlier than the previous row's, an unknown symbol or side is counted by reason
 * with its line number; `onBadRow: 'skip'` goes on (up to `maxBadRows`), `'stop'` throws
 * `ERR_DATA` naming the file, line, field and the fix. Unknown columns are listed once
 * (`onUnknownColumn: 'ignore'`) or stop the load (`'stop'`).
 *
 * @example
 * ```ts
 * import { loadMarketData } from 'tachyon';
 * const data = await loadMarketData({ path: 'examples/data/btcusdt-1m.csv', format: 'ohlcv',
 *   instruments: [{ symbol: 'BTC/USDT', tickSize: '0.01', lotSize: '0.00001' }] });
 * data.count;          // bars accepted
 * data.report.bad;     // { NOT_A_NUMBER: 2, NON_MONOTONIC_TIME: 1, … }
 * ```
 */
import { readFileSync, statSync } from 'node:fs';
import { TachyonError } from '../errors.js';
import { parseMantissa, roundToStep, scaleOf } from './decimal.js';
import { RecordBuffer } from './records.js';

export type DataFormat = 'ohlcv' | 'trades' | 'l2';

/** What the loader needs to know about an instrument. */
export interface DataInstrument {
  symbol: string;
  tickSize: string;
  lotSize: string;
}

export type DataIssueCode =
  | 'MALFORMED_ROW'
  | 'MISSING_FIELD'
  | 'NOT_A_NUMBER'
  | 'BAD_TIMESTAMP'
  | 'NON_POSITIVE_PRICE'
  | 'NEGATIVE_QUANTITY'
  | 'INCONSISTENT_BAR'
  | 'NON_MONOTONIC_TIME'
  | 'UNKNOWN_SYMBOL'
  | 'BAD_SIDE';

export interface DataIssue {
  /** 1-based line in the file (row index + 1 for Parquet). */
  line: number;
  code: DataIssueCode;
  message: string;
  /** The row as read (truncated). */
  text: string;
}

export interface LoadReport {
  file: string;
  format: DataFormat;
  /** Data rows read (header excluded). */
  rows: number;
  /** Records produced. */
  accepted: number;
  /** Bad rows by reason. */
  bad: Partial<Record<DataIssueCode, number>>;
  badTotal: number;
  /** Values put on the tick/lot grid. */
  rounded: number;
  /** The first issues (at most 20) with their lines. */
  issues: DataIssue[];
  /** Columns nobody reads. */
  unknownColumns: string[];
  /** Time of the first and last record, ms since the epoch (NaN when empty). */
  firstMs: number;
  lastMs: number;
}

export interface MarketData {
  format: DataFormat;
  /** Instrument symbols in id order (the records' `instrument` indexes this). */
  symbols: string[];
  /** 64-byte records, time-ordered. */
  records: Uint8Array;
  count: number;
  report: LoadReport;
}

export interface LoadOptions {
  path: string;
  format?: DataFormat;
  instruments: readonly DataInstrument[];
  /** Symbol for rows without a symbol column (default: the first instrument). */
  symbol?: string;
  onBadRow?: 'skip' | 'stop';
  /** Stop after this many bad rows (0 = no limit). Default 1000. */
  maxBadRows?: number;
  onUnknownColumn?: 'ignore' | 'stop';
  /** Called every 65,536 rows with (rows done, rows total estimate). */
  onProgress?: (done: number, total: number) => void;
}

const ALIASES: Record<string, string[]> = {
  ts: ['timestamp', 'time', 'ts', 'date', 'datetime', 'open_time', 'opentime', 't', 'transact_time'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c'],
  volume: ['volume', 'vol', 'v', 'base_volume'],
  price: ['price', 'p', 'px'],
  qty: ['qty', 'quantity', 'amount', 'size', 'q', 'volume'],
  side: ['side', 'taker_side', 'aggressor'],
  maker: ['is_buyer_maker', 'isbuyermaker', 'buyer_maker', 'm'],
  id: ['id', 'trade_id', 'tradeid'],
  symbol: ['symbol', 'instrument', 'pair', 'market'],
  snapshot: ['is_snapshot', 'snapshot'],
  type: ['type', 'kind', 'event'],
};

/** Columns that are known but not needed. */
const IGNORED = new Set([
  'close_time',
  'closetime',
  'quote_volume',
  'quote_asset_volume',
  'quote_qty',
  'quoteqty',
  'trades',
  'count',
  'number_of_trades',
  'taker_buy_base_volume',
  'taker_buy_quote_volume',
  'taker_buy_volume',
  'taker_buy_quote_asset_volume',
  'ignore',
  'local_timestamp',
  'exchange',
  'is_best_match',
  'isbestmatch',
  'first_trade_id',
  'last_trade_id',
  'vwap',
]);

const NEEDED: Record<DataFormat, string[]> = {
  ohlcv: ['ts', 'open', 'high', 'low', 'close', 'volume'],
  trades: ['ts', 'price', 'qty'],
  l2: ['ts', 'side', 'price', 'qty'],
};
const OPTIONAL: Record<DataFormat, string[]> = {
  ohlcv: ['symbol'],
  trades: ['side', 'maker', 'id', 'symbol'],
  l2: ['symbol', 'snapshot', 'type'],
};
const HEADERLESS: Record<DataFormat, string[] | null> = {
  // data.binance.vision klines and trades
  ohlcv: ['ts', 'open', 'high', 'low', 'close', 'volume'],
  trades: ['id', 'price', 'qty', '_', 'ts', 'maker'],
  l2: null,
};

/** Splits one CSV line (RFC 4180 quotes supported). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses a timestamp into integer microseconds since the epoch (NaN if it is not one). */
export function parseTimestampUs(text: string): number {
  const s = text.trim();
  if (/^\d+$/.test(s)) {
    const n = s.length;
    if (n <= 11) return Number(s) * 1e6; // seconds
    if (n <= 14) return Number(s) * 1e3; // ms
    if (n <= 17) return Number(s); // µs
    return Math.floor(Number(s.slice(0, n - 3))); // ns → µs
  }
  if (/^\d+\.\d+$/.test(s)) {
    const [i, f] = s.split('.') as [string, string];
    return Number(i) * 1e6 + Number(f.slice(0, 6).padEnd(6, '0'));
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const m = /^(.*?\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(s.replace(' ', 'T'));
    if (m) {
      const base = Date.parse(`${m[1]}${m[3] ?? 'Z'}`);
      if (Number.isNaN(base)) return Number.NaN;
      return base * 1000 + Number((m[2] ?? '').slice(0, 6).padEnd(6, '0'));
    }
    const d = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
    return Number.isNaN(d) ? Number.NaN : d * 1000;
  }
  return Number.NaN;
}

class StopLoad extends Error {}

/** Builds records from rows of strings; shared by the CSV and Parquet readers. */
export class RowLoader {
  readonly out = new RecordBuffer(4096);
  readonly report: LoadReport;
  private readonly col: Record<string, number> = {};
  private readonly ids = new Map<string, number>();
  private readonly px: number[];
  private readonly ps: number[];
  private readonly lot: number[];
  private readonly qs: number[];
  private readonly defaultId: number;
  private lastUs = Number.NEGATIVE_INFINITY;
  private inSnapshot = new Map<number, boolean>();
  private fields: string[] = [];

  constructor(
    private readonly o: LoadOptions,
    readonly format: DataFormat,
    header: string[] | null,
    file: string,
  ) {
    if (o.instruments.length === 0) throw new TachyonError('ERR_CONFIG', 'loading market data needs at least one instrument');
    this.report = {
      file,
      format,
      rows: 0,
      accepted: 0,
      bad: {},
      badTotal: 0,
      rounded: 0,
      issues: [],
      unknownColumns: [],
      firstMs: Number.NaN,
      lastMs: Number.NaN,
    };
    o.instruments.forEach((inst, i) => this.ids.set(norm(inst.symbol), i));
    this.ps = o.instruments.map((i) => scaleOf(i.tickSize));
    this.qs = o.instruments.map((i) => scaleOf(i.lotSize));
    this.px = o.instruments.map((i, k) => parseMantissa(i.tickSize, this.ps[k]!).m);
    this.lot = o.instruments.map((i, k) => parseMantissa(i.lotSize, this.qs[k]!).m);
    const d = o.symbol ?? o.instruments[0]!.symbol;
    const id = this.ids.get(norm(d));
    if (id === undefined) throw new TachyonError('ERR_CONFIG', `data.symbol ${d} is not one of the configured instruments (${o.instruments.map((i) => i.symbol).join(', ')})`);
    this.defaultId = id;
    if (header) this.mapHeader(header);
    else {
      const layout = HEADERLESS[format];
      if (!layout) throw new TachyonError('ERR_DATA', `${file}: the first line is not a header; an l2 file needs a header naming timestamp, side, price, qty`);
      layout.forEach((name, i) => {
        if (name !== '_') this.col[name] = i;
      });
    }
  }

  private mapHeader(header: string[]): void {
    const names = header.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
    const wanted = [...NEEDED[this.format], ...OPTIONAL[this.format]];
    const used = new Set<number>();
    for (const key of wanted) {
      const idx = names.findIndex((n, i) => !used.has(i) && ALIASES[key]!.includes(n));
      if (idx >= 0) {
        this.col[key] = idx;
        used.add(idx);
      }
    }
    const missing = NEEDED[this.format].filter((k) => this.col[k] === undefined);
    if (missing.length > 0)
      throw new TachyonError(
        'ERR_DATA',
        `${this.report.file}: a ${this.format} file needs columns ${missing.map((m) => `"${ALIASES[m]![0]}"`).join(', ')} ` +
          `(found: ${header.join(', ')}); rename the columns or set data.format`,
      );
    this.report.unknownColumns = header.filter((_, i) => !used.has(i) && !IGNORED.has(names[i]!));
    if (this.report.unknownColumns.length > 0 && this.o.onUnknownColumn === 'stop')
      throw new TachyonError(
        'ERR_DATA',
        `${this.report.file}: unknown column${this.report.unknownColumns.length > 1 ? 's' : ''} ${this.report.unknownColumns.map((c) => `"${c}"`).join(', ')}; ` +
          `remove ${this.report.unknownColumns.length > 1 ? 'them' : 'it'} or set data.onUnknownColumn: ignore`,
      );
  }

  private issue(line: number, code: DataIssueCode, message: string): never {
    const r = this.report;
    r.bad[code] = (r.bad[code] ?? 0) + 1;
    r.badTotal++;
    const text = this.fields.join(',').slice(0, 200);
    if (r.issues.length < 20) r.issues.push({ line, code, message, text });
    const max = this.o.maxBadRows ?? 1000;
    if ((this.o.onBadRow ?? 'skip') === 'stop')
      throw new TachyonError('ERR_DATA', `${r.file} line ${line}: ${message} [${code}] in "${text}"; fix the row or set data.onBadRow: skip to skip bad rows`);
    if (max > 0 && r.badTotal > max)
      throw new TachyonError(
        'ERR_DATA',
        `${r.file}: more than ${max} bad rows (last: line ${line}, ${message} [${code}]); the file is probably not ${this.format} data — check data.format, or raise data.maxBadRows`,
      );
    throw new StopLoad();
  }

  private field(f: string[], key: string, line: number): string {
    const i = this.col[key];
    const v = i === undefined ? undefined : f[i];
    if (v === undefined || v.trim() === '') this.issue(line, 'MISSING_FIELD', `${key === 'ts' ? 'timestamp' : key} is missing`);
    return v;
  }

  private num(f: string[], key: string, scale: number, step: number, line: number): number {
    const t = this.field(f, key, line);
    const p = parseMantissa(t, scale);
    if (Number.isNaN(p.m)) this.issue(line, 'NOT_A_NUMBER', `${key} is not a number (${JSON.stringify(t.slice(0, 40))})`);
    let m = p.m;
    const r = roundToStep(m, step);
    if (p.rounded || r !== m) this.report.rounded++;
    m = r;
    return m;
  }

  private instrument(f: string[], line: number): number {
    const i = this.col.symbol;
    if (i === undefined) return this.defaultId;
    const s = f[i]?.trim() ?? '';
    if (s === '') return this.defaultId;
    const id = this.ids.get(norm(s));
    if (id === undefined) this.issue(line, 'UNKNOWN_SYMBOL', `symbol ${JSON.stringify(s)} is not a configured instrument`);
    return id;
  }

  private time(f: string[], line: number): number {
    const t = this.field(f, 'ts', line);
    const us = parseTimestampUs(t);
    if (!Number.isSafeInteger(us)) this.issue(line, 'BAD_TIMESTAMP', `timestamp ${JSON.stringify(t.slice(0, 40))} is not a time (epoch s/ms/µs/ns or ISO 8601)`);
    if (us < this.lastUs)
      this.issue(line, 'NON_MONOTONIC_TIME', `timestamp ${t} is earlier than the previous row's (${new Date(this.lastUs / 1000).toISOString()})`);
    return us;
  }

  /** Processes one row; `line` is 1-based. */
  row(f: string[], line: number): void {
    this.report.rows++;
    this.fields = f;
    try {
      const minCols = Math.max(...Object.values(this.col)) + 1;
      if (f.length < minCols) this.issue(line, 'MALFORMED_ROW', `has ${f.length} fields, expected at least ${minCols}`);
      const inst = this.instrument(f, line);
      const us = this.time(f, line);
      const ps = this.ps[inst]!;
      const qs = this.qs[inst]!;
      const tick = this.px[inst]!;
      const lot = this.lot[inst]!;
      if (this.format === 'ohlcv') {
        const o = this.num(f, 'open', ps, tick, line);
        const h = this.num(f, 'high', ps, tick, line);
        const l = this.num(f, 'low', ps, tick, line);
        const c = this.num(f, 'close', ps, tick, line);
        const v = this.num(f, 'volume', qs, 1, line);
        if (o <= 0 || h <= 0 || l <= 0 || c <= 0) this.issue(line, 'NON_POSITIVE_PRICE', 'a price is zero or negative');
        if (h < l || h < o || h < c || l > o || l > c) this.issue(line, 'INCONSISTENT_BAR', 'high/low do not bound open and close');
        if (v < 0) this.issue(line, 'NEGATIVE_QUANTITY', 'volume is negative');
        this.out.bar(inst, us, o, h, l, c, v, this.report.rows - 1);
      } else if (this.format === 'trades') {
        const p = this.num(f, 'price', ps, tick, line);
        const q = this.num(f, 'qty', qs, lot, line);
        if (p <= 0) this.issue(line, 'NON_POSITIVE_PRICE', `price ${f[this.col.price!]} is not positive`);
        if (q <= 0) this.issue(line, 'NEGATIVE_QUANTITY', `qty ${f[this.col.qty!]} is not positive`);
        let side = 0;
        if (this.col.side !== undefined) {
          const s = (f[this.col.side] ?? '').trim().toLowerCase();
          if (s === 'buy' || s === 'b') side = 1;
          else if (s === 'sell' || s === 's') side = 2;
          else if (s !== '' && s !== 'unknown') this.issue(line, 'BAD_SIDE', `side ${JSON.stringify(s)} is not buy or sell`);
        } else if (this.col.maker !== undefined) {
          const m = (f[this.col.maker] ?? '').trim().toLowerCase();
          side = m === 'true' || m === '1' ? 2 : m === 'false' || m === '0' ? 1 : 0;
        }
        let id = 0;
        if (this.col.id !== undefined) {
          const t = Number((f[this.col.id] ?? '').trim());
          if (Number.isSafeInteger(t)) id = t;
        }
        this.out.trade(inst, us, p, q, side, id, this.report.rows - 1);
      } else if (this.col.type !== undefined && /^(trade|t)$/i.test((f[this.col.type] ?? '').trim())) {
        const p = this.num(f, 'price', ps, tick, line);
        const q = this.num(f, 'qty', qs, lot, line);
        if (p <= 0) this.issue(line, 'NON_POSITIVE_PRICE', `price ${f[this.col.price!]} is not positive`);
        if (q <= 0) this.issue(line, 'NEGATIVE_QUANTITY', `qty ${f[this.col.qty!]} is not positive`);
        const s = this.field(f, 'side', line).trim().toLowerCase();
        const side = s === 'buy' || s === 'b' ? 1 : s === 'sell' || s === 's' ? 2 : 0;
        if (side === 0 && s !== '' && s !== 'unknown') this.issue(line, 'BAD_SIDE', `trade side ${JSON.stringify(s)} is not buy or sell`);
        this.inSnapshot.set(inst, false);
        this.out.trade(inst, us, p, q, side, 0, this.report.rows - 1);
      } else {
        const s = this.field(f, 'side', line).trim().toLowerCase();
        const bid = s === 'bid' || s === 'buy' || s === 'b' || s === 'bids';
        const ask = s === 'ask' || s === 'sell' || s === 'a' || s === 's' || s === 'asks';
        if (!bid && !ask) this.issue(line, 'BAD_SIDE', `side ${JSON.stringify(s)} is not bid or ask`);
        const p = this.num(f, 'price', ps, tick, line);
        const q = this.num(f, 'qty', qs, lot, line);
        if (p <= 0) this.issue(line, 'NON_POSITIVE_PRICE', `price ${f[this.col.price!]} is not positive`);
        if (q < 0) this.issue(line, 'NEGATIVE_QUANTITY', `qty ${f[this.col.qty!]} is negative`);
        if (this.col.snapshot !== undefined) {
          const snap = /^(true|1|t|yes)$/i.test((f[this.col.snapshot] ?? '').trim());
          if (snap && !this.inSnapshot.get(inst)) this.out.clear(inst, us, this.report.rows - 1);
          this.inSnapshot.set(inst, snap);
        }
        this.out.level(inst, us, bid, p, q, this.report.rows - 1);
      }
      this.lastUs = us;
      if (this.report.accepted === 0) this.report.firstMs = us / 1000;
      this.report.lastMs = us / 1000;
      this.report.accepted++;
    } catch (e) {
      if (!(e instanceof StopLoad)) throw e;
    }
  }

  finish(): MarketData {
    const rec = this.out.bytes();
    return {
      format: this.format,
      symbols: this.o.instruments.map((i) => i.symbol),
      records: rec.slice(),
      count: this.out.length,
      report: this.report,
    };
  }
}

function norm(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** `true` if the fields look like a header (at least one is not a number or a time). */
function looksLikeHeader(f: string[]): boolean {
  return f.some((x) => {
    const t = x.trim();
    return t !== '' && Number.isNaN(Number(t)) && Number.isNaN(parseTimestampUs(t)) && !/^(true|false)$/i.test(t);
  });
}

/** Loads a CSV file (see the module docs). */
export function loadCsv(o: LoadOptions): MarketData {
  let text: string;
  try {
    if (statSync(o.path).isDirectory()) throw new Error('is a directory');
    text = readFileSync(o.path, 'utf8');
  } catch (cause) {
    throw new TachyonError('ERR_DATA', `cannot read data file ${o.path}: ${(cause as Error).message}`, { cause });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first++;
  if (first >= lines.length) throw new TachyonError('ERR_DATA', `data file ${o.path} is empty`);
  const head = splitCsvLine(lines[first]!.replace(/\r$/, ''));
  const format = o.format ?? 'ohlcv';
  const hasHeader = looksLikeHeader(head);
  const loader = new RowLoader(o, format, hasHeader ? head : null, o.path);
  const total = lines.length;
  for (let i = hasHeader ? first + 1 : first; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    loader.row(splitCsvLine(line), i + 1);
    if (o.onProgress && (i & 0xffff) === 0) o.onProgress(i, total);
  }
  o.onProgress?.(total, total);
  return loader.finish();
}
