/**
 * PubSub over PostgreSQL LISTEN/NOTIFY, on one dedicated connection. NOTIFY payloads
 * are limited to 8000 bytes, so larger messages go as numbered chunks sent in one
 * statement (one transaction: delivered together and in order) and are reassembled
 * by the receivers. The connection is re-established after a failure; messages sent
 * while it was down are missed (realtime delivery is best effort, as in PocketBase).
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { SCHEMA_CHANNEL, type MessageHandler, type PubSub } from './pubsub.js';
import { log } from '../logs/logger.js';

const CHANNEL = 'galley_events';
/** Bytes of message text per NOTIFY, leaving room for the chunk header under 8000. */
const CHUNK_BYTES = 7000;
const RECONNECT_MS = 1000;
/** Partial messages older than this are dropped (a chunk was lost with a connection). */
const PARTIAL_TTL_MS = 30_000;

interface Partial { parts: string[]; received: number; started: number }

export class PostgresPubSub implements PubSub {
  readonly shared = true;
  /** Prefix of this instance's message ids: its own notifications are skipped. */
  private readonly origin = randomBytes(6).toString('hex');
  private sequence = 0;
  private client: pg.Client | undefined;
  private closed = false;
  private readonly handlers = new Set<MessageHandler>();
  private readonly schemaHandlers = new Set<() => void>();
  private readonly reconnectHandlers = new Set<() => void>();
  private readonly partials = new Map<string, Partial>();
  private queued: string[] = [];
  private inFlight = false;

  private constructor(private readonly url: string, private readonly onError: (message: string) => void) {}

  static async connect(url: string, onError: (message: string) => void = (m) => log.warn(m)): Promise<PostgresPubSub> {
    const pubsub = new PostgresPubSub(url, onError);
    await pubsub.open();
    return pubsub;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload) this.receive(n.payload);
      else if (n.channel === SCHEMA_CHANNEL) this.notify(this.schemaHandlers);
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}; LISTEN ${SCHEMA_CHANNEL}`);
    this.client = client;
  }

  private notify(handlers: Set<() => void>): void {
    for (const handler of handlers) {
      try {
        handler();
      } catch (err) {
        this.onError(`pubsub: a handler failed: ${(err as Error).message}`);
      }
    }
  }

  private reconnect(failed: pg.Client): void {
    if (this.closed || this.client !== failed) return;
    this.client = undefined;
    failed.end().catch(() => {});
    const retry = () => {
      if (this.closed) return;
      this.open().then(() => {
        // Whatever was published while the link was down is lost: let listeners catch up.
        this.notify(this.reconnectHandlers);
        this.notify(this.schemaHandlers);
      }, (err: Error) => {
        this.onError(`realtime: reconnecting to PostgreSQL failed (${err.message}); retrying`);
        setTimeout(retry, RECONNECT_MS).unref();
      });
    };
    setTimeout(retry, RECONNECT_MS).unref();
  }

  publish(message: string): void {
    const client = this.client;
    if (!client) return;
    const id = `${this.origin}.${(this.sequence++).toString(36)}`;
    const chunks = splitByBytes(message, CHUNK_BYTES);
    const payloads = chunks.map((chunk, i) => `${id}:${i}:${chunks.length}:${chunk}`);
    this.queued.push(...payloads);
    if (!this.inFlight) void this.flush(client);
  }

  /**
   * One query at a time on the connection (pg no longer queues them for us): whatever
   * was published meanwhile goes in the next statement, in order, so a burst of writes
   * costs a few round trips rather than one each.
   */
  private async flush(client: pg.Client): Promise<void> {
    this.inFlight = true;
    while (this.queued.length > 0 && this.client === client) {
      const batch = this.queued.splice(0, 500);
      try {
        await client.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n', [CHANNEL, batch]);
      } catch (err) {
        this.onError(`realtime: could not publish to other instances: ${(err as Error).message}`);
      }
    }
    this.inFlight = false;
  }

  subscribe(handler: MessageHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onSchemaChange(handler: () => void): () => void {
    this.schemaHandlers.add(handler);
    return () => this.schemaHandlers.delete(handler);
  }

  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  private receive(payload: string): void {
    const m = /^([^:]+):(\d+):(\d+):/.exec(payload);
    if (!m) return;
    const [header, id, index, total] = [m[0], m[1]!, Number(m[2]), Number(m[3])];
    if (id.startsWith(`${this.origin}.`)) return;
    const body = payload.slice(header.length);
    if (total === 1) return this.deliver(body);
    const now = Date.now();
    let partial = this.partials.get(id);
    if (!partial) {
      for (const [key, p] of this.partials) if (now - p.started > PARTIAL_TTL_MS) this.partials.delete(key);
      partial = { parts: new Array<string>(total), received: 0, started: now };
      this.partials.set(id, partial);
    }
    if (partial.parts[index] === undefined) partial.received++;
    partial.parts[index] = body;
    if (partial.received === total) {
      this.partials.delete(id);
      this.deliver(partial.parts.join(''));
    }
  }

  private deliver(message: string): void {
    for (const handler of this.handlers) {
      try {
        handler(message);
      } catch (err) {
        this.onError(`realtime: a message handler failed: ${(err as Error).message}`);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}

/** Splits text into pieces of at most maxBytes UTF-8 bytes, never inside a character. */
export function splitByBytes(text: string, maxBytes: number): string[] {
  if (Buffer.byteLength(text) <= maxBytes) return [text];
  const pieces: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) {
      pieces.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  pieces.push(current);
  return pieces;
}
