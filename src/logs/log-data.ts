/**
 * A log's `data` as stored: JSON text no larger than `logs.maxDataSize` bytes (0:
 * PocketBase's 16 KiB). Oversized data keeps the leading attributes that fit whole
 * and is marked `__pb_truncated__: true`, as PocketBase v0.40 does (it keeps what
 * parses from the first maxDataSize bytes).
 */
export const DEFAULT_MAX_DATA_SIZE = 16 << 10;

export function truncateData(data: Record<string, unknown>, maxDataSize: number): string {
  const max = maxDataSize > 0 ? maxDataSize : DEFAULT_MAX_DATA_SIZE;
  const json = safeStringify(data);
  // A string of n UTF-16 units is at most 3n bytes: most logs skip the byte count.
  if (json.length * 3 <= max || Buffer.byteLength(json) <= max) return json;
  const kept: Record<string, unknown> = {};
  let size = 1; // "{"
  for (const key of Object.keys(data)) {
    const part = `${JSON.stringify(key)}:${safeStringify(data[key])}`;
    size += Buffer.byteLength(part) + 1; // "," or "}"
    if (size > max) break;
    kept[key] = data[key];
  }
  kept.__pb_truncated__ = true;
  return safeStringify(kept);
}

/** JSON that never throws (a cycle or a BigInt in hook-supplied attributes becomes a note). */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (err) {
    return JSON.stringify({ __unserializable__: (err as Error).message });
  }
}
