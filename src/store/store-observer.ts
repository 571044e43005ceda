/**
 * What a Store reports about its work, for metrics (src/metrics) and traces
 * (src/tracing): each statement, each transaction, and the waits for the writer
 * (SQLite's one write connection) or a pooled connection (PostgreSQL). A store without
 * an observer pays one property check per statement.
 */
export type StatementKind = 'read' | 'write' | 'ddl';
export type WaitKind = 'writer_lock' | 'pool_connection';

export interface StoreObserver {
  /** A statement starts; the returned function is called when it ends (with its error, if any). */
  statement(kind: StatementKind, sql: string): (error?: unknown) => void;
  /** Runs a whole transaction (the statements inside it run within `run`). */
  transaction<T>(run: () => Promise<T>): Promise<T>;
  /** How long a write waited before it could start. */
  waited(kind: WaitKind, seconds: number): void;
}

/** One observer that tells each of several. */
export function combineObservers(observers: StoreObserver[]): StoreObserver | undefined {
  if (observers.length <= 1) return observers[0];
  return {
    statement(kind, sql) {
      const ends = observers.map((o) => o.statement(kind, sql));
      return (error) => { for (const end of ends) end(error); };
    },
    transaction(run) {
      return observers.reduceRight<() => Promise<never>>((inner, o) => () => o.transaction(inner) as Promise<never>, run as () => Promise<never>)();
    },
    waited(kind, seconds) {
      for (const o of observers) o.waited(kind, seconds);
    },
  };
}

/** Runs a synchronous statement under `observer`, reporting its end and any error it throws. */
export function observeSync<T>(observer: StoreObserver | undefined, kind: StatementKind, sql: string, run: () => T): T {
  if (!observer) return run();
  const end = observer.statement(kind, sql);
  try {
    const result = run();
    end();
    return result;
  } catch (err) {
    end(err);
    throw err;
  }
}

/** observeSync for a statement that returns a promise. */
export async function observeAsync<T>(observer: StoreObserver | undefined, kind: StatementKind, sql: string, run: () => Promise<T>): Promise<T> {
  if (!observer) return run();
  const end = observer.statement(kind, sql);
  try {
    const result = await run();
    end();
    return result;
  } catch (err) {
    end(err);
    throw err;
  }
}
