/** PocketBase's datetime text form, "YYYY-MM-DD HH:MM:SS.sssZ" in UTC. */

export function formatDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ');
}

export const nowDateTime = () => formatDateTime(new Date());

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses the accepted input forms; returns undefined when the input is not a date. */
export function parseDateTime(raw: unknown): string | undefined {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : formatDateTime(raw);
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return undefined;
    return formatDateTime(new Date(raw * 1000)); // unix seconds
  }
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  if (/^\d+$/.test(s) && s.length <= 12) return formatDateTime(new Date(Number(s) * 1000));
  let iso: string;
  if (DATE_ONLY.test(s)) iso = `${s}T00:00:00Z`;
  else {
    const m = DATE_TIME.exec(s);
    if (!m) return undefined;
    const fraction = m[4] ? m[4].slice(0, 4) : '';
    const seconds = m[3] ? m[3].slice(0, 3) : ':00';
    const time = m[2]!.slice(0, 5) + seconds + fraction;
    iso = `${m[1]}T${time}${m[5] ? m[5].toUpperCase() : 'Z'}`;
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : formatDateTime(date);
}
