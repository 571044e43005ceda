/**
 * List totals kept per instance and reused while nothing they counted has changed.
 * A total is stored with the data versions of every collection its COUNT reads
 * (the listed one, and any a rule or filter joins), and keyed by the COUNT's SQL text
 * and parameters, which hold the rule, the filter and the caller's values. Totals stay
 * exact: a write to any of those collections, from any instance, moves a version
 * before it is acknowledged, and the next request counts again.
 *
 * Entries hang off the Collection object, so a schema reload (new objects) drops them;
 * any other schema change is in the stamp (the registry's version).
 */
import type { Collection } from '../collections/collection.js';
import type { DataVersions } from './data-versions.js';

interface Entry { stamp: string; total: number }

interface CollectionCounts {
  totals: Map<string, Entry>;
  /** SQL text → ids of the collections it reads. */
  reads: Map<string, string[]>;
}

const MAX_ENTRIES = 2000;

export class CountCache {
  private byCollection = new WeakMap<Collection, CollectionCounts>();
  /** Versions the caller already read (for a superset of collections), reused instead of reading again. */
  private known: { ids: ReadonlySet<string>; stamp: string } | undefined;

  constructor(
    private readonly versions: DataVersions,
    private readonly registry: { all(): readonly Collection[]; version: number },
  ) {}

  /**
   * The same cache, reusing versions the caller has just read for these collections
   * (an HTTP validator did, for the same request): one round trip instead of two on
   * PostgreSQL when the count reads only some of them. A stamp of more collections
   * only makes a total recounted more often, never kept too long.
   */
  knowing(collectionIds: readonly string[], stamp: string): CountCache {
    const view = Object.create(this) as CountCache;
    view.known = { ids: new Set(collectionIds), stamp };
    return view;
  }

  async total(collection: Collection, sql: string, params: readonly unknown[], count: () => Promise<number>): Promise<number> {
    let counts = this.byCollection.get(collection);
    if (!counts) this.byCollection.set(collection, (counts = { totals: new Map(), reads: new Map() }));
    let reads = counts.reads.get(sql);
    if (!reads) {
      reads = collectionsRead(sql, this.registry.all());
      remember(counts.reads, sql, reads);
    }
    // System collections (names starting with "_") are also written outside the record writer: always counted.
    if (reads.some((id) => this.registry.all().find((c) => c.id === id)?.name.startsWith('_'))) return count();
    const key = params.length ? `${sql}\0${JSON.stringify(params)}` : sql;
    // A schema change anywhere may change what the same SQL text counts.
    const known = this.known;
    const versions = known && reads.every((id) => known.ids.has(id)) ? known.stamp : await this.versions.stamp(reads);
    const stamp = `${this.registry.version}|${known && versions === known.stamp ? 'k' : ''}${versions}`;
    const hit = counts.totals.get(key);
    if (hit && hit.stamp === stamp) return hit.total;
    const total = await count();
    remember(counts.totals, key, { stamp, total });
    return total;
  }
}

/**
 * The collections whose table a statement names. Every table reference Galley
 * generates is a quoted identifier; a column that happens to share a collection's
 * name only adds a collection to watch, never hides one.
 */
export function collectionsRead(sql: string, collections: readonly Collection[]): string[] {
  const names = new Set<string>();
  for (const m of sql.matchAll(/"((?:[^"]|"")+)"/g)) names.add(m[1]!.replaceAll('""', '"'));
  return collections.filter((c) => names.has(c.name)).map((c) => c.id).sort();
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_ENTRIES && !map.has(key)) map.delete(map.keys().next().value!);
  map.set(key, value);
}
