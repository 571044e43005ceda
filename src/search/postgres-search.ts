/**
 * PostgreSQL full-text search: the searchable fields' `tsvector`s stored in a side
 * table `_fts_<collection id>` (one row per record, keyed by `_rowid_`, one vector
 * column per searchable field) with a GIN index on their concatenation (so phrases
 * never span fields), kept in step by row triggers on the collection's table, whoever
 * writes it. The vectors are computed once per write, so a search rechecks and ranks
 * stored vectors: an expression index (the first version) made PostgreSQL compute the
 * document's vector again (~1–2 ms per 2 KB) for every row it read outside the index
 * and for every match `@rank` scored (docs/benchmarks.md: p95 0.65 s, 5.9 s with @rank).
 * The collection's table gets no column, so views, backups and copies never see one.
 * Diacritics are removed in the trigger's expression (unaccent would need an
 * extension), matching SQLite's `remove_diacritics 2`; query words are normalised the
 * same way in query.ts. The tsquery text is a bound parameter.
 */
import { quoteIdent as q } from '../store/dialect.js';
import type { CollectionModel } from '../core/collections/model.js';
import type { FieldModel } from '../core/fields/field.js';
import { searchableFields, searchOptions, SEARCH_LANGUAGES } from './options.js';
import type { SearchQuery, SearchTerm } from './query.js';
import type { SearchIndex } from './search-index.js';

/**
 * Diacritics removed as query.ts does (decompose, drop the combining marks U+0300–U+036F,
 * recompose): immutable, so an index can hold it, and far cheaper than translate()
 * over a table of accented letters (measured: ~0.5 ms vs ~6 ms per 2 KB document).
 */
const withoutDiacritics = (col: string) => `normalize(regexp_replace(normalize(${col}, NFD), E'[\\u0300-\\u036f]', '', 'g'), NFC)`;

/**
 * ASCII punctuation becomes a space before the parser sees the text: PostgreSQL's
 * parser keeps `example.com`, `a@b.org`, `3.5` and paths as single tokens, SQLite's
 * unicode61 splits them into words; with the punctuation gone both see the same words.
 */
const PUNCTUATION = `!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~`;
const withoutPunctuation = (sql: string) => `translate(${sql}, ${sqlString(PUNCTUATION)}, ${sqlString(' '.repeat(PUNCTUATION.length))})`;
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The language is checked against a fixed list before it reaches DDL. */
function config(model: CollectionModel): string {
  const language = searchOptions(model).language;
  if (!(SEARCH_LANGUAGES as readonly string[]).includes(language)) throw new Error(`unknown search language: ${language}`);
  return `'${language}'::regconfig`;
}

/** One field's vector in the row `row` (NEW in the trigger, the table while the index is built). */
function fieldVector(model: CollectionModel, f: FieldModel, row: string): string {
  const col = `${row}.${q(f.name)}`;
  return `to_tsvector(${config(model)}, ${withoutPunctuation(withoutDiacritics(`COALESCE(${col}, '')`))})`;
}

/** The side table, its trigger function, and the index of an earlier version (a GIN expression index). */
export const ftsTableName = (model: CollectionModel) => `_fts_${model.id}`;
const syncFunction = (model: CollectionModel) => q(`_fts_${model.id}_sync`);
const LEGACY_INDEX = (model: CollectionModel) => q(`_search_${model.id}`);
/** The triggers' names (ensureSearchIndexes looks for the first one). */
export const ftsTriggerName = (model: CollectionModel) => `_fts_${model.id}_sync`;

/**
 * The side table's columns have fixed names, never field names (a field may be called
 * anything): `_all` holds every searchable field's vector, concatenated once when the
 * row is written (concatenating per search cost ~90 µs a row, most of a ranked search);
 * `_f<i>` the i-th searchable field's own, kept only when there are several (a search
 * may then name fewer than all).
 */
const ALL = '"_all"';
const fieldColumn = (i: number) => `"_f${i}"`;

/** The stored vector of `fields` in the side table (aliased `alias`). */
function storedVector(model: CollectionModel, fields: FieldModel[], alias?: string): string {
  const col = (name: string) => (alias ? `${q(alias)}.${name}` : name);
  const searchable = searchableFields(model);
  if (fields.length === searchable.length) return col(ALL);
  return `(${fields.map((f) => col(fieldColumn(searchable.findIndex((s) => s.id === f.id)))).join(' || ')})`;
}

/** A word as a tsquery lexeme: words hold only letters and digits (query.ts), quoted all the same. */
const lexeme = (word: string) => `'${word.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;

function termText(term: SearchTerm): string {
  const words = term.words.map((w, i) => lexeme(w) + (term.prefix && i === term.words.length - 1 ? ':*' : ''));
  return words.length === 1 ? words[0]! : `(${words.join(' <-> ')})`;
}

/** The tsquery text of a query; without exclusions when `positive` (a prefilter the index can answer). */
export function tsqueryText(query: SearchQuery, positive = false): string {
  const parts = query.any ? [`(${query.include.map(termText).join(' | ')})`] : query.include.map(termText);
  if (!positive) for (const t of query.exclude) parts.push(`!${termText(t)}`);
  return parts.join(' & ');
}

/** The statements that build the side table of a definition whose table exists (filled from its rows). */
function createSql(model: CollectionModel): string[] {
  const fields = searchableFields(model);
  if (!fields.length) return [];
  const fts = q(ftsTableName(model));
  const table = q(model.name);
  // Per-field vectors only when a search can name fewer fields than all (several searchable fields).
  const perField = fields.length > 1 ? fields.map((_, i) => fieldColumn(i)) : [];
  const cols = [ALL, ...perField];
  // Each field's vector is computed once (`v`); the whole is their concatenation, in field order.
  const vectors = (row: string) => `SELECT ${fields.map((f, i) => `${fieldVector(model, f, row)} AS "v${i}"`).join(', ')}`;
  const values = ['_rowid_', fields.map((_, i) => `"v${i}"`).join(' || '), ...fields.slice(0, perField.length).map((_, i) => `"v${i}"`)];
  const changed = fields.map((f) => `OLD.${q(f.name)} IS DISTINCT FROM NEW.${q(f.name)}`).join(' OR ');
  // DDL takes no parameters: names are validated identifiers, the language one of a fixed list.
  return [
    `CREATE TABLE ${fts} ("_rowid_" bigint PRIMARY KEY, ${cols.map((c) => `${c} tsvector NOT NULL`).join(', ')})`,
    `CREATE FUNCTION ${syncFunction(model)}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM ${fts} WHERE "_rowid_" = OLD."_rowid_";
  ELSE
    INSERT INTO ${fts} ("_rowid_", ${cols.join(', ')}) SELECT NEW."_rowid_", ${values.slice(1).join(', ')} FROM (${vectors('NEW')}) AS "v"
    ON CONFLICT ("_rowid_") DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')};
  END IF;
  RETURN NULL;
END
$fn$`,
    `CREATE TRIGGER ${q(ftsTriggerName(model))} AFTER INSERT OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${syncFunction(model)}()`,
    // Only a change of a searchable field costs a new vector (Galley's UPDATE sets every column).
    `CREATE TRIGGER ${q(`${ftsTriggerName(model)}_update`)} AFTER UPDATE OF ${fields.map((f) => q(f.name)).join(', ')} ON ${table} FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION ${syncFunction(model)}()`,
    `INSERT INTO ${fts} ("_rowid_", ${cols.join(', ')}) SELECT ${values.map((v, i) => (i === 0 ? `"t"."_rowid_"` : v)).join(', ')} FROM ${table} AS "t", LATERAL (${vectors('"t"')}) AS "v"`,
    `CREATE INDEX ${q(`${ftsTableName(model)}_gin`)} ON ${fts} USING GIN (${ALL})`,
    // Statistics of the indexed column right away: the planner weighs a search by them.
    `ANALYZE ${fts}`,
  ];
}

export const postgresSearch: SearchIndex = {
  create: createSql,
  drop(model) {
    if (!searchableFields(model).length) return [];
    // The function's triggers go with it (CASCADE): the table may be renamed or gone by now.
    return [`DROP TABLE IF EXISTS ${q(ftsTableName(model))}`, `DROP FUNCTION IF EXISTS ${syncFunction(model)}() CASCADE`, `DROP INDEX IF EXISTS ${LEGACY_INDEX(model)}`];
  },
  condition(target, query, params) {
    const cfg = config(target.model);
    const tsquery = (text: string) => `to_tsquery(${cfg}, ${params.add(text)})`;
    const indexed = `${ALL} @@ ${tsquery(tsqueryText(query, !target.all))}`;
    // The index narrows to rows whose searchable text has the words; the fields searched decide.
    const narrowed = target.all ? indexed : `${indexed} AND ${storedVector(target.model, target.fields)} @@ ${tsquery(tsqueryText(query))}`;
    // The matches are collected once (an InitPlan answered by the GIN index), then looked up by
    // `_rowid_`. As `IN (SELECT …)` the planner may instead walk the table in `_rowid_` order for a
    // LIMIT and test every row's vector, expecting matches early: 750 ms on 20,000 documents for a
    // pair of words no document has, 1 ms this way (docs/benchmarks.md).
    return `(${q(target.alias)}."_rowid_" = ANY(ARRAY(SELECT "_rowid_" FROM ${q(ftsTableName(target.model))} WHERE ${narrowed})))`;
  },
  rank(target, query, params) {
    const cfg = config(target.model);
    // The fields searched matching implies the index's condition over all fields.
    const full = `${storedVector(target.model, target.fields, '_s')} @@ to_tsquery(${cfg}, ${params.add(tsqueryText(query))})`;
    const score = `-ts_rank_cd(${storedVector(target.model, target.fields, '_s')}, to_tsquery(${cfg}, ${params.add(tsqueryText(query))}))`;
    // One primary-key lookup per row; rows that do not match sort last.
    return `COALESCE((SELECT ${score} FROM ${q(ftsTableName(target.model))} AS "_s" WHERE "_s"."_rowid_" = ${q(target.alias)}."_rowid_" AND ${full}), 1)`;
  },
};
