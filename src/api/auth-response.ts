/**
 * The response of every successful sign-in (API spec 5.1): a token and the record as
 * its owner sees it (email included, `expand` honoured), after the collection's
 * authRule has accepted the record and, for auth methods, MFA (5.6) has passed.
 */
import type { FastifyRequest } from 'fastify';
import type { GalleyCore } from '../core/galley-core.js';
import { ApiError, forbidden } from '../core/errors.js';
import type { Collection } from '../core/collections/collection.js';
import { signRecordToken } from '../core/auth/tokens.js';
import { rowToValues, serializeRecord } from '../core/records/serialize.js';
import { getAccessibleRecord } from '../core/records/record-reader.js';
import { expandRecords } from '../core/records/expand.js';
import type { Row } from '../store/store.js';
import { accessContext } from './access-context.js';
import { eventRequest } from './request-event.js';
import { enforceMfa } from '../core/auth/mfa-flow.js';
import { withRequest } from '../core/filter/request-data.js';

export interface TokenOptions {
  /** An existing token to send back as is (refresh of a non-refreshable token). */
  token?: string;
  refreshable?: boolean;
  durationSeconds?: number;
  /** The auth method, as `@request.context` when the authRule is evaluated (default `password`). */
  context?: string;
  /** Set by auth methods (password, otp, oauth2), never by refresh/impersonate: MFA applies, with the client's mfaId ('' if none). */
  mfa?: { mfaId: string };
}

export async function authResponse(core: GalleyCore, collection: Collection, row: Row, request: FastifyRequest, opts: TokenOptions = {}) {
  const context = opts.context ?? 'password';
  await checkAuthRule(core, collection, row, request, context);
  if (opts.mfa) {
    await enforceMfa(core.store, collection, String(row.id), {
      method: context, mfaId: opts.mfa.mfaId, matchesRule: (rule) => matchesRule(core, collection, row, request, context, rule),
    });
  }
  const auth = { record: rowToValues(collection, row), collection, isSuperuser: collection.isSuperusers };
  const record = serializeRecord(collection, row, auth);
  record.email = row.email; // the owner always sees their own email
  const expand = (request.query as Record<string, unknown>).expand;
  if (typeof expand === 'string' && expand !== '') {
    // Expanded as the record that just signed in sees it.
    const base = accessContext(request, core);
    await expandRecords(core.store, collection, [row], [record], expand, {
      auth, registry: base.registry, request: withRequest(base.request, { auth: auth.record, authCollection: { id: collection.id, name: collection.name } }),
    });
  }
  const token = opts.token ?? (await signRecordToken(collection, row as { id: string; tokenKey: string }, 'auth', { refreshable: opts.refreshable ?? true }, opts.durationSeconds));
  const response: { token: string; record: Record<string, unknown> } = { token, record };
  const hook = core.hooks.onRecordAuthRequest;
  const tags = [collection.name, collection.id];
  if (hook.isEmpty(tags)) return response;
  // Handlers may change the response, or refuse the sign-in by not calling next() (or throwing).
  const e = { app: core.app(), collection: collection.model, request: eventRequest(request), record: auth.record, method: context, response };
  let allowed = false;
  await hook.trigger(e, () => { allowed = true; }, tags);
  if (!allowed) throw forbidden('The authentication was refused.');
  return e.response as typeof response;
}

/** authRule: `""` lets every authenticated record in; `null` disables sign-in; other rules need the filter engine. */
async function checkAuthRule(core: GalleyCore, collection: Collection, row: Row, request: FastifyRequest, context: string): Promise<void> {
  const rule = collection.model.authRule;
  if (rule === '' || rule === undefined) return;
  const denied = () => forbidden("The request doesn't satisfy the collection requirements to authenticate.");
  if (rule === null) throw denied();
  if (!(await matchesRule(core, collection, row, request, context, rule))) throw denied();
}

/** Whether a (non-empty) rule accepts the record signing in, which is also @request.auth. */
async function matchesRule(core: GalleyCore, collection: Collection, row: Row, request: FastifyRequest, context: string, rule: string): Promise<boolean> {
  const record = rowToValues(collection, row);
  const base = accessContext(request, core, context);
  const ctx = { auth: { record, collection, isSuperuser: false }, registry: base.registry, request: withRequest(base.request, { auth: record, authCollection: { id: collection.id, name: collection.name } }) };
  try {
    await getAccessibleRecord(core.store, collection, String(row.id), { kind: 'rule', rule }, ctx);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return false;
    throw err;
  }
}

