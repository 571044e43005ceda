/**
 * PostgreSQL: a statement trigger on every collection's table that moves the
 * collection's data version (its `_v_<id>` sequence) on every INSERT, UPDATE or
 * DELETE, whoever runs it (Galley, a script, psql), and on auth collections also
 * NOTIFYs the instances' sign-in caches (delivered when the writing transaction
 * commits), so a tokenKey, password or record changed behind Galley's back still ends
 * a session at once.
 *
 * Galley's own writes move the version again after their commit (PostgresDataVersions),
 * which is what keeps cached totals exact; for writes made outside Galley the move
 * happens before their commit, so a total counted while such a transaction is still
 * open may stay until the next write.
 */
import type { Store } from '../../store/store.js';
import { quoteIdent } from '../../store/dialect.js';
import type { Collection } from '../collections/collection.js';
import { VERSIONS_CHANNEL } from './data-versions.js';


const FUNCTION = `CREATE OR REPLACE FUNCTION "_galley_changed"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM nextval(quote_ident('_v_' || TG_ARGV[0])::regclass);
  IF TG_ARGV[1] = 'announce' THEN
    PERFORM pg_notify('${VERSIONS_CHANNEL}', json_build_array(TG_ARGV[0])::text);
  END IF;
  RETURN NULL;
END
$fn$`;

/** The trigger's name says what it does, so a collection that became auth (or stopped) gets it replaced. */
const triggerName = (c: Collection) => (c.isAuth ? '_galley_changed_auth' : '_galley_changed');

/** Adds the trigger to the tables that lack it (one catalog read when none do). */
export async function ensureChangeTriggers(store: Store, collections: readonly Collection[]): Promise<void> {
  const tables = collections.filter((c) => !c.isView);
  if (!tables.length) return;
  const present = await store.all(
    `SELECT c.relname AS "table", t.tgname AS "trigger" FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid ` +
    `WHERE t.tgname LIKE '\\_galley\\_changed%' AND c.relname = ANY($1::text[]) AND c.relnamespace = current_schema()::regnamespace`,
    [tables.map((c) => c.name)],
  );
  const have = new Set(present.map((r) => `${String(r.table)}/${String(r.trigger)}`));
  const missing = tables.filter((c) => !have.has(`${c.name}/${triggerName(c)}`));
  if (!missing.length) return;
  await store.exec(FUNCTION);
  for (const c of missing) {
    // DDL takes no parameters: names are checked identifiers, the id a checked literal.
    const table = quoteIdent(c.name);
    await store.exec(`CREATE SEQUENCE IF NOT EXISTS ${quoteIdent(`_v_${c.id}`)}`);
    for (const stale of present.filter((r) => r.table === c.name)) await store.exec(`DROP TRIGGER IF EXISTS ${quoteIdent(String(stale.trigger))} ON ${table}`);
    await store.exec(`CREATE OR REPLACE TRIGGER ${quoteIdent(triggerName(c))} AFTER INSERT OR UPDATE OR DELETE ON ${table} ` +
      `FOR EACH STATEMENT EXECUTE FUNCTION "_galley_changed"(${literal(c.id)}, ${c.isAuth ? `'announce'` : `'count'`})`);
  }
}

function literal(id: string): string {
  if (!/^\w+$/.test(id)) throw new Error(`unsafe collection id: ${id}`);
  return `'${id}'`;
}
