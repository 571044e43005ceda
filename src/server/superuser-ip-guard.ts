/**
 * The superuser IP allow-list (API spec 5.13, setting `superuserIPs`): when non-empty, a
 * request authenticated as a superuser from a client IP outside it is refused with 403.
 * Operators locked out recover with `galley superuser ips --clear` (docs/operations.md).
 */
import type { BlockList } from 'node:net';
import { ApiError } from '../core/errors.js';
import { ipInRanges, ipRanges } from '../core/net/ip-ranges.js';

export class SuperuserIpGuard {
  private readonly compiled = new WeakMap<string[], BlockList>();

  /** A 403 error when `ip` is outside a non-empty allow-list, else undefined. */
  check(allowed: string[], ip: string): ApiError | undefined {
    if (allowed.length === 0) return undefined;
    let list = this.compiled.get(allowed);
    if (!list) {
      list = ipRanges(allowed);
      this.compiled.set(allowed, list);
    }
    return ipInRanges(list, ip) ? undefined : new ApiError(403, 'Superusers are not allowed to access the API from this IP address.');
  }
}
