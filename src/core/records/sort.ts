/**
 * The `sort` query parameter resolved against the collection's fields into an
 * ORDER BY clause. Only resolved names reach SQL, quoted; anything else is a 400.
 */
import type { Collection } from '../collections/collection.js';
import type { RequestAuth } from '../auth/request-auth.js';
import { quoteIdent } from '../../store/dialect.js';
import { badRequest } from '../errors.js';

const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 255;

export function orderBySql(collection: Collection, sort: string, auth: RequestAuth): string {
  const dialect = collection.dialect;
  const rowid = dialect === 'sqlite' ? 'rowid' : '"_rowid_"';
  const terms = sort.split(',').map((t) => t.trim()).filter(Boolean);
  if (terms.length > MAX_TERMS) throw badRequest(`Invalid sort: at most ${MAX_TERMS} sort terms are allowed.`);
  const parts: string[] = [];
  let hasRowid = false;
  for (const term of terms) {
    if (term.length > MAX_TERM_LENGTH) throw badRequest(`Invalid sort: the term "${term.slice(0, 20)}…" is too long.`);
    const desc = term.startsWith('-');
    const name = term.replace(/^[-+]/, '');
    const dir = desc ? 'DESC' : 'ASC';
    if (name === '@random') { parts.push(dialect === 'sqlite' ? 'RANDOM()' : 'random()'); continue; }
    if (name === '@rowid') { parts.push(`${rowid} ${dir}`); hasRowid = true; continue; }
    const field = collection.field(name);
    const secret = collection.isAuth && (name === 'password' || name === 'tokenKey');
    if (!field || field.model.type === 'password' || ((field.model.hidden || secret) && !auth.isSuperuser))
      throw badRequest(`Invalid sort field "${name}".`);
    parts.push(`${quoteIdent(name)} ${dir}`);
  }
  // Ties (and no sort at all) fall back to insertion order, so paging is stable.
  if (!hasRowid) parts.push(`${rowid} ASC`);
  return parts.join(', ');
}
