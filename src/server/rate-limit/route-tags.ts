/**
 * The rate-limit tags of the collection routes (API spec 10.1), from the matched route
 * (request.routeOptions.url) and method: `list`, `view`, ..., `authWithPassword` (also
 * `auth`), ... Other routes have no tags and are matched by path labels only.
 */
const ROUTE_TAGS: Record<string, readonly string[]> = {
  'GET /api/collections/:c/records': ['list'],
  'GET /api/collections/:c/records/:id': ['view'],
  'POST /api/collections/:c/records': ['create'],
  'PATCH /api/collections/:c/records/:id': ['update'],
  'DELETE /api/collections/:c/records/:id': ['delete'],
  'GET /api/collections/:c/auth-methods': ['listAuthMethods'],
  'POST /api/collections/:c/auth-refresh': ['authRefresh'],
  'POST /api/collections/:c/auth-with-password': ['authWithPassword', 'auth'],
  'POST /api/collections/:c/auth-with-oauth2': ['authWithOAuth2', 'auth'],
  'POST /api/collections/:c/auth-with-otp': ['authWithOTP', 'auth'],
  'POST /api/collections/:c/request-otp': ['requestOTP'],
  'POST /api/collections/:c/request-password-reset': ['requestPasswordReset'],
  'POST /api/collections/:c/confirm-password-reset': ['confirmPasswordReset'],
  'POST /api/collections/:c/request-verification': ['requestVerification'],
  'POST /api/collections/:c/confirm-verification': ['confirmVerification'],
  'POST /api/collections/:c/request-email-change': ['requestEmailChange'],
  'POST /api/collections/:c/confirm-email-change': ['confirmEmailChange'],
  'GET /api/files/:c/:id/:file': ['file'],
  // Galley's own routes (docs/ai.md): a search may embed a text, an ask calls a chat model.
  'POST /api/collections/:c/search': ['search'],
  'POST /api/collections/:c/ask': ['ask'],
};

/** The tags of a route, or undefined for routes outside the list (HEAD counts as GET). */
export function routeTags(method: string, routeUrl: string | undefined): readonly string[] | undefined {
  if (routeUrl === undefined) return undefined;
  return ROUTE_TAGS[`${method === 'HEAD' ? 'GET' : method} ${routeUrl}`];
}
