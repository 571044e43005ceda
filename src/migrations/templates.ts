/**
 * The text of generated migration files: an empty template, a snapshot of the
 * collections, and the automatic migrations of `serve --dev`. Definitions are written
 * as the API shows them (token and OAuth2 client secrets left out, so they are not
 * committed to git; an update keeps the stored ones, a create makes new ones) and keep
 * their ids, so relations and renames replay exactly.
 */
import { publicCollection, type CollectionModel } from '../core/collections/model.js';
import type { CollectionChange } from '../core/collections/collection-service.js';

const HEADER = `import type { MigrationContext } from 'galley';\n`;

function file(up: string, down: string | undefined): string {
  const fn = (name: string, body: string) => `\nexport async function ${name}(m: MigrationContext): Promise<void> {\n${body}}\n`;
  return HEADER + fn('up', up) + (down === undefined ? '' : fn('down', down));
}

/** A definition for a migration file: public form, without timestamps. */
function definition(model: CollectionModel): Record<string, unknown> {
  const { created: _c, updated: _u, ...rest } = publicCollection(model);
  return rest;
}

const json = (value: unknown) => JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
const str = (value: string) => JSON.stringify(value);

export function emptyTemplate(): string {
  return file(
    `  // e.g. await m.collections.create({ name: 'posts', type: 'base', fields: [{ name: 'title', type: 'text' }] });\n`,
    `  // e.g. await m.collections.delete('posts');\n`,
  );
}

/**
 * Recreates every non-system collection as it is now (created where missing,
 * updated where present). No `down`: what it would undo depends on the database.
 */
export function snapshotTemplate(models: CollectionModel[]): string {
  // Views last: their query reads tables the import creates.
  const own = models.filter((m) => !m.system);
  const list = [...own.filter((m) => m.type !== 'view'), ...own.filter((m) => m.type === 'view')].map(definition);
  return file(`  const snapshot = ${json(list)};\n  await m.collections.import(snapshot, false);\n`, undefined);
}

/** The migration that replays a change made through the API, and its reverse. */
export function changeTemplate(change: CollectionChange): { name: string; text: string } {
  switch (change.action) {
    case 'create':
      return {
        name: `created_${change.model.name}`,
        text: file(`  await m.collections.create(${json(definition(change.model))});\n`, `  await m.collections.delete(${str(change.model.id)});\n`),
      };
    case 'update':
      return {
        name: `updated_${change.model.name}`,
        text: file(
          `  await m.collections.update(${str(change.model.id)}, ${json(definition(change.model))});\n`,
          `  await m.collections.update(${str(change.old.id)}, ${json(definition(change.old))});\n`,
        ),
      };
    case 'delete':
      return {
        name: `deleted_${change.old.name}`,
        text: file(`  await m.collections.delete(${str(change.old.id)});\n`, `  await m.collections.create(${json(definition(change.old))});\n`),
      };
    case 'import':
      // Both directions as complete states, so replaying reproduces exactly this one.
      return {
        name: 'imported_collections',
        text: file(
          `  await m.collections.import(${json(change.models.map(definition))}, true);\n`,
          `  await m.collections.import(${json(change.old.map(definition))}, true);\n`,
        ),
      };
  }
}
