/**
 * Loading a configuration: built-in defaults ← a YAML or JSON file ← environment variables ←
 * command-line overrides, validated once with zod. Every error names the key, what was wrong,
 * and where the bad value came from (file, variable or option).
 *
 * Environment overrides: `TACHYON__<SECTION>__<KEY>=<value>`, path segments separated by two
 * underscores, snake case mapped to camel case, array indices as numbers, values parsed as JSON
 * when they parse (numbers, booleans, arrays) and taken as strings otherwise:
 *
 * ```sh
 * TACHYON__JOURNAL__PATH=/tmp/j.db TACHYON__PAPER__BARS_PER_SEC=100 TACHYON__SEED=7 npx tachyon paper
 * TACHYON__INSTRUMENTS__0__SYMBOL=ETH/USDT npx tachyon backtest
 * ```
 *
 * @example
 * ```ts
 * import { loadConfig } from 'tachyon';
 * const cfg = loadConfig({ file: 'tachyon.yaml', overrides: { seed: 7 } });
 * cfg.journal.path; // './data/tachyon.db' unless the file or TACHYON__JOURNAL__PATH says otherwise
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { TachyonError } from '../errors.js';
import { TachyonConfig, type TachyonConfigInput } from './schema.js';

/** Prefix of environment overrides. */
export const ENV_PREFIX = 'TACHYON__';

export interface LoadConfigOptions {
  /** A `.yaml`, `.yml` or `.json` file. */
  file?: string;
  /** Parsed object instead of a file (tests, embedding). Applied after the file. */
  object?: TachyonConfigInput | Record<string, unknown>;
  /** Environment to read `TACHYON__*` overrides from; default `process.env`; `null` for none. */
  env?: NodeJS.ProcessEnv | null;
  /** Last word: e.g. CLI options, as `{ 'paper.durationSec': 5 }` or nested objects. */
  overrides?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where `b` wins; arrays are replaced, not merged. Records the source of each leaf. */
function merge(a: unknown, b: unknown, source: string, path: string, origin: Map<string, string>): unknown {
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: Json = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v, source, path ? `${path}.${k}` : k, origin);
    return out;
  }
  if (Array.isArray(b) || isPlainObject(b)) {
    // mark every leaf of b
    const mark = (v: unknown, p: string) => {
      if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) mark(x, `${p}.${k}`);
      else if (Array.isArray(v)) v.forEach((x, i) => mark(x, `${p}.${i}`));
      else origin.set(p, source);
    };
    mark(b, path);
    origin.set(path, source);
    return b;
  }
  origin.set(path, source);
  return b;
}

/** `a.b.0.c` → nested object. */
function setPath(target: Json, path: string[], value: unknown): void {
  let cur: Json | unknown[] = target;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const last = i === path.length - 1;
    const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
    if (Array.isArray(cur)) {
      const idx = Number(key);
      if (last) cur[idx] = value;
      else cur = (cur[idx] ??= nextIsIndex ? [] : {}) as Json | unknown[];
    } else {
      if (last) cur[key] = value;
      else cur = (cur[key] ??= nextIsIndex ? [] : {}) as Json | unknown[];
    }
  }
}

const camel = (s: string) => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function parseEnvValue(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** The `TACHYON__*` overrides in `env` as a nested object, with the variable behind each key. */
export function envOverrides(env: NodeJS.ProcessEnv): { object: Json; vars: Map<string, string> } {
  const object: Json = {};
  const vars = new Map<string, string>();
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const path = name
      .slice(ENV_PREFIX.length)
      .split('__')
      .filter((s) => s.length > 0)
      .map(camel);
    if (path.length === 0) continue;
    setPath(object, path, parseEnvValue(raw));
    vars.set(path.join('.'), name);
  }
  return { object, vars };
}

function dotted(overrides: Record<string, unknown>): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) continue;
    if (k.includes('.')) setPath(out, k.split('.'), v);
    else if (isPlainObject(v) && isPlainObject(out[k])) out[k] = { ...(out[k] as Json), ...v };
    else out[k] = v;
  }
  return out;
}

/** Reads a YAML or JSON file into an object (`ERR_CONFIG` saying what is wrong and where). */
export function readConfigFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new TachyonError('ERR_CONFIG', `cannot read config file ${file}: ${(cause as Error).message}`, { cause });
  }
  const ext = extname(file).toLowerCase();
  let value: unknown;
  try {
    value = ext === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (cause) {
    throw new TachyonError('ERR_CONFIG', `config file ${file} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) throw new TachyonError('ERR_CONFIG', `config file ${file} must hold an object of settings at the top level`);
  return value;
}

function describe(issue: z.core.$ZodIssue, origin: Map<string, string>): string {
  const path = issue.path.map(String).join('.');
  // the most specific recorded source along the path
  let src: string | undefined;
  for (let i = issue.path.length; i >= 0 && !src; i--) src = origin.get(issue.path.slice(0, i).map(String).join('.'));
  const where = path === '' ? 'top level' : path;
  let msg = issue.message;
  if (issue.code === 'unrecognized_keys') msg = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling against config/tachyon.reference.yaml)`;
  return `  ${where}: ${msg}${src ? ` [from ${src}]` : ''}`;
}

/** Loads and validates a configuration; throws `ERR_CONFIG` listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): TachyonConfig {
  const origin = new Map<string, string>();
  let raw: unknown = {};
  if (options.file) raw = merge(raw, readConfigFile(options.file), `file ${options.file}`, '', origin);
  if (options.object) raw = merge(raw, options.object, 'the given object', '', origin);
  const env = options.env === undefined ? process.env : options.env;
  if (env) {
    const { object, vars } = envOverrides(env);
    raw = merge(raw, object, 'environment', '', origin);
    for (const [p, name] of vars) origin.set(p, `environment variable ${name}`);
  }
  if (options.overrides) raw = merge(raw, dotted(options.overrides), 'command-line option', '', origin);
  const r = TachyonConfig.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => describe(i, origin));
    throw new TachyonError('ERR_CONFIG', `invalid configuration:\n${lines.join('\n')}`);
  }
  if (options.file) resolveInputPaths(r.data, options.file, origin);
  return r.data;
}

/**
 * Input files named in a config file (`data.path`, `strategy.module`) are looked up relative to
 * the working directory first, as on the command line, and then relative to the config file, so
 * `tachyon backtest -c some/dir/run.yaml` finds `some/dir`'s data from anywhere. Outputs
 * (journal, reports) stay relative to the working directory.
 */
function resolveInputPaths(cfg: TachyonConfig, file: string, origin: Map<string, string>): void {
  const near = (key: string, p: string | undefined): string | undefined => {
    if (p === undefined || isAbsolute(p) || !origin.get(key)?.startsWith('file ')) return p;
    if (existsSync(p)) return p;
    const beside = resolve(dirname(file), p);
    if (!existsSync(beside)) return p;
    const rel = relative(process.cwd(), beside); // short in messages when below the working directory
    return rel.startsWith('..') ? beside : rel;
  };
  cfg.data.path = near('data.path', cfg.data.path);
  cfg.strategy.module = near('strategy.module', cfg.strategy.module);
}

/** The defaults (what `npm start` runs with on a fresh machine). */
export function defaultConfig(): TachyonConfig {
  return TachyonConfig.parse({});
}
