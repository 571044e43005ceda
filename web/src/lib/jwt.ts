/**
 * Reads a JWT's claims without verifying it: the email-link pages need the token's
 * `collectionId` to know which collection's confirm endpoint to call. The server
 * verifies the token; nothing here is trusted.
 */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The `collectionId` claim, or '' when the token has none. */
export function tokenCollection(token: string): string {
  const id = jwtClaims(token).collectionId;
  return typeof id === 'string' ? id : '';
}
