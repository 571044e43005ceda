/**
 * `search("query")` and `search(field, "query")` (docs/search.md): full-text search
 * over the collection's searchable fields, as a condition in filters and rules, and
 * the relevance of a filter's first search() for the `@rank` sort key. A client's
 * search never reads hidden fields: naming one is refused, and a search over all
 * fields leaves them out, so neither the rows found nor their order depend on them.
 */
import type { Expr, Operand as AstOperand } from './ast.js';
import { FilterError, printable } from './filter-error.js';
import type { CompileContext, PathRoot } from './compile-context.js';
import { searchableFields } from '../../search/options.js';
import { parseSearchQuery, SearchSyntaxError, type SearchQuery } from '../../search/query.js';
import { searchIndexFor } from '../../search/engines.js';
import type { SearchTarget } from '../../search/search-index.js';

export type FuncNode = Extract<AstOperand, { kind: 'func' }>;

const queries = new Map<string, SearchQuery | SearchSyntaxError>();

/** The parsed query (cached per text, as filters are). */
function parsedQuery(text: string, pos: number): SearchQuery {
  let entry = queries.get(text);
  if (!entry) {
    try {
      entry = parseSearchQuery(text);
    } catch (err) {
      if (!(err instanceof SearchSyntaxError)) throw err;
      entry = err;
    }
    if (queries.size > 5000) queries.clear();
    queries.set(text, entry);
  }
  if (entry instanceof SearchSyntaxError) throw new FilterError(`invalid search query at position ${pos}: ${entry.message}`, pos);
  return entry;
}

function resolveSearch(node: FuncNode, root: PathRoot, ctx: CompileContext): { target: SearchTarget; query: SearchQuery } {
  const { collection } = root;
  if (node.args.length < 1 || node.args.length > 2)
    throw new FilterError(`search() takes a query, or a field and a query (position ${node.pos})`, node.pos);
  const queryNode = node.args.at(-1)!;
  if (queryNode.kind !== 'text') throw new FilterError(`the search() query must be a quoted text (position ${node.pos})`, node.pos);
  const searchable = searchableFields(collection.model);
  if (!searchable.length) throw new FilterError(`collection "${collection.name}" has no searchable fields (position ${node.pos})`, node.pos);
  const mayReadHidden = !ctx.client || ctx.isSuperuser;
  let fields = searchable;
  if (node.args.length === 2) {
    const fieldNode = node.args[0]!;
    if (fieldNode.kind !== 'ident') throw new FilterError(`the first search() argument must be a field name (position ${node.pos})`, node.pos);
    const field = collection.field(fieldNode.name)?.model;
    if (field?.hidden && !mayReadHidden) throw new FilterError(`"${printable(fieldNode.name)}" is not a filterable field (position ${fieldNode.pos})`, fieldNode.pos);
    if (!field || !searchable.includes(field))
      throw new FilterError(`"${printable(fieldNode.name)}" is not a searchable field of "${collection.name}" (position ${fieldNode.pos})`, fieldNode.pos);
    fields = [field];
  } else if (!mayReadHidden) {
    fields = searchable.filter((f) => !f.hidden);
    if (!fields.length) throw new FilterError(`collection "${collection.name}" has no searchable fields (position ${node.pos})`, node.pos);
  }
  const query = parsedQuery(queryNode.value, queryNode.pos);
  return { target: { model: collection.model, alias: root.alias, fields, all: fields.length === searchable.length }, query };
}

/** The condition of a search() call. */
export function searchCondition(node: FuncNode, root: PathRoot, ctx: CompileContext): string {
  const { target, query } = resolveSearch(node, root, ctx);
  return searchIndexFor(ctx.dialect).condition(target, query, ctx.params);
}

/** The relevance of a search() call per row, smaller is better. */
export function searchRank(node: FuncNode, root: PathRoot, ctx: CompileContext): string {
  const { target, query } = resolveSearch(node, root, ctx);
  return searchIndexFor(ctx.dialect).rank(target, query, ctx.params);
}

/** The first search() call of a filter, if any (what `@rank` ranks by). */
export function firstSearchCall(expr: Expr): FuncNode | undefined {
  const inOperand = (o: AstOperand): FuncNode | undefined =>
    o.kind !== 'func' ? undefined : o.name === 'search' ? o : o.args.map(inOperand).find(Boolean);
  switch (expr.kind) {
    case 'call': return inOperand(expr.call);
    case 'cmp': return inOperand(expr.left) ?? inOperand(expr.right);
    default: return firstSearchCall(expr.left) ?? firstSearchCall(expr.right);
  }
}
