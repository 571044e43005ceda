/** PocketBase's datetime text form, "YYYY-MM-DD HH:MM:SS.sssZ" in UTC. */

export function formatDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ');
}

export const nowDateTime = () => formatDateTime(new Date());

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Years 0-9999 only: outside them toISOString() throws or writes "+033658-…", which would
 * break the fixed-width text form that min/max checks and sorting compare.
 */
function inRange(date: Date): string | undefined {
  const year = date.getUTCFullYear();
  return Number.isNaN(year) || year < 0 || year > 9999 ? undefined : formatDateTime(date);
}

/** "YYYY-MM-DD" names a real calendar day (Date would roll 2024-02-30 over into March). */
function realDay(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return days !== undefined && d >= 1 && d <= days;
}

/** Parses the accepted input forms; returns undefined when the input is not a date. */
export function parseDateTime(raw: unknown): string | undefined {
  if (raw instanceof Date) return inRange(raw);
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return undefined;
    return inRange(new Date(raw * 1000)); // unix seconds
  }
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  if (/^\d+$/.test(s) && s.length <= 12) return inRange(new Date(Number(s) * 1000));
  let iso: string;
  if (DATE_ONLY.test(s)) {
    if (!realDay(s)) return undefined;
    iso = `${s}T00:00:00Z`;
  } else {
    const m = DATE_TIME.exec(s);
    if (!m || !realDay(m[1]!) || Number(m[2]!.slice(0, 2)) > 23) return undefined;
    const fraction = m[4] ? m[4].slice(0, 4) : '';
    const seconds = m[3] ? m[3].slice(0, 3) : ':00';
    const time = m[2]!.slice(0, 5) + seconds + fraction;
    iso = `${m[1]}T${time}${m[5] ? m[5].toUpperCase() : 'Z'}`;
  }
  return inRange(new Date(iso));
}
