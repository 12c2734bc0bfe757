/**
 * Bearer-token check, rate limiting and the audit log of the control API.
 *
 * The token comes from `options.token`, else the file named by `options.tokenFile` /
 * `TACHYON_API_TOKEN_FILE`, else `TACHYON_API_TOKEN`. It is compared in constant time (SHA-256
 * of both sides, then `crypto.timingSafeEqual`, so neither the content nor the length leaks
 * through timing) and is never logged or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { TachyonError } from '../errors.js';
import type { AuditEntry } from './types.js';

/** Minimum token length: shorter secrets are refused at start-up. */
export const MIN_TOKEN_LENGTH = 16;

/** Where the token was found (for the start-up message; never the token itself). */
export type TokenSource = 'option' | 'file' | 'env' | 'none';

/** Resolves the control-API token; throws `ERR_INVALID_ARG` for an unreadable file or a short token. */
export function loadToken(opts: { token?: string; tokenFile?: string }, env: NodeJS.ProcessEnv = process.env): { token: string | null; source: TokenSource } {
  let token: string | undefined;
  let source: TokenSource = 'none';
  const file = opts.tokenFile ?? env.TACHYON_API_TOKEN_FILE;
  if (opts.token !== undefined) {
    token = opts.token;
    source = 'option';
  } else if (file) {
    try {
      const st = statSync(file);
      if ((st.mode & 0o077) !== 0 && process.platform !== 'win32') {
        // Readable by others: still used, but the operator is told (without the token).
        process.emitWarning(`control-API token file ${file} is readable by group/others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`);
      }
      token = readFileSync(file, 'utf8').trim();
    } catch (cause) {
      throw new TachyonError('ERR_INVALID_ARG', `cannot read the control-API token file ${file}`, { cause });
    }
    source = 'file';
  } else if (env.TACHYON_API_TOKEN) {
    token = env.TACHYON_API_TOKEN.trim();
    source = 'env';
  }
  if (token === undefined || token === '') return { token: null, source: 'none' };
  if (token.length < MIN_TOKEN_LENGTH)
    throw new TachyonError('ERR_INVALID_ARG', `the control-API token (from ${source}) must be at least ${MIN_TOKEN_LENGTH} characters`);
  return { token, source };
}

/** Constant-time bearer-token check. */
export class TokenCheck {
  private readonly digest: Buffer | null;

  constructor(token: string | null) {
    this.digest = token === null ? null : createHash('sha256').update(token, 'utf8').digest();
  }

  /** Whether a token is configured at all. */
  get enabled(): boolean {
    return this.digest !== null;
  }

  /** `true` iff `header` is `Bearer <token>` with the configured token. */
  verify(header: string | undefined): boolean {
    if (this.digest === null || header === undefined) return false;
    const m = /^Bearer[ ]+(.+)$/i.exec(header.trim());
    const given = createHash('sha256')
      .update(m ? m[1]! : '', 'utf8')
      .digest();
    // Always compare (also for a malformed header) so the timing does not depend on the input.
    return timingSafeEqual(given, this.digest) && m !== null;
  }
}

/** Token bucket per key (remote address), bounded in the number of keys it remembers. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    private readonly maxKeys = 4096,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `key`; `false` when the key is over its rate. */
  take(key: string): boolean {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) {
        // Forget the oldest key (Map keeps insertion order): bounded memory under a flood.
        const first = this.buckets.keys().next().value;
        if (first !== undefined) this.buckets.delete(first);
      }
      b = { tokens: this.burst, at: t };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSec);
      b.at = t;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/** Bounded in-memory audit log; every entry also goes to the sink (the runtime's journal) and the logger. */
export class AuditLog {
  private readonly entries: AuditEntry[] = [];

  constructor(
    private readonly capacity: number,
    private readonly sink?: (e: AuditEntry) => void,
    private readonly log?: (e: AuditEntry) => void,
  ) {}

  add(e: AuditEntry): void {
    this.entries.push(e);
    if (this.entries.length > this.capacity) this.entries.shift();
    this.log?.(e);
    try {
      this.sink?.(e);
    } catch {
      // A failing sink must not turn a control action into an error; the log line stays.
    }
  }

  /** The newest `n` entries, newest last. */
  recent(n = 50): AuditEntry[] {
    return this.entries.slice(-n);
  }
}
