/** `lower(column)` indexes, as PocketBase apps write them, on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure } from './support/sdk.js';

describe.each(ENGINES)('lower() indexes on %s', (engine) => {
  let g: TestGalley;
  const index = 'CREATE UNIQUE INDEX `idx_things_title` ON `things` (lower(`title`))';

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'things', type: 'base', createRule: '', fields: [{ name: 'title', type: 'text' }], indexes: [index] });
  });
  afterAll(() => g.close());

  it('is echoed unchanged and makes values unique case-insensitively', async () => {
    expect((await g.admin.collections.getOne('things')).indexes).toEqual([index]);
    await g.client().collection('things').create({ title: 'Hello' });
    const err = await failure(g.client().collection('things').create({ title: 'hELLO' }));
    expect(err.response.data.title.code).toBe('validation_not_unique');
  });

  it('refuses other expressions', async () => {
    const err = await failure(g.admin.collections.create({
      name: 'others', type: 'base', fields: [{ name: 'title', type: 'text' }], indexes: ['CREATE INDEX idx_o ON others (upper(title))'],
    }));
    expect(err.response.data.indexes['0'].code).toBe('validation_invalid_index_expression');
  });
});
