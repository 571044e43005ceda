/**
 * Default definitions: the system fields every collection type starts with, the
 * default auth options, and the collections a new Galley data directory ships with
 * (`_superusers`, `users` and `_externalAuths`, as PocketBase ships them).
 */
import type { FieldModel } from '../fields/field.js';
import { fieldType } from '../fields/registry.js';
import type { AuthOptions, CollectionModel, CollectionType } from './model.js';
import { fieldIdFor, randomSecret } from './ids.js';
import { nowDateTime } from '../fields/datetime.js';
import { parseIndex } from './indexes.js';

export const SUPERUSERS_ID = 'pbc_3142635823';
export const SUPERUSERS = '_superusers';
export const USERS_ID = '_pb_users_auth_';
export const EXTERNAL_AUTHS = '_externalAuths';
export const EXTERNAL_AUTHS_ID = 'pbc_2281828961';

/** A field with every option of its type filled in (unknown types are left as given). */
export function completeField(input: Partial<FieldModel> & { name: string; type: string }): FieldModel {
  const type = fieldType(input.type);
  return {
    id: input.id || fieldIdFor(input.type, input.name),
    name: input.name,
    type: input.type,
    system: input.system ?? false,
    hidden: input.hidden ?? false,
    presentable: input.presentable ?? false,
    help: input.help ?? '',
    ...structuredClone(type?.defaults ?? {}),
    ...stripCommon(input),
  } as FieldModel;
}

function stripCommon(input: Record<string, unknown>): Record<string, unknown> {
  const { id: _i, name: _n, type: _t, system: _s, hidden: _h, presentable: _p, help: _he, ...rest } = input;
  return rest;
}

export const idField = (): FieldModel =>
  completeField({
    name: 'id', type: 'text', system: true, primaryKey: true, required: true,
    min: 15, max: 15, pattern: '^[a-z0-9]+$', autogeneratePattern: '[a-z0-9]{15}',
  });

export const autodateFields = (): FieldModel[] => [
  completeField({ name: 'created', type: 'autodate', onCreate: true, onUpdate: false }),
  completeField({ name: 'updated', type: 'autodate', onCreate: true, onUpdate: true }),
];

export function authSystemFields(): FieldModel[] {
  return [
    completeField({ name: 'password', type: 'password', system: true, hidden: true, required: true, min: 8 }),
    completeField({
      name: 'tokenKey', type: 'text', system: true, hidden: true, required: true,
      min: 30, max: 60, autogeneratePattern: '[a-zA-Z0-9]{50}',
    }),
    completeField({ name: 'email', type: 'email', system: true, required: true }),
    completeField({ name: 'emailVisibility', type: 'bool', system: true }),
    completeField({ name: 'verified', type: 'bool', system: true }),
  ];
}

/** The unique indexes every auth collection needs on tokenKey and email (PocketBase's definitions). */
export function authIndexes(collectionId: string, name: string): string[] {
  return [
    `CREATE UNIQUE INDEX \`${systemIndexName('tokenKey', collectionId)}\` ON \`${name}\` (\`tokenKey\`)`,
    `CREATE UNIQUE INDEX \`${systemIndexName('email', collectionId)}\` ON \`${name}\` (\`email\`) WHERE \`email\` != ''`,
  ];
}

/**
 * PocketBase's name for a system field's index, `idx_<field>_<collection id>`. It cuts
 * the name at 64 characters; 63 here, PostgreSQL's identifier limit, so that a long
 * collection id still gives a name both engines accept.
 */
function systemIndexName(field: string, collectionId: string): string {
  return `idx_${field}_${collectionId.replace(/\W/g, '')}`.slice(0, 63);
}

/**
 * Adds the tokenKey and email unique indexes an auth definition lacks, as PocketBase
 * does when it initialises the system fields on save: a create, update or import that
 * leaves them out (e.g. lists only a unique `username` index) still gets them. A
 * single-column unique index on the field, whatever its name or WHERE clause, counts.
 */
export function ensureAuthIndexes(model: CollectionModel): void {
  if (model.type !== 'auth' || !Array.isArray(model.indexes) || typeof model.name !== 'string') return; // validation reports it
  const uniqueColumns = new Set<string>();
  for (const sql of model.indexes) {
    if (typeof sql !== 'string') continue;
    try {
      const idx = parseIndex(sql);
      if (idx.unique && idx.columns.length === 1) uniqueColumns.add(idx.columns[0]!.name.toLowerCase());
    } catch {
      // validation reports it
    }
  }
  const [tokenKey, email] = authIndexes(String(model.id), model.name);
  if (!uniqueColumns.has('tokenkey')) model.indexes = [...model.indexes, tokenKey!];
  if (!uniqueColumns.has('email')) model.indexes = [...model.indexes, email!];
}

const link = (path: string) => `{APP_URL}/_/#/auth/${path}/{TOKEN}`;
const template = (subject: string, action: string, url: string, button: string): { subject: string; body: string } => ({
  subject,
  body: `<p>Hello,</p>\n<p>${action}</p>\n<p>\n  <a class="btn" href="${url}" target="_blank" rel="noopener">${button}</a>\n</p>\n<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>`,
});

export function defaultAuthOptions(): AuthOptions {
  const token = (duration: number) => ({ duration, secret: randomSecret() });
  return {
    authRule: '',
    manageRule: null,
    authAlert: {
      enabled: true,
      emailTemplate: {
        subject: 'Login from a new location',
        body: '<p>Hello,</p>\n<p>We noticed a login to your {APP_NAME} account from a new location:</p>\n<p><em>{ALERT_INFO}</em></p>\n<p><strong>If this wasn\'t you, you should immediately change your {APP_NAME} account password to revoke access from all other locations.</strong></p>\n<p>If this was you, you may disregard this email.</p>\n<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>',
      },
    },
    oauth2: { enabled: false, mappedFields: { id: '', name: '', username: '', avatarURL: '' }, providers: [] },
    passwordAuth: { enabled: true, identityFields: ['email'] },
    mfa: { enabled: false, duration: 600, rule: '' },
    otp: {
      enabled: false, duration: 180, length: 8,
      emailTemplate: {
        subject: 'OTP for {APP_NAME}',
        body: '<p>Hello,</p>\n<p>Your one-time password is: <strong>{OTP}</strong></p>\n<p><i>If you didn\'t ask for the one-time password, you can ignore this email.</i></p>\n<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>',
      },
    },
    authToken: token(432000),
    passwordResetToken: token(1800),
    emailChangeToken: token(1800),
    verificationToken: token(86400),
    fileToken: token(180),
    verificationTemplate: template('Verify your {APP_NAME} email', 'Thank you for joining us at {APP_NAME}.</p>\n<p>Click on the button below to verify your email address.', link('confirm-verification'), 'Verify'),
    resetPasswordTemplate: template('Reset your {APP_NAME} password', 'Click on the button below to reset your password.', link('confirm-password-reset'), 'Reset password'),
    confirmEmailChangeTemplate: template('Confirm your {APP_NAME} new email address', 'Click on the button below to confirm your new email address.', link('confirm-email-change'), 'Confirm new email'),
  };
}

/** A new collection of the given type with its system fields and defaults. */
export function newCollection(type: CollectionType, name: string, id: string): CollectionModel {
  const now = nowDateTime();
  const base: CollectionModel = {
    id, name, type, system: false,
    listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null,
    fields: [idField()], indexes: [], created: now, updated: now,
  };
  if (type === 'auth') {
    Object.assign(base, defaultAuthOptions());
    base.fields.push(...authSystemFields());
    base.indexes = authIndexes(id, name);
  }
  if (type === 'view') {
    base.viewQuery = '';
    base.fields = [];
  }
  return base;
}

/** `_superusers`: the dashboard/admin accounts; every rule null. */
export function superusersCollection(): CollectionModel {
  const c = newCollection('auth', SUPERUSERS, SUPERUSERS_ID);
  c.system = true;
  c.authRule = '';
  c.authToken!.duration = 86400;
  c.fields.push(...autodateFields());
  return c;
}

/** The default `users` auth collection most tutorials and SDK examples assume. */
export function usersCollection(): CollectionModel {
  const c = newCollection('auth', 'users', USERS_ID);
  c.listRule = 'id = @request.auth.id';
  c.viewRule = 'id = @request.auth.id';
  c.createRule = '';
  c.updateRule = 'id = @request.auth.id';
  c.deleteRule = 'id = @request.auth.id';
  c.oauth2!.mappedFields = { id: '', name: 'name', username: '', avatarURL: 'avatar' };
  c.fields.push(
    completeField({ name: 'name', type: 'text', max: 255 }),
    completeField({
      name: 'avatar', type: 'file', maxSelect: 1,
      mimeTypes: ['image/jpeg', 'image/png', 'image/svg+xml', 'image/gif', 'image/webp'],
    }),
    ...autodateFields(),
  );
  return c;
}

/**
 * `_externalAuths`: which OAuth2 provider account signs in as which auth record. A
 * system collection as in PocketBase, so the SDK's listExternalAuths() and
 * unlinkExternalAuth() work: a signed-in record lists and deletes its own links.
 */
export function externalAuthsCollection(): CollectionModel {
  const c = newCollection('base', EXTERNAL_AUTHS, EXTERNAL_AUTHS_ID);
  c.system = true;
  const own = "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";
  Object.assign(c, { listRule: own, viewRule: own, deleteRule: own });
  c.fields.push(
    ...['collectionRef', 'recordRef', 'provider', 'providerId'].map((name) => completeField({ name, type: 'text', required: true, system: true })),
    ...autodateFields(),
  );
  c.indexes = [
    `CREATE UNIQUE INDEX \`idx_externalAuths_record_provider\` ON \`${EXTERNAL_AUTHS}\` (collectionRef, recordRef, provider)`,
    `CREATE UNIQUE INDEX \`idx_externalAuths_collection_provider\` ON \`${EXTERNAL_AUTHS}\` (collectionRef, provider, providerId)`,
  ];
  return c;
}
