/**
 * The `filter` of the collections list (API spec 4.5): the filter language over the
 * fields id, name, type, system, created and updated of each definition. The
 * definitions are handed to the engine as a parameterised derived table, so the same
 * compiler and SQL semantics apply as for records.
 */
import type { Store } from '../../store/store.js';
import { Collection } from './collection.js';
import { CollectionRegistry } from './registry.js';
import { completeField, newCollection } from './defaults.js';
import type { CollectionModel } from './model.js';
import { compileCondition, PartError } from '../filter/condition.js';
import { SqlParams } from '../filter/sql-params.js';
import { EMPTY_REQUEST } from '../filter/request-data.js';
import { badRequest } from '../errors.js';

function definitionsCollection(store: Store): { collection: Collection; registry: CollectionRegistry } {
  const model = newCollection('base', '_definitions', '_definitions');
  model.fields.push(
    ...['name', 'type', 'created', 'updated'].map((name) => completeField({ name, type: 'text' })),
    completeField({ name: 'system', type: 'bool' }),
  );
  const registry = new CollectionRegistry(store.dialect.name);
  registry.replaceAll([model]);
  return { collection: registry.find('_definitions')!, registry };
}

export async function filterDefinitions(store: Store, models: CollectionModel[], filter: string): Promise<CollectionModel[]> {
  if (models.length === 0) return models;
  const { collection, registry } = definitionsCollection(store);
  const params = new SqlParams(store.dialect.name);
  const rows = models.map((m) =>
    `SELECT ${params.add(m.id)} AS "id", ${params.add(m.name)} AS "name", ${params.add(m.type)} AS "type", ` +
    `${params.add(m.created)} AS "created", ${params.add(m.updated)} AS "updated", ${params.add(m.system, 'bool')} AS "system"`);
  let condition: string;
  try {
    condition = compileCondition(collection, [{ source: filter, client: false }], { registry, params, request: EMPTY_REQUEST, isSuperuser: true });
  } catch (err) {
    if (err instanceof PartError) throw badRequest(`Invalid filter: ${err.message}`);
    throw err;
  }
  const found = await store.all(`SELECT "_m"."id" AS "id" FROM (${rows.join(' UNION ALL ')}) AS "_m" WHERE ${condition}`, params.values);
  const ids = new Set(found.map((r) => String(r.id)));
  return models.filter((m) => ids.has(m.id));
}
