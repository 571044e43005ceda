// A hook that validates and completes records: runs inside the write transaction,
// before the INSERT; throwing an ApiError stops the write with that error.
import { ApiError, type GalleyApp } from 'galley';

const slugify = (text: string) => text.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export default (app: GalleyApp) => {
  app.onRecordCreate('posts', async (e) => {
    const title = String(e.record.title ?? '');
    if (/\bspam\b/i.test(title)) {
      throw new ApiError(400, 'Failed to create record.', { title: { code: 'validation_spam', message: 'Titles cannot mention spam.' } });
    }
    e.record.slug = slugify(title);
    await e.next();
  });
};
