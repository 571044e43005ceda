/**
 * Committed record changes, announced to whoever listens (realtime, later hooks and
 * webhooks). Writers emit only after their transaction commits, so a listener never
 * sees a change that was rolled back. Delete changes carry the row as it was.
 */
import type { Row } from '../../store/store.js';
import type { Collection } from '../collections/collection.js';
import { errorText, log } from '../../logs/logger.js';

export type RecordAction = 'create' | 'update' | 'delete';

export interface RecordChange {
  action: RecordAction;
  collection: Collection;
  /** The stored row (after the write; before it for a delete). */
  row: Row;
}

export type RecordChangeListener = (changes: RecordChange[]) => void;

export class RecordChanges {
  private readonly listeners = new Set<RecordChangeListener>();

  constructor(private readonly onListenerError: (err: unknown) => void = (err) => log.error(`record change listener failed: ${errorText(err)}`)) {}

  listen(listener: RecordChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(changes: RecordChange[]): void {
    if (changes.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(changes);
      } catch (err) {
        // A listener's failure must not turn a committed write into an error response.
        this.onListenerError(err);
      }
    }
  }
}
