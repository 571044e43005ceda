/**
 * Hears, on PostgreSQL, which collections other instances announced as changed
 * (PostgresDataVersions announces auth collections, whose records sign requests in).
 * One dedicated connection with LISTEN; when it drops, messages may have been missed,
 * so `onConnected(false)` is called (nothing heard can be trusted until it is back:
 * `onConnected(true)`) and it reconnects.
 */
import pg from 'pg';

import { VERSIONS_CHANNEL } from './data-versions.js';
const RECONNECT_MS = 1000;
const SYNC_TIMEOUT_MS = 1000;

export class VersionListener {
  private client: pg.Client | undefined;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly onChanged: (collectionIds: string[]) => void,
    private readonly onConnected: (connected: boolean) => void,
    private readonly onError: (message: string) => void,
  ) {}

  static async listen(url: string, onChanged: (ids: string[]) => void, onConnected: (connected: boolean) => void, onError: (message: string) => void): Promise<VersionListener> {
    const listener = new VersionListener(url, onChanged, onConnected, onError);
    await listener.open();
    onConnected(true);
    return listener;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.channel !== VERSIONS_CHANNEL || !n.payload) return;
      try {
        const ids: unknown = JSON.parse(n.payload);
        if (Array.isArray(ids)) this.onChanged(ids.map(String));
      } catch {
        this.onChanged(['__all__']);
      }
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${VERSIONS_CHANNEL}`);
    this.client = client;
  }

  private reconnect(failed: pg.Client): void {
    if (this.closed || this.client !== failed) return;
    this.client = undefined;
    this.onConnected(false);
    failed.end().catch(() => {});
    const retry = () => {
      if (this.closed) return;
      this.open().then(() => this.onConnected(true), (err: Error) => {
        this.onError(`cache invalidation: reconnecting to PostgreSQL failed (${err.message}); retrying`);
        setTimeout(retry, RECONNECT_MS).unref();
      });
    };
    setTimeout(retry, RECONNECT_MS).unref();
  }

  /**
   * Resolves once every announcement committed before the call has been heard here: a
   * round trip on the listening connection, whose server sends pending notifications
   * ahead of the answer. The other instances' listeners were signalled by the same
   * commit at the same moment. (At most SYNC_TIMEOUT_MS: a stuck listener never holds a write.)
   */
  async sync(): Promise<void> {
    const client = this.client;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.query('SELECT 1').catch(() => {}),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, SYNC_TIMEOUT_MS); }),
    ]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
