/**
 * "5 min ago" for a stored PocketBase datetime (`YYYY-MM-DD HH:MM:SS.sssZ`, UTC), for
 * tables where the exact time is one hover away. Older than ~a month shows the date.
 */
export function parseStored(value: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)Z?$/.exec(value.trim());
  if (!m) return null;
  const d = new Date(`${m[1]}T${m[2]}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

const UNITS: [number, string][] = [[60, 's'], [60, 'min'], [24, 'h'], [30, 'd']];

export function relativeTime(date: Date, now = Date.now()): string {
  const diff = (now - date.getTime()) / 1000;
  const future = diff < 0;
  let n = Math.abs(diff);
  if (n < 45) return 'just now';
  for (const [size, unit] of UNITS) {
    if (n < size) {
      const v = Math.round(n);
      return future ? `in ${v} ${unit}` : `${v} ${unit} ago`;
    }
    n /= size;
  }
  return date.toISOString().slice(0, 10);
}
