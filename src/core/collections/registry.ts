/** The loaded collections, found by id or (case-insensitive) name. */
import type { DialectName } from '../../store/dialect.js';
import { NO_FEATURES, type StoreFeatures } from '../../store/store-features.js';
import { Collection } from './collection.js';
import type { CollectionModel } from './model.js';

export class CollectionRegistry {
  private byId = new Map<string, Collection>();
  private byName = new Map<string, Collection>();

  /** Changes whenever a collection is added, changed or removed (for caches built on the schema). */
  version = 0;

  constructor(readonly dialect: DialectName, readonly features: StoreFeatures = NO_FEATURES) {}

  replaceAll(models: CollectionModel[]): void {
    this.version++;
    this.byId = new Map();
    this.byName = new Map();
    for (const m of models) this.put(m);
  }

  put(model: CollectionModel): Collection {
    this.version++;
    const old = this.byId.get(model.id);
    if (old) this.byName.delete(old.name.toLowerCase());
    const c = new Collection(model, this.dialect, this.features);
    this.byId.set(model.id, c);
    this.byName.set(model.name.toLowerCase(), c);
    return c;
  }

  remove(id: string): void {
    const c = this.byId.get(id);
    if (!c) return;
    this.version++;
    this.byId.delete(id);
    this.byName.delete(c.name.toLowerCase());
  }

  /** By id first, then by name (ids and names may both be given in URLs). */
  find(idOrName: string): Collection | undefined {
    return this.byId.get(idOrName) ?? this.byName.get(idOrName.toLowerCase());
  }

  all(): Collection[] {
    return [...this.byId.values()];
  }
}
