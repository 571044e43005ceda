/**
 * IP addresses and CIDR ranges (the `excludedIPs` and `superuserIPs` settings): parsing,
 * validation, and a node:net BlockList to test a client address against them.
 */
import { BlockList, isIP } from 'node:net';

type Family = 'ipv4' | 'ipv6';

/** An IP or CIDR as [address, prefix, family], or null when it is neither. */
export function parseIpOrCidr(text: string): [string, number | null, Family] | null {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return null;
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  if (slash < 0) return [address, null, family];
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return null;
  return [address, prefix, family];
}

export const isIpOrCidr = (text: string): boolean => parseIpOrCidr(text) !== null;

/** A BlockList of the valid entries (invalid ones are skipped; validation refuses them on write). */
export function ipRanges(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const parsed = parseIpOrCidr(entry);
    if (!parsed) continue;
    const [address, prefix, family] = parsed;
    if (prefix === null) list.addAddress(address, family);
    else list.addSubnet(address, prefix, family);
  }
  return list;
}

/** Whether `ip` (as given by node, possibly an IPv4-mapped IPv6 address) is in `list`. */
export function ipInRanges(list: BlockList, ip: string): boolean {
  const version = isIP(ip);
  if (version === 0) return false;
  if (list.check(ip, version === 4 ? 'ipv4' : 'ipv6')) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped !== null && list.check(mapped[1]!, 'ipv4');
}
