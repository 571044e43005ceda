/**
 * Errors that mean "the schema changed under this statement": another instance
 * dropped or renamed a column or table, or changed a table a prepared statement was
 * planned for, after this instance built the statement from its cached definitions.
 * Such a statement is not wrong, only stale: reload the definitions and run again.
 */
const SCHEMA_MOVED_CODES = new Set([
  '42703', // undefined_column
  '42P01', // undefined_table
]);

export function isSchemaMoved(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e.code !== 'string') return false;
  if (SCHEMA_MOVED_CODES.has(e.code)) return true;
  // feature_not_supported is also raised for other reasons: only the stale plan counts.
  return e.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan must not change result type');
}
