/**
 * The realtime clients connected to this instance, and the link to the others:
 * committed record changes are delivered here and published to the other instances
 * (PubSub); changes from other instances are delivered here too. A subscription
 * request or a message for a client connected elsewhere is forwarded to the instance
 * that holds it, which answers (API spec 6: any instance may receive the POST).
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { GalleyCore } from '../core/galley-core.js';
import { GUEST, type RequestAuth } from '../core/auth/request-auth.js';
import { findRecordById } from '../core/records/record-reader.js';
import { rowToValues } from '../core/records/serialize.js';
import { RealtimeClient } from './realtime-client.js';
import { parseSubscription } from './subscription.js';
import { deliverChange } from './event-delivery.js';
import { decodeChange, encodeChange, localDeliverable, type Deliverable } from './change-wire.js';
import { ClusterInterest, DEFAULT_TIMING, type InterestTiming } from './cluster-interest.js';

export interface RealtimeOptions {
  /** Close a connection after this long without a message (PocketBase: 5 minutes). */
  idleTimeoutMs?: number;
  /** Close every connection after this long (PocketBase: 30 minutes); clients reconnect. */
  maxLifetimeMs?: number;
  /** How long to wait for another instance to answer a forwarded request. */
  forwardTimeoutMs?: number;
  /** Heartbeat, warm-up and acknowledgement times of the cluster interest (tests shorten them). */
  interest?: Partial<InterestTiming>;
}

export type SubscribeResult = 'ok' | 'unknown-client' | 'ip-mismatch' | 'auth-mismatch';
export type SendResult = 'ok' | 'unknown-client' | 'ip-mismatch';

/** Auth as it travels to another instance: which record, re-read there. */
type AuthRef = { c: string; r: string } | null;

/** A request for the instance holding a client. */
type Forwarded =
  | { t: 'subscribe'; client: string; subs: string[]; auth: AuthRef; ip: string }
  | { t: 'send'; client: string; topic: string; data: string; ip: string | null };

type Command = (Forwarded & { id: string; from: string }) | { t: 'reply'; id: string; to: string; result: string };

export class RealtimeBroker {
  private readonly clients = new Map<string, RealtimeClient>();
  private readonly origin = randomBytes(6).toString('hex');
  private readonly waiting = new Map<string, (result: string) => void>();
  private sequence = 0;
  /** Changes are delivered one after another, so each client sees them in commit order. */
  private queue: Promise<void> = Promise.resolve();
  private readonly stops: (() => void)[] = [];
  private readonly idleTimeoutMs: number;
  private readonly maxLifetimeMs: number;
  private readonly forwardTimeoutMs: number;
  /** Realtime events in the metrics. */
  private readonly counted: { sent(): void; dropped(): void };
  /** What the other instances' clients listen to: changes nobody there wants are not published. */
  private readonly interest: ClusterInterest;

  constructor(private readonly core: GalleyCore, options: RealtimeOptions = {}, private readonly log: (message: string) => void = () => {}) {
    const sent = core.metrics.realtimeEvents.labels('sent');
    const dropped = core.metrics.realtimeEvents.labels('dropped');
    this.counted = { sent: () => sent.inc(), dropped: () => dropped.inc() };
    core.metrics.gauge('galley_realtime_clients', 'Realtime (SSE) clients connected to this instance.', () => this.clients.size);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
    this.maxLifetimeMs = options.maxLifetimeMs ?? 30 * 60_000;
    this.forwardTimeoutMs = options.forwardTimeoutMs ?? 1000;
    this.interest = new ClusterInterest(core.pubsub, () => this.interestKeys(), { ...DEFAULT_TIMING, ...options.interest });
    this.stops.push(() => this.interest.close());
    this.stops.push(core.changes.listen((changes) => {
      for (const change of changes) {
        const item = localDeliverable(change);
        this.enqueue(item);
        // Decided after the commit, so a subscription acknowledged before it is counted (cluster-interest.ts).
        if (this.interest.wants(change.collection)) core.pubsub.publish(encodeChange(item));
      }
    }));
    this.stops.push(core.pubsub.subscribe((message) => this.receive(message)));
    const sweep = setInterval(() => this.sweep(), Math.min(15_000, Math.max(50, this.idleTimeoutMs / 4)));
    sweep.unref();
    this.stops.push(() => clearInterval(sweep));
  }

  get size(): number {
    return this.clients.size;
  }

  /** Registers a new SSE connection and sends its PB_CONNECT event. */
  connect(ip: string, res: ServerResponse): RealtimeClient {
    const client = new RealtimeClient(ip, res, (c) => this.clients.delete(c.id), this.counted);
    this.clients.set(client.id, client);
    client.send('PB_CONNECT', JSON.stringify({ clientId: client.id }));
    return client;
  }

  /** Replaces a client's subscriptions (API spec 6.2), wherever the client is connected. */
  async subscribe(clientId: string, subscriptions: string[], auth: RequestAuth, ip: string): Promise<SubscribeResult> {
    const client = this.clients.get(clientId);
    if (client) return this.announced(applySubscribe(client, subscriptions, auth, ip));
    const ref: AuthRef = auth.record && auth.collection ? { c: auth.collection.id, r: String(auth.record.id) } : null;
    return (await this.forward({ t: 'subscribe', client: clientId, subs: subscriptions, auth: ref, ip })) as SubscribeResult;
  }

  /**
   * Sends a message to one client if it subscribed to the topic (the OAuth2 redirect);
   * with an ip, only when the client connected from it.
   */
  async send(clientId: string, topic: string, data: string, ip: string | null): Promise<SendResult> {
    const client = this.clients.get(clientId);
    if (client) return applySend(client, topic, data, ip);
    return (await this.forward({ t: 'send', client: clientId, topic, data, ip })) as SendResult;
  }

  /** A subscription is confirmed only once every instance would publish what it needs. */
  private async announced(result: SubscribeResult): Promise<SubscribeResult> {
    if (result === 'ok') await this.interest.changed();
    return result;
  }

  /** The collections this instance's clients may want events of: subscribed ones, and the auth collections of signed-in clients. */
  private interestKeys(): Set<string> {
    const keys = new Set<string>();
    for (const client of this.clients.values()) {
      for (const sub of client.subscriptions) keys.add(sub.collection);
      if (client.auth.record && client.auth.collection) keys.add(client.auth.collection.id);
    }
    return keys;
  }

  /** Ends every connection but keeps serving (after a restore: clients reconnect to the restored data). */
  disconnectAll(): void {
    for (const client of [...this.clients.values()]) client.close();
  }

  /** Ends every connection (server shutdown). */
  close(): void {
    for (const stop of this.stops) stop();
    for (const client of [...this.clients.values()]) client.close();
  }

  private enqueue(item: Deliverable): void {
    this.queue = this.queue.then(() => this.deliver(item)).catch((err: Error) => this.log(`realtime: delivery failed: ${err.message}`));
  }

  private async deliver({ change, fingerprint }: Deliverable): Promise<void> {
    if (this.clients.size === 0) return;
    if (change.collection.isAuth) this.refreshAuth(change.collection.id, String(change.row.id), change.action, fingerprint, change);
    await deliverChange(this.core, change, this.clients.values());
  }

  /** A client signed in as a changed auth record: keep its record current; a new tokenKey or a delete signs it out. */
  private refreshAuth(collectionId: string, recordId: string, action: string, fingerprint: string, change: Deliverable['change']): void {
    for (const client of this.clients.values()) {
      if (!client.isAuthRecord(collectionId, recordId)) continue;
      if (action === 'delete' || fingerprint !== client.authFingerprint) client.setAuth(GUEST);
      else client.auth = { ...client.auth, record: { ...rowToValues(change.collection, change.row), tokenKey: client.auth.record?.tokenKey } };
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const client of [...this.clients.values()]) {
      if (now - client.lastMessageAt > this.idleTimeoutMs || now - client.connectedAt > this.maxLifetimeMs) client.close();
    }
  }

  // --- between instances ---

  private forward(command: Forwarded): Promise<string> {
    if (!this.core.pubsub.shared) return Promise.resolve('unknown-client');
    const id = `${this.origin}.${(this.sequence++).toString(36)}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve('unknown-client');
      }, this.forwardTimeoutMs);
      this.waiting.set(id, (result) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(result);
      });
      this.core.pubsub.publish(JSON.stringify({ ...command, id, from: this.origin }));
    });
  }

  private receive(message: string): void {
    let parsed: { t?: unknown; a?: unknown; c?: unknown; r?: unknown; k?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (this.interest.receive(parsed)) return;
    if (parsed.t === 'change') {
      const item = decodeChange(parsed, this.core.collections.registry);
      if (item) this.enqueue(item);
      return;
    }
    const command = parsed as Command;
    if (command.t === 'reply') {
      if (command.to === this.origin) this.waiting.get(command.id)?.(command.result);
      return;
    }
    const client = this.clients.get(command.client);
    if (!client) return; // another instance's, or nobody's: the asker times out
    void this.answer(command, client).then((result) => {
      this.core.pubsub.publish(JSON.stringify({ t: 'reply', id: command.id, to: command.from, result }));
    });
  }

  private async answer(command: Forwarded, client: RealtimeClient): Promise<string> {
    if (command.t === 'send') return applySend(client, command.topic, command.data, command.ip);
    return this.announced(applySubscribe(client, command.subs, await this.resolveAuthRef(command.auth), command.ip));
  }

  private async resolveAuthRef(ref: AuthRef): Promise<RequestAuth> {
    const collection = ref ? this.core.collections.find(ref.c) : undefined;
    if (!ref || !collection?.isAuth) return GUEST;
    const row = await findRecordById(this.core.store, collection, ref.r);
    return row ? { record: rowToValues(collection, row), collection, isSuperuser: collection.isSuperusers } : GUEST;
  }
}

function applySubscribe(client: RealtimeClient, subscriptions: string[], auth: RequestAuth, ip: string): SubscribeResult {
  if (client.ip !== ip) return 'ip-mismatch';
  if (client.auth.record) {
    // Only a guest → signed-in upgrade is allowed; anything else is someone else's request.
    if (!auth.record || !client.isAuthRecord(auth.collection?.id ?? '', String(auth.record.id))) return 'auth-mismatch';
  } else if (auth.record) {
    client.setAuth(auth);
  }
  client.subscriptions = subscriptions.map(parseSubscription);
  return 'ok';
}

function applySend(client: RealtimeClient, topic: string, data: string, ip: string | null): SendResult {
  if (!client.subscriptions.some((s) => s.raw === topic)) return 'unknown-client';
  if (ip !== null && client.ip !== ip) return 'ip-mismatch';
  client.send(topic, data);
  return 'ok';
}
