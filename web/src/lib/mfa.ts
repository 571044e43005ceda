/** The MFA session id of a first-factor answer (API spec 5.6: 401 with `{mfaId}`), or ''. */
import { ClientResponseError } from './api';

export function mfaIdOf(err: unknown): string {
  if (!(err instanceof ClientResponseError) || err.status !== 401) return '';
  const id = (err.response as { mfaId?: unknown }).mfaId;
  return typeof id === 'string' ? id : '';
}
