/**
 * Messages between the Galley instances that share one database (realtime record
 * events, realtime client commands). A message published by an instance reaches
 * every *other* instance; the publisher handles its own copy directly. Best effort:
 * an instance that is disconnected at the time misses the message.
 */
export type MessageHandler = (message: string) => void;

export interface PubSub {
  /** Whether other instances can exist at all (false for the embedded SQLite setup). */
  readonly shared: boolean;
  publish(message: string): void;
  subscribe(handler: MessageHandler): () => void;
  close(): Promise<void>;
}

/** One instance alone (SQLite): nobody else to tell. */
export class SoloPubSub implements PubSub {
  readonly shared = false;
  publish(): void {}
  subscribe(): () => void {
    return () => {};
  }
  async close(): Promise<void> {}
}
