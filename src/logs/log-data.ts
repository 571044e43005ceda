/**
 * A log's `data` within `logs.maxDataSize` bytes of JSON (0: PocketBase's 16 KiB).
 * Oversized data keeps the leading attributes that fit whole and is marked
 * `__pb_truncated__: true`, as PocketBase v0.40 does (it keeps what parses from the
 * first maxDataSize bytes).
 */
export const DEFAULT_MAX_DATA_SIZE = 16 << 10;

/**
 * The data to store. sizeHint: an upper bound of the data's JSON length in characters
 * that the caller knows cheaply (request logs); when it fits, the data is not
 * serialised here (the batch is serialised once, as a whole, by the store).
 */
export function limitData(data: Record<string, unknown>, maxDataSize: number, sizeHint?: number | undefined): Record<string, unknown> {
  const max = maxDataSize > 0 ? maxDataSize : DEFAULT_MAX_DATA_SIZE;
  // A character takes at most 6 bytes in JSON (a `\u0001` escape; UTF-8 needs at most 3 per UTF-16 unit).
  if (sizeHint !== undefined && sizeHint * 6 <= max) return data;
  const json = safeStringify(data);
  if (json === undefined) return { __unserializable__: true };
  // A string of n UTF-16 units is at most 3n bytes: most logs skip the byte count.
  if (json.length * 3 <= max || Buffer.byteLength(json) <= max) return data;
  const kept: Record<string, unknown> = {};
  let size = 1; // "{"
  for (const key of Object.keys(data)) {
    const value = safeStringify(data[key]);
    if (value === undefined) continue; // dropped by JSON anyway
    size += Buffer.byteLength(`${JSON.stringify(key)}:${value}`) + 1; // "," or "}"
    if (size > max) break;
    kept[key] = data[key];
  }
  kept.__pb_truncated__ = true;
  return kept;
}

/** limitData for data given as JSON text (checked by its length; parsed only when it may be too big). */
export function limitDataJson(json: string, maxDataSize: number): string {
  const max = maxDataSize > 0 ? maxDataSize : DEFAULT_MAX_DATA_SIZE;
  if (json.length * 3 <= max || Buffer.byteLength(json) <= max) return json;
  return JSON.stringify(limitData(JSON.parse(json) as Record<string, unknown>, maxDataSize));
}

/** JSON text, or undefined for what JSON drops or cannot write (a cycle, a BigInt in hook-supplied attributes). */
function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * JSON text that any store can hold: lone surrogates (half of a character, say from
 * text cut inside an emoji) become U+FFFD, which SQLite's UTF-8 and PostgreSQL's
 * jsonb both refuse or garble otherwise; with dropNul, NUL characters (PostgreSQL
 * cannot store them) are dropped. In JSON text both are escapes (`\u0000`; JSON.stringify
 * escapes a surrogate only when it is alone), except where the backslash is itself
 * escaped (`\\u0000` is text). One bad row would otherwise fail its whole batch.
 */
export function wellFormedJson(json: string, { dropNul = false } = {}): string {
  if (!json.includes('\\u')) return json;
  return json.replace(/(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/g, (match, slashes: string, code: string) =>
    code !== '0000' ? `${slashes}\\ufffd` : dropNul ? slashes : match);
}
