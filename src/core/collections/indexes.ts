/**
 * Index definitions in PocketBase's `indexes` string form (SQLite CREATE INDEX
 * syntax), parsed into a small structure and rebuilt as SQL for either engine.
 * Column names and the optional WHERE clause are resolved against the collection's
 * fields, so nothing from the definition reaches the database unparsed.
 */
import type { DialectName } from '../../store/dialect.js';
import { quoteIdent } from '../../store/dialect.js';

export interface IndexColumn {
  name: string;
  nocase: boolean;
  /** `lower(col)`: an expression index on the lower-cased value. */
  lower: boolean;
  order: '' | 'ASC' | 'DESC';
}

export type WhereToken =
  | { kind: 'column'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: string }
  | { kind: 'op'; value: string };

export interface ParsedIndex {
  unique: boolean;
  name: string;
  table: string;
  columns: IndexColumn[];
  where: WhereToken[];
}

export class IndexSyntaxError extends Error {}

const TOKEN = /\s*(?:(`[^`]*`|"[^"]*"|\[[^\]]*\])|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)|(!=|<>|<=|>=|=|<|>|\(|\)|,)|([A-Za-z_]\w*))/y;

type Tok = { t: 'ident' | 'string' | 'number' | 'punct' | 'word'; v: string };

function tokenize(sql: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const s = sql.trim().replace(/;\s*$/, '');
  while (i < s.length) {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(s);
    if (!m) {
      if (/^\s+$/.test(s.slice(i))) break;
      throw new IndexSyntaxError(`unexpected character "${s[i]}" at ${i}`);
    }
    i = TOKEN.lastIndex;
    if (m[1]) out.push({ t: 'ident', v: m[1].slice(1, -1) });
    else if (m[2]) out.push({ t: 'string', v: m[2].slice(1, -1).replace(/''/g, "'") });
    else if (m[3]) out.push({ t: 'number', v: m[3] });
    else if (m[4]) out.push({ t: 'punct', v: m[4] });
    else if (m[5]) out.push({ t: 'word', v: m[5] });
  }
  return out;
}

const WHERE_WORDS = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'TRUE', 'FALSE']);

export function parseIndex(sql: string): ParsedIndex {
  const toks = tokenize(sql);
  let p = 0;
  const peekWord = (w: string) => toks[p]?.t === 'word' && toks[p]!.v.toUpperCase() === w;
  const expectWord = (w: string) => {
    if (!peekWord(w)) throw new IndexSyntaxError(`expected ${w}`);
    p++;
  };
  const name = () => {
    const t = toks[p++];
    if (!t || (t.t !== 'ident' && t.t !== 'word') || !/^\w+$/.test(t.v)) throw new IndexSyntaxError('expected a name');
    return t.v;
  };
  expectWord('CREATE');
  const unique = peekWord('UNIQUE');
  if (unique) p++;
  expectWord('INDEX');
  if (peekWord('IF')) { p++; expectWord('NOT'); expectWord('EXISTS'); }
  const indexName = name();
  expectWord('ON');
  const table = name();
  if (toks[p++]?.v !== '(') throw new IndexSyntaxError('expected (');
  const columns: IndexColumn[] = [];
  for (;;) {
    // A column, or lower(column): the one expression PocketBase apps commonly index.
    const isLower = toks[p]?.t === 'word' && toks[p]!.v.toLowerCase() === 'lower' && toks[p + 1]?.v === '(';
    if (isLower) p += 2;
    const col: IndexColumn = { name: name(), nocase: false, lower: isLower, order: '' };
    if (isLower && toks[p++]?.v !== ')') throw new IndexSyntaxError('expected ) after lower(column');
    if (peekWord('COLLATE')) {
      p++;
      const collation = name().toUpperCase();
      if (collation !== 'NOCASE' && collation !== 'BINARY') throw new IndexSyntaxError(`unsupported collation ${collation}`);
      col.nocase = collation === 'NOCASE';
    }
    if (peekWord('ASC') || peekWord('DESC')) col.order = toks[p++]!.v.toUpperCase() as 'ASC' | 'DESC';
    columns.push(col);
    const t = toks[p++];
    if (t?.v === ',') continue;
    if (t?.v === ')') break;
    throw new IndexSyntaxError('expected , or )');
  }
  const where: WhereToken[] = [];
  if (p < toks.length) {
    expectWord('WHERE');
    let depth = 0;
    while (p < toks.length) {
      const t = toks[p++]!;
      if (t.t === 'string') where.push({ kind: 'string', value: t.v });
      else if (t.t === 'number') where.push({ kind: 'number', value: t.v });
      else if (t.t === 'punct') {
        if (t.v === ',') throw new IndexSyntaxError('unexpected , in WHERE');
        if (t.v === '(') depth++;
        if (t.v === ')' && --depth < 0) throw new IndexSyntaxError('unbalanced )');
        where.push({ kind: 'op', value: t.v === '<>' ? '!=' : t.v });
      } else if (t.t === 'word' && WHERE_WORDS.has(t.v.toUpperCase())) where.push({ kind: 'op', value: t.v.toUpperCase() });
      else where.push({ kind: 'column', name: t.v });
    }
    if (depth !== 0) throw new IndexSyntaxError('unbalanced (');
    if (where.length === 0) throw new IndexSyntaxError('empty WHERE');
  }
  if (columns.length === 0) throw new IndexSyntaxError('no columns');
  return { unique, name: indexName, table, columns, where };
}

/** The CREATE INDEX statement for an engine, on the given table. */
export function indexSql(index: ParsedIndex, table: string, dialect: DialectName): string {
  const cols = index.columns
    .map((c) => {
      const col = quoteIdent(c.name);
      const expr = c.lower || (c.nocase && dialect === 'postgres') ? `lower(${col})` : c.nocase ? `${col} COLLATE NOCASE` : col;
      return c.order ? `${expr} ${c.order}` : expr;
    })
    .join(', ');
  const where = index.where.length ? ` WHERE ${whereSql(index.where)}` : '';
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(index.name)} ON ${quoteIdent(table)} (${cols})${where}`;
}

function whereSql(tokens: WhereToken[]): string {
  return tokens
    .map((t) => {
      switch (t.kind) {
        case 'column': return quoteIdent(t.name);
        case 'string': return `'${t.value.replace(/'/g, "''")}'`;
        case 'number': return t.value;
        case 'op': return t.value;
      }
    })
    .join(' ');
}

/** The definition in PocketBase's string form, with the table name given. */
export function indexString(index: ParsedIndex, table: string): string {
  const cols = index.columns
    .map((c) => `${c.lower ? `lower(\`${c.name}\`)` : `\`${c.name}\``}${c.nocase ? ' COLLATE NOCASE' : ''}${c.order ? ` ${c.order}` : ''}`)
    .join(', ');
  const where = index.where.length
    ? ` WHERE ${index.where.map((t) => (t.kind === 'column' ? `\`${t.name}\`` : t.kind === 'string' ? `'${t.value.replace(/'/g, "''")}'` : t.value)).join(' ')}`
    : '';
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX \`${index.name}\` ON \`${table}\` (${cols})${where}`;
}

/** The names of the columns an index refers to (key columns and WHERE columns). */
export function indexColumnNames(index: ParsedIndex): string[] {
  return [...index.columns.map((c) => c.name), ...index.where.flatMap((t) => (t.kind === 'column' ? [t.name] : []))];
}
