/**
 * Canonical JSON (sorted keys, `bigint` as decimal strings, no whitespace) and the audit-chain
 * hash. Both sides of a check must produce the same bytes, so every audited payload goes
 * through {@link canonicalJson}.
 */
import { createHash } from 'node:crypto';

/** Deterministic JSON: object keys sorted, bigints as strings, `undefined` dropped. */
export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return JSON.stringify(v.toString());
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return 'null';
    return JSON.stringify(v);
  }
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(String(v));
}

/** Hash of the chain's first predecessor. */
export const GENESIS_HASH = '0'.repeat(64);

/** `sha256(prev ‖ seq ‖ tsNs ‖ kind ‖ ref ‖ payload)`, fields separated by newlines, hex. */
export function chainHash(prev: string, seq: bigint, tsNs: bigint, kind: string, ref: string, payload: string): string {
  return createHash('sha256').update(`${prev}\n${seq}\n${tsNs}\n${kind}\n${ref}\n${payload}`).digest('hex');
}

/** Short stable hash of a configuration snapshot. */
export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}
