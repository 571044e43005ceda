/**
 * The record lifecycle as the writers see it: optional handlers (hooks) around each
 * INSERT, UPDATE and DELETE, inside the write's transaction. Implemented by the hooks
 * module; the records layer only knows this interface.
 */
import type { Collection } from '../collections/collection.js';
import type { RecordDeps } from './deps.js';

export type LifecycleAction = 'create' | 'update' | 'delete';

export interface RecordLifecycle {
  /** Whether any handler would run (when not, the writer takes its fast path). */
  has(action: LifecycleAction, collection: Collection): boolean;
  /**
   * Runs the handlers around `execute` (the statement itself). `record` holds the
   * values in API form and may be changed by the handlers; `deps` work inside the
   * transaction. Returns the record as the handlers left it.
   */
  around(
    action: LifecycleAction, collection: Collection, record: Record<string, unknown>, original: Record<string, unknown> | undefined,
    deps: RecordDeps, execute: (record: Record<string, unknown>) => Promise<void>,
  ): Promise<Record<string, unknown>>;
  /** After a failed write (the transaction was rolled back). */
  failed(action: LifecycleAction, collection: Collection, record: Record<string, unknown>, error: unknown): Promise<void>;
}
