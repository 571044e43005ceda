/** Everything a filter compiles against. */
import type { DialectName } from '../../store/dialect.js';
import type { Collection } from '../collections/collection.js';
import type { CollectionRegistry } from '../collections/registry.js';
import type { RequestData } from './request-data.js';
import type { SqlParams } from './sql-params.js';
import type { InputLog } from './compile-inputs.js';

export interface CompileContext {
  registry: CollectionRegistry;
  dialect: DialectName;
  params: SqlParams;
  request: RequestData;
  /** Superusers may filter on hidden fields and traverse any relation. */
  isSuperuser: boolean;
  /**
   * A client's filter/sort (true) or an API rule (false): client expressions may not
   * read hidden fields and see related collections only through their list rule.
   */
  client: boolean;
  /** Where the request and clock values the compilation reads are logged, when it is to be reused. */
  inputs?: InputLog;
}

/** The table a path starts from: the main collection (alias "_m") or a joined one. */
export interface PathRoot {
  collection: Collection;
  alias: string;
}

export const MAIN_ALIAS = '_m';
export const MAX_RELATION_DEPTH = 6;
