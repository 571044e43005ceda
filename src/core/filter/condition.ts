/**
 * The filter module's entry points: a rule or client filter (source text) → a SQL
 * condition over the main collection (alias "_m"), parameterised, for one request.
 * Parsing is cached per source text; resolution is per request because `@request.*`
 * values shape the SQL (an empty auth id, say, compiles to a constant).
 */
import type { Collection } from '../collections/collection.js';
import { quoteIdent } from '../../store/dialect.js';
import type { CollectionRegistry } from '../collections/registry.js';
import type { Expr } from './ast.js';
import { parseFilter } from './parser.js';
import { FilterError } from './filter-error.js';
import { AliasCounter, JoinScope } from './join-scope.js';
import { compileExpr, TRUE_SQL } from './compile.js';
import { restrictionCompiler } from './resolve-field-path.js';
import { MAIN_ALIAS, type CompileContext } from './compile-context.js';
import type { RequestData } from './request-data.js';
import type { SqlParams } from './sql-params.js';
import type { InputLog } from './compile-inputs.js';

export const MAX_FILTER_LENGTH = 3500;

const parsed = new Map<string, Expr | FilterError>();

/** The syntax tree of a source text (cached); throws FilterError. */
export function parseCached(source: string): Expr {
  let entry = parsed.get(source);
  if (!entry) {
    try {
      if (source.length > MAX_FILTER_LENGTH) throw new FilterError(`the expression is longer than ${MAX_FILTER_LENGTH} characters`);
      entry = parseFilter(source);
    } catch (err) {
      if (!(err instanceof FilterError)) throw err;
      entry = err;
    }
    if (parsed.size > 5000) parsed.clear();
    parsed.set(source, entry);
  }
  if (entry instanceof FilterError) throw entry;
  return entry;
}

/** A FilterError that also says which part of a condition it came from. */
export class PartError extends FilterError {
  constructor(message: string, readonly part: number) {
    super(message);
  }
}

export interface ConditionPart {
  source: string;
  /** A client's filter (hidden fields and related list rules enforced) or an API rule. */
  client: boolean;
}

export interface ConditionOptions {
  registry: CollectionRegistry;
  params: SqlParams;
  request: RequestData;
  isSuperuser: boolean;
  inputs?: InputLog;
}

/**
 * The parts ANDed into one condition over `_m`; joins shared between the parts so
 * one relation path is one joined row, as in PocketBase.
 */
export function compileCondition(collection: Collection, parts: ConditionPart[], options: ConditionOptions, alias = MAIN_ALIAS): string {
  const scope = new JoinScope(new AliasCounter());
  const root = { collection, alias };
  const sql = parts.map((part, i) => {
    const ctx: CompileContext = { ...options, dialect: collection.dialect, client: part.client };
    try {
      return compileExpr(parseCached(part.source), root, scope, ctx);
    } catch (err) {
      if (err instanceof FilterError) throw new PartError(err.message, i);
      throw err;
    }
  });
  // A part known to hold (a rule that folded to TRUE) restricts nothing; it added no parameter.
  const kept = sql.filter((s) => s !== TRUE_SQL);
  if (kept.length === 0) return scope.joins.length === 0 ? TRUE_SQL : scope.wrap(TRUE_SQL);
  return scope.wrap(kept.length === 1 ? kept[0]! : `(${kept.join(' AND ')})`);
}

// A related collection's list rule, applied inside the JOIN of a client filter (3.8).
restrictionCompiler.compile = (target, rule, alias, ctx) =>
  `${quoteIdent(alias)}."id" IN (SELECT "_t"."id" FROM ${quoteIdent(target.name)} AS "_t" WHERE ${compileCondition(target, [{ source: rule, client: false }], ctx, '_t')})`;
