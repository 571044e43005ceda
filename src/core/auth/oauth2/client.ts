/**
 * The provider side of the OAuth2 code flow (API spec 5.5) for generic OpenID
 * Connect providers: exchanges the authorization code (with the PKCE verifier) at
 * the token URL, then reads the user from the userinfo URL. Plain fetch with a 30 s
 * timeout over the whole exchange; every failure is a 400, and neither the client
 * secret nor any token ever appears in an error message.
 */
import { badRequest } from '../../errors.js';
import { formatDateTime } from '../../fields/datetime.js';
import type { ProviderConfig } from './providers.js';

export const EXCHANGE_TIMEOUT_MS = 30_000;

/** The provider's user, as the `meta` of the auth response shows it. */
export interface OAuth2User {
  id: string;
  name: string;
  username: string;
  /** Only set when the provider says the address is verified. */
  email: string;
  avatarURL: string;
  accessToken: string;
  refreshToken: string;
  expiry: string;
  rawUser: Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function fetchOAuth2User(p: ProviderConfig, code: string, codeVerifier: string, redirectURL: string): Promise<OAuth2User> {
  const signal = AbortSignal.timeout(EXCHANGE_TIMEOUT_MS);
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectURL, client_id: p.clientId, client_secret: p.clientSecret });
  if (codeVerifier) form.set('code_verifier', codeVerifier);
  const token = await getJson(p.tokenURL, { method: 'POST', body: form, headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, signal }, 'Failed to fetch OAuth2 token.');
  const accessToken = str(token.access_token);
  if (!accessToken) throw badRequest('Failed to fetch OAuth2 token.');
  const raw = await getJson(p.userInfoURL, { headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` }, signal }, 'Failed to fetch OAuth2 user.');
  const id = str(raw.sub) || str(raw.id);
  if (!id) throw badRequest('Failed to fetch OAuth2 user.');
  const verified = raw.email_verified === true || raw.email_verified === 'true';
  const expiresIn = typeof token.expires_in === 'number' ? token.expires_in : Number(token.expires_in);
  return {
    id, name: str(raw.name), username: str(raw.preferred_username), email: verified ? str(raw.email) : '', avatarURL: str(raw.picture),
    accessToken, refreshToken: str(token.refresh_token),
    expiry: Number.isFinite(expiresIn) && expiresIn > 0 ? formatDateTime(new Date(Date.now() + expiresIn * 1000)) : '',
    rawUser: raw,
  };
}

/** A JSON object from the provider, or a 400 with `message` (the cause, which may hold the URL, is not echoed). */
async function getJson(url: string, init: RequestInit, message: string): Promise<Record<string, unknown>> {
  try {
    const res = await fetch(url, { ...init, redirect: 'error' });
    if (!res.ok) throw new Error(`status ${res.status}`);
    const body: unknown = await res.json();
    if (!isObject(body)) throw new Error('not an object');
    return body;
  } catch {
    throw badRequest(message);
  }
}
