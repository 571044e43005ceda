/**
 * SSRF protection for webhook targets: only http(s) URLs, and every address the host
 * resolves to must be public unless the `webhooks.allowedPrivateTargets` setting lists
 * it. Checked when a webhook is declared and again at each delivery, where the checked
 * address is the one connected to (guardedLookup), so a DNS change between the check
 * and the connection cannot redirect a delivery inside the network.
 */
import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ipInRanges, ipRanges } from './ip-ranges.js';

/**
 * Loopback, private, link-local, unique-local, unspecified, CGNAT, multicast, reserved,
 * NAT64. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, in any spelling) are matched by the
 * IPv4 ranges: node's BlockList checks them that way.
 */
const NON_PUBLIC_RANGES = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4',
  '::/128', '::1/128', '64:ff9b::/96', '64:ff9b:1::/48', 'fc00::/7', 'fe80::/10', 'ff00::/8',
];

/** Built on first use: the first IPv6 parse compiles Node's address expression (~10 ms of start-up otherwise). */
let nonPublic: BlockList | undefined;

export class TargetRefused extends Error {}

/** Why this address may not be targeted, or null when it may. */
export function refusal(address: string, allowed: BlockList): string | null {
  if (!isIP(address)) return `${address} is not an IP address`;
  if (!ipInRanges((nonPublic ??= ipRanges(NON_PUBLIC_RANGES)), address) || ipInRanges(allowed, address)) return null;
  return `${address} is a private, loopback or reserved address (see the webhooks.allowedPrivateTargets setting)`;
}

/** The URL parsed and checked for its form (http or https, a host); a reason when refused. */
export function parseTarget(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Must be a valid URL.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Only http and https URLs are allowed.';
  if (!url.hostname) return 'The URL must have a host.';
  return url;
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Resolves the host and refuses it when any of its addresses is not allowed. */
export async function checkTarget(url: URL, allowedList: readonly string[]): Promise<void> {
  const allowed = ipRanges(allowedList);
  const host = hostOf(url);
  const addresses = isIP(host) ? [host] : await resolveAll(host);
  for (const address of addresses) {
    const reason = refusal(address, allowed);
    if (reason) throw new TargetRefused(reason);
  }
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true }, (err, results) => {
      if (err) reject(new TargetRefused(`cannot resolve ${host} (${err.code ?? err.message})`));
      else resolve(results.map((r) => r.address));
    });
  });
}

/** A `lookup` for http.request that refuses non-public addresses at connection time. */
export function guardedLookup(allowedList: readonly string[]): LookupFunction {
  const allowed = ipRanges(allowedList);
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, results) => {
      if (err) return callback(err, '', 0);
      const refused = results.map((r) => refusal(r.address, allowed)).find((r) => r !== null);
      if (refused) return callback(new TargetRefused(refused), '', 0);
      // Node asks for all addresses (autoSelectFamily) or for one.
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof results) => void)(null, results);
      const first = results[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** An IP literal host is connected to without a lookup: it is checked here instead. */
export function literalRefusal(url: URL, allowedList: readonly string[]): string | null {
  const host = hostOf(url);
  return isIP(host) ? refusal(host, ipRanges(allowedList)) : null;
}
