// Configuration: defaults, YAML/JSON files, environment overrides, errors that name the key
// and the source, and the reference file documenting every key of the schema.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultConfig, envOverrides, loadConfig, TachyonConfig } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tachyon-cfg-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('config', () => {
  it('has working defaults for a fresh machine', () => {
    const c = defaultConfig();
    expect(c.journal).toMatchObject({ backend: 'sqlite', path: './data/tachyon.db' });
    expect(c.instruments[0]).toMatchObject({ symbol: 'BTC/USDT', tickSize: '0.01', lotSize: '0.00001' });
    expect(c.venue.kind).toBe('sim');
    expect(c.data.source).toBe('synthetic');
  });

  it('reads YAML and JSON, then the environment, then command-line overrides', () => {
    const y = file('a.yaml', 'seed: 3\nexecution:\n  takerFeeBps: 4.5\njournal:\n  path: /tmp/x.db\n');
    const j = file('b.json', JSON.stringify({ seed: 4, paper: { barsPerSec: 7 } }));
    expect(loadConfig({ file: y, env: null })).toMatchObject({ seed: 3, execution: { takerFeeBps: 4.5, makerFeeBps: 10 }, journal: { path: '/tmp/x.db' } });
    expect(loadConfig({ file: j, env: null }).paper.barsPerSec).toBe(7);
    const env = { TACHYON__SEED: '9', TACHYON__PAPER__BARS_PER_SEC: '55', TACHYON__JOURNAL__PATH: '/tmp/env.db', TACHYON__INSTRUMENTS__0__SYMBOL: 'ETH/USDT', OTHER: 'x' };
    const c = loadConfig({ file: y, env, overrides: { 'journal.path': '/tmp/cli.db' } });
    expect(c.seed).toBe(9);
    expect(c.paper.barsPerSec).toBe(55);
    expect(c.journal.path).toBe('/tmp/cli.db');
    expect(c.instruments[0]!.symbol).toBe('ETH/USDT');
    expect(envOverrides({ TACHYON__VENUE__RECONNECT_MS: '[1,2]' }).object).toEqual({ venue: { reconnectMs: [1, 2] } });
  });

  it('finds input files named in a config file beside it, outputs stay relative to the working directory', () => {
    const y = file('beside.yaml', 'data:\n  path: bars-beside.csv\nstrategy:\n  kind: module\n  module: strat-beside.mjs\nreport:\n  dir: ./reports\n');
    writeFileSync(join(dir, 'bars-beside.csv'), 'ts,open,high,low,close,volume\n');
    const c = loadConfig({ file: y, env: null });
    expect(resolve(c.data.path!)).toBe(join(dir, 'bars-beside.csv')); // not in the working directory: found beside the file
    expect(c.strategy.module).toBe('strat-beside.mjs'); // exists nowhere: left as written (the loader names it)
    expect(c.report.dir).toBe('./reports');
    // A path that exists from the working directory wins (as on the command line).
    const z = file('cwd.yaml', 'data:\n  path: package.json\n');
    expect(loadConfig({ file: z, env: null }).data.path).toBe('package.json');
    // Paths from the command line or the environment are never rewritten.
    expect(loadConfig({ file: y, env: null, overrides: { 'data.path': 'bars-beside.csv' } }).data.path).toBe('bars-beside.csv');
  });

  it('names the key, the problem and where the bad value came from', () => {
    const y = file('bad.yaml', 'journal:\n  backend: mysql\nexecution:\n  takerFee: 3\n');
    try {
      loadConfig({ file: y, env: { TACHYON__PAPER__BARS_PER_SEC: '"fast"' } });
      expect.unreachable();
    } catch (e) {
      const m = (e as Error).message;
      expect((e as { code: string }).code).toBe('ERR_CONFIG');
      expect(m).toMatch(/journal\.backend: .*sqlite.*postgres.*\[from file .*bad\.yaml\]/);
      expect(m).toMatch(/execution: unknown key "takerFee"/);
      expect(m).toMatch(/paper\.barsPerSec: .*\[from environment variable TACHYON__PAPER__BARS_PER_SEC\]/);
    }
    expect(() => loadConfig({ object: { instruments: [{ symbol: 'X', tickSize: 'abc' }] }, env: null })).toThrow(/instruments\.0\.tickSize: expected a decimal number/);
    expect(() => loadConfig({ file: file('broken.yaml', 'a: [1,'), env: null })).toThrow(/is not valid YAML/);
    expect(() => loadConfig({ file: join(dir, 'missing.yaml'), env: null })).toThrow(/cannot read config file/);
  });

  it('the reference file documents every key of the schema and loads as a valid config', () => {
    const text = readFileSync(new URL('../src/config/reference.yaml', import.meta.url), 'utf8');
    // uncomment the commented keys to check them too
    const full = text.replace(/^(\s+)# ([a-zA-Z][a-zA-Z0-9]*: )/gm, '$1$2');
    const parsed = parse(full) as Record<string, unknown>;
    expect(() => TachyonConfig.parse(parsed)).not.toThrow();
    const keys = (shape: unknown, prefix: string, out: string[]) => {
      const s = shape as { shape?: Record<string, unknown>; def?: { innerType?: unknown; type?: string; element?: unknown } };
      const inner = s.def?.innerType ?? s;
      const obj = (inner as { shape?: Record<string, unknown> }).shape;
      if (obj) for (const [k, v] of Object.entries(obj)) {
        out.push(prefix + k);
        keys(v, `${prefix}${k}.`, out);
      }
      return out;
    };
    const documented = (path: string) => {
      let cur: unknown = parsed;
      for (const p of path.split('.')) {
        if (Array.isArray(cur)) cur = cur[0];
        if (cur === null || typeof cur !== 'object' || !(p in (cur as object))) return false;
        cur = (cur as Record<string, unknown>)[p];
      }
      return true;
    };
    const all = keys(TachyonConfig, '', []);
    expect(all.length).toBeGreaterThan(60);
    expect(all).toContain("venue.reconnectMs");
    const missing = all.filter((k) => !documented(k) && !k.includes('instruments.'));
    expect(missing).toEqual([]);
    const instKeys = Object.keys((TachyonConfig.shape.instruments as unknown as { def: { innerType: { element: { shape: object } } } }).def.innerType.element.shape);
    for (const k of instKeys) expect(documented(`instruments.${k}`), k).toBe(true);
  });
});
