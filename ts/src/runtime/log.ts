/**
 * Structured logs (pino, JSON lines). Secrets never reach a log: any field named like a key,
 * secret, password, token, signature or authorization header is replaced by `[redacted]`, at
 * any depth, and connection strings lose their password.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

const SECRET_KEYS = ['apiKey', 'apikey', 'secret', 'apiSecret', 'password', 'passphrase', 'token', 'signature', 'privateKey', 'authorization', 'Authorization', 'X-MBX-APIKEY', 'headers'];

/** Redaction paths for pino: each secret key at the top level and up to three levels down. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

/** Removes credentials from a URL or free text (`user:pass@`, `signature=…`, `apiKey=…`). */
export function scrub(text: string): string {
  return text
    .replace(/(\/\/[^/:@\s]+:)[^@/\s]+@/g, '$1***@')
    .replace(/((?:signature|apiKey|api_key|secret|token|password)=)[^&\s"']+/gi, '$1***');
}

export interface LogOptions {
  level?: string;
  /** JSON-lines file; empty or undefined = no log output. */
  file?: string;
}

/** A logger writing JSON lines to `file` (or nowhere). */
export function createLogger(o: LogOptions = {}): Logger {
  const level = o.level ?? 'info';
  if (!o.file) return pino({ level: 'silent' });
  mkdirSync(dirname(o.file), { recursive: true });
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } },
    pino.destination({ dest: o.file, sync: false, mkdir: true }),
  );
}
