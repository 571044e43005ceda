/** Filtering the collections list (API spec 4.5), on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure } from './support/sdk.js';

describe.each(ENGINES)('collections filter on %s', (engine) => {
  let g: TestGalley;

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'posts', type: 'base' });
    await g.admin.collections.create({ name: 'members', type: 'auth' });
  });
  afterAll(() => g.close());

  const names = async (filter: string) =>
    (await g.admin.collections.getFullList({ filter, sort: 'name' })).map((c) => c.name);

  it('filters on name, type and system', async () => {
    expect(await names('name = "posts"')).toEqual(['posts']);
    expect(await names('type = "auth"')).toEqual(['_superusers', 'members', 'users']);
    expect(await names('system = true')).toEqual(['_externalAuths', '_superusers']);
    expect(await names('name ~ "er" && system = false')).toEqual(['members', 'users']);
    expect(await names('created != ""')).toHaveLength(5);
  });

  it('finds one with the SDK helper', async () => {
    const c = await g.admin.collections.getFirstListItem('name = "members"');
    expect(c.type).toBe('auth');
  });

  it('answers 400 for an invalid filter or an unknown field', async () => {
    for (const filter of ['name = ', 'fields = "x"', 'viewQuery ~ "a"']) {
      const err = await failure(g.admin.collections.getList(1, 30, { filter }));
      expect(err.status).toBe(400);
    }
  });
});
