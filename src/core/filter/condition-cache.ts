/**
 * Compiled conditions, reused. An API rule is compiled for every request, and its SQL
 * depends on the request's values (`owner = @request.auth.id` compiles to a constant
 * for a guest): a compilation is kept with the inputs it read (compile-inputs.ts) and
 * serves any later request whose inputs have the same values — the same user, say.
 * Schema changes empty the cache.
 */
import type { Collection } from '../collections/collection.js';
import type { CollectionRegistry } from '../collections/registry.js';
import { compileCondition, type ConditionOptions, type ConditionPart } from './condition.js';
import { InputLog, inputKey, type Input } from './compile-inputs.js';

interface Compiled {
  sql: string;
  params: unknown[];
}

interface Entry {
  collection: Collection;
  inputs: readonly Input[];
  variants: Map<string, Compiled>;
}

interface Cache {
  version: number;
  entries: Map<string, Entry>;
  /** Compilations held, all entries together. */
  size: number;
}

// Client filters and per-user variants are open-ended: at most this many compilations
// (a few hundred bytes each) are kept; past it the cache starts again empty.
const MAX_COMPILATIONS = 10_000;
const MAX_KEY_LENGTH = 1000;

const caches = new WeakMap<CollectionRegistry, Cache>();

function cacheOf(registry: CollectionRegistry): Cache {
  let cache = caches.get(registry);
  if (!cache || cache.version !== registry.version || cache.size >= MAX_COMPILATIONS) {
    cache = { version: registry.version, entries: new Map(), size: 0 };
    caches.set(registry, cache);
  }
  return cache;
}

/** compileCondition, answered from the cache when a compilation with equal inputs is there. */
export function compileConditionCached(collection: Collection, parts: ConditionPart[], options: ConditionOptions, alias?: string): string {
  const cache = cacheOf(options.registry);
  const entries = cache.entries;
  // Placeholders are numbered from the parameters already added: part of the key.
  let key = `${collection.id}\0${alias ?? ''}\0${options.isSuperuser ? 1 : 0}\0${options.params.size}`;
  for (const part of parts) key += `\0${part.client ? 'c' : 'r'}${part.source}`;

  const entry = entries.get(key);
  if (entry && entry.collection === collection) {
    const hit = entry.variants.get(inputKey(entry.inputs, options.request));
    if (hit) {
      options.params.append(hit.params);
      return hit.sql;
    }
  }

  const start = options.params.size;
  const log = new InputLog();
  const sql = compileCondition(collection, parts, { ...options, inputs: log }, alias);
  const variant = log.key;
  if (variant.length > MAX_KEY_LENGTH) return sql;
  let target = entry;
  if (!target || target.collection !== collection || !sameInputs(target.inputs, log.inputs)) {
    if (target) cache.size -= target.variants.size;
    target = { collection, inputs: log.inputs, variants: new Map() };
    entries.set(key, target);
  }
  target.variants.set(variant, { sql, params: options.params.since(start) });
  cache.size++;
  return sql;
}

function sameInputs(a: readonly Input[], b: readonly Input[]): boolean {
  return a.length === b.length && a.every((x, i) => sameInput(x, b[i]!));
}

function sameInput(a: Input, b: Input): boolean {
  if ('macro' in a || 'macro' in b) return 'macro' in a && 'macro' in b && a.macro === b.macro;
  return a.area === b.area && a.path.length === b.path.length && a.path.every((k, i) => k === b.path[i]);
}
