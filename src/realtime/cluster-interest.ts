/**
 * Which collections the realtime clients of the *other* instances could want events
 * of, so that a committed change is published to the cluster only when someone may
 * receive it (a NOTIFY costs the database and every listener). The race analysis is in
 * docs/realtime.md ("Publishing only what someone listens to").
 *
 * Each instance announces its interest keys (the collection names and ids of its
 * clients' subscriptions, and the auth collections of its signed-in clients) in a
 * heartbeat, and at once when the set grows. A growth is acknowledged by every live
 * peer before the subscription request that caused it is answered: from then on the
 * peers' publishing decisions, all taken after their commits, include the new keys.
 * A peer that may have missed announcements (just started, or its link reconnected)
 * publishes everything until it has surely heard every heartbeat again.
 */
import { randomBytes } from 'node:crypto';
import type { Collection } from '../core/collections/collection.js';
import type { PubSub } from '../pubsub/pubsub.js';

export interface InterestTiming {
  /** How often each instance repeats its whole interest set. */
  heartbeatMs: number;
  /** A peer not heard of for this long is gone (its interest forgotten, its ack not awaited). */
  peerTtlMs: number;
  /** After a start or reconnect, everything is published for this long. */
  warmupMs: number;
  /** The longest a subscription waits for the peers' acknowledgements. */
  ackTimeoutMs: number;
  /** After a start or reconnect, the time the peers get to answer the hello before a subscription counts on knowing them all. */
  helloGraceMs: number;
}

export const DEFAULT_TIMING: InterestTiming = { heartbeatMs: 5000, peerTtlMs: 15_000, warmupMs: 11_000, ackTimeoutMs: 1000, helloGraceMs: 300 };

/** Interest messages on the pubsub channel (beside the broker's change and command messages). */
export type InterestMessage =
  | { t: 'interest'; from: string; keys: string[]; ack?: string }
  | { t: 'interest-ack'; from: string; to: string; ack: string }
  | { t: 'hello'; from: string };

interface Peer { keys: Set<string>; seen: number }

export class ClusterInterest {
  private readonly origin = randomBytes(6).toString('hex');
  private readonly peers = new Map<string, Peer>();
  /** The keys last announced by this instance. */
  private announced = new Set<string>();
  private warmUntil: number;
  /** Until then, peers may still be answering this instance's hello. */
  private helloUntil = 0;
  private sequence = 0;
  private readonly waiting = new Map<string, { pending: Set<string>; done: () => void }>();
  /** Keys announced and not yet acknowledged by every peer: their acknowledgement. */
  private readonly acking = new Map<string, Promise<void>>();
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly pubsub: PubSub,
    /** This instance's current interest keys. */
    private readonly localKeys: () => Set<string>,
    private readonly timing: InterestTiming = DEFAULT_TIMING,
  ) {
    this.warmUntil = Date.now() + timing.warmupMs;
    if (!pubsub.shared) return;
    const beat = setInterval(() => this.heartbeat(), timing.heartbeatMs);
    beat.unref();
    this.stops.push(() => clearInterval(beat));
    this.stops.push(pubsub.onReconnect(() => this.restart()));
    this.restart();
  }

  /** Whether a change of this collection must be published to the other instances. */
  wants(collection: Collection): boolean {
    if (!this.pubsub.shared) return false;
    const now = Date.now();
    if (now < this.warmUntil) return true;
    for (const [origin, peer] of this.peers) {
      if (now - peer.seen > this.timing.peerTtlMs) {
        this.peers.delete(origin);
        continue;
      }
      if (peer.keys.has(collection.id) || peer.keys.has(collection.name)) return true;
    }
    return false;
  }

  /**
   * Called after this instance's subscriptions changed: when they need keys not
   * announced yet, announces them and resolves once every live peer acknowledged
   * (or the timeout passed), so the subscription can be confirmed to the client.
   */
  async changed(): Promise<void> {
    if (!this.pubsub.shared) return;
    // Just started or reconnected: the peers not heard of yet would not be waited for.
    const early = this.helloUntil - Date.now();
    if (early > 0) await new Promise((r) => setTimeout(r, early));
    const keys = this.localKeys();
    const added = [...keys].filter((key) => !this.announced.has(key));
    // Keys another subscription is announcing right now: wait for their acknowledgement too.
    const inFlight = [...keys].map((key) => this.acking.get(key)).filter((p) => p !== undefined);
    if (added.length === 0) {
      await Promise.all(inFlight);
      return;
    }
    for (const key of added) this.announced.add(key);
    const now = Date.now();
    const pending = new Set([...this.peers].filter(([, p]) => now - p.seen <= this.timing.peerTtlMs).map(([origin]) => origin));
    const ack = `${this.origin}.${(this.sequence++).toString(36)}`;
    const acknowledged = pending.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), this.timing.ackTimeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(ack);
        resolve();
      };
      this.waiting.set(ack, { pending, done });
    });
    for (const key of added) this.acking.set(key, acknowledged);
    this.send({ t: 'interest', from: this.origin, keys: [...this.announced], ack });
    await Promise.all([acknowledged, ...inFlight]);
    for (const key of added) if (this.acking.get(key) === acknowledged) this.acking.delete(key);
  }

  /** Handles an interest message; false when the message is not one. */
  receive(message: { t?: unknown }): boolean {
    const m = message as InterestMessage;
    if (m.t === 'hello') {
      if (m.from !== this.origin) {
        this.touch(m.from);
        this.heartbeat();
      }
      return true;
    }
    if (m.t === 'interest') {
      if (m.from === this.origin || !Array.isArray(m.keys)) return true;
      this.peers.set(m.from, { keys: new Set(m.keys.filter((k) => typeof k === 'string')), seen: Date.now() });
      if (m.ack) this.send({ t: 'interest-ack', from: this.origin, to: m.from, ack: m.ack });
      return true;
    }
    if (m.t === 'interest-ack') {
      if (m.to !== this.origin) return true;
      this.touch(m.from);
      const entry = this.waiting.get(m.ack);
      if (entry) {
        entry.pending.delete(m.from);
        if (entry.pending.size === 0) entry.done();
      }
      return true;
    }
    return false;
  }

  close(): void {
    for (const stop of this.stops) stop();
    for (const entry of [...this.waiting.values()]) entry.done();
  }

  /** Start or reconnect: publish everything for a while, say hello, announce what is wanted here. */
  private restart(): void {
    this.warmUntil = Date.now() + this.timing.warmupMs;
    this.helloUntil = Date.now() + this.timing.helloGraceMs;
    this.send({ t: 'hello', from: this.origin });
    this.heartbeat();
  }

  /** The whole current set: a shrink reaches the peers here, a growth already went out in changed(). */
  private heartbeat(): void {
    const keys = this.localKeys();
    // Only a shrink is recorded here: a key new since the last announcement is left to
    // changed(), which must wait for its acknowledgement before the client hears "subscribed".
    for (const key of this.announced) if (!keys.has(key)) this.announced.delete(key);
    this.send({ t: 'interest', from: this.origin, keys: [...keys] });
  }

  private touch(origin: string): void {
    const peer = this.peers.get(origin);
    if (peer) peer.seen = Date.now();
    else this.peers.set(origin, { keys: new Set(), seen: Date.now() });
  }

  private send(message: InterestMessage): void {
    this.pubsub.publish(JSON.stringify(message));
  }
}
