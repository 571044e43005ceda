/**
 * Creating the first superuser with the setup token: refused once any superuser
 * exists or when the token is wrong or expired. The token is claimed (deleted) before
 * the record is created, so two concurrent requests cannot both succeed; a create that
 * fails validation puts the claim back so the person can correct the form.
 */
import type { GalleyCore } from '../galley-core.js';
import { SUPERUSERS } from '../collections/defaults.js';
import { createRecord } from '../records/record-writer.js';
import { systemAccess } from '../rules/rule-access.js';
import { SUPERUSER_SYSTEM } from '../auth/request-auth.js';
import { badRequest, forbidden } from '../errors.js';
import { checkInstallToken, hasSuperuser, INSTALL_TOKEN_KEY as KEY } from './install-token.js';


export async function installFirstSuperuser(core: GalleyCore, body: Record<string, unknown>): Promise<void> {
  const store = core.store;
  if (await hasSuperuser(store)) throw badRequest('A superuser already exists; sign in instead.');
  const token = typeof body.token === 'string' ? body.token : '';
  if (!(await checkInstallToken(store, token))) throw forbidden('The setup link is invalid or has expired. Restart the server for a new one.');
  const p = store.dialect.placeholder;
  const row = await store.get(`SELECT "value" FROM "_params" WHERE "id" = ${p(1)}`, [KEY]);
  const claimed = await store.run(`DELETE FROM "_params" WHERE "id" = ${p(1)}`, [KEY]);
  if (claimed === 0 || !row) throw forbidden('The setup link is invalid or has expired. Restart the server for a new one.');
  const values = { email: body.email, password: body.password, passwordConfirm: body.passwordConfirm };
  try {
    await createRecord(core.recordDeps, core.collections.get(SUPERUSERS), values, systemAccess(core.collections.registry, SUPERUSER_SYSTEM));
  } catch (err) {
    await store.run(`INSERT INTO "_params" ("id", "value") VALUES (${p(1)}, ${p(2)}) ON CONFLICT ("id") DO NOTHING`, [KEY, row.value]);
    throw err;
  }
}
