import type { MigrationContext } from 'galley';

// A new collection, through the same validation as POST /api/collections.
export async function up(m: MigrationContext): Promise<void> {
  await m.collections.create({
    name: 'posts',
    type: 'base',
    listRule: '',
    viewRule: '',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
      { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
    ],
    indexes: ['CREATE INDEX idx_posts_title ON posts (title)'],
  });
  // Seed data with parameterised SQL (placeholders are the engine's: ? or $1).
  const now = new Date().toISOString().replace('T', ' ');
  await m.sql(
    `INSERT INTO "posts" ("id", "title", "created", "updated") VALUES (${m.placeholder(1)}, ${m.placeholder(2)}, ${m.placeholder(3)}, ${m.placeholder(4)})`,
    ['hellohelloworld', 'Hello World', now, now],
  );
}

export async function down(m: MigrationContext): Promise<void> {
  await m.collections.delete('posts');
}
