/**
 * Messages between the Galley instances that share one database (realtime record
 * events, realtime client commands). A message published by an instance reaches
 * every *other* instance; the publisher handles its own copy directly. Best effort:
 * an instance that is disconnected at the time misses the message.
 */
/** PostgreSQL NOTIFY channel of schema changes (payload: the new version), sent inside the change's transaction. */
export const SCHEMA_CHANNEL = 'galley_schema';

export type MessageHandler = (message: string) => void;

export interface PubSub {
  /** Whether other instances can exist at all (false for the embedded SQLite setup). */
  readonly shared: boolean;
  publish(message: string): void;
  subscribe(handler: MessageHandler): () => void;
  /** Called when a schema change commits (any instance's, this one's included). */
  onSchemaChange(handler: () => void): () => void;
  /** Called after the link was re-established: messages of the meantime may have been missed. */
  onReconnect(handler: () => void): () => void;
  close(): Promise<void>;
}

/** One instance alone (SQLite): nobody else to tell. */
export class SoloPubSub implements PubSub {
  readonly shared = false;
  publish(): void {}
  subscribe(): () => void {
    return () => {};
  }
  onSchemaChange(): () => void {
    return () => {};
  }
  onReconnect(): () => void {
    return () => {};
  }
  async close(): Promise<void> {}
}
