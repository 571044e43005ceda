/**
 * A Store that runs everything inside one already open transaction (a batch request):
 * reads and writes go to that transaction, and a nested `transaction()` becomes a
 * SAVEPOINT, so a write that retries after a lock conflict or rolls back its own work
 * leaves the outer transaction usable. Commit and rollback belong to the owner.
 */
import type { ColumnInfo, Executor, Row, Store } from './store.js';
import type { SqlDialect } from './dialect.js';

export class TransactionStore implements Store {
  private depth = 0;

  constructor(private readonly tx: Executor, readonly dialect: SqlDialect) {}

  all(sql: string, params?: readonly unknown[]): Promise<Row[]> { return this.tx.all(sql, params); }
  get(sql: string, params?: readonly unknown[]): Promise<Row | undefined> { return this.tx.get(sql, params); }
  run(sql: string, params?: readonly unknown[]): Promise<number> { return this.tx.run(sql, params); }
  exec(sql: string): Promise<void> { return this.tx.exec(sql); }
  columns(sql: string): Promise<ColumnInfo[]> { return this.tx.columns(sql); }

  async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    const name = `galley_sp${++this.depth}`;
    await this.tx.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this.tx);
      await this.tx.exec(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      await this.tx.exec(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => {});
      throw err;
    } finally {
      this.depth--;
    }
  }

  schemaChanged(): void {}
  /** Its statements run on the owner's transaction, which reports them. */
  observe(): void {}
  /** Inside a transaction, uncommitted writes are visible: nothing read here is reused. */
  dataVersion(): undefined {
    return undefined;
  }
  async close(): Promise<void> {}
}
