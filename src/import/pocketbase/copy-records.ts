/**
 * Copying the records of one collection from data.db into the target, inside the
 * import's transaction: rows are read by column name in id order and inserted in
 * multi-row INSERTs built from the collection's resolved fields (names quoted with
 * quoteIdent, every value a bind parameter). Record hooks, rules and validation are
 * not involved: the data is PocketBase's, copied as it is (password hashes included).
 */
import type { Executor } from '../../store/store.js';
import { quoteIdent, type SqlDialect } from '../../store/dialect.js';
import type { Collection } from '../../core/collections/collection.js';
import type { PbSource } from './source.js';
import { targetParams } from './record-values.js';

/** Parameters per statement stay far below both engines' limits (SQLite 32766, PostgreSQL 65535). */
const MAX_PARAMS = 8000;
const MAX_ROWS = 200;

export type Progress = (message: string) => void;

/** Copies every row; returns how many. `progress` hears about long copies now and then. */
export async function copyRecords(tx: Executor, dialect: SqlDialect, source: PbSource, collection: Collection, progress: Progress): Promise<number> {
  const names = collection.fields.map((f) => f.model.name);
  const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / names.length)));
  const total = source.count(collection.name);
  const head = `INSERT INTO ${quoteIdent(collection.name)} (${names.map(quoteIdent).join(', ')}) VALUES `;
  const statement = (rows: number) => {
    let n = 0;
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) tuples.push(`(${names.map(() => dialect.placeholder(++n)).join(', ')})`);
    return head + tuples.join(', ');
  };
  let done = 0;
  let lastReport = Date.now();
  const iterator = source.rows(collection.name, names);
  try {
    for (;;) {
    const batch: unknown[] = [];
    let rows = 0;
    for (let next = iterator.next(); ; next = iterator.next()) {
      if (next.done) break;
      batch.push(...targetParams(collection, next.value, dialect.name));
      if (++rows === perStatement) break;
    }
    if (rows === 0) break;
    await tx.run(statement(rows), batch);
    done += rows;
    if (Date.now() - lastReport > 1000) {
      lastReport = Date.now();
      progress(`  ${collection.name}: ${done}/${total} records`);
    }
    if (rows < perStatement) break;
    }
  } finally {
    iterator.return(undefined); // closes the source statement when the copy stops early
  }
  return done;
}
