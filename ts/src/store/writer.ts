/**
 * An ordered write queue in front of the journal for the synchronous trading loop: every
 * write is queued in call order and runs as its own transaction, one at a time. `flush()`
 * waits for everything queued so far. A failed write is counted and reported (it never
 * corrupts the journal: the transaction rolls back) and later writes still run.
 */
import type { Journal } from './journal.js';

export class JournalWriter {
  private tail: Promise<void> = Promise.resolve();
  private pendingCount = 0;
  /** Writes done. */
  written = 0;
  /** Writes that failed (rolled back), with the last error. */
  failed = 0;
  lastError: Error | null = null;

  constructor(
    readonly journal: Journal,
    private readonly onError: (e: Error) => void = () => undefined,
  ) {}

  /** Queues a write. */
  push(write: (j: Journal) => Promise<unknown>): void {
    this.pendingCount++;
    this.tail = this.tail.then(async () => {
      try {
        await write(this.journal);
        this.written++;
      } catch (e) {
        this.failed++;
        this.lastError = e as Error;
        this.onError(e as Error);
      } finally {
        this.pendingCount--;
      }
    });
  }

  /** Writes queued and not yet done. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Resolves when everything queued so far is written. */
  flush(): Promise<void> {
    return this.tail;
  }
}
