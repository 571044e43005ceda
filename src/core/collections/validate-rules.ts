/**
 * API rules are checked when a collection is saved: each must parse and resolve
 * against the definition being saved (and the other collections), so a typo is a
 * `validation_invalid_rule` now rather than a failing request later.
 */
import { fieldError, type ErrorData } from '../errors.js';
import { compileCondition } from '../filter/condition.js';
import { FilterError, printable } from '../filter/filter-error.js';
import { EMPTY_REQUEST } from '../filter/request-data.js';
import { SqlParams } from '../filter/sql-params.js';
import { AUTH_RULE_KEYS, RULE_KEYS, type CollectionModel } from './model.js';
import { CollectionRegistry } from './registry.js';

export function validateRuleExpressions(model: CollectionModel, registry: CollectionRegistry, errors: ErrorData): void {
  const scratch = new CollectionRegistry(registry.dialect);
  scratch.replaceAll([...registry.all().map((c) => c.model).filter((m) => m.id !== model.id), model]);
  const collection = scratch.find(model.id);
  if (!collection) return;
  const keys = model.type === 'auth' ? [...RULE_KEYS, ...AUTH_RULE_KEYS] : RULE_KEYS;
  for (const key of keys) {
    const rule = model[key];
    if (typeof rule !== 'string' || rule.trim() === '' || errors[key]) continue;
    try {
      compileCondition(collection, [{ source: rule, client: false }], {
        registry: scratch, params: new SqlParams(registry.dialect), request: EMPTY_REQUEST, isSuperuser: false,
      });
    } catch (err) {
      if (!(err instanceof FilterError)) throw err;
      errors[key] = fieldError('validation_invalid_rule', `Invalid rule: ${printable(err.message)}.`);
    }
  }
}
