/**
 * A loaded collection: its definition plus what is derived from it once (field
 * lookup, column list) and a cache of SQL text per query shape, thrown away with
 * the object whenever the definition changes.
 */
import type { DialectName } from '../../store/dialect.js';
import { NO_FEATURES, type StoreFeatures } from '../../store/store-features.js';
import type { FieldModel } from '../fields/field.js';
import type { FieldType } from '../fields/field.js';
import { typeOf } from '../fields/registry.js';
import type { CollectionModel } from './model.js';
import { SUPERUSERS_ID } from './defaults.js';

export interface BoundField {
  model: FieldModel;
  type: FieldType;
}

export class Collection {
  readonly fields: BoundField[];
  private readonly byName = new Map<string, BoundField>();
  private readonly sqlCache = new Map<string, string>();

  constructor(
    readonly model: CollectionModel,
    readonly dialect: DialectName,
    /** The store's optional features (pgvector), for the fields whose storage depends on them. */
    readonly features: StoreFeatures = NO_FEATURES,
  ) {
    this.fields = model.fields.map((f) => ({ model: f, type: typeOf(f.type) }));
    for (const f of this.fields) this.byName.set(f.model.name, f);
  }

  get id() { return this.model.id; }
  get name() { return this.model.name; }
  get isAuth() { return this.model.type === 'auth'; }
  get isView() { return this.model.type === 'view'; }
  get isSuperusers() { return this.model.id === SUPERUSERS_ID; }

  field(name: string): BoundField | undefined {
    return this.byName.get(name);
  }

  /** SQL text for a query shape, built at most once per definition. */
  sql(key: string, build: () => string): string {
    let sql = this.sqlCache.get(key);
    if (sql === undefined) {
      if (this.sqlCache.size > 500) this.sqlCache.clear(); // bound the variety of client-chosen shapes
      sql = build();
      this.sqlCache.set(key, sql);
    }
    return sql;
  }
}
