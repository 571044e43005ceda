/** The search index implementation of each engine. */
import type { DialectName } from '../store/dialect.js';
import type { SearchIndex } from './search-index.js';
import { sqliteSearch } from './sqlite-search.js';
import { postgresSearch } from './postgres-search.js';

export const searchIndexFor = (dialect: DialectName): SearchIndex => (dialect === 'sqlite' ? sqliteSearch : postgresSearch);
