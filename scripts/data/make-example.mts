// Writes ts/examples/data/btcusdt-1m.csv: 14 days of seeded synthetic one-minute BTC/USDT bars
// (geometric Brownian motion, seed 20240101, σ 60% a year) in the loader's ohlcv layout.
// Usage: node --import tsx scripts/data/make-example.mts
import { writeCsv } from '../../ts/src/data/export.ts';
import { syntheticData } from '../../ts/src/data/synthetic.ts';

const inst = { symbol: 'BTC/USDT', tickSize: '0.01', lotSize: '0.00001' };
const d = syntheticData(14 * 1440, { seed: 20240101, ...inst, startPrice: 42000, sigma: 0.6, mu: 0.1, barMs: 60_000, startMs: Date.UTC(2024, 0, 1), meanVolume: '12' });
const n = await writeCsv('ts/examples/data/btcusdt-1m.csv', 'ohlcv', d.records, [inst]);
console.log(`wrote ${n} bars`);
