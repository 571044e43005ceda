/**
 * One SSE connection (API spec 6.1): its id, the IP it connected from, the auth bound
 * by its subscription requests, and its subscriptions. Every message repeats the
 * client id on the `id:` line (the SDK reads it from there).
 */
import type { ServerResponse } from 'node:http';
import { createHash, randomInt } from 'node:crypto';
import { GUEST, type RequestAuth } from '../core/auth/request-auth.js';
import type { Subscription } from './subscription.js';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A client that does not read its stream is dropped before its buffer grows past this. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export function newClientId(): string {
  let id = '';
  for (let i = 0; i < 40; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** A short digest of an auth record's tokenKey: enough to notice that it changed. */
export function tokenKeyFingerprint(tokenKey: unknown): string {
  return createHash('sha256').update(String(tokenKey ?? '')).digest('base64url').slice(0, 16);
}

export class RealtimeClient {
  readonly id = newClientId();
  readonly connectedAt = Date.now();
  lastMessageAt = Date.now();
  auth: RequestAuth = GUEST;
  /** Fingerprint of the auth record's tokenKey when the auth was bound. */
  authFingerprint = '';
  subscriptions: Subscription[] = [];
  private closed = false;

  constructor(
    readonly ip: string,
    private readonly res: ServerResponse,
    private readonly onClose: (client: RealtimeClient) => void,
    /** Told of each event written, and of each event dropped with a client too slow to read (metrics). */
    private readonly counted: { sent(): void; dropped(): void } = { sent() {}, dropped() {} },
  ) {
    res.on('close', () => this.close());
  }

  /** Binds (or drops, with GUEST) the auth the client's events are checked with. */
  setAuth(auth: RequestAuth): void {
    this.auth = auth;
    this.authFingerprint = auth.record ? tokenKeyFingerprint(auth.record.tokenKey) : '';
  }

  /** `true` when the client's auth is this record. */
  isAuthRecord(collectionId: string, recordId: string): boolean {
    return this.auth.collection?.id === collectionId && this.auth.record?.id === recordId;
  }

  send(event: string, data: string): void {
    if (this.closed) return;
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.counted.dropped();
      this.close();
      return;
    }
    this.lastMessageAt = Date.now();
    this.res.write(`id:${this.id}\nevent:${event}\ndata:${data}\n\n`);
    this.counted.sent();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.res.end();
    this.onClose(this);
  }
}
