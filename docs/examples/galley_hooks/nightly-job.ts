// A scheduled job: runs once per cluster on PostgreSQL; listed by GET /api/crons and
// runnable now with POST /api/crons/drafts-cleanup.
import type { GalleyApp } from 'galley';

export default (app: GalleyApp) => {
  app.cron('drafts-cleanup', '0 3 * * *', async (app) => {
    const { items } = await app.records.list('posts', { filter: 'draft = true', perPage: 500 });
    for (const post of items) await app.records.delete('posts', String(post.id));
  });
};
