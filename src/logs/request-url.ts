/**
 * A request's URL as a log keeps it: secret query values (file and backup tokens,
 * OAuth2 codes and states) redacted, %-escapes decoded for the message, long text cut.
 */

/** Query parameters whose values are credentials: file and backup tokens, OAuth2 codes and states. */
const SECRET_QUERY = /([?&](?:token|access_token|code|state)=)[^&#]*/g;

const SECRET_NAMES = new Set(['token', 'access_token', 'code', 'state']);

/** The URL as logged: secret query values replaced (the regular expression runs only when one of the names is there). */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  // A %-encoded name (`%74oken=`) is the same parameter to the server: decode each name.
  if (url.includes('%', query)) return redactEncoded(url, query);
  return url.includes('token=') || url.includes('code=') || url.includes('state=') ? url.replace(SECRET_QUERY, '$1[redacted]') : url;
}

function redactEncoded(url: string, query: number): string {
  const pairs = url.slice(query + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    let name = key;
    try {
      name = decodeURIComponent(key.replace(/\+/g, ' '));
    } catch {
      // malformed: compared as written
    }
    return SECRET_NAMES.has(name) ? `${key}=[redacted]` : pair;
  });
  return `${url.slice(0, query + 1)}${pairs.join('&')}`;
}

/** PocketBase's caps: text longer than max is cut and marked. */
export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** A request log's message: `METHOD url`, the URL already redacted (PocketBase's url.PathUnescape applied). */
export function requestMessage(method: string, redactedUrl: string): string {
  return `${cut(method, 50)} ${unescape(cut(redactedUrl, 3000))}`;
}

/** PocketBase's url.PathUnescape: %XX decoded, the raw text when it is malformed. */
function unescape(url: string): string {
  if (!url.includes('%')) return url;
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}
