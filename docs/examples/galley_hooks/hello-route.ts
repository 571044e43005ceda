// Custom routes: same body parsing, errors, auth and `fields` as the built-in API.
import type { GalleyApp } from 'galley';

export default (app: GalleyApp) => {
  app.route('GET', '/api/hello/:name', (e) => ({ message: `Hello ${e.request.params.name}!` }));

  // Signed-in users only: their posts, serialised as the records API would (with ?expand=).
  app.route('GET', '/api/my/posts', async (e) => {
    const user = e.requireAuth('users');
    const { items } = await e.app.records.list('posts', { filter: 'author = {:user}', params: { user: user.id }, sort: '-created' });
    return { items: await e.serialize('posts', items, String(e.request.query.expand ?? '')) };
  });

  // Superusers only, with a body and a chosen status.
  app.route('POST', '/api/admin/announce', async (e) => {
    e.requireSuperuser();
    const { text } = await e.body();
    const post = await e.app.records.create('posts', { title: String(text ?? '') });
    return e.json(201, { id: post.id });
  });
};
