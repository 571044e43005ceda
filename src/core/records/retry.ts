/**
 * PostgreSQL breaks a lock cycle (a record update waiting for a row a concurrent delete
 * holds, and the other way round) by aborting one transaction with 40P01. The loser is
 * run again from the start; only for transaction bodies that recompute everything from
 * their inputs. SQLite serialises transactions and never reports these codes.
 */
const RETRYABLE = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure
const ATTEMPTS = 3;

export async function retryOnLockConflict<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has(String((err as { code?: unknown }).code))) throw err;
    }
  }
}
