/**
 * The per-engine side of full-text search: the DDL that keeps an index of a
 * collection's searchable fields in step with its table, and the SQL that searches
 * and ranks through it. One implementation per engine (sqlite-search.ts,
 * postgres-search.ts); the same test suite runs against both.
 */
import type { CollectionModel } from '../core/collections/model.js';
import type { FieldModel } from '../core/fields/field.js';
import type { SqlParams } from '../core/filter/sql-params.js';
import type { SearchQuery } from './query.js';

/** What one search() reads: a collection row (by alias) and the fields it may look at. */
export interface SearchTarget {
  model: CollectionModel;
  alias: string;
  /** The fields searched: all searchable ones, or those the caller named or may see. */
  fields: FieldModel[];
  /** True when fields are all the searchable fields (the index answers alone). */
  all: boolean;
}

export interface SearchIndex {
  /** Statements that build the index of a definition whose table exists (with its rows). */
  create(model: CollectionModel): string[];
  /** Statements that remove the index of a definition (run before its table changes or goes). */
  drop(model: CollectionModel): string[];
  /** A condition that holds for the rows the query matches. */
  condition(target: SearchTarget, query: SearchQuery, params: SqlParams): string;
  /** A relevance value per row: smaller is better (NULL never: rows that do not match sort last). */
  rank(target: SearchTarget, query: SearchQuery, params: SqlParams): string;
}
