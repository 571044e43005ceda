/**
 * `galley superuser create|upsert|delete|ips`: manage superusers without the API.
 * `ips` shows or replaces the superuser IP allow-list (`ips --clear` lifts it): the way
 * back in for an operator locked out of the API by the `superuserIPs` setting.
 */
import { Command } from 'commander';
import { resolveConfig } from '../config.js';
import { GalleyCore } from '../core/galley-core.js';
import { SUPERUSER_SYSTEM } from '../core/auth/request-auth.js';
import { createRecord, updateRecord } from '../core/records/record-writer.js';
import { deleteRecord } from '../core/records/record-deleter.js';
import { SUPERUSERS } from '../core/collections/defaults.js';
import { ApiError, isFieldError } from '../core/errors.js';
import { quoteIdent } from '../store/dialect.js';
import { systemAccess } from '../core/rules/rule-access.js';
import { addDbOptions, type DbFlags } from './db-options.js';

async function withCore<T>(flags: DbFlags, fn: (core: GalleyCore) => Promise<T>): Promise<T> {
  const core = await GalleyCore.open(resolveConfig(flags));
  try {
    return await fn(core);
  } catch (err) {
    if (err instanceof ApiError) throw new Error(describe(err));
    throw err;
  } finally {
    await core.close();
  }
}

/** "Failed to create record. email: Must be a valid email address." */
function describe(err: ApiError): string {
  const parts = Object.entries(err.data).map(([k, v]) => `${k}: ${isFieldError(v) ? v.message : JSON.stringify(v)}`);
  return [err.message, ...parts].join(' ');
}

async function findByEmail(core: GalleyCore, email: string): Promise<string | undefined> {
  const row = await core.store.get(
    `SELECT "id" FROM ${quoteIdent(SUPERUSERS)} WHERE lower("email") = lower(${core.store.dialect.placeholder(1)})`, [email]);
  return row?.id as string | undefined;
}

export function superuserCommand(): Command {
  const cmd = new Command('superuser').description('Manage superusers');
  const deps = (core: GalleyCore) => core.recordDeps;
  const superusers = (core: GalleyCore) => core.collections.get(SUPERUSERS);

  cmd.addCommand(addDbOptions(new Command('create').argument('<email>').argument('<password>').description('Create a new superuser'))
    .action(async (email: string, password: string, flags: DbFlags) => {
      await withCore(flags, async (core) => {
        // Emails are matched case-insensitively here (upsert, delete): "A@x.com" would shadow "a@x.com".
        if (await findByEmail(core, email)) throw new Error(`a superuser with the email "${email}" already exists (use "galley superuser upsert" to change its password)`);
        await createRecord(deps(core), superusers(core), { email, password, passwordConfirm: password }, systemAccess(core.collections.registry, SUPERUSER_SYSTEM));
      });
      process.stdout.write(`Successfully created new superuser "${email}"!\n`);
    }));

  cmd.addCommand(addDbOptions(new Command('upsert').argument('<email>').argument('<password>').description('Create, or update the password of, a superuser'))
    .action(async (email: string, password: string, flags: DbFlags) => {
      await withCore(flags, async (core) => {
        const id = await findByEmail(core, email);
        const body = { email, password, passwordConfirm: password };
        if (id) await updateRecord(deps(core), superusers(core), id, body, systemAccess(core.collections.registry, SUPERUSER_SYSTEM));
        else await createRecord(deps(core), superusers(core), body, systemAccess(core.collections.registry, SUPERUSER_SYSTEM));
      });
      process.stdout.write(`Successfully saved superuser "${email}"!\n`);
    }));

  cmd.addCommand(addDbOptions(new Command('delete').argument('<email>').description('Delete a superuser'))
    .action(async (email: string, flags: DbFlags) => {
      await withCore(flags, async (core) => {
        const id = await findByEmail(core, email);
        if (!id) throw new Error(`superuser "${email}" does not exist`);
        await deleteRecord(deps(core), superusers(core), id, systemAccess(core.collections.registry, SUPERUSER_SYSTEM));
      });
      process.stdout.write(`Successfully deleted superuser "${email}"!\n`);
    }));
  cmd.addCommand(addDbOptions(new Command('ips').argument('[ips...]').option('--clear', 'allow superusers from any IP')
    .description('Show, set (IPs or CIDRs) or clear the IP allow-list of superusers'))
    .action(async (ips: string[], flags: DbFlags & { clear?: boolean }) => {
      const list = await withCore(flags, async (core) => {
        if (flags.clear || ips.length) return (await core.settings.update({ superuserIPs: flags.clear ? [] : ips })).superuserIPs;
        return (await core.settings.get()).superuserIPs;
      });
      process.stdout.write(list.length ? `Superusers are allowed from: ${list.join(', ')}\n` : 'Superusers are allowed from any IP.\n');
    }));
  return cmd;
}

