/**
 * The `webhooks` settings section: the private, loopback and link-local addresses that
 * webhook targets may nevertheless use (IPs or CIDRs; empty by default, so a target
 * inside the server's own network is refused). `["0.0.0.0/0", "::/0"]` allows all.
 */
import type { ErrorData } from '../errors.js';
import { isPlainObject, type SettingsSection } from './settings-section.js';
import { itemErrors, stringList } from './list-values.js';
import { isIpOrCidr } from '../net/ip-ranges.js';
import { ipError } from './superuser-ips-settings.js';

export interface WebhooksSettings {
  allowedPrivateTargets: string[];
}

export const webhooksSection: SettingsSection<WebhooksSettings> = {
  name: 'webhooks',
  defaults: () => ({ allowedPrivateTargets: [] }),
  merge(current, input, errors) {
    const base = { allowedPrivateTargets: Array.isArray(current?.allowedPrivateTargets) ? [...current.allowedPrivateTargets] : [] };
    if (!isPlainObject(input) || input.allowedPrivateTargets === undefined) return base;
    return { allowedPrivateTargets: stringList(input.allowedPrivateTargets, base.allowedPrivateTargets, errors, 'allowedPrivateTargets') };
  },
  validate(v): ErrorData {
    const errors = itemErrors(v.allowedPrivateTargets, isIpOrCidr, ipError);
    return errors ? { allowedPrivateTargets: errors } : {};
  },
  toPublic: (v) => ({ allowedPrivateTargets: [...v.allowedPrivateTargets] }),
};
