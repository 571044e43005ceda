/**
 * Brute-force protection of sign-in and of the mail-sending requests
 * (docs/authentication.md), with the limits of the `authProtection` settings.
 *
 * A sign-in attempt is counted before its credential is checked (so concurrent
 * guesses cannot all slip in before the first failure lands, and a locked attempt
 * costs no password hashing), against three fixed windows in this order: the
 * client IP (password spray), the identity from this IP (guessing one account), the
 * identity from every IP (guessing spread over addresses). The first full window
 * refuses with 429 and the later ones are not counted, so an attacker locked out
 * at one IP cannot also lock the account for everybody else. An attempt whose
 * credential turns out right is taken back; a completed sign-in also clears the
 * identity's windows for this IP and overall.
 *
 * Identities are record ids when the record exists, else a hash of what was typed;
 * mail addresses are hashed too, so the counters hold no personal data but IPs.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../../errors.js';
import type { AuthProtectionSettings } from '../../settings/auth-protection-settings.js';
import { isMfaFailure } from '../mfa-flow.js';
import type { CounterStore } from './counter-store.js';

/** A sign-in identity that matched no record: a short hash of the normalised text. */
export function unknownIdentity(text: string): string {
  return '?' + createHash('sha256').update(text.trim().toLowerCase()).digest('base64url').slice(0, 24);
}

const tooMany = () => new ApiError(429, 'Too many failed sign-in attempts, please try again later.');

export class SignInProtection {
  constructor(
    readonly counters: CounterStore,
    private readonly settings: () => AuthProtectionSettings,
  ) {}

  /** One sign-in attempt to a collection from a client IP. */
  attempt(collectionId: string, ip: string): SignInAttempt {
    return new SignInAttempt(this.counters, this.settings(), collectionId, ip);
  }

  /**
   * Whether a mail to `address` requested from `ip` may go out: counted per address,
   * then per IP; false once either window is full (the caller then sends nothing and
   * answers as usual).
   */
  async allowMail(address: string, ip: string): Promise<boolean> {
    const limits = this.settings();
    if (!limits.enabled) return true;
    const windowMs = limits.mailWindow * 1000;
    const toKey = `mail:to:${unknownIdentity(address)}`;
    if ((await this.counters.hit(toKey, windowMs)) > limits.maxMailsPerAddress) return false;
    if ((await this.counters.hit(`mail:ip:${ip}`, windowMs)) > limits.maxMailsPerIP) {
      await this.counters.unhit(toKey); // nothing went to the address
      return false;
    }
    return true;
  }
}

export class SignInAttempt {
  private readonly hits: string[] = [];
  private identityKeys: string[] = [];
  private readonly ipKey: string;

  constructor(
    private readonly counters: CounterStore,
    private readonly limits: AuthProtectionSettings,
    private readonly collectionId: string,
    ip: string,
  ) {
    this.ipKey = `signin:ip:${ip}`;
  }

  /**
   * Counts the attempt for `identity` (a record id, or unknownIdentity()) before the
   * credential is checked; a 429 when the IP or the identity is locked.
   */
  async begin(identity: string): Promise<void> {
    if (!this.limits.enabled) return;
    const l = this.limits;
    const idKey = `signin:id:${this.collectionId}:${identity}`;
    const idIpKey = `${idKey}:${this.ipKey.slice('signin:ip:'.length)}`;
    this.identityKeys = [idIpKey, idKey];
    const windows: [string, number][] = [[this.ipKey, l.maxFailuresPerIP], [idIpKey, l.maxFailuresPerIdentityIP], [idKey, l.maxFailuresPerIdentity]];
    for (const [key, max] of windows) {
      const count = await this.counters.hit(key, l.failureWindow * 1000);
      if (count > max) throw tooMany();
      this.hits.push(key);
    }
  }

  /**
   * Awaits the rest of a sign-in whose credential was right. Completed: the identity's
   * windows are cleared and the IP's hit taken back. A first MFA step (or a refusal
   * such as the authRule's) takes the hits back; a failed MFA step keeps them, as a
   * failed attempt.
   */
  async settle<T>(rest: Promise<T>): Promise<T> {
    let out: T;
    try {
      out = await rest;
    } catch (err) {
      if (!isMfaFailure(err)) await this.takeBack(this.hits);
      throw err;
    }
    if (this.hits.length) {
      await this.counters.clear(this.identityKeys);
      await this.takeBack([this.ipKey]);
    }
    return out;
  }

  private async takeBack(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.counters.unhit(key);
  }
}
