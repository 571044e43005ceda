/**
 * The `superuserIPs` settings section (API spec 5.13, 8.3): a list of IPs and CIDRs;
 * when non-empty, requests authenticated as a superuser from any other client IP are
 * refused with 403. Unlike the other sections its value is a JSON array.
 */
import { fieldError, type ErrorData } from '../errors.js';
import { isIpOrCidr } from '../net/ip-ranges.js';
import { itemErrors, stringList } from './list-values.js';
import type { SettingsSection } from './settings-section.js';

export type SuperuserIps = string[];

export const ipError = () => fieldError('validation_is_ip', 'Must be a valid IP address or CIDR range.');

export const superuserIpsSection: SettingsSection<SuperuserIps> = {
  name: 'superuserIPs',
  shape: 'array',
  defaults: () => [],
  merge(current, input, errors) {
    if (!Array.isArray(input)) return [...current]; // absent, or reported by settings.ts
    const wrapped: ErrorData = {};
    const list = stringList(input, current, wrapped, 'items');
    if (wrapped.items) Object.assign(errors, wrapped.items);
    return list;
  },
  validate: (v) => itemErrors(v, isIpOrCidr, ipError) ?? {},
  toPublic: (v) => [...v],
};
