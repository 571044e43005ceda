/**
 * Validation of a collection's `oauth2.providers` list (API spec 4.2, 5.5): known
 * provider names, each at most once, string settings, and the client id and
 * endpoint URLs a generic provider needs to work.
 */
import { fieldError, type ErrorData } from '../../errors.js';
import { isProviderName } from './providers.js';

const STRING_KEYS = ['clientId', 'clientSecret', 'authURL', 'tokenURL', 'userInfoURL', 'displayName'] as const;
const URL_KEYS = ['authURL', 'tokenURL', 'userInfoURL'] as const;

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Errors keyed by list index, then by setting; empty when the list is valid. */
export function validateProviders(providers: Record<string, unknown>[]): ErrorData {
  const errors: ErrorData = {};
  const seen = new Set<string>();
  providers.forEach((p, i) => {
    const e: ErrorData = {};
    if (!isProviderName(p.name)) e.name = fieldError('validation_invalid_provider', 'Unknown OAuth2 provider.');
    else if (seen.has(p.name as string)) e.name = fieldError('validation_duplicated_provider', 'The provider is already configured.');
    else seen.add(p.name as string);
    for (const key of STRING_KEYS)
      if (p[key] !== undefined && p[key] !== null && typeof p[key] !== 'string') e[key] = fieldError('validation_invalid_value', 'Must be a string.');
    if (typeof p.clientId !== 'string' || p.clientId === '') e.clientId ??= fieldError('validation_required', 'Cannot be blank.');
    for (const key of URL_KEYS)
      if (typeof p[key] === 'string' && p[key] !== '' && !isHttpUrl(p[key] as string)) e[key] ??= fieldError('validation_is_url', 'Must be a valid URL.');
    if (p.pkce !== undefined && p.pkce !== null && typeof p.pkce !== 'boolean') e.pkce = fieldError('validation_invalid_value', 'Must be a boolean or null.');
    if (Object.keys(e).length) errors[String(i)] = e;
  });
  return errors;
}
