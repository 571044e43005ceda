/**
 * The client IP of a request (API spec 10.2), used by the rate limiter and the superuser
 * IP allow-list: the TCP remote address, unless trustedProxy.headers is set; then the
 * first of those headers present, its last value, and in it the last parseable IP
 * (the one the nearest proxy appended), or the first with useLeftmostIP. A request
 * through no proxy (none of the headers present) falls back to the remote address.
 */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { TrustedProxySettings } from '../core/settings/trusted-proxy-settings.js';

export function clientIp(request: FastifyRequest, proxy: TrustedProxySettings): string {
  const remote = request.socket.remoteAddress ?? '';
  for (const name of proxy.headers) {
    const raw = request.headers[name.toLowerCase()];
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    return ipFromHeader(value ?? '', proxy.useLeftmostIP) ?? remote;
  }
  return remote;
}

/** The last (or first) parseable IP of a comma-separated header value such as X-Forwarded-For. */
export function ipFromHeader(value: string, leftmost: boolean): string | null {
  const ips = value.split(',').map(clean).filter((ip) => isIP(ip) !== 0);
  if (!ips.length) return null;
  return leftmost ? ips[0]! : ips[ips.length - 1]!;
}

/** `[::1]:443` → `::1`, `1.2.3.4:80` → `1.2.3.4`, surrounding spaces removed. */
function clean(part: string): string {
  const s = part.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) return bracketed[1]!;
  const v4port = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(s);
  return v4port ? v4port[1]! : s;
}
