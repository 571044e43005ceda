/**
 * OAuth2 provider configuration (API spec 4.2, 5.2, 5.5): the provider names
 * PocketBase knows, how a provider entry of a collection's `oauth2` options reads,
 * and the authorization URL with PKCE values that `GET /auth-methods` offers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { randomSecret } from '../../collections/ids.js';

export const PROVIDER_NAMES = [
  'apple', 'bitbucket', 'box', 'discord', 'facebook', 'gitea', 'gitee', 'github', 'gitlab', 'google', 'instagram2',
  'kakao', 'lark', 'linear', 'livechat', 'mailcow', 'microsoft', 'monday', 'notion', 'oidc', 'oidc2', 'oidc3',
  'patreon', 'planningcenter', 'spotify', 'strava', 'trakt', 'twitch', 'twitter', 'vk', 'wakatime', 'yandex',
] as const;

export const isProviderName = (name: unknown): boolean => typeof name === 'string' && (PROVIDER_NAMES as readonly string[]).includes(name);

/** One provider entry as Galley uses it (URLs are required for the generic providers Galley implements). */
export interface ProviderConfig {
  name: string;
  clientId: string;
  clientSecret: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  displayName: string;
  /** null = the provider's default, which is on. */
  pkce: boolean | null;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function readProvider(raw: Record<string, unknown>): ProviderConfig {
  return {
    name: str(raw.name), clientId: str(raw.clientId), clientSecret: str(raw.clientSecret),
    authURL: str(raw.authURL), tokenURL: str(raw.tokenURL), userInfoURL: str(raw.userInfoURL),
    displayName: str(raw.displayName), pkce: typeof raw.pkce === 'boolean' ? raw.pkce : null,
  };
}

const DISPLAY_NAMES: Record<string, string> = { oidc: 'OpenID Connect', oidc2: 'OpenID Connect', oidc3: 'OpenID Connect' };

/** The `oauth2.providers` entry of `GET /auth-methods`: fresh state and PKCE values, authURL ending in `redirect_uri=`. */
export function authMethodEntry(p: ProviderConfig) {
  const state = randomSecret(30);
  const pkce = p.pkce !== false;
  const codeVerifier = pkce ? randomBytes(32).toString('base64url') : '';
  const codeChallenge = pkce ? createHash('sha256').update(codeVerifier).digest('base64url') : '';
  const params = new URLSearchParams({ client_id: p.clientId, response_type: 'code', scope: 'openid profile email', state });
  if (pkce) {
    params.set('code_challenge', codeChallenge);
    params.set('code_challenge_method', 'S256');
  }
  const authURL = `${p.authURL}${p.authURL.includes('?') ? '&' : '?'}${params.toString()}&redirect_uri=`;
  return {
    name: p.name, displayName: p.displayName || DISPLAY_NAMES[p.name] || p.name, state, authURL, authUrl: authURL,
    codeVerifier, codeChallenge, codeChallengeMethod: pkce ? 'S256' : '',
  };
}
