import type { MigrationContext } from 'galley';

// A new field, then a backfill whose SQL differs per engine.
export async function up(m: MigrationContext): Promise<void> {
  const posts = m.collections.get('posts');
  // `fields` is the whole list, as in PATCH /api/collections/posts.
  await m.collections.update('posts', { fields: [...posts.fields, { name: 'slug', type: 'text' }] });
  const slug = m.dialect === 'postgres'
    ? `regexp_replace(lower("title"), '[^a-z0-9]+', '-', 'g')`
    : `replace(lower("title"), ' ', '-')`;
  await m.sql(`UPDATE "posts" SET "slug" = ${slug} WHERE "slug" = ${m.placeholder(1)}`, ['']);
}

export async function down(m: MigrationContext): Promise<void> {
  const posts = m.collections.get('posts');
  await m.collections.update('posts', { fields: posts.fields.filter((f) => f.name !== 'slug') });
}
