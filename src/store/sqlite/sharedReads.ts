import type BetterSqlite3 from 'better-sqlite3';
import { logError } from '../../log/loggedError.js';

/**
 * Reads in one read transaction while requests are being answered. In WAL mode every
 * statement outside a transaction takes and drops the shared-memory read lock (fcntl) and
 * re-checks the file: an article page made 20 fcntl calls of its 34 system calls (strace,
 * article bench), and under load system calls cost more than the reads. While a holder
 * (a request in progress) has it, the first read opens a deferred transaction that the
 * next reads join. It ends before any write or transaction of the store's own (writes are
 * never held back, and later reads see them), when the event-loop turn ends (other
 * processes' commits are seen at the next turn; checkpoints are not held off longer) and
 * when the last holder lets go. Without holders (the CLI, jobs, tests) nothing changes.
 */
export class SharedReads {
  private open = false;
  private holders = 0;

  constructor(private readonly db: BetterSqlite3.Database) {}

  /** Reads may share a snapshot until the returned release is called (once or more). */
  hold(): () => void {
    this.holders++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--this.holders === 0) this.end();
    };
  }

  /** Called before each statement of the store runs; `readonly` as better-sqlite3 reports it. */
  before(sql: string, readonly: boolean): void {
    if (!readonly || TRANSACTION_CONTROL.test(sql)) return this.end();
    if (this.open || this.holders === 0 || this.db.inTransaction) return;
    this.db.exec('begin');
    this.open = true;
    setImmediate(() => this.endOfTurn());
  }

  /** Nothing waits on the end of a turn: a failure is logged, and the transaction rolled back. */
  private endOfTurn(): void {
    try {
      this.end();
    } catch (err) {
      logError(err, 'ending the shared read transaction failed');
      if (this.db.inTransaction) this.db.exec('rollback');
    }
  }

  /** Commits the shared read transaction, if one is open (it has written nothing). */
  end(): void {
    if (!this.open) return;
    this.open = false;
    if (this.db.inTransaction) this.db.exec('commit');
  }
}

/** Statements better-sqlite3 calls read-only that start or end a transaction. */
const TRANSACTION_CONTROL = /^\s*(?:begin|commit|end|rollback|savepoint|release)\b/i;
