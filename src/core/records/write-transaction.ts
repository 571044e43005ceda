/**
 * The transaction around one record write, shared by create and update: the write
 * scope (effects held until the commit), the lifecycle hooks around the statement,
 * and the translation of unique violations into field errors.
 */
import type { Executor } from '../../store/store.js';
import { UniqueViolation } from '../../store/store.js';
import type { Collection } from '../collections/collection.js';
import { ApiError, badRequest, type ErrorData } from '../errors.js';
import type { RecordDeps } from './deps.js';
import type { LifecycleAction } from './record-lifecycle.js';
import { retryOnLockConflict } from './retry.js';
import { uniqueViolationErrors } from './unique-errors.js';
import { closeScope, openScope, type WriteScope } from './write-scope.js';

type Values = Record<string, unknown>;

export function throwIfErrors(errors: ErrorData, message: string): void {
  if (Object.keys(errors).length) throw badRequest(message, errors);
}

export interface WriteOptions {
  /** The body recomputes everything from its inputs: it may run again after a lock conflict. */
  rerunnable?: boolean;
  /** A single statement needing no transaction (no hooks, rules or checks to keep consistent with it). */
  lone?: boolean;
}

/**
 * Runs a write's body in a transaction (or alone), then hands the scope's effects
 * (record changes, file deletions) to `deps` once committed.
 */
export async function inTransaction<T>(
  deps: RecordDeps, collection: Collection, message: string, fn: (tx: Executor, scope: WriteScope) => Promise<T>, options: WriteOptions = {},
): Promise<T> {
  let scope: WriteScope | undefined;
  const run = (tx: Executor) => {
    scope = openScope(deps, tx);
    return fn(tx, scope);
  };
  try {
    const result = options.lone
      ? await run(deps.store)
      : await (options.rerunnable ? retryOnLockConflict(() => deps.store.transaction(run)) : deps.store.transaction(run));
    await closeScope(deps, scope!);
    return result;
  } catch (err) {
    if (err instanceof UniqueViolation) throw new ApiError(400, message, uniqueViolationErrors(collection, err));
    throw err;
  }
}

/**
 * Runs the statement of a write, inside the lifecycle hooks when there are any; the
 * record they leave is validated again (`revalidate`) before the statement runs. The
 * change is recorded in the scope only when the statement ran (a handler may stop the
 * chain). Returns the record as written.
 */
export async function executeWrite(
  scope: WriteScope, action: LifecycleAction, collection: Collection, record: Values, original: Values | undefined,
  revalidate: (record: Values) => void, statement: (record: Values) => Promise<void>, toRow: (record: Values) => Record<string, unknown>,
): Promise<Values> {
  const lifecycle = scope.deps.lifecycle;
  let written = false;
  const execute = async (final: Values) => {
    await statement(final);
    written = true;
  };
  if (!lifecycle?.has(action, collection)) {
    await execute(record);
    scope.changes.push({ action, collection, row: toRow(record) });
    return record;
  }
  const before = fingerprint(record);
  const final = await lifecycle.around(action, collection, record, original, scope.deps, async (changed) => {
    // Validated again only when the handlers changed something (it all passed already).
    if (changed !== record || !sameFingerprint(before, fingerprint(changed))) revalidate(changed);
    await execute(changed);
  });
  if (written) scope.changes.push({ action, collection, row: toRow(final) });
  return final;
}

/** The record's values, objects and arrays as JSON text (so changes made in place show). */
function fingerprint(record: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(record)) out[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
  return out;
}

function sameFingerprint(a: Values, b: Values): boolean {
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
}
